//! The organisation profile and staff roster.

use super::*;

/// An NGO keeps its profile and roster; every bad field is reported, ID numbers are checked and
/// masked, and changes are audited.
#[tokio::test]
async fn an_ngo_keeps_its_profile_and_roster() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let ngo = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
    let bad = sf(
        &app,
        &ngo,
        "save_profile",
        &[("input[legal_form]", "club"), ("input[registration_level]", "county"), ("input[board_others]", "many")],
    )
    .await;
    let body: Value = bad.json().await.unwrap();
    let codes: Vec<&str> = body["detail"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["choice_invalid", "count_invalid"]);
    let ok = sf(
        &app,
        &ngo,
        "save_profile",
        &[
            ("input[legal_form]", "social_group"),
            ("input[registration_level]", "city"),
            ("input[civil_affairs_registration]", "true"),
            ("input[region]", "苏州市"),
        ],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    let person = |id: &'static str| {
        vec![
            ("person[name]", "林新人"),
            ("person[id_number]", id),
            ("person[education]", "master"),
            ("person[major]", "social_work"),
            ("person[certificate]", "senior"),
            ("person[certificate_number]", "S-2026-01"),
            ("person[certificate_expiry]", "2030-01-01"),
            ("person[full_time]", "true"),
            ("person[contract_months]", "24"),
        ]
    };
    assert_eq!(field_code(sf(&app, &ngo, "add_staff", &person("320508199001011233")).await).await, "id_number_invalid");
    let added = sf(&app, &ngo, "add_staff", &person("320508199001011232")).await;
    assert_eq!(added.status(), StatusCode::OK);
    let staff_id: String = added.json().await.unwrap();
    assert_eq!(field_code(sf(&app, &ngo, "add_staff", &person("320508199001011232")).await).await, "member_exists");
    let profile: Value = sf(&app, &ngo, "my_profile", &[]).await.json().await.unwrap();
    assert_eq!(profile["profile"]["legal_form"], "social_group");
    let me = profile["roster"].as_array().unwrap().iter().find(|m| m["id"] == staff_id.as_str()).unwrap();
    assert_eq!(me["id_number"], "3205**********1232");
    // Another organisation cannot remove it; its own member can.
    let other = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
    assert_eq!(sf(&app, &other, "remove_staff", &[("staff_id", &staff_id)]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(sf(&app, &ngo, "remove_staff", &[("staff_id", &staff_id)]).await.status(), StatusCode::OK);
    let audit = app.audit().await.to_string();
    assert!(audit.contains("staff.add") && audit.contains("staff.remove") && audit.contains("organisation.profile"));
    assert!(!audit.contains("320508199001011232"), "the audit log shows ID numbers masked");
}
