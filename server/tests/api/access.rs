//! Who may call what: every API route, server function and role page, for anonymous callers and each role.

use super::*;

#[tokio::test]
async fn every_api_route_refuses_anonymous_and_wrong_roles() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let mut clients = Vec::new();
        for role in ALL {
            clients.push((role, app.signed_in(role).await));
        }
        for route in ROUTES.iter().filter(|r| !r.test_mode_only) {
            let anon = call(&app, &app.anon(), route).await.status();
            match route.access {
                Access::Public => assert_ne!(anon, StatusCode::FORBIDDEN, "{} {}", route.method, route.path),
                _ => assert_eq!(anon, StatusCode::UNAUTHORIZED, "anonymous {} {}", route.method, route.path),
            }
            if route.path == "/session" {
                continue; // signing in or out changes the client's own session
            }
            for (role, client) in &clients {
                let status = call(&app, client, route).await.status();
                let allowed = match route.access {
                    Access::Public | Access::AnySignedIn => true,
                    Access::Roles(roles) => roles.contains(role),
                };
                if allowed {
                    let needs_tender = route.path.starts_with("/tenders/{id}");
                    assert!(
                        status.is_success() || (needs_tender && status == StatusCode::NOT_FOUND),
                        "{role} {} {} -> {status}",
                        route.method,
                        route.path
                    );
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} {} {}", route.method, route.path);
                }
            }
        }
    }
}

/// Server functions about one tender refuse anonymous callers and wrong roles before they look
/// the tender up (so a wrong role cannot even probe which ids exist).
#[tokio::test]
async fn tender_server_functions_check_roles_before_the_tender() {
    let cases: &[(&str, &str, &[Role])] = &[
        ("/api/tender_detail", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin]),
        ("/api/tender_form", "template_id=nope", &[Role::Officer]),
        ("/api/amend_tender", "id=nope&reason=x&input[title]=x", &[Role::Officer]),
        ("/api/publish_tender", "id=nope", &[Role::Officer]),
        ("/api/open_bids", "id=nope", &[Role::Officer]),
        ("/api/conclude_review", "id=nope", &[Role::Officer]),
        ("/api/bid_action", "id=nope&action=withdraw", &[Role::Bidder]),
        ("/api/my_bid", "id=nope", &[Role::Bidder]),
        ("/api/opening_record", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder]),
        ("/api/review_rows", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin]),
        ("/api/review_bid", "id=nope&bid_id=x&outcome=pass&reason=", &[Role::Officer]),
        ("/api/ranking", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin]),
        ("/api/award", "id=nope&lot=0&bid_id=x", &[Role::Officer]),
        ("/api/review", "id=nope", &[Role::Expert, Role::Officer]),
        ("/api/submit_sheet", "id=nope", &[Role::Expert, Role::Officer]),
        (
            "/api/answer_flag",
            "id=nope&alias=A&criterion=0&answer[kind]=confirm&answer[explanation]=x",
            &[Role::Expert, Role::Officer],
        ),
        ("/api/confirm_no_conflict", "id=nope&conflict=false", &[Role::Expert, Role::Officer]),
        ("/api/sign_report", "id=nope&password=x", &[Role::Expert, Role::Officer]),
        ("/api/evaluation_overview", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin]),
        ("/api/draw_tie", "id=nope&lot=0", &[Role::Officer]),
        ("/api/panel", "id=nope", &[Role::Officer, Role::Auditor, Role::Admin]),
        ("/api/plan_panel", "id=nope&plan[size]=5&plan[purchaser_representatives]=1&plan[alternates]=2&plan[category]=x&plan[review_date]=x&plan[outlier_pct]=20", &[Role::Officer]),
        ("/api/draw_panel", "id=nope", &[Role::Officer]),
        ("/api/replace_member", "id=nope&user_id=x&reason=x", &[Role::Officer]),
        ("/api/set_leader", "id=nope&user_id=x", &[Role::Officer]),
        ("/api/answer_invitation", "id=nope&accept=true", &[Role::Expert]),
        ("/api/declare_no_conflict", "id=nope", &[Role::Expert, Role::Officer]),
        ("/api/request_recusal", "id=nope&name=x", &[Role::Bidder]),
        ("/api/ask_question", "id=nope&question=x", &[Role::Bidder]),
        ("/api/save_profile", "input[legal_form]=x", &[Role::Bidder]),
        ("/api/add_staff", "person[name]=x", &[Role::Bidder]),
        ("/api/remove_staff", "staff_id=nope", &[Role::Bidder]),
        ("/api/bid_form", "id=nope", &[Role::Bidder]),
        ("/api/answer_question", "question_id=nope&answer=x", &[Role::Officer]),
    ];
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let mut clients = Vec::new();
    for role in ALL {
        clients.push((role, app.signed_in(role).await));
    }
    for (path, body, allowed) in cases {
        let post = |client: &reqwest::Client| {
            client
                .post(format!("{}{}", app.base, path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.to_string())
                .send()
        };
        assert_eq!(post(&app.anon()).await.unwrap().status(), StatusCode::UNAUTHORIZED, "anonymous {path}");
        for (role, client) in &clients {
            let status = post(client).await.unwrap().status();
            if allowed.contains(role) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{role} {path} -> {status}"
                );
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} {path}");
            }
        }
    }
}

/// Server functions are HTTP endpoints too, and check roles themselves.
#[tokio::test]
async fn every_server_function_refuses_anonymous_and_wrong_roles() {
    let new_user = "new_user[username]=sf.user&new_user[display_name]=%E7%94%B2&new_user[role]=expert&new_user[password]=0123456789abc";
    let cases: &[(&str, &str, &[Role])] = &[
        ("/api/list_users", "", &[Role::Admin]),
        ("/api/audit_log", "", &[Role::Auditor, Role::Admin]),
        ("/api/create_user", new_user, &[Role::Admin]),
        ("/api/tender_templates", "", &[Role::Officer]),
        ("/api/officer_tenders", "", &[Role::Officer]),
        ("/api/open_tenders", "", &[Role::Bidder]),
        ("/api/my_panels", "", &[Role::Expert, Role::Officer]),
        ("/api/my_expert_profile", "", &[Role::Expert]),
        ("/api/expert_pool", "", &[Role::Admin]),
        ("/api/purchasers", "", &[Role::Admin, Role::Auditor]),
        ("/api/colleagues", "", &[Role::Bidder]),
        ("/api/my_contracts", "", &[Role::Bidder]),
        ("/api/my_profile", "", &[Role::Bidder]),
    ];
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for (path, body, allowed) in cases {
            let post = |client: reqwest::Client| {
                let url = format!("{}{}", app.base, path);
                async move {
                    client
                        .post(url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(body.to_string())
                        .send()
                        .await
                        .unwrap()
                }
            };
            let anon = post(app.anon()).await;
            assert_eq!(anon.status(), StatusCode::UNAUTHORIZED, "anonymous {path}");
            let err: Value = anon.json().await.unwrap();
            assert_eq!(err["code"], "unauthenticated");
            for role in ALL {
                let status = post(app.signed_in(role).await).await.status();
                if allowed.contains(&role) {
                    assert!(status.is_success(), "{role} {path} -> {status}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} {path}");
                }
            }
        }
    }
}

#[tokio::test]
async fn role_pages_redirect_anonymous_visitors_and_refuse_other_roles() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    for page_role in ALL {
        let url = format!("{}{}", app.base, page_role.home_path());
        // As a browser asks for a page.
        let anon = app.anon().get(&url).header("accept", "text/html").send().await.unwrap();
        assert!(anon.status().is_redirection(), "anonymous {url} -> {}", anon.status());
        assert_eq!(anon.headers()["location"], "/login");
        for role in ALL {
            let res = app.signed_in(role).await.get(&url).send().await.unwrap();
            if role == page_role {
                assert_eq!(res.status(), StatusCode::OK, "{role} on {url}");
            } else {
                assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role} on {url}");
                assert!(res.text().await.unwrap().contains("data-error-code=\"forbidden\""));
            }
        }
    }
}

#[tokio::test]
async fn the_calculators_page_is_for_officers_and_admins() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let url = format!("{}/officer/calculators", app.base);
    let anon = app.anon().get(&url).header("accept", "text/html").send().await.unwrap();
    assert_eq!(anon.headers()["location"], "/login");
    for role in ALL {
        let res = app.signed_in(role).await.get(&url).send().await.unwrap();
        let expected = if matches!(role, Role::Officer | Role::Admin) { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(res.status(), expected, "{role}");
        if expected == StatusCode::OK {
            // Rendered on the server with the seed example already computed.
            let html = res.text().await.unwrap();
            assert!(html.contains("data-testid=\"dg-total\">85.00<"), "{html}");
        }
    }
}
