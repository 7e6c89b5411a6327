//! One tender from publication through amendment, sealed bids, opening, review, scoring and award to contract.

use super::*;

/// A tender in depth: publication from a template with lots, sealed zip/PDF bids, an amendment
/// with reconfirmation, withdraw and resubmit, opening (decryption), the opening record PDF,
/// qualification review with an override, then anonymous scoring, award and contract — on
/// both backends, every step audited.
#[tokio::test]
async fn a_tender_from_publication_through_review_to_contract() {
    use flow::*;
    use sha2::Digest;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let names =
            ["苏州市姑苏区阳光社会工作服务社", "苏州工业园区益民社工事务所", "苏州市吴中区和谐社会工作服务中心"];

        // 1. Bad input is reported field by field; a valid tender is created and published.
        let bad = sf(
            &app,
            &officer,
            "create_tender",
            &[
                ("input[template_id]", "suzhou-street-4plus1"),
                ("input[title]", "x"),
                ("input[bid_deadline]", &beijing_in(&app, 48)),
                ("input[opening_time]", &beijing_in(&app, 48)),
                ("input[price_weight_pct]", "5"),
            ],
        )
        .await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let bad: Value = bad.json().await.unwrap();
        let codes: Vec<&str> = bad["detail"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
        for code in [
            "title_length",
            "buyer_required",
            "national.timeline.bid_period",
            "price_weight_out_of_bounds",
            "lint_override_required",
        ] {
            assert!(codes.contains(&code), "{code} missing from {codes:?}");
        }
        let id = create_published(&app, &officer, 21).await;
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["spec"]["lots"].as_array().unwrap().len(), 2);
        assert_eq!(public["spec"]["region"], "苏州市", "the template's region when the officer names none");
        let board: Value = sf(&app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
        assert!(board["rows"].as_array().unwrap().iter().any(|t| t["id"] == id.as_str() && t["region"] == "苏州市"));
        assert_eq!(public["bid_count"], Value::Null, "the public never learns how many have bid");
        assert_eq!(public["versions"][0]["version"], 1);
        let notice = app.anon().get(format!("{}/api/v1/tenders/{id}/notice.pdf", app.base)).send().await.unwrap();
        assert_eq!(notice.status(), StatusCode::OK);
        // Saved under a Chinese name (招标公告-<title>.pdf), with an ASCII name for old clients.
        let disposition = notice.headers()["content-disposition"].to_str().unwrap().to_string();
        let zh_name = server::api::files::urlencode("招标公告-双塔街道“4+1”社区服务综合包.pdf");
        assert_eq!(disposition, format!("attachment; filename=\"tender-notice.pdf\"; filename*=UTF-8''{zh_name}"));
        let text = pdf_text(&notice.bytes().await.unwrap());
        assert!(text.contains("招标公告") && text.contains("双塔社区") && text.contains("价格分权重20%"), "{text}");
        assert!(text.replace('\n', "").contains("第2年¥400,000.00"), "{text}");
        // O87 art. 13: whom to call, how to get the documents, where the opening is.
        let flat: String = text.split_whitespace().collect();
        for part in
            ["项目联系人：王老师", "联系电话：0512-65220000", "在线免费下载", "本项目未委托采购代理机构", "开标地点"]
        {
            assert!(flat.contains(part), "{part}: {text}");
        }
        // The tender document: the template's requirements with their numbers, the scoring method.
        let document = app.anon().get(format!("{}/api/v1/tenders/{id}/document.pdf", app.base)).send().await.unwrap();
        assert_eq!(document.status(), StatusCode::OK);
        let text = pdf_text(&document.bytes().await.unwrap()).replace('\n', "");
        for part in [
            "招标文件",
            "第二章 投标人须知",
            "暗标",
            "第四章 项目团队要求",
            "专业社会工作者占50%以上",
            "评标基准价",
            "第七章 附件",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }

        let yangguang = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        let yimin = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        let hexie = app.sign_in_as("ngo-hexie", server::demo::DEMO_PASSWORD).await;

        // 2. Bids: a zip technical package, PDFs; each receipt has the SHA-256 and never a price.
        let package = zip_of(&[("技术方案.pdf", b"%PDF-1.7 plan"), ("附件/督导安排.pdf", b"%PDF-1.7 supervision")]);
        let res = upload(
            &app,
            &yangguang,
            &id,
            &[(0, "295000"), (1, "295000")],
            ("方案包.zip", package.clone()),
            pdf("yangguang qualification"),
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let receipt: Value = res.json().await.unwrap();
        assert_eq!(receipt["files"][0]["kind"], "technical");
        assert_eq!(receipt["files"][0]["sha256"], hex::encode(sha2::Sha256::digest(&package)));
        assert_eq!(receipt["files"][0]["entries"], 2);
        assert!(!receipt.to_string().contains("295000"));
        advance(&app, 60_000);
        assert_eq!(
            upload(&app, &yimin, &id, &[(0, "300000"), (1, "300000")], pdf("yimin plan"), pdf("yimin qualification"))
                .await
                .status(),
            StatusCode::CREATED
        );
        advance(&app, 60_000);
        // The blind technical proposal must not carry the bidder's name.
        let named = upload(
            &app,
            &hexie,
            &id,
            &[(0, "288000"), (1, "288000")],
            ("和谐社会工作服务中心方案.pdf", pdf("x").1),
            pdf("q"),
        )
        .await;
        assert_eq!(field_code(named).await, "technical_not_anonymous");
        // A price is for the whole term: 双塔社区 has 20万 in year 1 and 40万 in year 2.
        let over = upload(&app, &hexie, &id, &[(0, "600000.01")], pdf("p"), pdf("q")).await;
        assert_eq!(field_code(over).await, "price_over_budget");
        let res = upload_team(
            &app,
            &hexie,
            &id,
            &[(0, "288000"), (1, "288000")],
            pdf("hexie plan"),
            pdf("hexie qualification"),
            true,
        )
        .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let receipt: Value = res.json().await.unwrap();
        assert_eq!(
            receipt["team"].as_array().unwrap().len(),
            2 * server::demo::DEMO_TEAM_SIZE + 1,
            "two lots of eight and the shared person"
        );
        assert!(receipt["team"].to_string().contains("**********"), "ID numbers are masked: {receipt}");

        // Sealed at rest: no plaintext price in the database, no plaintext file in storage.
        let rows = sqlx::query("SELECT price_fen, sealed_prices FROM bids WHERE tender_id = $1")
            .bind(&id)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        for r in &rows {
            assert_eq!(r.get::<i64, _>("price_fen"), 0);
            assert!(!r.get::<String, _>("sealed_prices").contains("2950000"));
        }
        let stored: String = sqlx::query("SELECT f.stored_sha256 FROM bid_files f JOIN bids b ON b.id = f.bid_id WHERE b.tender_id = $1 AND f.kind = 'technical' AND b.org_id = (SELECT id FROM organisations WHERE name = $2)")
            .bind(&id)
            .bind(names[0])
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("stored_sha256");
        let at_rest = app.state.storage.read(&stored).await.unwrap();
        assert!(
            !at_rest.windows(4).any(|w| w == b"PK\x03\x04") && !at_rest.windows(13).any(|w| w == b"%PDF-1.7 plan"),
            "stored in the clear"
        );

        // Nobody reads a price or a file before the opening, whatever the role.
        let bid_id: String = sqlx::query("SELECT id FROM bids WHERE tender_id = $1 ORDER BY submitted_at LIMIT 1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("id");
        let auditor = app.signed_in(Role::Auditor).await;
        let admin = app.signed_in(Role::Admin).await;
        let expert = app.sign_in_as("expert-zhou", server::demo::DEMO_PASSWORD).await;
        for client in [&officer, &yangguang, &expert, &auditor, &admin, &app.anon()] {
            let file = client
                .get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/files/technical", app.base))
                .send()
                .await
                .unwrap();
            assert!(file.status().is_client_error(), "bid file readable before opening: {}", file.status());
            for name in ["ranking", "review_rows", "opening_record"] {
                let res = sf(&app, client, name, &[("id", &id)]).await;
                assert!(res.status().is_client_error(), "{name} before opening: {}", res.status());
                assert!(!res.text().await.unwrap().contains("295"));
            }
            assert!(client
                .get(format!("{}/api/v1/tenders/{id}/opening-record.pdf", app.base))
                .send()
                .await
                .unwrap()
                .status()
                .is_client_error());
        }
        assert_eq!(field_code(sf(&app, &officer, "open_bids", &[("id", &id)]).await).await, "opening_time_not_reached");
        // Until the opening nobody learns who has bid or how many: not the purchaser (no count),
        // not the audit log's readers (no bidder's entry on this tender).
        let detail: Value = sf(&app, &officer, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(detail["bid_count"], Value::Null);
        let sealed_audit = app.audit().await.to_string();
        assert!(!sealed_audit.contains("bid.submit"), "{sealed_audit}");

        // 3. A material amendment (new guidance) is published with its diff; every bid must be reconfirmed.
        let mut form = suzhou_form(&app, 21);
        let deadline = public["spec"]["bid_deadline_ms"].as_i64().unwrap();
        let local = app::domain::time::from_millis(deadline)
            .unwrap()
            .with_timezone(&app::domain::time::shanghai())
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        for (k, v) in form.iter_mut() {
            if k == "input[criteria][0][guidance]" {
                *v = "需求分析、目标与评估方法".into();
            }
            if k == "input[bid_deadline]" || k == "input[opening_time]" {
                *v = local.clone();
            }
        }
        form.push(("id".into(), id.clone()));
        let mut no_reason = form.clone();
        no_reason.push(("reason".into(), "".into()));
        let pairs: Vec<(&str, &str)> = no_reason.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(field_code(sf(&app, &officer, "amend_tender", &pairs).await).await, "reason_required");
        form.push(("reason".into(), "补充服务方案评分细则".into()));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let amended = sf(&app, &officer, "amend_tender", &pairs).await;
        assert_eq!(amended.status(), StatusCode::OK, "{}", amended.text().await.unwrap());
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        let v2 = &public["versions"][1];
        assert_eq!((v2["version"].as_i64(), v2["material"].as_bool()), (Some(2), Some(true)));
        assert_eq!(v2["changes"][0]["field"], "criteria[0]");
        assert_eq!(v2["pushed_from"], Value::Null, "21 days out: no push");
        for client in [&yangguang, &yimin, &hexie] {
            let mine: Value = sf(&app, client, "my_bid", &[("id", &id)]).await.json().await.unwrap();
            assert_eq!(mine["receipt"]["needs_reconfirmation"], true);
        }
        advance(&app, 60_000);
        assert_eq!(
            sf(&app, &yangguang, "bid_action", &[("id", &id), ("action", "reconfirm")]).await.status(),
            StatusCode::OK
        );
        // Yimin withdraws, then bids again; hexie does nothing.
        assert_eq!(
            sf(&app, &yimin, "bid_action", &[("id", &id), ("action", "withdraw")]).await.status(),
            StatusCode::OK
        );
        let mine: Value = sf(&app, &yimin, "my_bid", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(mine["receipt"], Value::Null);
        advance(&app, 60_000);
        assert_eq!(
            upload_team(
                &app,
                &yimin,
                &id,
                &[(0, "300000"), (1, "300000")],
                pdf("yimin plan 2"),
                pdf("yimin qualification"),
                true
            )
            .await
            .status(),
            StatusCode::CREATED
        );

        // 4. The deadline passes (to the millisecond); then the opening time.
        let now = app.state.now_ms();
        advance(&app, deadline - now);
        // Three weeks later the 12-hour sessions have expired: everyone signs in again.
        assert_eq!(
            hexie.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
        let hexie = app.sign_in_as("ngo-hexie", server::demo::DEMO_PASSWORD).await;
        let late = upload(&app, &hexie, &id, &[(0, "1000")], pdf("late"), pdf("late")).await;
        assert_eq!(field_code(late).await, "bid_deadline_passed");
        let officer = app.signed_in(Role::Officer).await;
        let yangguang = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        assert_eq!(sf(&app, &officer, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK);
        let detail: Value = sf(&app, &officer, "tender_detail", &[("id", &id)]).await.json().await.unwrap();
        assert!(detail["bid_count"].as_i64().is_some_and(|n| n > 0), "counted once opened: {}", detail["bid_count"]);
        let file = officer
            .get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/files/technical", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(file.headers()["content-type"], "application/zip");
        assert_eq!(file.bytes().await.unwrap().to_vec(), package, "decrypted byte for byte");
        // Asked for by lot (as the ranking links it), the one proposal answers every lot.
        let for_lot = officer
            .get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/files/technical/1", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(for_lot.bytes().await.unwrap().to_vec(), package);

        // The opening record: purchaser side and the tender's bidders; not experts.
        let record: Value = sf(&app, &yangguang, "opening_record", &[("id", &id)]).await.json().await.unwrap();
        let orgs: Vec<&str> =
            record["rows"].as_array().unwrap().iter().map(|r| r["org_name"].as_str().unwrap()).collect();
        assert_eq!(orgs, [names[0], names[2], names[1]]);
        assert_eq!(record["rows"][0]["lots"][0]["price_fen"], 29_500_000);
        let pdf_res =
            yangguang.get(format!("{}/api/v1/tenders/{id}/opening-record.pdf", app.base)).send().await.unwrap();
        assert_eq!(pdf_res.status(), StatusCode::OK);
        let text = pdf_text(&pdf_res.bytes().await.unwrap());
        assert!(text.contains("开标一览表") && text.contains(names[0]) && text.contains("295,000.00"), "{text}");
        let expert = app.sign_in_as("expert-zhou", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            expert.get(format!("{}/api/v1/tenders/{id}/opening-record.pdf", app.base)).send().await.unwrap().status(),
            StatusCode::FORBIDDEN
        );

        // 5. Qualification review: the template's rules on each declared team; hexie did not
        // reconfirm, and hexie and yimin both promise the same person — each needs a written reason.
        let review: Value = sf(&app, &officer, "review_rows", &[("id", &id)]).await.json().await.unwrap();
        let bid_of = |i: usize| review[i]["bid"]["bid_id"].as_str().unwrap().to_string();
        let failed = |i: usize| -> Vec<String> {
            review[i]["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["outcome"] == "fail")
                .map(|c| c["rule"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(failed(0).is_empty(), "{:?}", failed(0));
        assert_eq!(failed(1), ["bid.reconfirmed", "team.not_promised_elsewhere"]);
        assert_eq!(failed(2), ["team.not_promised_elsewhere"]);
        assert!(
            review[0]["checks"].as_array().unwrap().iter().any(|c| c["rule"] == "team-size"),
            "the template's team rules are checked"
        );
        assert_eq!(field_code(sf(&app, &officer, "conclude_review", &[("id", &id)]).await).await, "review_incomplete");
        assert_eq!(
            field_code(
                sf(
                    &app,
                    &officer,
                    "review_bid",
                    &[("id", &id), ("bid_id", &bid_of(1)), ("outcome", "pass"), ("reason", "")]
                )
                .await
            )
            .await,
            "override_reason_required"
        );
        for (i, reason) in [
            (0, ""),
            (1, "更正仅涉及评分细则措辞；周共享已书面确认仅服务本机构"),
            (2, "周共享已书面确认仅服务和谐，由替补人员承担"),
        ] {
            let res = sf(
                &app,
                &officer,
                "review_bid",
                &[("id", &id), ("bid_id", &bid_of(i)), ("outcome", "pass"), ("reason", reason)],
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        }
        assert_eq!(sf(&app, &officer, "conclude_review", &[("id", &id)]).await.status(), StatusCode::OK);

        // 6. A lawful panel is drawn; its members read and score the bids by alias only (aliases
        // never follow the submission order), then confirm, elect a leader and sign the report.
        let members = form_panel(&app, &officer, &id).await;
        comply(&app, &members, &id).await;
        let (a, b, c) = (
            alias_of(&app, &id, names[0]).await,
            alias_of(&app, &id, names[2]).await,
            alias_of(&app, &id, names[1]).await,
        );
        let mut by_submission: Vec<String> = Vec::new();
        for n in [names[0], names[2], names[1]] {
            by_submission.push(alias_of(&app, &id, n).await);
        }
        assert_ne!(by_submission, ["A", "B", "C"], "aliases follow a shuffle, not the opening record's order");
        let rows = vec![(a.clone(), vec!["45", "30"]), (b.clone(), vec!["35", "25"]), (c.clone(), vec!["40", "30"])];
        for (n, (name, member)) in members.iter().enumerate() {
            let sheet = sf(&app, member, "review", &[("id", &id)]).await.text().await.unwrap();
            for org in names {
                assert!(!sheet.contains(org), "{org} leaked to {name} before the sheets were locked");
            }
            if n == 0 {
                // A subjective criterion needs its reason; a refusal keeps what was typed.
                let mut bare = sheet_form(&id, &rows);
                bare.retain(|(k, _)| !k.contains("reasons"));
                let pairs: Vec<(&str, &str)> = bare.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                assert_eq!(field_code(sf(&app, member, "submit_sheet", &pairs).await).await, "score_reason_required");
                let kept: Value = sf(&app, member, "review", &[("id", &id)]).await.json().await.unwrap();
                let kept_a = kept["rows"].as_array().unwrap().iter().find(|r| r["alias"] == a.as_str()).unwrap();
                assert_eq!(kept_a["points"][0], "45", "the draft keeps the values");
            }
            let res = submit_sheet(&app, member, &id, &rows).await;
            assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
        }
        assert_eq!(field_code(submit_sheet(&app, &members[0].1, &id, &rows).await).await, "sheet_already_submitted");
        assert_eq!(
            field_code(sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", "x")]).await).await,
            "report_not_signed"
        );
        finish_review(&app, &officer, &members, &id).await;
        // Each lot is ranked on its own prices: A = 75 + 288000/295000 × 20 = 94.53;
        // C = 70 + 19.2 = 89.2; B = 60 + 20 = 80 — in both lots, as every bid priced them alike.
        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(ranking["lots"].as_array().unwrap().len(), 2);
        for lot in [0, 1] {
            let first = &ranking["lots"][lot]["rows"][0];
            assert_eq!((first["alias"].as_str(), first["org_name"].as_str()), (Some(a.as_str()), Some(names[0])));
            let total: rust_decimal::Decimal = first["total"].as_str().unwrap().parse().unwrap();
            assert_eq!(app::domain::scoring::display(total), "94.53".parse().unwrap());
        }
        let winner = ranking["lots"][0]["rows"][0]["bid_id"].as_str().unwrap().to_string();
        let second = ranking["lots"][0]["rows"][1]["bid_id"].as_str().unwrap().to_string();
        assert_eq!(
            field_code(sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", &second)]).await).await,
            "not_first_ranked"
        );
        assert_eq!(
            sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", &winner)]).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            field_code(sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", &winner)]).await).await,
            "lot_awarded"
        );
        // One lot of two awarded: the tender is still open for the other.
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["summary"]["status"], "opened");
        assert_eq!(
            sf(&app, &officer, "award", &[("id", &id), ("lot", "1"), ("bid_id", &winner)]).await.status(),
            StatusCode::OK
        );
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["summary"]["status"], "awarded");
        assert_eq!(public["lot_results"][1]["winner"], names[0]);
        let notice = pdf_text(
            &officer
                .get(format!("{}/api/v1/tenders/{id}/award-notice.pdf", app.base))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap(),
        );
        assert!(
            notice.contains("中标通知书")
                && notice.contains(names[0])
                && notice.contains("¥590,000.00")
                && notice.contains("定慧寺社区")
                && notice.replace(char::is_whitespace, "").contains("中标金额：人民币伍拾玖万元整（¥590,000.00）"),
            "{notice}"
        );
        let loser = hexie.get(format!("{}/api/v1/tenders/{id}/award-notice.pdf", app.base)).send().await.unwrap();
        assert_eq!(loser.status(), StatusCode::FORBIDDEN, "a bidder that won nothing gets no notice");
        let contracts: Value = sf(&app, &yangguang, "my_contracts", &[]).await.json().await.unwrap();
        let lots: Vec<&str> = contracts.as_array().unwrap().iter().map(|c| c["lot"].as_str().unwrap()).collect();
        assert_eq!(lots.len(), 2, "one contract per lot: {lots:?}");
        assert!(contracts.as_array().unwrap().iter().all(|c| c["price_fen"] == 29_500_000));
        // The winner's team is now committed: promising it again in another tender is flagged.
        let officer2 = app.signed_in(Role::Officer).await;
        let next = create_published(&app, &officer2, 21).await;
        let res = upload(&app, &yangguang, &next, &[(0, "290000")], pdf("next"), pdf("q")).await;
        let receipt: Value = res.json().await.unwrap();
        let flags = receipt["flags"].as_array().unwrap();
        assert_eq!(flags.len(), 8, "{receipt}");
        assert!(flags[0]["message_zh"].as_str().unwrap().contains("在履行合同"));

        // 7. Every step left its audit entry; none of the pre-opening entries carries a price.
        let audit = app.audit().await;
        let entries = audit.as_array().unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        for step in [
            "tender.create",
            "tender.publish",
            "bid.submit",
            "tender.amend",
            "bid.reconfirm",
            "bid.withdraw",
            "tender.open",
            "bid.review",
            "tender.review_done",
            "panel.plan",
            "panel.draw",
            "panel.accept",
            "panel.declare",
            "scores.submit",
            "report.sign",
            "tender.award",
        ] {
            assert!(actions.contains(&step), "no audit entry for {step}: {actions:?}");
        }
        for e in
            entries.iter().filter(|e| e["action"].as_str().unwrap().starts_with("bid.") && e["action"] != "bid.review")
        {
            assert!(!e.to_string().contains("29500000") && !e.to_string().contains("295000"), "price in {e}");
        }
    }
}
