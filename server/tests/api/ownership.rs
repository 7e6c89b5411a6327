//! Purchaser units: each unit's officers act on its own tenders only (another unit's officer
//! finds nothing: 404), supervisors read what lies within their unit's region, and a platform
//! admin does not act inside an NGO.

use super::*;
use flow::{sf, suzhou_form};

async fn tender_id(app: &TestApp, title: &str) -> String {
    sqlx::query("SELECT id FROM tenders WHERE title = $1")
        .bind(title)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id")
}

/// Every purchaser-side server function and route about one tender, as another unit's officer
/// would call them: all 404, before and after the opening.
async fn assert_invisible(app: &TestApp, client: &reqwest::Client, id: &str, who: &str) {
    let calls: &[(&str, &[(&str, &str)])] = &[
        ("tender_detail", &[]),
        ("amend_tender", &[("reason", "另一单位的更正"), ("input[title]", "x")]),
        ("publish_tender", &[]),
        ("open_bids", &[]),
        ("review_rows", &[]),
        ("review_bid", &[("bid_id", "x"), ("outcome", "pass"), ("reason", "")]),
        ("conclude_review", &[]),
        ("ranking", &[]),
        ("award", &[("lot", "0"), ("bid_id", "x")]),
        ("opening_record", &[]),
    ];
    for (name, extra) in calls {
        let mut form = vec![("id", id)];
        form.extend_from_slice(extra);
        let res = sf(app, client, name, &form).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: {name}");
    }
    for path in ["opening-record.pdf", "award-notice.pdf", "bids/x/files/technical", "bids/x/files/technical/0"] {
        let res = client.get(format!("{}/api/v1/tenders/{id}/{path}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: {path}");
    }
    let form = reqwest::multipart::Form::new()
        .text("reason", "另一单位补充附件")
        .part("file", reqwest::multipart::Part::bytes(flow::pdf("x").1).file_name("x.pdf"));
    let res =
        client.post(format!("{}/api/v1/tenders/{id}/attachments", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "{who}: attachments");
}

#[tokio::test]
async fn only_the_tenders_own_unit_acts_on_it() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        server::demo::seed_tenders(&app.state).await.unwrap();
        let own = app.signed_in(Role::Officer).await;
        let other = app.sign_in_as("officer-gusu", server::demo::DEMO_PASSWORD).await;
        let id = tender_id(&app, server::demo::DEMO_TENDER_TO_OPEN).await;

        // Before the opening, and after the tender's own unit opened it.
        assert_invisible(&app, &other, &id, "officer-gusu before opening").await;
        assert_eq!(sf(&app, &own, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK);
        assert_invisible(&app, &other, &id, "officer-gusu after opening").await;
        assert_eq!(sf(&app, &own, "review_rows", &[("id", &id)]).await.status(), StatusCode::OK);

        // Lists: a unit sees its own tenders, whoever of its officers created them.
        let mine: Value = sf(&app, &own, "officer_tenders", &[]).await.json().await.unwrap();
        assert!(mine["rows"].as_array().unwrap().iter().any(|t| t["id"] == id.as_str()));
        let theirs: Value = sf(&app, &other, "officer_tenders", &[]).await.json().await.unwrap();
        assert!(theirs["rows"].as_array().unwrap().is_empty(), "{theirs}");

        // A draft is invisible to the other unit, attachments included.
        let draft: String = sf(
            &app,
            &own,
            "create_tender",
            &suzhou_form(&app, 30).iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<Vec<_>>(),
        )
        .await
        .json()
        .await
        .unwrap();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(flow::pdf("draft").1).file_name("需求.pdf"));
        let res =
            own.post(format!("{}/api/v1/tenders/{draft}/attachments", app.base)).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let detail: Value = sf(&app, &own, "tender_detail", &[("id", &draft)]).await.json().await.unwrap();
        let sha = detail["attachments"][0]["sha256"].as_str().unwrap().to_string();
        assert_invisible(&app, &other, &draft, "officer-gusu on a draft").await;
        let res = other.get(format!("{}/api/v1/tenders/{draft}/attachments/{sha}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        let res = own.get(format!("{}/api/v1/tenders/{draft}/attachments/{sha}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // A draft's notice and document: a preview for its own unit, nothing for anyone else.
        for doc in ["notice.pdf", "document.pdf"] {
            let url = format!("{}/api/v1/tenders/{draft}/{doc}", app.base);
            assert_eq!(own.get(&url).send().await.unwrap().status(), StatusCode::OK, "{doc}");
            assert_eq!(other.get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{doc}");
            assert_eq!(app.anon().get(&url).send().await.unwrap().status(), StatusCode::NOT_FOUND, "{doc}");
        }

        // Questions on a published tender are answered by its own unit only.
        let open = tender_id(&app, server::demo::DEMO_TENDER_OPEN).await;
        let bidder = app.signed_in(Role::Bidder).await;
        let q: String = sf(&app, &bidder, "ask_question", &[("id", &open), ("question", "服务场地面积是多少？")])
            .await
            .json()
            .await
            .unwrap();
        let answer = [("question_id", q.as_str()), ("answer", "约420平方米")];
        assert_eq!(sf(&app, &other, "answer_question", &answer).await.status(), StatusCode::NOT_FOUND);
        let pending: Value = sf(&app, &other, "clarifications", &[("id", &open)]).await.json().await.unwrap();
        assert!(pending.as_array().unwrap().is_empty(), "another unit sees only published answers: {pending}");
        assert_eq!(sf(&app, &own, "answer_question", &answer).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_supervisor_reads_within_its_region_only() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    server::demo::seed_tenders(&app.state).await.unwrap();
    // The demo supervisor belongs to 苏州市财政局 (region 320500).
    let auditor = app.signed_in(Role::Auditor).await;
    let suzhou = tender_id(&app, server::demo::DEMO_TENDER_TO_OPEN).await;
    let shenzhen = tender_id(&app, server::demo::DEMO_CALL).await;
    assert_eq!(sf(&app, &auditor, "tender_detail", &[("id", &suzhou)]).await.status(), StatusCode::OK);
    assert_eq!(sf(&app, &auditor, "tender_detail", &[("id", &shenzhen)]).await.status(), StatusCode::NOT_FOUND);
    // Supervisors act on nothing.
    assert_eq!(sf(&app, &auditor, "open_bids", &[("id", &suzhou)]).await.status(), StatusCode::FORBIDDEN);
    // The Shenzhen call belongs to 深圳市民政局's unit, not to Suzhou's officer.
    let suzhou_officer = app.signed_in(Role::Officer).await;
    assert_eq!(sf(&app, &suzhou_officer, "tender_detail", &[("id", &shenzhen)]).await.status(), StatusCode::NOT_FOUND);
    let sz = app.sign_in_as("officer-sz", server::demo::DEMO_PASSWORD).await;
    assert_eq!(sf(&app, &sz, "tender_detail", &[("id", &shenzhen)]).await.status(), StatusCode::OK);

    // The audit log too: the Suzhou supervisor reads Suzhou's tenders, not Shenzhen's; an admin
    // reads both; the platform's own records (accounts, units) stay visible to supervisors.
    let tenders_in = |log: &Value| -> Vec<String> {
        log.as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity"] == "tender")
            .map(|e| e["entity_id"].as_str().unwrap().to_string())
            .collect()
    };
    for read in ["api", "server_fn"] {
        let log: Value = if read == "api" {
            auditor.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap()
        } else {
            sf(&app, &auditor, "audit_log", &[]).await.json().await.unwrap()
        };
        let seen = tenders_in(&log);
        assert!(seen.contains(&suzhou) && !seen.contains(&shenzhen), "{read}: {seen:?}");
        assert!(log.to_string().contains("session.sign_in"), "{read}");
    }
    let admin = app.signed_in(Role::Admin).await;
    let all: Value = admin.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(tenders_in(&all).contains(&shenzhen));

    // However busy another region is, the supervisor still reads a full page of its own: 250
    // newer entries about the Shenzhen call fill the admin's page, not the supervisor's.
    let before = auditor.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json::<Value>().await.unwrap();
    let mut tx = app.state.db.pool.begin().await.unwrap();
    for _ in 0..250 {
        app::server::audit::record(
            &mut tx,
            app.state.now_ms(),
            app::server::audit::Actor::System,
            app::server::audit::Change::new("tender.amend", "tender", &shenzhen),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let after = auditor.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json::<Value>().await.unwrap();
    assert_eq!(after.as_array().unwrap().len(), before.as_array().unwrap().len(), "the same entries as before");
    assert!(tenders_in(&after).contains(&suzhou) && !tenders_in(&after).contains(&shenzhen));
    let all: Value = admin.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 200);
    assert!(!tenders_in(&all).contains(&suzhou), "the admin's page is all Shenzhen now");
}

#[tokio::test]
async fn units_are_checked_and_officers_need_one() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let admin = app.signed_in(Role::Admin).await;
    let units: Value = sf(&app, &admin, "purchasers", &[]).await.json().await.unwrap();
    let suzhou = units.as_array().unwrap().iter().find(|u| u["name"] == "苏州市民政局").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A district under 无锡 cannot sit below 苏州市民政局; a level must match its code.
    let bad = sf(
        &app,
        &admin,
        "create_purchaser",
        &[
            ("unit[name]", "无锡市梁溪区民政局"),
            ("unit[level]", "district"),
            ("unit[region_code]", "320213"),
            ("unit[region_name]", "无锡市梁溪区"),
            ("unit[parent_id]", &suzhou),
        ],
    )
    .await;
    assert_eq!(flow::field_code(bad).await, "unit_parent_mismatch");
    let bad = sf(
        &app,
        &admin,
        "create_purchaser",
        &[
            ("unit[name]", "吴中区民政局"),
            ("unit[level]", "city"),
            ("unit[region_code]", "320506"),
            ("unit[region_name]", "苏州市吴中区"),
        ],
    )
    .await;
    assert_eq!(flow::field_code(bad).await, "region_level_mismatch");
    let ok = sf(
        &app,
        &admin,
        "create_purchaser",
        &[
            ("unit[name]", "苏州市吴中区民政局"),
            ("unit[level]", "district"),
            ("unit[region_code]", "320506"),
            ("unit[region_name]", "苏州市吴中区"),
            ("unit[parent_id]", &suzhou),
        ],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let unit: String = ok.json().await.unwrap();
    let officer = |unit: &'static str| -> Vec<(&'static str, &'static str)> {
        vec![
            ("new_user[username]", "wuzhong.li"),
            ("new_user[display_name]", "吴中区采购员"),
            ("new_user[role]", "officer"),
            ("new_user[purchaser_id]", unit),
            ("new_user[password]", "0123456789abc"),
        ]
    };
    assert_eq!(flow::field_code(sf(&app, &admin, "create_user", &officer("")).await).await, "unit_required");
    let unit: &'static str = Box::leak(unit.into_boxed_str());
    assert_eq!(sf(&app, &admin, "create_user", &officer(unit)).await.status(), StatusCode::OK);
    let wuzhong = app.sign_in_as("wuzhong.li", "0123456789abc").await;
    let me: Value = wuzhong.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["purchaser_name"], "苏州市吴中区民政局");
    assert!(app.audit().await.to_string().contains("purchaser.create"));
}

#[tokio::test]
async fn an_ngo_manages_its_own_accounts_and_an_admin_cannot_act_inside_it() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let org = app.state.db.pool.clone();
        let yangguang: String = sqlx::query("SELECT id FROM organisations WHERE name = $1")
            .bind(server::demo::DEMO_ORGS[0].0)
            .fetch_one(&org)
            .await
            .unwrap()
            .get("id");
        // An admin cannot make itself a member of an NGO (and then withdraw its sealed bid).
        let res = admin
            .post(format!("{}/api/v1/users", app.base))
            .json(&json!({"username": "mole", "display_name": "卧底", "role": "bidder", "org_id": yangguang, "password": "0123456789abc"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "bidder_made_by_own_org");
        assert!(!app
            .anon()
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "mole", "password": "0123456789abc"}))
            .send()
            .await
            .unwrap()
            .status()
            .is_success());

        // The NGO adds a colleague itself, then deactivates the account: it can no longer sign in.
        let member = app.signed_in(Role::Bidder).await;
        let added = sf(
            &app,
            &member,
            "add_colleague",
            &[("username", "yg.zhang"), ("display_name", "张社工"), ("password", "0123456789abc")],
        )
        .await;
        assert_eq!(added.status(), StatusCode::OK);
        let colleague_id: String = added.json().await.unwrap();
        let colleague = app.sign_in_as("yg.zhang", "0123456789abc").await;
        let mine: Value = sf(&app, &colleague, "colleagues", &[]).await.json().await.unwrap();
        assert_eq!(mine.as_array().unwrap().len(), 2);
        // Another NGO cannot touch it.
        let other = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        let res = sf(&app, &other, "set_account_active", &[("user_id", &colleague_id), ("active", "false")]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            sf(&app, &member, "set_account_active", &[("user_id", &colleague_id), ("active", "false")]).await.status(),
            StatusCode::OK
        );
        let gone = colleague.get(format!("{}/api/v1/me", app.base)).send().await.unwrap();
        assert_eq!(gone.status(), StatusCode::UNAUTHORIZED, "a deactivated account's session stops");
        let res = app
            .anon()
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "yg.zhang", "password": "0123456789abc"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

        // The admin deactivates accounts (not its own) and that is audited.
        let me: Value = admin.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
        let res =
            sf(&app, &admin, "set_account_active", &[("user_id", me["id"].as_str().unwrap()), ("active", "false")])
                .await;
        assert_eq!(flow::field_code(res).await, "cannot_deactivate_self");
        assert_eq!(
            sf(&app, &admin, "set_account_active", &[("user_id", &colleague_id), ("active", "true")]).await.status(),
            StatusCode::OK
        );
        let audit = app.audit().await.to_string();
        assert!(audit.contains("user.deactivate") && audit.contains("user.activate"));
    }
}
