//! Amendments that push the deadline, and the officer's attachments.

use super::*;

/// A material amendment less than 15 days before the deadline pushes it out (O87 art. 27);
/// two bids only → 废标 with a public reason.
#[tokio::test]
async fn a_late_amendment_pushes_the_deadline_and_two_bids_fail_the_tender() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let id = create_published(&app, &officer, 21).await;
        for who in ["ngo-yangguang", "ngo-yimin"] {
            let c = app.sign_in_as(who, server::demo::DEMO_PASSWORD).await;
            assert_eq!(upload(&app, &c, &id, &[(1, "250000")], pdf(who), pdf("q")).await.status(), StatusCode::CREATED);
        }
        advance(&app, 10 * 24 * 3_600_000);
        let officer = app.signed_in(Role::Officer).await;
        let view: Value = sf(&app, &officer, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
        let old_deadline = view["spec"]["bid_deadline_ms"].as_i64().unwrap();
        let mut form = suzhou_form(&app, 11);
        for (k, v) in form.iter_mut() {
            if k == "input[lots][1][budget]" {
                *v = "320000".into();
            }
        }
        form.push(("input[documents_from]".into(), view["spec"]["documents_from"].as_str().unwrap().into()));
        form.push(("id".into(), id.clone()));
        form.push(("reason".into(), "定慧寺社区预算调整".into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = sf(&app, &officer, "amend_tender", &pairs).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let view: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        let new_deadline = view["spec"]["bid_deadline_ms"].as_i64().unwrap();
        assert!(
            new_deadline >= app.state.now_ms() + 15 * 24 * 3_600_000 - 1000 && new_deadline > old_deadline,
            "pushed to 15 days out"
        );
        assert!(view["versions"][1]["pushed_from"].is_i64());

        advance(&app, new_deadline - app.state.now_ms());
        let officer = app.signed_in(Role::Officer).await;
        assert_eq!(sf(&app, &officer, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK);
        assert_eq!(sf(&app, &officer, "conclude_review", &[("id", &id)]).await.status(), StatusCode::OK);
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["summary"]["status"], "failed");
        assert!(public["failed_reason"].as_str().unwrap().contains("不足三家"), "{public}");
        let audit = app.audit().await;
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "tender.fail" && e["entity_id"] == id.as_str()));
    }
}

/// The officer's attachments: checked like bid documents, public once published; after
/// publication a new document is an amendment with a reason, until the bid deadline.
#[tokio::test]
async fn officers_attach_documents_before_and_after_publishing() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let form = suzhou_form(&app, 21);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let id: String = sf(&app, &officer, "create_tender", &pairs).await.json().await.unwrap();
    let attach = |who: &reqwest::Client, bytes: Vec<u8>, name: &'static str, reason: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("reason", reason)
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        who.post(format!("{}/api/v1/tenders/{id}/attachments", app.base)).multipart(form).send()
    };
    let doc = pdf("服务内容指导目录").1;
    assert_eq!(attach(&officer, doc.clone(), "服务内容指导目录.pdf", "").await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(field_code(attach(&officer, doc.clone(), "again.pdf", "").await.unwrap()).await, "attachment_exists");
    assert_eq!(
        field_code(attach(&officer, zip_of(&[("../x.pdf", b"x")]), "bad.zip", "").await.unwrap()).await,
        "zip_unsafe_path"
    );
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&doc));
    let url = format!("{}/api/v1/tenders/{id}/attachments/{sha}", app.base);
    assert_eq!(
        app.anon().get(&url).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "a draft's attachment is not public"
    );
    assert_eq!(sf(&app, &officer, "publish_tender", &[("id", &id)]).await.status(), StatusCode::OK);
    let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(public["attachments"][0]["file_name"], "服务内容指导目录.pdf");
    assert_eq!(app.anon().get(&url).send().await.unwrap().bytes().await.unwrap().to_vec(), doc);

    // Published: a reason is required, and a refused amendment keeps nothing.
    let files_before = walk(app.state.storage.root());
    assert_eq!(
        field_code(attach(&officer, pdf("清单").1, "服务需求清单.pdf", "").await.unwrap()).await,
        "reason_required"
    );
    assert_eq!(walk(app.state.storage.root()), files_before);
    // Two days before the deadline: the amendment pushes it to 15 days out.
    let deadline = public["spec"]["bid_deadline_ms"].as_i64().unwrap();
    advance(&app, deadline - 2 * 24 * 3_600_000 - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    let res = attach(&officer, pdf("清单").1, "服务需求清单.pdf", "补充服务需求清单").await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(public["attachments"].as_array().unwrap().len(), 2);
    let latest = public["versions"].as_array().unwrap().iter().find(|v| v["version"] == 2).expect("version 2").clone();
    assert_eq!(latest["reason"], "补充服务需求清单");
    assert_eq!(latest["material"], true);
    assert_eq!(latest["changes"][0]["field"], "attachments");
    assert_eq!(latest["pushed_from"].as_i64(), Some(deadline));
    let pushed = public["spec"]["bid_deadline_ms"].as_i64().unwrap();
    assert!(pushed >= app.state.now_ms() + 15 * 24 * 3_600_000, "deadline pushed to 15 days out");

    advance(&app, pushed - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    assert_eq!(
        field_code(attach(&officer, pdf("late").1, "late.pdf", "截止后补充材料").await.unwrap()).await,
        "attachments_frozen"
    );
    let audit = app.audit().await.to_string();
    assert!(audit.contains("tender.attach") && audit.contains("tender.amend") && audit.contains("服务需求清单.pdf"));
}

/// Project numbers (项目编号) run per purchaser region and Beijing-time year; tenders created at
/// the same moment never share one, and another region counts from 1 on its own.
#[tokio::test]
async fn project_numbers_run_per_region_and_year() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let gusu = app.sign_in_as("officer-gusu", server::demo::DEMO_PASSWORD).await;
        let form = suzhou_form(&app, 30);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // Five drafts at once from the city unit, one from the district.
        let city = futures::future::join_all((0..5).map(|_| sf(&app, &officer, "create_tender", &pairs))).await;
        let district = sf(&app, &gusu, "create_tender", &pairs).await;
        let year = chrono::DateTime::from_timestamp_millis(app.state.now_ms())
            .unwrap()
            .with_timezone(&app::domain::time::shanghai())
            .format("%Y")
            .to_string();
        let mut numbers = Vec::new();
        for res in city {
            assert_eq!(res.status(), StatusCode::OK);
            let id: String = res.json().await.unwrap();
            let view: Value = sf(&app, &officer, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
            numbers.push(view["summary"]["project_no"].as_str().unwrap().to_string());
        }
        numbers.sort();
        let expected: Vec<String> = (1..=5).map(|n| format!("320500-{year}-{n:04}")).collect();
        assert_eq!(numbers, expected, "{}", backend.name());
        let id: String = district.json().await.unwrap();
        let view: Value = sf(&app, &gusu, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(view["summary"]["project_no"], format!("320508-{year}-0001"));
    }
}

/// Public documents are kept once typeset, but never served stale: an amendment makes a new one.
#[tokio::test]
async fn a_cached_notice_follows_every_amendment() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = create_published(&app, &officer, 30).await;
    let notice = || async {
        let res = app.anon().get(format!("{}/api/v1/tenders/{id}/notice.pdf", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.bytes().await.unwrap()
    };
    let first = notice().await;
    assert_eq!(notice().await, first, "the same tender gives the same document");
    let view: Value = sf(&app, &officer, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
    let mut form = suzhou_form(&app, 30);
    for (k, v) in form.iter_mut() {
        if k == "input[title]" {
            *v = "双塔街道“4+1”社区服务综合包（更正后）".into();
        }
    }
    form.push(("input[documents_from]".into(), view["spec"]["documents_from"].as_str().unwrap().into()));
    form.push(("id".into(), id.clone()));
    form.push(("reason".into(), "项目名称更正".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = sf(&app, &officer, "amend_tender", &pairs).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let amended = notice().await;
    assert_ne!(amended, first);
    let text: String = pdf_text(&amended).split_whitespace().collect();
    assert!(text.contains("（更正后）") && text.contains("第2版"), "{text}");
}

/// The board is filtered and paged in SQL: 50 notices a page, newest first, cursors that neither
/// repeat nor skip a notice, never a draft; the search matches project number, title, buyer and
/// region literally (`%` is a percent sign, not a wildcard); a bad cursor or status is a 422 with
/// its code, not a 500.
#[tokio::test]
async fn the_board_pages_and_filters_in_sql() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let mut ids = Vec::new();
        for i in 0..53 {
            let mut form = flow::suzhou_form(&app, 21);
            for (k, v) in form.iter_mut() {
                if k == "input[title]" {
                    *v = format!("第{i:02}号社区服务包{}", if i == 7 { "（100%覆盖）" } else { "" });
                }
            }
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let id: String = flow::sf(&app, &officer, "create_tender", &pairs).await.json().await.unwrap();
            if i < 52 {
                let published = flow::sf(&app, &officer, "publish_tender", &[("id", &id)]).await;
                assert_eq!(published.status(), StatusCode::OK, "{backend:?}");
                ids.push(id);
            }
            // Each its own publication time, so the order is the publication order.
            flow::advance(&app, 1_000);
        }
        let anon = app.anon();
        let board = |query: String| {
            let anon = anon.clone();
            let url = format!("{}/api/v1/tenders{query}", app.base);
            async move {
                let res = anon.get(url).send().await.unwrap();
                (res.status(), res.json::<Value>().await.unwrap())
            }
        };
        let row_ids = |page: &Value| -> Vec<String> {
            page["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
        };
        let (status, first) = board(String::new()).await;
        assert_eq!(status, StatusCode::OK, "{backend:?}: {first}");
        let first_ids = row_ids(&first);
        assert_eq!(first_ids.len(), 50, "{backend:?}");
        assert_eq!(first_ids[0], ids[51], "{backend:?}: newest first");
        let next = first["next"].as_str().expect("a second page").to_string();
        let (_, second) = board(format!("?after={next}")).await;
        let second_ids = row_ids(&second);
        assert_eq!(second_ids.len(), 2, "{backend:?}");
        assert_eq!(second["next"], Value::Null, "{backend:?}: the last page");
        let mut all: Vec<String> = first_ids.into_iter().chain(second_ids).collect();
        all.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(all, want, "{backend:?}: every published notice once, the draft never");

        let (_, percent) = board("?q=%25".into()).await;
        assert_eq!(row_ids(&percent), vec![ids[7].clone()], "{backend:?}: % is literal");
        let (_, title) = board("?q=100%25覆盖".into()).await;
        assert_eq!(row_ids(&title), vec![ids[7].clone()], "{backend:?}");
        // Through the search index: every bigram of `6-2026` is in every project number
        // (320500-2026-00nn), but the text is in none; a bigram no tender has ends it at once.
        for q in ["6-2026", "不存在的项目"] {
            let (status, none) = board(format!("?q={q}")).await;
            assert_eq!((status, row_ids(&none)), (StatusCode::OK, vec![]), "{backend:?} {q}");
        }
        let (_, word) = board("?q=第07号社区".into()).await;
        assert_eq!(row_ids(&word), vec![ids[7].clone()], "{backend:?}");
        // A number the search encloses is read whole from the index: `100` of `（100%`, `2026`
        // of `-2026-` (in every project number, a full page); a number no notice has ends it.
        let (_, enclosed) = board("?q=（100%25".into()).await;
        assert_eq!(row_ids(&enclosed), vec![ids[7].clone()], "{backend:?}");
        let (_, year) = board("?q=-2026-".into()).await;
        assert_eq!((row_ids(&year).len(), year["next"].is_string()), (50, true), "{backend:?}");
        let (_, other_year) = board("?q=-2027-".into()).await;
        assert_eq!(row_ids(&other_year), Vec::<String>::new(), "{backend:?}");
        // The search reads the index: emptied, it finds nothing; start-up fills it again.
        sqlx::query("DELETE FROM tender_terms").execute(&app.state.db.pool).await.unwrap();
        assert_eq!(row_ids(&board("?q=第07号社区".into()).await.1), Vec::<String>::new(), "{backend:?}");
        assert_eq!(app::tenders::server::fill_search_terms(&app.state.db).await.unwrap(), 53, "{backend:?}");
        assert_eq!(row_ids(&board("?q=第07号社区".into()).await.1), vec![ids[7].clone()], "{backend:?}");
        let project_no = second["rows"][1]["project_no"].as_str().unwrap().to_string();
        let (_, by_number) = board(format!("?q={project_no}")).await;
        assert_eq!(row_ids(&by_number), vec![ids[0].clone()], "{backend:?}: the oldest by its number");
        let (_, suzhou) = board("?region=苏州市&scheme=suzhou-street-4plus1&status=published".into()).await;
        assert_eq!(row_ids(&suzhou).len(), 50, "{backend:?}");
        assert_eq!(suzhou["regions"], json!(["苏州市"]), "{backend:?}");
        let (_, elsewhere) = board("?region=深圳市".into()).await;
        assert_eq!(row_ids(&elsewhere).len(), 0, "{backend:?}");
        let (_, awarded) = board("?status=awarded".into()).await;
        assert_eq!(row_ids(&awarded).len(), 0, "{backend:?}");
        for (query, code) in [("?status=draft", "status_unknown"), ("?after=yesterday", "cursor_invalid")] {
            let (status, body) = board(query.into()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?} {query}");
            assert!(body.to_string().contains(code), "{backend:?} {query}: {body}");
        }
        // The board page's server function answers the same query.
        let page: Value = flow::sf(&app, &anon, "public_tenders", &[("q", "100%覆盖")]).await.json().await.unwrap();
        assert_eq!(row_ids(&page), vec![ids[7].clone()], "{backend:?}");

        // The officer's list pages the same way, newest created first, drafts included.
        let mine: Value = flow::sf(&app, &officer, "officer_tenders", &[]).await.json().await.unwrap();
        assert_eq!(row_ids(&mine).len(), 50, "{backend:?}");
        let next = mine["next"].as_str().expect("a second page").to_string();
        let older: Value = flow::sf(&app, &officer, "officer_tenders", &[("after", &next)]).await.json().await.unwrap();
        assert_eq!(row_ids(&older).len(), 3, "{backend:?}: 52 published and a draft");
        assert_eq!(older["next"], Value::Null, "{backend:?}");
        assert_eq!(row_ids(&older)[2], ids[0], "{backend:?}: the oldest last");
    }
}
