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

/// Arguments every server function can decode: each takes the fields it names and ignores the
/// rest; the few whose arguments are structures get theirs in [`example_body`].
const GENERIC_BODY: &str = "id=nope&lot=0&alias=A&bid_id=x&user_id=x&staff_id=x&question_id=x&reason=x\
    &accept=false&active=false&conflict=false&criterion=0&name=x&question=x&password=x&username=x\
    &display_name=x&csv=&action=withdraw&outcome=pass&template_id=nope&answer=x";

fn example_body(name: &str) -> String {
    const TENDER: &str = "&input[template_id]=suzhou-street-4plus1&input[method]=open_tender&input[title]=x\
        &input[buyer]=x&input[lots][0][name]=x&input[lots][0][budget]=30%E4%B8%87\
        &input[bid_deadline]=2030-01-10T09:30&input[opening_time]=2030-01-10T09:30&input[price_weight_pct]=20\
        &input[criteria][0][name]=x&input[criteria][0][max_points]=80";
    let extra = match name {
        "create_user" => {
            "&new_user[username]=sf.user&new_user[display_name]=%E7%94%B2&new_user[role]=expert\
             &new_user[password]=0123456789abc"
        }
        "answer_flag" => "&answer[kind]=confirm&answer[explanation]=x",
        "register_organisation" => "&org_name=x&credit_code=x",
        "review_organisation" => "&org_id=x&approve=false",
        "record_obligation" => "&contract_id=x&metric=x&contract_year=1&value=1",
        "save_expert_profile" => "&input[id_number]=x",
        "plan_panel" => {
            "&plan[size]=5&plan[purchaser_representatives]=1&plan[alternates]=2&plan[category]=public_welfare\
             &plan[region]=320000&plan[review_date]=2030-01-10&plan[outlier_pct]=20"
        }
        "save_profile" => "&input[legal_form]=club&input[registration_level]=county",
        "add_staff" => "&person[name]=x",
        "create_purchaser" => "&unit[name]=x&unit[level]=district&unit[region_code]=320213&unit[region_name]=x",
        "create_tender" | "amend_tender" => TENDER,
        "request_price_explanation" => "&hours=24&grounds=x",
        "decide_low_price" => "&decision=rejected&basis=x",
        "start_rereview" => "&reason=summation_error&finding=x",
        _ => "",
    };
    // `answer` is a structure for answer_flag and text for answer_question.
    let base = match name {
        "answer_flag" => GENERIC_BODY.trim_end_matches("&answer=x").to_string(),
        // `reason` is one of O87 art. 64's four here.
        "start_rereview" => GENERIC_BODY.replace("&reason=x", ""),
        _ => GENERIC_BODY.to_string(),
    };
    format!("{base}{extra}")
}

/// The server-function half of the access matrix, generated from what is registered: every
/// function has its row in `app::identity::SERVER_FN_ACCESS` (a new one without a row fails
/// here), and answers anonymous callers and each role as its row says: 401 for anonymous
/// callers of a signed-in function, 403 for a role it does not name, neither for one it names.
#[tokio::test]
async fn every_server_function_answers_each_caller_as_its_access_row_says() {
    use app::identity::{Access as FnAccess, SERVER_FN_ACCESS};
    use std::collections::BTreeSet;
    let registered: BTreeSet<String> =
        leptos::server_fn::axum::server_fn_paths().map(|(p, _)| p.trim_start_matches("/api/").to_string()).collect();
    let table: BTreeSet<String> = SERVER_FN_ACCESS.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(registered, table, "every server function needs its row in SERVER_FN_ACCESS, and only those");
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let mut clients = Vec::new();
    for role in ALL {
        clients.push((role, app.signed_in(role).await));
    }
    let post = |client: &reqwest::Client, name: &str| {
        let req = client.post(format!("{}/api/{name}", app.base));
        // A file upload's server function reads multipart form data, as its browser form sends.
        let req = if name == "import_experts_file" {
            req.multipart(reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"x".to_vec())))
        } else {
            req.header("content-type", "application/x-www-form-urlencoded").body(example_body(name))
        };
        req.send()
    };
    let mut wrong = Vec::new();
    for (name, access) in SERVER_FN_ACCESS {
        let anon = post(&app.anon(), name).await.unwrap().status();
        let expected_anon = match access {
            FnAccess::Public => anon != StatusCode::FORBIDDEN && anon != StatusCode::BAD_REQUEST,
            _ => anon == StatusCode::UNAUTHORIZED,
        };
        if !expected_anon {
            wrong.push(format!("anonymous {name} -> {anon}"));
        }
        if *name == "sign_out" {
            continue; // it would end the signed-in clients' sessions
        }
        for (role, client) in &clients {
            let status = post(client, name).await.unwrap().status();
            let ok = if matches!(access, FnAccess::Public) {
                // Signing in with the example's wrong password is a 401 for anyone.
                status != StatusCode::FORBIDDEN && status != StatusCode::BAD_REQUEST
            } else if access.allows(*role) {
                ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::BAD_REQUEST].contains(&status)
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !ok {
                wrong.push(format!("{role} {name} -> {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "answers that break the table:\n{}", wrong.join("\n"));
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

/// The page half of the access matrix, generated from the route table: every page, for
/// anonymous visitors and each role, answered as `app::identity::page_roles` says (public pages
/// to everyone; a role page sends anonymous visitors to sign in and refuses other roles with 403).
#[tokio::test]
async fn every_page_answers_each_caller_as_its_roles_say() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let mut clients = Vec::new();
    for role in ALL {
        clients.push((role, app.signed_in(role).await));
    }
    let mut wrong = Vec::new();
    for route in server::startup::page_routes() {
        let path = route.path().replace(":id", "nope").replace("{id}", "nope");
        let url = format!("{}{path}", app.base);
        let roles = app::identity::page_roles(&path);
        let anon = app.anon().get(&url).header("accept", "text/html").send().await.unwrap();
        let anon_ok = match roles {
            None => anon.status() == StatusCode::OK || anon.status() == StatusCode::NOT_FOUND,
            Some(_) => anon.status().is_redirection() && anon.headers()["location"] == "/login",
        };
        if !anon_ok {
            wrong.push(format!("anonymous {path} -> {}", anon.status()));
        }
        for (role, client) in &clients {
            let status = client.get(&url).send().await.unwrap().status();
            let ok = match roles {
                Some(roles) if !roles.contains(role) => status == StatusCode::FORBIDDEN,
                _ => status == StatusCode::OK || status == StatusCode::NOT_FOUND,
            };
            if !ok {
                wrong.push(format!("{role} {path} -> {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "pages that break their roles:\n{}", wrong.join("\n"));
}

/// Issue 11's cross-tenant half of the matrix, generated from what is registered: every server
/// function is called, with the real ids of a tender whose report is signed, by the three
/// outsiders a platform of many purchasers has — another unit's officer, a bidder that did not
/// bid and an expert not on the panel. Each answers as its row in `SERVER_FN_OUTSIDER` says
/// (a function without a row fails here), and no answer carries a bidder's name or credit code
/// or a panel member's name.
#[tokio::test]
async fn outsiders_get_nothing_of_a_tender_they_have_no_part_in() {
    use app::identity::{Outsider, SERVER_FN_ACCESS, SERVER_FN_OUTSIDER};
    use flow::*;
    let rows: std::collections::BTreeSet<&str> = SERVER_FN_OUTSIDER.iter().map(|(n, _)| *n).collect();
    let registered: std::collections::BTreeSet<&str> = SERVER_FN_ACCESS.iter().map(|(n, _)| *n).collect();
    assert_eq!(rows, registered, "every server function needs its row in SERVER_FN_OUTSIDER");

    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = create_published(&app, &officer, 21).await;
    for user in ["ngo-yangguang", "ngo-yimin", "ngo-hexie"] {
        let client = app.sign_in_as(user, server::demo::DEMO_PASSWORD).await;
        let res = upload(&app, &client, &id, &[(0, "290000"), (1, "290000")], pdf("plan"), pdf("q")).await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let officer = open_and_qualify(&app, &id).await;
    let members = form_panel(&app, &officer, &id).await;
    comply(&app, &members, &id).await;
    let sheet: Vec<(String, Vec<&str>)> = ["A", "B", "C"].iter().map(|a| (a.to_string(), vec!["40", "25"])).collect();
    score_all(&app, &members, &id, &sheet).await;
    finish_review(&app, &officer, &members, &id).await;

    // What would betray the tender's bidders or panel.
    let mut secrets: Vec<String> = Vec::new();
    for r in sqlx::query(
        "SELECT o.name, o.credit_code FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1",
    )
    .bind(&id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
    {
        secrets.push(r.get("name"));
        secrets.extend(r.get::<Option<String>, _>("credit_code"));
    }
    let seated: Vec<(String, String, String)> = sqlx::query(
        "SELECT u.id, u.username, u.display_name FROM panel_members m JOIN users u ON u.id = m.user_id WHERE m.tender_id = $1",
    )
    .bind(&id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("id"), r.get("username"), r.get("display_name")))
    .collect();
    secrets.extend(seated.iter().filter(|(_, u, _)| u.starts_with("expert-")).map(|(_, _, n)| n.clone()));
    let bid_id: String =
        sqlx::query("SELECT id FROM bids WHERE tender_id = $1").bind(&id).fetch_all(&app.state.db.pool).await.unwrap()
            [0]
        .get("id");
    let expert = server::demo::DEMO_LOGINS
        .iter()
        .filter(|l| l.role == Role::Expert)
        .map(|l| l.username)
        .find(|u| !seated.iter().any(|(_, s, _)| s == u))
        .unwrap();
    let outsiders = [("officer-gusu", Role::Officer), ("sq-lianhua", Role::Bidder), (expert, Role::Expert)];
    let mut wrong = Vec::new();
    for (username, role) in outsiders {
        let client = app.sign_in_as(username, server::demo::DEMO_PASSWORD).await;
        for (name, access) in SERVER_FN_ACCESS {
            let outsider = SERVER_FN_OUTSIDER.iter().find(|(n, _)| n == name).map(|(_, o)| *o).expect("checked above");
            if !access.allows(role) || *name == "sign_out" {
                continue; // the role half of the matrix answers these
            }
            let body = example_body(name)
                .replace("id=nope", &format!("id={id}"))
                .replace("bid_id=x", &format!("bid_id={bid_id}"))
                .replace("user_id=x", &format!("user_id={}", seated[0].0));
            let res = client
                .post(format!("{}/api/{name}", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let text = res.text().await.unwrap();
            let refused =
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY].contains(&status);
            if outsider == Outsider::Refused && !refused {
                wrong.push(format!(
                    "{username} {name} -> {status}, not refused: {}",
                    text.chars().take(200).collect::<String>()
                ));
            }
            // An expert's own declarations name the organisations it is related to.
            if name.ends_with("expert_profile") {
                continue;
            }
            for s in secrets.iter().filter(|s| text.contains(s.as_str())) {
                wrong.push(format!("{username} {name} -> {status} carries “{s}”"));
            }
        }
    }
    assert!(wrong.is_empty(), "outsiders' answers:\n{}", wrong.join("\n"));
}
