//! Integration tests over HTTP against a real database. Every test runs on SQLite and, when
//! `CAIPING_TEST_PG_URL` points at a PostgreSQL server (as `make test` arranges), on a fresh
//! PostgreSQL database too.

mod support;

use app::domain::money::Yuan;
use app::identity::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::api::{Access, ROUTES};
use sqlx::Row;
use support::{backends, spawn_app, TestApp};

const ALL: [Role; 5] = Role::ALL;

fn demo_user(role: Role) -> &'static str {
    match role {
        Role::Officer => "officer",
        Role::Bidder => "ngo-yangguang",
        Role::Expert => "expert-zhou",
        Role::Auditor => "auditor",
        Role::Admin => "admin",
    }
}

/// Calls a catalogued route the way a client would: `{id}` filled in, the route's example body.
async fn call(app: &TestApp, client: &reqwest::Client, route: &server::api::RouteDoc) -> reqwest::Response {
    let url = format!("{}/api/v1{}", app.base, route.path.replace("{id}", "suzhou-street-4plus1"));
    let req = match route.method {
        "get" => client.get(url),
        "post" => client.post(url),
        "delete" => client.delete(url),
        other => panic!("method {other}"),
    };
    let req = match (route.path, route.example) {
        // A derived template: the shipped Suzhou one under a new id.
        ("/templates/validate", _) | ("/templates", _) if route.method == "post" => {
            let t = app::domain::template::builtin_by_id("suzhou-street-4plus1").unwrap().derive(
                &format!("derived-{}", uuid::Uuid::new_v4().simple()),
                app::domain::template::Text { zh: "派生".into(), en: "Derived".into() },
            );
            req.json(&t)
        }
        // Signing in as nobody in particular, so the matrix keeps its sessions.
        ("/session", _) => req.json(&json!({"username": "nobody", "password": "wrong-password"})),
        (_, Some(example)) => req.header("content-type", "application/json").body(example),
        (_, None) if route.method == "get" => req,
        (_, None) => req.json(&json!({})),
    };
    req.send().await.expect("request")
}

#[tokio::test]
async fn health_reports_version_and_backend() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let res = app.anon().get(format!("{}/api/v1/health", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(body["database"], backend.name());
        assert_eq!(body["test_mode"], false);
    }
}

#[tokio::test]
async fn openapi_describes_exactly_the_mounted_routes() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let doc: Value =
        app.anon().get(format!("{}/api/v1/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for route in ROUTES {
        let path = format!("/api/v1{}", route.path);
        assert_eq!(
            paths.get(&path).and_then(|p| p.get(route.method)).is_some(),
            !route.test_mode_only,
            "{} {path}",
            route.method
        );
    }
    // Every documented operation answers with something other than 404/405.
    let admin = app.signed_in(Role::Admin).await;
    for route in ROUTES.iter().filter(|r| !r.test_mode_only) {
        let status = call(&app, &admin, route).await.status();
        // Tender routes need a real tender (the flow test covers them); here they must exist.
        let needs_tender = route.path.starts_with("/tenders/{id}");
        assert!(
            status != StatusCode::METHOD_NOT_ALLOWED && (needs_tender || status != StatusCode::NOT_FOUND),
            "{} {} -> {status}",
            route.method,
            route.path
        );
    }
}

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
        ("/api/score_sheet", "id=nope", &[Role::Expert]),
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
        ("/api/expert_tenders", "", &[Role::Expert]),
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

#[tokio::test]
async fn sign_in_lands_on_the_role_home_and_sign_out_ends_the_session() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for role in ALL {
            let client = app.anon();
            // The browser's form post: redirected to the role's home page.
            let res = client
                .post(format!("{}/api/sign_in", app.base))
                .header("accept", "text/html")
                .form(&[("username", demo_user(role)), ("password", server::demo::DEMO_PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FOUND);
            assert_eq!(res.headers()["location"], role.home_path());
            let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
            let me: Value = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
            assert_eq!(me["role"], role.as_str());
            let out = client.delete(format!("{}/api/v1/session", app.base)).send().await.unwrap();
            assert_eq!(out.status(), StatusCode::OK);
            let after = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap();
            assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
        }
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_username_for_fifteen_minutes() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let try_sign_in = |password: &'static str| {
            let client = app.anon();
            let url = format!("{}/api/v1/session", app.base);
            async move { client.post(url).json(&json!({"username": "officer", "password": password})).send().await.unwrap() }
        };
        for _ in 0..5 {
            assert_eq!(try_sign_in("wrong-password").await.status(), StatusCode::UNAUTHORIZED);
        }
        // Now even the right password is refused.
        let locked = try_sign_in(server::demo::DEMO_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(locked.json::<Value>().await.unwrap()["error"]["code"], "too_many_attempts");
        // Other accounts are unaffected.
        assert!(app
            .anon()
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "auditor", "password": server::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .status()
            .is_success());
        app.state.test_clock.as_ref().unwrap().advance_ms(15 * 60 * 1000 + 1);
        assert_eq!(try_sign_in(server::demo::DEMO_PASSWORD).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_test_clock_exists_only_in_test_mode() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let res = app
        .anon()
        .post(format!("{}/api/v1/test/clock", app.base))
        .json(&json!({"advance_ms": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(app.state.test_clock.is_none());

    let app = spawn_app(support::Backend::Sqlite, true).await;
    let before: Value =
        app.anon().get(format!("{}/api/v1/test/clock", app.base)).send().await.unwrap().json().await.unwrap();
    let day = 24 * 3600 * 1000;
    let after: Value = app
        .anon()
        .post(format!("{}/api/v1/test/clock", app.base))
        .json(&json!({"advance_ms": day}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moved = after["now_ms"].as_i64().unwrap() - before["now_ms"].as_i64().unwrap();
    assert!((day..day + 60_000).contains(&moved), "moved {moved}");
    let bad = app.anon().post(format!("{}/api/v1/test/clock", app.base)).json(&json!({})).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn creating_accounts_validates_and_audits() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let url = format!("{}/api/v1/users", app.base);
        let bad = admin
            .post(&url)
            .json(&json!({"username": "X", "display_name": "", "role": "expert", "org_id": null, "password": "short"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad.json().await.unwrap();
        let fields: Vec<&str> =
            body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["username", "display_name", "password"]);
        assert!(body["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("用户名"));

        let ok = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED);
        let dup = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(dup.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "username_taken");
        let bidder_without_org = admin.post(&url).json(&json!({"username": "lonely", "display_name": "无机构", "role": "bidder", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(bidder_without_org.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let audit: Value = app
            .signed_in(Role::Auditor)
            .await
            .get(format!("{}/api/v1/audit", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let entries = audit.as_array().unwrap();
        let created = entries
            .iter()
            .find(|e| e["action"] == "user.create" && e["after"].as_str().unwrap_or("").contains("expert.sun"))
            .expect("audit entry for the new user");
        assert!(created["actor"].as_str().unwrap().starts_with("admin"));
        assert!(entries.iter().any(|e| e["action"] == "session.sign_in"));
        // The new account can sign in.
        app.sign_in_as("expert.sun", "0123456789abc").await;
    }
}

#[tokio::test]
async fn money_time_and_chinese_text_round_trip_exactly() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let pool = &app.state.db.pool;
        sqlx::query("CREATE TABLE round_trip (id TEXT PRIMARY KEY, amount_fen BIGINT NOT NULL, at BIGINT NOT NULL, label TEXT NOT NULL)")
            .execute(pool).await.unwrap();
        let cases = [
            ("a", Yuan::parse("14,400,000.00").unwrap(), 1_795_000_000_123_i64, "苏州市姑苏区“4+1”综合包（第一年）"),
            ("b", Yuan::parse("0.01").unwrap(), 0, "喆堃赟 ·𠀀𪚥 — 罕见字"),
            ("c", Yuan::parse("92233720368547758.07").unwrap(), -1, "Dongguan 东莞 ¥ € 😀"),
        ];
        for (id, amount, at, label) in &cases {
            sqlx::query("INSERT INTO round_trip (id, amount_fen, at, label) VALUES ($1, $2, $3, $4)")
                .bind(*id)
                .bind(amount.fen())
                .bind(*at)
                .bind(*label)
                .execute(pool)
                .await
                .unwrap();
        }
        let sum: i64 = sqlx::query("SELECT CAST(SUM(amount_fen) AS BIGINT) AS s FROM round_trip WHERE id <> 'c'")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("s");
        assert_eq!(Yuan::from_fen(sum).to_string(), "¥14,400,000.01", "{backend:?}");
        for (id, amount, at, label) in &cases {
            let row = sqlx::query("SELECT amount_fen, at, label FROM round_trip WHERE id = $1")
                .bind(*id)
                .fetch_one(pool)
                .await
                .unwrap();
            assert_eq!(Yuan::from_fen(row.get("amount_fen")), *amount, "{backend:?}");
            assert_eq!(row.get::<i64, _>("at"), *at, "{backend:?}");
            assert_eq!(row.get::<String, _>("label"), *label, "{backend:?}");
        }
    }
}

#[tokio::test]
async fn pages_are_chinese_by_default_and_english_on_request() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let url = format!("{}/login", app.base);
    // The browser's language does not switch the UI: Chinese first.
    let zh =
        app.anon().get(&url).header("accept-language", "en-US,en;q=0.9").send().await.unwrap().text().await.unwrap();
    assert!(zh.contains("登录采评"), "{zh}");
    assert!(zh.contains("lang=\"zh-CN\""));
    // The language switch stores its choice in a cookie, which the server honours.
    let en = app.anon().get(&url).header("cookie", "i18n_pref_locale=en").send().await.unwrap().text().await.unwrap();
    assert!(en.contains("Sign in to caiping"), "{en}");
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let res = app.anon().get(format!("{}/no/such/page", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Two separate server processes on two ports, one database: a session opened on one is valid
/// on the other, and data written through one is read through the other.
#[tokio::test]
async fn two_processes_share_one_database() {
    for backend in backends() {
        let db_url = support::fresh_database_url(backend).await;
        let data_dir = support::temp_dir();
        let a = support::ServerProcess::start(&db_url, &data_dir).await;
        let b = support::ServerProcess::start(&db_url, &data_dir).await;
        let seed = std::process::Command::new(env!("CARGO_BIN_EXE_caiping"))
            .args(["--database-url", &db_url, "--data-dir", data_dir.to_str().unwrap(), "seed-demo"])
            .output()
            .unwrap();
        assert!(seed.status.success(), "{}", String::from_utf8_lossy(&seed.stderr));

        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let res = client
            .post(format!("{}/api/v1/session", a.base))
            .json(&json!({"username": "admin", "password": server::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let created = reqwest::Client::new().post(format!("{}/api/v1/users", b.base)).header("cookie", &cookie)
            .json(&json!({"username": "via.b", "display_name": "乙实例", "role": "auditor", "org_id": null, "password": "0123456789abc"}))
            .send().await.unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "session from A accepted by B");
        let users: Value = reqwest::Client::new()
            .get(format!("{}/api/v1/users", a.base))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(users.as_array().unwrap().iter().any(|u| u["username"] == "via.b"), "A sees what B wrote");
        let health: Value = reqwest::get(format!("{}/api/v1/health", b.base)).await.unwrap().json().await.unwrap();
        assert_eq!(health["database"], backend.name());
    }
}

fn dec(v: &Value) -> rust_decimal::Decimal {
    v.as_str().unwrap_or_else(|| panic!("decimal string expected, got {v}")).parse().unwrap()
}

async fn post_example(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
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
        let audit: Value = admin.get(url("/audit")).send().await.unwrap().json().await.unwrap();
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "calendar.add_year" && e["entity_id"] == "2027"));
    }
}

mod flow {
    use super::*;
    use chrono::{Duration, Utc};

    /// Calls a server function the way a browser form does (URL-encoded, nested names).
    pub async fn sf(app: &TestApp, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
        client
            .post(format!("{}/api/{name}", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded_pairs(form))
            .send()
            .await
            .unwrap()
    }

    fn serde_urlencoded_pairs(form: &[(&str, &str)]) -> String {
        form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
    }

    fn urlencode(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }

    /// Beijing wall-clock time `hours` from the application clock's now.
    pub fn beijing_in(app: &TestApp, hours: i64) -> String {
        let t = app.state.clock.now() + Duration::hours(hours);
        t.with_timezone(&app::domain::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string()
    }

    /// A document to upload: (file name, bytes).
    pub type Doc = (&'static str, Vec<u8>);

    pub fn pdf(marker: &str) -> Doc {
        ("文件.pdf", format!("%PDF-1.7\n% {marker}\n").into_bytes())
    }

    /// Uploads a bid: `prices` as (lot position, yuan), the two documents, and the demo team.
    pub async fn upload(
        app: &TestApp,
        client: &reqwest::Client,
        tender: &str,
        prices: &[(i64, &str)],
        technical: Doc,
        qualification: Doc,
    ) -> reqwest::Response {
        upload_team(app, client, tender, prices, technical, qualification, false).await
    }

    /// [`upload`] with a team per lot taken from the bidder's roster, as the demo builds them: eight
    /// people each, the person the demo shares between two NGOs in the first lot only when
    /// `with_shared`.
    pub async fn upload_team(
        app: &TestApp,
        client: &reqwest::Client,
        tender: &str,
        prices: &[(i64, &str)],
        technical: Doc,
        qualification: Doc,
        with_shared: bool,
    ) -> reqwest::Response {
        let profile: Value = sf(app, client, "my_profile", &[]).await.json().await.unwrap();
        let roster: Vec<(String, String)> = profile["roster"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["id"].as_str().unwrap().to_string(), m["person"]["name"].as_str().unwrap().to_string()))
            .collect();
        let own: Vec<&String> =
            roster.iter().filter(|(_, n)| n != server::demo::DEMO_SHARED_PERSON).map(|(id, _)| id).collect();
        let mut form = reqwest::multipart::Form::new();
        for (i, (lot, price)) in prices.iter().enumerate() {
            form = form.text("lot", lot.to_string()).text(format!("price_{lot}"), price.to_string());
            let team: Vec<&String> =
                own.iter().skip(i * server::demo::DEMO_TEAM_SIZE).take(server::demo::DEMO_TEAM_SIZE).copied().collect();
            for (j, id) in team.iter().enumerate() {
                form = form.text(format!("staff_{lot}"), id.to_string());
                match j {
                    0 => form = form.text(format!("manager_{lot}"), id.to_string()),
                    1 => form = form.text(format!("supervisor_{lot}"), id.to_string()),
                    _ => {}
                }
            }
            if i == 0 && with_shared {
                let shared = roster
                    .iter()
                    .find(|(_, n)| n == server::demo::DEMO_SHARED_PERSON)
                    .map(|(id, _)| id.clone())
                    .expect("a shared person");
                form = form.text(format!("staff_{lot}"), shared);
            }
        }
        form = form
            .part("technical", reqwest::multipart::Part::bytes(technical.1).file_name(technical.0.to_string()))
            .part(
                "qualification",
                reqwest::multipart::Part::bytes(qualification.1).file_name(qualification.0.to_string()),
            );
        client.post(format!("{}/api/v1/tenders/{tender}/bids", app.base)).multipart(form).send().await.unwrap()
    }

    pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// The form of a Suzhou street tender with two community lots, `days` days to the deadline.
    pub fn suzhou_form(app: &TestApp, days: i64) -> Vec<(String, String)> {
        let deadline = beijing_in(app, days * 24);
        [
            ("input[template_id]", "suzhou-street-4plus1"),
            ("input[method]", "open_tender"),
            ("input[title]", "双塔街道“4+1”社区服务综合包"),
            ("input[buyer]", "苏州市民政局"),
            ("input[lots][0][name]", "双塔社区"),
            ("input[lots][0][budget]", "200000/400000"),
            ("input[lots][1][name]", "定慧寺社区"),
            ("input[lots][1][budget]", "30万"),
            ("input[bid_deadline]", &deadline),
            ("input[opening_time]", &deadline),
            ("input[price_weight_pct]", "20"),
            ("input[criteria][0][name]", "服务方案"),
            ("input[criteria][0][max_points]", "50"),
            ("input[criteria][0][guidance]", "需求分析与目标"),
            ("input[criteria][1][name]", "团队配备"),
            ("input[criteria][1][max_points]", "30"),
            ("input[criteria][1][objective]", "true"),
            ("input[lint_override]", "苏州市民政局文件明确规定承接主体的组织形式和人数"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    pub async fn create_published(app: &TestApp, officer: &reqwest::Client, days: i64) -> String {
        let form = suzhou_form(app, days);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = sf(app, officer, "create_tender", &pairs).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let id: String = res.json().await.unwrap();
        let publish = sf(app, officer, "publish_tender", &[("id", &id)]).await;
        assert_eq!(publish.status(), StatusCode::OK, "{}", publish.text().await.unwrap());
        id
    }

    pub async fn field_code(res: reqwest::Response) -> String {
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        body["error"]["fields"][0]["code"]
            .as_str()
            .or(body["detail"][0]["code"].as_str())
            .unwrap_or_else(|| panic!("{status} {body}"))
            .to_string()
    }

    pub fn advance(app: &TestApp, ms: i64) {
        app.state.test_clock.as_ref().unwrap().advance_ms(ms);
    }

    pub fn pdf_text(pdf: &[u8]) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("pdftotext")
            .args(["-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("pdftotext (Debian poppler-utils) is installed by make test");
        child.stdin.take().unwrap().write_all(pdf).unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    }

    pub const _UNUSED: fn() -> chrono::DateTime<Utc> = Utc::now;
}

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
        assert!(board.as_array().unwrap().iter().any(|t| t["id"] == id.as_str() && t["region"] == "苏州市"));
        assert_eq!(public["bid_count"], Value::Null, "the public never learns how many have bid");
        assert_eq!(public["versions"][0]["version"], 1);
        let notice = app.anon().get(format!("{}/api/v1/tenders/{id}/notice.pdf", app.base)).send().await.unwrap();
        assert_eq!(notice.status(), StatusCode::OK);
        let text = pdf_text(&notice.bytes().await.unwrap());
        assert!(text.contains("招标公告") && text.contains("双塔社区") && text.contains("价格分权重20%"), "{text}");
        assert!(text.replace('\n', "").contains("第2年¥400,000.00"), "{text}");
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
        let file = officer
            .get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/files/technical", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(file.headers()["content-type"], "application/zip");
        assert_eq!(file.bytes().await.unwrap().to_vec(), package, "decrypted byte for byte");

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

        // 6. Experts score A, B, C (yangguang, hexie, yimin) without names; A wins on points.
        let experts = [
            app.sign_in_as("expert-zhou", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-wu", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-zheng", server::demo::DEMO_PASSWORD).await,
        ];
        for (expert, a) in experts.iter().zip([("45", "30"), ("46", "29"), ("47", "28")]) {
            let sheet = sf(&app, expert, "score_sheet", &[("id", &id)]).await.text().await.unwrap();
            for name in names {
                assert!(!sheet.contains(name), "{name} leaked to an expert");
            }
            let res = sf(
                &app,
                expert,
                "submit_scores",
                &[
                    ("id", &id),
                    ("scores[0][alias]", "A"),
                    ("scores[0][points][0]", a.0),
                    ("scores[0][points][1]", a.1),
                    ("scores[1][alias]", "B"),
                    ("scores[1][points][0]", "35"),
                    ("scores[1][points][1]", "25"),
                    ("scores[2][alias]", "C"),
                    ("scores[2][points][0]", "40"),
                    ("scores[2][points][1]", "30"),
                ],
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        }
        // Each lot is ranked on its own prices: A = 75 + 288000/295000 × 20 = 94.53;
        // C = 70 + 19.2 = 89.2; B = 60 + 20 = 80 — in both lots, as every bid priced them alike.
        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(ranking["lots"].as_array().unwrap().len(), 2);
        for lot in [0, 1] {
            let first = &ranking["lots"][lot]["rows"][0];
            assert_eq!((first["alias"].as_str(), first["org_name"].as_str()), (Some("A"), Some(names[0])));
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
                && notice.contains("定慧寺社区"),
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
        let audit: Value = app
            .signed_in(Role::Auditor)
            .await
            .get(format!("{}/api/v1/audit", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
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
            "scores.submit",
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

/// Every zip attack is refused with a message naming the file, and nothing is stored; an upload
/// cut off half-way leaves the earlier bid unchanged.
#[tokio::test]
async fn unsafe_packages_and_broken_uploads_change_nothing() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = create_published(&app, &officer, 21).await;
    let ngo = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
    let first = upload(&app, &ngo, &id, &[(0, "290000")], pdf("first"), pdf("q")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let receipt: Value = first.json().await.unwrap();

    let dir = support::temp_dir();
    std::fs::write(dir.join("plan.pdf"), b"%PDF-1.7 secret").unwrap();
    let ok = std::process::Command::new("zip")
        .current_dir(&dir)
        .args(["-q", "-P", "pw", "enc.zip", "plan.pdf"])
        .status()
        .expect("Debian zip is installed by make test");
    assert!(ok.success());
    let encrypted = std::fs::read(dir.join("enc.zip")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("link")).unwrap();
    assert!(std::process::Command::new("zip")
        .current_dir(&dir)
        .args(["-q", "--symlinks", "link.zip", "link"])
        .status()
        .unwrap()
        .success());
    let symlink = std::fs::read(dir.join("link.zip")).unwrap();
    let many: Vec<String> = (0..201).map(|i| format!("f{i}.pdf")).collect();
    let many_entries: Vec<(&str, &[u8])> = many.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let zeros = vec![0u8; 20 * 1024 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("traversal.zip", zip_of(&[("../../etc/cron.d/x", b"x")]), "zip_unsafe_path"),
        ("absolute.zip", zip_of(&[("/etc/passwd", b"x")]), "zip_unsafe_path"),
        ("enc.zip", encrypted, "zip_encrypted"),
        ("link.zip", symlink, "zip_symlink"),
        ("many.zip", zip_of(&many_entries), "zip_too_many_entries"),
        ("bomb.zip", zip_of(&[("zeros.pdf", &zeros)]), "zip_bomb"),
        ("image.png", b"\x89PNG\r\n".to_vec(), "file_not_pdf_or_zip"),
    ];
    let files_before = walk(app.state.storage.root());
    for (name, bytes, code) in cases {
        let res = upload(&app, &ngo, &id, &[(0, "280000")], (name, bytes), pdf("q")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["code"], code, "{name}: {body}");
        assert!(
            body["error"]["fields"][0]["message_zh"].as_str().unwrap().contains(name),
            "the message names the file: {body}"
        );
    }
    assert_eq!(walk(app.state.storage.root()), files_before, "a refused upload stores nothing");

    // A browser posting the form without JavaScript is sent back to the bid page with the reasons.
    let form = reqwest::multipart::Form::new()
        .text("lot", "0")
        .part("technical", reqwest::multipart::Part::bytes(b"GIF89a".to_vec()).file_name("photo.gif"))
        .part("qualification", reqwest::multipart::Part::bytes(pdf("q").1).file_name("q.pdf"));
    let res = ngo
        .post(format!("{}/api/v1/tenders/{id}/bids", app.base))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("/bidder/tenders/{id}?upload_error="))
            && location.contains("file_not_pdf_or_zip"),
        "{location}"
    );

    // A body cut off half-way: the earlier bid stays as it was.
    let boundary = "caipingboundary";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"lot\"\r\n\r\n0\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"price_0\"\r\n\r\n1000\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"technical\"; filename=\"t.pdf\"\r\n\r\n%PDF-1.7 half");
    let res = ngo
        .post(format!("{}/api/v1/tenders/{id}/bids", app.base))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    let mine: Value = flow::sf(&app, &ngo, "my_bid", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(mine["receipt"]["files"], receipt["files"]);
    assert_eq!(walk(app.state.storage.root()), files_before);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

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
        let audit: Value = app
            .signed_in(Role::Auditor)
            .await
            .get(format!("{}/api/v1/audit", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "tender.fail" && e["entity_id"] == id.as_str()));
    }
}

/// Clarifications: bidders ask until the clarification deadline; the answer is public and never
/// names who asked; pending questions are seen only by their asker and the purchaser side.
#[tokio::test]
async fn clarifications_are_answered_in_public_without_the_asker() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let mut form = suzhou_form(&app, 21);
        form.push(("input[clarify_until]".into(), beijing_in(&app, 5 * 24)));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let id: String = sf(&app, &officer, "create_tender", &pairs).await.json().await.unwrap();
        // A draft is nobody's business but the officer's: no public notice, no questions.
        assert_eq!(
            app.anon().get(format!("{}/api/v1/tenders/{id}/notice.pdf", app.base)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.anon().get(format!("{}/api/v1/tenders/{id}/document.pdf", app.base)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(sf(&app, &officer, "publish_tender", &[("id", &id)]).await.status(), StatusCode::OK);
        let asker = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        let other = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(sf(&app, &asker, "ask_question", &[("id", &id), ("question", "?")]).await).await,
            "question_length"
        );
        let res =
            sf(&app, &asker, "ask_question", &[("id", &id), ("question", "定慧寺社区现有活动场地面积是多少？")]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let qid: String = res.json().await.unwrap();
        let count = |v: &Value| v.as_array().unwrap().len();
        assert_eq!(count(&sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.json().await.unwrap()), 0);
        assert_eq!(count(&sf(&app, &other, "clarifications", &[("id", &id)]).await.json().await.unwrap()), 0);
        let own: Value = sf(&app, &asker, "clarifications", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(own[0]["mine"], true);
        assert_eq!(count(&sf(&app, &officer, "clarifications", &[("id", &id)]).await.json().await.unwrap()), 1);
        assert_eq!(
            sf(&app, &officer, "answer_question", &[("question_id", &qid), ("answer", "约420平方米，详见附件")])
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            field_code(sf(&app, &officer, "answer_question", &[("question_id", &qid), ("answer", "再答一次")]).await)
                .await,
            "already_answered"
        );
        let public = sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.text().await.unwrap();
        assert!(public.contains("约420平方米") && public.contains("活动场地面积"), "{public}");
        for leak in ["ngo-yangguang", "阳光", "asked_by"] {
            assert!(!public.contains(leak), "{leak} in {public}");
        }
        advance(&app, 5 * 24 * 3_600_000);
        let asker = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(sf(&app, &asker, "ask_question", &[("id", &id), ("question", "还可以再提问吗？谢谢")]).await)
                .await,
            "clarification_closed"
        );
        let audit: Value = app
            .signed_in(Role::Auditor)
            .await
            .get(format!("{}/api/v1/audit", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"clarification.ask") && actions.contains(&"clarification.answer"));
    }
}

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
    let audit = app
        .signed_in(Role::Auditor)
        .await
        .get(format!("{}/api/v1/audit", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("staff.add") && audit.contains("staff.remove") && audit.contains("organisation.profile"));
    assert!(!audit.contains("320508199001011232"), "the audit log shows ID numbers masked");
}

/// Shenzhen's call is for residents' committees: an NGO is refused; a committee applies with its
/// conditions and project choice, and the review judges them by the seed's rules.
/// A bid's teams through the multipart fields: one per lot (`manager_N`, `supervisor_N`,
/// `staff_N_yY`), judged per contract year at review; a person in two lots' teams is flagged.
#[tokio::test]
async fn each_lot_gets_its_own_team_with_staff_per_year() {
    use flow::*;
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = create_published(&app, &officer, 21).await;
    let ngo = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
    let profile: Value = sf(&app, &ngo, "my_profile", &[]).await.json().await.unwrap();
    let people: Vec<String> =
        profile["roster"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect();
    let mut form = reqwest::multipart::Form::new();
    for lot in [0, 1] {
        form = form.text("lot", lot.to_string()).text(format!("price_{lot}"), "290000");
        let team = &people[lot * 8..lot * 8 + 8];
        form = form.text(format!("manager_{lot}"), team[0].clone()).text(format!("supervisor_{lot}"), team[1].clone());
        // Suzhou Annex 1 §2: five in year 1, eight in year 2 — for lot 1 only four in year 1.
        let first_year = if lot == 0 { 5 } else { 4 };
        for (i, person) in team.iter().enumerate() {
            let field = if i < first_year { format!("staff_{lot}_y1") } else { format!("staff_{lot}_y2") };
            form = form.text(field, person.clone());
            if i < first_year {
                form = form.text(format!("staff_{lot}_y2"), person.clone());
            }
        }
    }
    // Lot 0's manager is also a year-2 worker of lot 1.
    form = form.text("staff_1_y2", people[0].clone());
    form = form
        .part("technical", reqwest::multipart::Part::bytes(pdf("方案").1).file_name("方案.pdf"))
        .part("qualification", reqwest::multipart::Part::bytes(pdf("资格").1).file_name("资格.pdf"));
    let res = ngo.post(format!("{}/api/v1/tenders/{id}/bids", app.base)).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "{}", res.text().await.unwrap());
    let stored: String = sqlx::query_scalar("SELECT declaration_json FROM bids WHERE tender_id = $1")
        .bind(&id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let declared: app::domain::roster::Declaration = serde_json::from_str(&stored).unwrap();
    let lots: Vec<(&str, usize, usize)> =
        declared.teams.iter().map(|t| (t.lot.as_str(), t.team.staff_in(1).len(), t.team.staff_in(2).len())).collect();
    assert_eq!(lots, [("双塔社区", 5, 8), ("定慧寺社区", 4, 9)]);

    let deadline: i64 = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json::<Value>().await.unwrap()
        ["spec"]["bid_deadline_ms"]
        .as_i64()
        .unwrap();
    advance(&app, deadline - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    assert_eq!(sf(&app, &officer, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK);
    let review: Value = sf(&app, &officer, "review_rows", &[("id", &id)]).await.json().await.unwrap();
    let failed: Vec<(String, String)> = review[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] == "fail")
        .map(|c| (c["rule"].as_str().unwrap().to_string(), c["message_zh"].as_str().unwrap().to_string()))
        .collect();
    let rules: Vec<&str> = failed.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rules, ["team-size", "team.one_lot_each"], "{failed:?}");
    assert!(failed[0].1.starts_with("【定慧寺社区】第1年"), "{}", failed[0].1);
}

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

    let experts = ["expert-zhou", "expert-wu", "expert-zheng"];
    for e in experts {
        let expert = app.sign_in_as(e, server::demo::DEMO_PASSWORD).await;
        let res = sf(
            &app,
            &expert,
            "submit_scores",
            &[
                ("id", &id),
                ("scores[0][alias]", "A"),
                ("scores[0][points][0]", "40"),
                ("scores[0][points][1]", "30"),
                ("scores[1][alias]", "B"),
                ("scores[1][points][0]", "40"),
                ("scores[1][points][1]", "30"),
                ("scores[2][alias]", "C"),
                ("scores[2][points][0]", "40"),
                ("scores[2][points][1]", "30"),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    }
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

/// The officer creates and publishes a call for applications through the server functions.
async fn publish_call(app: &TestApp, input: app::domain::tender::TenderInput) -> String {
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
async fn open_and_review(app: &TestApp, id: &str) -> Vec<Vec<(String, String)>> {
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
    let audit = app
        .signed_in(Role::Auditor)
        .await
        .get(format!("{}/api/v1/audit", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("tender.attach") && audit.contains("tender.amend") && audit.contains("服务需求清单.pdf"));
}

#[tokio::test]
async fn demo_data_offers_a_tender_to_open_and_one_to_bid_on() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    server::demo::seed_tenders(&app.state).await.unwrap();
    server::demo::seed_tenders(&app.state).await.unwrap(); // idempotent
    let officer = app.signed_in(Role::Officer).await;
    let public: Value = flow::sf(&app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
    let titles: Vec<&str> = public.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 4, "{titles:?}");
    let to_open: String = sqlx::query("SELECT id FROM tenders WHERE title = $1")
        .bind(server::demo::DEMO_TENDER_TO_OPEN)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id");
    assert_eq!(flow::sf(&app, &officer, "open_bids", &[("id", &to_open)]).await.status(), StatusCode::OK);
    let review: Value = flow::sf(&app, &officer, "review_rows", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(review.as_array().unwrap().len(), 3);
    for row in review.as_array().unwrap() {
        let failed: Vec<&Value> = row["checks"].as_array().unwrap().iter().filter(|c| c["outcome"] == "fail").collect();
        assert!(failed.is_empty(), "{failed:?}");
        let res = flow::sf(
            &app,
            &officer,
            "review_bid",
            &[
                ("id", &to_open),
                ("bid_id", row["bid"]["bid_id"].as_str().unwrap()),
                ("outcome", "pass"),
                ("reason", ""),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_eq!(flow::sf(&app, &officer, "conclude_review", &[("id", &to_open)]).await.status(), StatusCode::OK);
    let ranking: Value = flow::sf(&app, &officer, "ranking", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(ranking["experts"], 3);
    let bidder_view: Value =
        flow::sf(&app, &app.signed_in(Role::Bidder).await, "open_tenders", &[]).await.json().await.unwrap();
    assert!(bidder_view
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["tender"]["title"] == server::demo::DEMO_TENDER_OPEN && t["tender"]["status"] == "published"));
}

/// An NGO registers itself with a valid credit code; a refused registration leaves nothing.
#[tokio::test]
async fn an_ngo_registers_and_nothing_is_half_saved() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let register = |org: &'static str, code: &'static str, user: &'static str| {
            let client = app.anon();
            let url = format!("{}/api/register_organisation", app.base);
            async move {
                let res = client
                    .post(url)
                    .form(&[
                        ("org_name", org),
                        ("credit_code", code),
                        ("username", user),
                        ("display_name", "林社工"),
                        ("password", "register-pw-2026"),
                    ])
                    .send()
                    .await
                    .unwrap();
                (client, res)
            }
        };
        // A wrong check character, and a username that exists: both reported, nothing stored.
        let (_, bad) = register("吴江区同心社会工作服务中心", "52320509MJ5912345X", "officer").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad.json().await.unwrap();
        let fields: Vec<&str> =
            body["detail"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["credit_code", "username"]);
        let orgs: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM organisations WHERE name = $1")
            .bind("吴江区同心社会工作服务中心")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(orgs, 0);

        let (client, ok) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin").await;
        assert_eq!(ok.status(), StatusCode::OK, "{}", ok.text().await.unwrap());
        let me: Value = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            (me["role"].as_str(), me["org_name"].as_str()),
            (Some("bidder"), Some("吴江区同心社会工作服务中心"))
        );
        let (_, twice) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin2").await;
        assert_eq!(twice.json::<Value>().await.unwrap()["detail"][0]["code"], "org_name_taken");
        let audit: Value = app
            .signed_in(Role::Auditor)
            .await
            .get(format!("{}/api/v1/audit", app.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "organisation.register" && e["actor"] == "anonymous"));
    }
}
