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
        ("/templates/validate", _) => {
            let mut t = app::domain::template::builtin_by_id("suzhou-street-4plus1").unwrap();
            t.id = "derived-test".into();
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
    let doc: Value = app.anon().get(format!("{}/api/v1/openapi.json", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for route in ROUTES {
        let path = format!("/api/v1{}", route.path);
        assert_eq!(paths.get(&path).and_then(|p| p.get(route.method)).is_some(), !route.test_mode_only, "{} {path}", route.method);
    }
    // Every documented operation answers with something other than 404/405.
    let admin = app.signed_in(Role::Admin).await;
    for route in ROUTES.iter().filter(|r| !r.test_mode_only) {
        let status = call(&app, &admin, route).await.status();
        assert!(status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED, "{} {} -> {status}", route.method, route.path);
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
                    assert!(status.is_success(), "{role} {} {} -> {status}", route.method, route.path);
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{role} {} {}", route.method, route.path);
                }
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
        assert!(app.anon().post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "auditor", "password": server::demo::DEMO_PASSWORD}))
            .send().await.unwrap().status().is_success());
        app.state.test_clock.as_ref().unwrap().advance_ms(15 * 60 * 1000 + 1);
        assert_eq!(try_sign_in(server::demo::DEMO_PASSWORD).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn the_test_clock_exists_only_in_test_mode() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let res = app.anon().post(format!("{}/api/v1/test/clock", app.base)).json(&json!({"advance_ms": 1000})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(app.state.test_clock.is_none());

    let app = spawn_app(support::Backend::Sqlite, true).await;
    let before: Value = app.anon().get(format!("{}/api/v1/test/clock", app.base)).send().await.unwrap().json().await.unwrap();
    let day = 24 * 3600 * 1000;
    let after: Value = app.anon().post(format!("{}/api/v1/test/clock", app.base)).json(&json!({"advance_ms": day})).send().await.unwrap().json().await.unwrap();
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
        let bad = admin.post(&url).json(&json!({"username": "X", "display_name": "", "role": "expert", "org_id": null, "password": "short"})).send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad.json().await.unwrap();
        let fields: Vec<&str> = body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["username", "display_name", "password"]);
        assert!(body["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("用户名"));

        let ok = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED);
        let dup = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(dup.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "username_taken");
        let bidder_without_org = admin.post(&url).json(&json!({"username": "lonely", "display_name": "无机构", "role": "bidder", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(bidder_without_org.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let audit: Value = app.signed_in(Role::Auditor).await.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap();
        let entries = audit.as_array().unwrap();
        let created = entries.iter().find(|e| e["action"] == "user.create" && e["after"].as_str().unwrap_or("").contains("expert.sun")).expect("audit entry for the new user");
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
                .bind(*id).bind(amount.fen()).bind(*at).bind(*label)
                .execute(pool).await.unwrap();
        }
        let sum: i64 = sqlx::query("SELECT CAST(SUM(amount_fen) AS BIGINT) AS s FROM round_trip WHERE id <> 'c'")
            .fetch_one(pool).await.unwrap().get("s");
        assert_eq!(Yuan::from_fen(sum).to_string(), "¥14,400,000.01", "{backend:?}");
        for (id, amount, at, label) in &cases {
            let row = sqlx::query("SELECT amount_fen, at, label FROM round_trip WHERE id = $1").bind(*id).fetch_one(pool).await.unwrap();
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
    let zh = app.anon().get(&url).header("accept-language", "en-US,en;q=0.9").send().await.unwrap().text().await.unwrap();
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
        let res = client.post(format!("{}/api/v1/session", a.base)).json(&json!({"username": "admin", "password": server::demo::DEMO_PASSWORD})).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let created = reqwest::Client::new().post(format!("{}/api/v1/users", b.base)).header("cookie", &cookie)
            .json(&json!({"username": "via.b", "display_name": "乙实例", "role": "auditor", "org_id": null, "password": "0123456789abc"}))
            .send().await.unwrap();
        assert_eq!(created.status(), StatusCode::CREATED, "session from A accepted by B");
        let users: Value = reqwest::Client::new().get(format!("{}/api/v1/users", a.base)).header("cookie", &cookie).send().await.unwrap().json().await.unwrap();
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
    let failed: Vec<&str> = q["verdicts"].as_array().unwrap().iter().filter(|v| v["outcome"] == "fail").map(|v| v["rule"].as_str().unwrap()).collect();
    assert_eq!(failed, ["employees"]);
}

#[tokio::test]
async fn bad_calculator_input_gets_structured_errors() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    let url = |p: &str| format!("{}/api/v1{p}", app.base);
    let syntax = officer.post(url("/calc/dongguan/composite")).header("content-type", "application/json").body("{not json").send().await.unwrap();
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
    let one: Value = officer.get(format!("{}/api/v1/templates/suzhou-street-4plus1", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(one["lint"].as_array().unwrap().iter().any(|w| w["rule"] == "lint.headcount.employees" && w["outcome"] == "warning"));
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
    let ok: Value = officer.post(format!("{}/api/v1/templates/validate", app.base)).json(&derived).send().await.unwrap().json().await.unwrap();
    assert_eq!(ok["valid"], true);
}

#[tokio::test]
async fn an_admin_adds_a_holiday_year_and_deadlines_use_it() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let officer = app.signed_in(Role::Officer).await;
        let url = |p: &str| format!("{}/api/v1{p}", app.base);
        // Before: 2026-12-31 (Thu) + 1 working day = 2027-01-01 (Fri), only weekends known for 2027.
        let before: Value = officer.post(url("/calc/deadline")).json(&json!({"step": "publicity", "from": "2026-12-31"})).send().await.unwrap().json().await.unwrap();
        assert_eq!(before["deadline"], "2027-01-01");
        assert_eq!(before["calendar_covers_year"], false);
        let notice = "[[year]]\nyear = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\"2027-01-01\"]\nworking_weekends = []\n";
        let refused = officer.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        let bad = admin.post(url("/calendar")).json(&json!({"calendar_toml": notice.replace("2027-01-01", "2027-01-02")})).send().await.unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY, "Jan 2 2027 is a Saturday");
        let added = admin.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(added.status(), StatusCode::CREATED);
        let again = admin.post(url("/calendar")).json(&json!({"calendar_toml": notice})).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::CONFLICT);
        let after: Value = officer.post(url("/calc/deadline")).json(&json!({"step": "publicity", "from": "2026-12-31"})).send().await.unwrap().json().await.unwrap();
        assert_eq!(after["deadline"], "2027-01-04");
        assert_eq!(after["calendar_covers_year"], true);
        let audit: Value = admin.get(url("/audit")).send().await.unwrap().json().await.unwrap();
        assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "calendar.add_year" && e["entity_id"] == "2027"));
    }
}
