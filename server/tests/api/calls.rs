//! Calls for applications: Shandong experimental zones and Shenzhen demonstration sites.

use super::*;

/// The officer creates and publishes a call for applications through the server functions.
pub(crate) async fn publish_call(app: &TestApp, input: app::domain::tender::TenderInput) -> String {
    use flow::*;
    let officer = app.signed_in(Role::Officer).await;
    let mut form: Vec<(String, String)> = vec![
        ("input[template_id]".into(), input.template_id.clone()),
        ("input[method]".into(), input.method.clone()),
        ("input[title]".into(), input.title.clone()),
        ("input[buyer]".into(), input.buyer.clone()),
        ("input[budget]".into(), input.budget.clone()),
        ("input[bid_deadline]".into(), input.bid_deadline.clone()),
        ("input[opening_time]".into(), input.opening_time.clone()),
        ("input[contact][person]".into(), input.contact.person.clone()),
        ("input[contact][phone]".into(), input.contact.phone.clone()),
        ("input[contact][address]".into(), input.contact.address.clone()),
    ];
    if input.fixed_price {
        form.push(("input[fixed_price]".into(), "true".into()));
    }
    for (i, c) in input.criteria.iter().enumerate() {
        form.push((format!("input[criteria][{i}][name]"), c.name.clone()));
        form.push((format!("input[criteria][{i}][max_points]"), c.max_points.clone()));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = sf(app, &officer, "create_tender", &pairs).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let id: String = res.json().await.unwrap();
    assert_eq!(sf(app, &officer, "publish_tender", &[("id", &id)]).await.status(), StatusCode::OK);
    id
}

/// Moves the clock to the call's deadline, opens it and returns each application's checks as
/// (rule, outcome) pairs.
pub(crate) async fn open_and_review(app: &TestApp, id: &str) -> Vec<Vec<(String, String)>> {
    use flow::*;
    let deadline: i64 = sf(app, &app.anon(), "public_tender", &[("id", id)]).await.json::<Value>().await.unwrap()
        ["spec"]["bid_deadline_ms"]
        .as_i64()
        .unwrap();
    advance(app, deadline - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    assert_eq!(sf(app, &officer, "open_bids", &[("id", id)]).await.status(), StatusCode::OK);
    let review: Value = sf(app, &officer, "review_rows", &[("id", id)]).await.json().await.unwrap();
    review
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            row["checks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["rule"].as_str().unwrap().to_string(), c["outcome"].as_str().unwrap().to_string()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_county_government_applies_to_a_shandong_call() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let id = publish_call(&app, server::demo::demo_zone_call_input(app.state.now_ms() + 21 * 24 * 3_600_000)).await;
        let url = format!("{}/api/v1/tenders/{id}/bids", app.base);
        let committee = app.sign_in_as("sq-lianhua", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(upload(&app, &committee, &id, &[], pdf("plan"), pdf("q")).await).await,
            "applicant_kind_mismatch"
        );

        let county = app.sign_in_as("qx-lixia", server::demo::DEMO_PASSWORD).await;
        let apply = |content: String, guarantees: &'static str| {
            reqwest::multipart::Form::new()
                .text("zone_category", "urban")
                .text("zone_unit", "  济南市历下区  ")
                .text("zone_party_secretary", "张书记")
                .text("zone_contacts", "李科长 0531-86000000")
                .text("zone_background", "老城区人口老龄化程度高")
                .text("zone_theme", "城市社区治理和服务创新")
                .text("zone_content", content)
                .text("zone_guarantees", guarantees)
                .text("zone_city_opinion", "同意推荐")
                // A call's plan names its applicant: no blind check here.
                .part(
                    "technical",
                    reqwest::multipart::Part::bytes(pdf("方案").1).file_name("济南市历下区人民政府实验方案.pdf"),
                )
                .part("qualification", reqwest::multipart::Part::bytes(pdf("申请文件").1).file_name("申请文件.pdf"))
        };
        let long = county.post(&url).multipart(apply("内".repeat(2_001), "")).send().await.unwrap();
        assert_eq!(field_code(long).await, "text_too_long");
        // A form with an empty field is accepted; the review shows what is missing.
        let ok = county.post(&url).multipart(apply("社区协商议事".into(), "")).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED, "{}", ok.text().await.unwrap());
        let checks = open_and_review(&app, &id).await;
        let failed: Vec<&str> = checks[0].iter().filter(|(_, o)| o == "fail").map(|(r, _)| r.as_str()).collect();
        assert_eq!(failed, ["shandong.form.guarantees"], "{checks:?}");
        assert!(checks[0].contains(&("shandong.form.category".into(), "pass".into())));
        let stored: String = sqlx::query_scalar("SELECT application_json FROM bids WHERE tender_id = $1")
            .bind(&id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert!(stored.contains("\"unit\":\"济南市历下区\""), "trimmed: {stored}");
    }
}

#[tokio::test]
async fn a_residents_committee_applies_to_a_shenzhen_call() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let id = publish_call(&app, server::demo::demo_call_input(app.state.now_ms() + 21 * 24 * 3_600_000)).await;

        let ngo = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(upload(&app, &ngo, &id, &[], pdf("plan"), pdf("q")).await).await,
            "applicant_kind_mismatch"
        );

        let committee = app.sign_in_as("sq-lianhua", server::demo::DEMO_PASSWORD).await;
        let t = app::domain::template::builtin_by_id("shenzhen-demonstration-site").unwrap();
        let Some(app::domain::template::Selection::ProjectLibrary { projects, .. }) = &t.selection else {
            panic!("a library")
        };
        let apply = |picked: usize, agreeing: &'static str| {
            let mut form = reqwest::multipart::Form::new()
                .text("premises_available", "true")
                .text("residents_consulted", "40")
                .text("residents_agreeing", agreeing)
                .text("centre_operating_months", "24")
                .text("district_matches", "true");
            for p in projects.iter().take(picked) {
                form = form.text("project", p.id.clone());
            }
            form.part("technical", reqwest::multipart::Part::bytes(pdf("方案").1).file_name("申报方案.pdf"))
                .part("qualification", reqwest::multipart::Part::bytes(pdf("证明").1).file_name("证明材料.pdf"))
        };
        let url = format!("{}/api/v1/tenders/{id}/bids", app.base);
        let bad = committee.post(&url).multipart(apply(10, "41")).send().await.unwrap();
        assert_eq!(field_code(bad).await, "agreeing_over_consulted");
        let ok = committee.post(&url).multipart(apply(10, "21")).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED, "{}", ok.text().await.unwrap());

        let checks = open_and_review(&app, &id).await;
        let rules: Vec<(&str, &str)> = checks[0].iter().map(|(r, o)| (r.as_str(), o.as_str())).collect();
        for rule in [
            "shenzhen.premises",
            "shenzhen.residents_consent",
            "shenzhen.centre_operating",
            "shenzhen.min_projects",
            "shenzhen.expected_projects",
        ] {
            assert!(rules.contains(&(rule, "pass")), "{rule} in {rules:?}");
        }
        assert!(
            !rules.iter().any(|(r, _)| r.starts_with("org.") && *r != "org.civil_affairs_registration"),
            "no roster rules for a committee: {rules:?}"
        );
    }
}
