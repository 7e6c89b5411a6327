//! Lots reviewed apart at the opening: one fails, the other is awarded.

use super::*;

/// Each lot is judged apart: a lot with two bids fails at the review while the lot with three
/// goes on, is ranked on its own prices and awarded, which awards the tender.
#[tokio::test]
async fn a_lot_with_two_bids_fails_while_the_other_is_awarded() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = create_published(&app, &officer, 21).await;
    for (user, lots) in [
        ("ngo-yangguang", vec![(0, "590000"), (1, "590000")]),
        ("ngo-yimin", vec![(0, "600000"), (1, "580000")]),
        ("ngo-hexie", vec![(0, "560000")]),
    ] {
        let ngo = app.sign_in_as(user, server::demo::DEMO_PASSWORD).await;
        let res = upload(&app, &ngo, &id, &lots, pdf(&format!("{user} plan")), pdf("q")).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    }
    let deadline: i64 = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json::<Value>().await.unwrap()
        ["spec"]["bid_deadline_ms"]
        .as_i64()
        .unwrap();
    advance(&app, deadline - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    assert_eq!(sf(&app, &officer, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK);
    let review: Value = sf(&app, &officer, "review_rows", &[("id", &id)]).await.json().await.unwrap();
    for row in review.as_array().unwrap() {
        let res = sf(
            &app,
            &officer,
            "review_bid",
            &[("id", &id), ("bid_id", row["bid"]["bid_id"].as_str().unwrap()), ("outcome", "pass"), ("reason", "")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    }
    assert_eq!(sf(&app, &officer, "conclude_review", &[("id", &id)]).await.status(), StatusCode::OK);
    let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(public["summary"]["status"], "opened");
    assert_eq!(public["lot_results"][0]["lot"], "定慧寺社区");
    assert!(public["lot_results"][0]["failed"].as_str().unwrap().contains("投标人不足三家（2家）"), "{public}");

    let members = form_panel(&app, &officer, &id).await;
    comply(&app, &members, &id).await;
    let rows: Vec<(String, Vec<&str>)> = ["A", "B", "C"].iter().map(|a| (a.to_string(), vec!["40", "30"])).collect();
    for (name, member) in &members {
        let res = submit_sheet(&app, member, &id, &rows).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
    }
    finish_review(&app, &officer, &members, &id).await;
    let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
    assert!(ranking["lots"][1]["failed"].is_string());
    assert_eq!(ranking["lots"][1]["rows"].as_array().unwrap().len(), 0);
    // Lot 0 on its own prices: 560000 is the base; equal technical scores, so the cheapest wins.
    let rows = ranking["lots"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0]["price"].as_str().map(|p| p.parse::<rust_decimal::Decimal>().unwrap()),
        Some("560000".parse().unwrap())
    );
    let winner = rows[0]["bid_id"].as_str().unwrap();
    assert_eq!(
        field_code(sf(&app, &officer, "award", &[("id", &id), ("lot", "1"), ("bid_id", winner)]).await).await,
        "lot_failed"
    );
    assert_eq!(
        sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", winner)]).await.status(),
        StatusCode::OK
    );
    let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(public["summary"]["status"], "awarded", "the only lot standing is awarded");
    assert_eq!(public["summary"]["winner"], "苏州市吴中区和谐社会工作服务中心");
}
