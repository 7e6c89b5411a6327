//! Scheme templates, the rule calculators and the holiday calendar.

use super::*;

pub(crate) fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str().unwrap_or_else(|| panic!("decimal string expected, got {v}")).parse().unwrap()
}

pub(crate) async fn post_example(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let route = ROUTES.iter().find(|r| r.path == path && r.method == "post").unwrap();
    let res = call(app, client, route).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

/// The JSON API gives the same numbers as the domain's unit tests (seed examples).
#[tokio::test]
async fn calculators_answer_as_the_domain_does() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;

    let c = post_example(&app, &officer, "/calc/dongguan/composite").await;
    assert_eq!(dec(&c["composite"]["total"]), "85".parse().unwrap());
    assert_eq!(c["composite"]["stars"], "four");

    let s = post_example(&app, &officer, "/calc/dongguan/subsidy").await;
    assert_eq!(dec(&s["city_total_yuan"]), "1713750".parse().unwrap());
    assert_eq!(dec(&s["minimum_matching_yuan"]), "856875".parse().unwrap());

    let r = post_example(&app, &officer, "/calc/scores").await;
    let ranking = r["ranking"].as_array().unwrap();
    assert_eq!((ranking[0]["bid"].as_str(), ranking[0]["rank"].as_u64()), (Some("B"), Some(1)));
    assert_eq!(dec(&ranking[0]["total"]), "93.55".parse().unwrap());
    assert_eq!(dec(&ranking[1]["total"]), "91".parse().unwrap());

    let h = post_example(&app, &officer, "/calc/henan/norms").await;
    assert_eq!(h["norms"]["full_time_workers"], 6);
    assert_eq!(dec(&h["norms"]["facility_area_m2"]), "300".parse().unwrap());

    let d = post_example(&app, &officer, "/calc/deadline").await;
    assert_eq!(d["deadline"], "2026-12-02");
    assert_eq!(post_example(&app, &officer, "/calc/timeline").await["passed"], true);
    assert_eq!(post_example(&app, &officer, "/calc/panel").await["passed"], true);

    let sz = post_example(&app, &officer, "/calc/shenzhen/application").await;
    assert_eq!(sz["passed"], true);
    assert_eq!(dec(&sz["grant"]["total_yuan"]), "300000".parse().unwrap());
    assert_eq!(sz["grant"]["commercial_projects"], json!(["parcel-lockers"]));

    let q = post_example(&app, &officer, "/calc/qualification").await;
    assert_eq!(q["passed"], false);
    let failed: Vec<&str> = q["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["outcome"] == "fail")
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["employees"]);
}

#[tokio::test]
async fn bad_calculator_input_gets_structured_errors() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    let url = |p: &str| format!("{}/api/v1{p}", app.base);
    let syntax = officer
        .post(url("/calc/dongguan/composite"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(syntax.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = syntax.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "body");
    let range = officer.post(url("/calc/dongguan/composite")).json(&json!({"indicator_score": "101", "service_person_times": "1", "resident_population": "1", "satisfaction_pct": "1"})).send().await.unwrap();
    assert_eq!(range.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "indicator_score");
    let unknown = officer.post(url("/calc/qualification")).json(&json!({"template": "nope", "organisation": {"legal_form": "company", "registration_level": "city", "civil_affairs_registration": false, "social_work_scope": false, "board": [], "staff": []}})).send().await.unwrap();
    assert_eq!(unknown.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "unknown_template");
    let weight = officer.post(url("/calc/scores")).json(&json!({"method": "competitive_consultation", "criteria": [], "bids": [], "expert_scores": [], "price_weight_pct": "40"})).send().await.unwrap();
    assert_eq!(weight.json::<Value>().await.unwrap()["error"]["fields"][0]["field"], "price_weight_pct");
}

#[tokio::test]
async fn templates_are_listed_linted_and_derived_templates_validated() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    let list: Value = officer.get(format!("{}/api/v1/templates", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 5);
    let one: Value = officer
        .get(format!("{}/api/v1/templates/suzhou-street-4plus1", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(one["lint"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["rule"] == "lint.headcount.employees" && w["outcome"] == "warning"));
    let missing = officer.get(format!("{}/api/v1/templates/none", app.base)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let mut derived = app::domain::template::builtin_by_id("dongguan-centre-operator").unwrap();
    derived.id = "dongguan-2027".into();
    derived.criteria[0].max_points += rust_decimal::Decimal::ONE;
    let res = officer.post(format!("{}/api/v1/templates/validate", app.base)).json(&derived).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "criteria");
    derived.criteria[0].max_points -= rust_decimal::Decimal::ONE;
    let ok: Value = officer
        .post(format!("{}/api/v1/templates/validate", app.base))
        .json(&derived)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["valid"], true);

    // Stored, it is listed and readable like a shipped one; its id cannot be taken twice.
    derived.derived_from = Some("dongguan-centre-operator".into());
    let created = officer.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let list: Value = officer.get(format!("{}/api/v1/templates", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == "dongguan-2027" && t["derived_from"] == "dongguan-centre-operator"));
    let stored: Value =
        officer.get(format!("{}/api/v1/templates/dongguan-2027", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["template"], serde_json::to_value(&derived).unwrap());
    let twice = officer.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap();
    assert_eq!(twice.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "template_id_taken");
    let bidder = app.signed_in(Role::Bidder).await;
    assert_eq!(
        bidder.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // The board names a derived template's tender, and offers it as a filter, by its name.
    let id = flow::create_published(&app, &officer, 21).await;
    sqlx::query("UPDATE tenders SET template_id = 'dongguan-2027' WHERE id = $1")
        .bind(&id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let board: Value =
        app.anon().get(format!("{}/api/v1/tenders", app.base)).send().await.unwrap().json().await.unwrap();
    let row = board["rows"].as_array().unwrap().iter().find(|r| r["id"] == id.as_str()).expect("on the board");
    assert_eq!(row["scheme"]["zh"], derived.name.zh.as_str(), "{row}");
    let schemes = board["schemes"].as_array().unwrap();
    assert!(schemes.iter().any(|s| s["id"] == "dongguan-2027" && s["zh"] == derived.name.zh.as_str()), "{board}");
    assert_eq!(schemes.len(), 1, "{board}: the only scheme in use");
}

#[tokio::test]
async fn an_admin_adds_a_holiday_year_and_deadlines_use_it() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let officer = app.signed_in(Role::Officer).await;
        let url = |p: &str| format!("{}/api/v1{p}", app.base);
        // Before: 2026-12-31 (Thu) + 1 working day = 2027-01-01 (Fri), only weekends known for 2027.
        let before: Value = officer
            .post(url("/calc/deadline"))
            .json(&json!({"step": "publicity", "from": "2026-12-31"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(before["deadline"], "2027-01-01");
        assert_eq!(before["calendar_covers_year"], false);
        let notice = "[[year]]\nyear = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\"2027-01-01\"]\nworking_weekends = []\n";
        let refused = officer.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let bad = admin
            .post(url("/calendar"))
            .json(&json!({"calendar_toml": notice.replace("2027-01-01", "2027-01-02")}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "Jan 2 2027 is a Saturday");
        let added = admin.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(added.status(), StatusCode::CREATED);
        let again = admin.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let after: Value = officer
            .post(url("/calc/deadline"))
            .json(&json!({"step": "publicity", "from": "2026-12-31"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(after["deadline"], "2027-01-04");
        assert_eq!(after["calendar_covers_year"], true);
        // The page's calculator counts in the browser with the calendar the server serves it,
        // the added year included; a bidder has no calculator and no calendar.
        let served = crate::flow::sf(&app, &officer, "working_calendar", &[]).await;
        assert_eq!(served.status(), StatusCode::OK);
        let served: Value = served.json().await.unwrap();
        assert!(served["years"].as_array().unwrap().contains(&json!(2027)), "{served}");
        assert!(served["holidays"].as_array().unwrap().contains(&json!("2027-01-01")), "{served}");
        let bidder = app.signed_in(Role::Bidder).await;
        assert_eq!(crate::flow::sf(&app, &bidder, "working_calendar", &[]).await.status(), StatusCode::FORBIDDEN);
        let audit: Value = admin.get(url("/audit")).send().await.unwrap().json().await.unwrap();
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "calendar.add_year" && e["entity_id"] == "2027"));
    }
}
