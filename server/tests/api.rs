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
            let t = app::domain::template::builtin_by_id("suzhou-street-4plus1")
                .unwrap()
                .derive(&format!("derived-{}", uuid::Uuid::new_v4().simple()), app::domain::template::Text { zh: "派生".into(), en: "Derived".into() });
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
        // Tender routes need a real tender (the flow test covers them); here they must exist.
        let needs_tender = route.path.starts_with("/tenders/{id}");
        assert!(status != StatusCode::METHOD_NOT_ALLOWED && (needs_tender || status != StatusCode::NOT_FOUND), "{} {} -> {status}", route.method, route.path);
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
                    assert!(status.is_success() || (needs_tender && status == StatusCode::NOT_FOUND), "{role} {} {} -> {status}", route.method, route.path);
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

    // Stored, it is listed and readable like a shipped one; its id cannot be taken twice.
    derived.derived_from = Some("dongguan-centre-operator".into());
    let created = officer.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let list: Value = officer.get(format!("{}/api/v1/templates", app.base)).send().await.unwrap().json().await.unwrap();
    assert!(list.as_array().unwrap().iter().any(|t| t["id"] == "dongguan-2027" && t["derived_from"] == "dongguan-centre-operator"));
    let stored: Value = officer.get(format!("{}/api/v1/templates/dongguan-2027", app.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(stored["template"], serde_json::to_value(&derived).unwrap());
    let twice = officer.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap();
    assert_eq!(twice.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "template_id_taken");
    let bidder = app.signed_in(Role::Bidder).await;
    assert_eq!(bidder.post(format!("{}/api/v1/templates", app.base)).json(&derived).send().await.unwrap().status(), StatusCode::FORBIDDEN);
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
        s.bytes().map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
    }

    /// Beijing wall-clock time `hours` from the application clock's now.
    pub fn beijing_in(app: &TestApp, hours: i64) -> String {
        let t = app.state.clock.now() + Duration::hours(hours);
        t.with_timezone(&app::domain::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string()
    }

    pub async fn upload(app: &TestApp, client: &reqwest::Client, tender: &str, price: &str, bytes: Vec<u8>, name: &str) -> reqwest::Response {
        let form = reqwest::multipart::Form::new()
            .text("price", price.to_string())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("application/pdf").unwrap());
        client.post(format!("{}/api/v1/tenders/{tender}/bids", app.base)).multipart(form).send().await.unwrap()
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

/// The walking skeleton: publication → sealed bids → opening → anonymous scoring → ranking →
/// award notice PDF → contract and staffing obligation, every step audited, on both backends.
#[tokio::test]
async fn one_tender_from_publication_to_contract() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let yangguang = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        let yimin = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        let experts = [
            app.sign_in_as("expert-zhou", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-wu", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-zheng", server::demo::DEMO_PASSWORD).await,
        ];
        let auditor = app.signed_in(Role::Auditor).await;
        let admin = app.signed_in(Role::Admin).await;
        let names = ["苏州市姑苏区阳光社会工作服务社", "苏州工业园区益民社工事务所"];

        // 1. The officer creates and publishes the tender; it appears on the public list.
        let (deadline, opening) = (beijing_in(&app, 48), beijing_in(&app, 49));
        let bad = sf(&app, &officer, "create_tender", &[("input[title]", "x"), ("input[buyer]", ""), ("input[budget]", "abc"), ("input[bid_deadline]", &deadline), ("input[opening_time]", &opening), ("input[price_weight_pct]", "20"), ("input[criteria][0][name]", "方案"), ("input[criteria][0][max_points]", "80")]).await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let res = sf(&app, &officer, "create_tender", &[
            ("input[title]", "双塔街道“4+1”社区服务综合包"), ("input[buyer]", "苏州市民政局"), ("input[budget]", "60万"),
            ("input[bid_deadline]", &deadline), ("input[opening_time]", &opening), ("input[price_weight_pct]", "20"),
            ("input[criteria][0][name]", "服务方案"), ("input[criteria][0][max_points]", "50"),
            ("input[criteria][1][name]", "团队配备"), ("input[criteria][1][max_points]", "30"),
        ]).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let id: String = res.json().await.unwrap();
        assert_eq!(sf(&app, &officer, "tender_action", &[("id", &id), ("action", "publish")]).await.status(), StatusCode::OK);
        let public: Value = sf(&app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
        assert_eq!(public[0]["title"], "双塔街道“4+1”社区服务综合包");

        // 2. Two organisations bid; each gets the SHA-256 of its file.
        let file_a = b"%PDF-1.4\n% Yangguang technical proposal\n".to_vec();
        let res = upload(&app, &yangguang, &id, "590000", file_a.clone(), "阳光投标文件.pdf").await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let receipt: Value = res.json().await.unwrap();
        use sha2::Digest;
        assert_eq!(receipt["file_sha256"], hex::encode(sha2::Sha256::digest(&file_a)));
        assert!(receipt.get("price").is_none() && receipt.get("price_fen").is_none());
        assert_eq!(upload(&app, &yimin, &id, "600000", b"%PDF-1.7 yimin".to_vec(), "yimin.pdf").await.status(), StatusCode::CREATED);
        let not_pdf = upload(&app, &yimin, &id, "600000", b"PK\x03\x04zip".to_vec(), "bid.zip").await;
        assert_eq!(not_pdf.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "file_not_pdf");
        let over = upload(&app, &yimin, &id, "600000.01", b"%PDF-1.7".to_vec(), "x.pdf").await;
        assert_eq!(over.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "price_over_budget");

        // Sealed: before the opening nobody reads a price or a file, whatever the role.
        let bid_id: String = {
            let pool = &app.state.db.pool;
            sqlx::query("SELECT id FROM bids WHERE tender_id = $1 ORDER BY submitted_at LIMIT 1").bind(&id).fetch_one(pool).await.unwrap().get("id")
        };
        for client in [&officer, &yangguang, &experts[0], &auditor, &admin, &app.anon()] {
            let file = client.get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/file", app.base)).send().await.unwrap();
            assert!(file.status().is_client_error(), "bid file readable before opening: {}", file.status());
            assert_ne!(file.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("application/pdf"));
            let ranking = sf(&app, client, "ranking", &[("id", &id)]).await;
            assert!(ranking.status().is_client_error());
            let text = ranking.text().await.unwrap();
            assert!(!text.contains("590000") && !text.contains("5900000"), "{text}");
        }
        let early_open = sf(&app, &officer, "tender_action", &[("id", &id), ("action", "open")]).await;
        assert_eq!(early_open.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let audit_text = auditor.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().text().await.unwrap();
        assert!(!audit_text.contains("59000000") && !audit_text.contains("590000") && !audit_text.contains("590,000"), "the audit log must not leak sealed prices");

        // 3. The clock passes the deadline: no more bids; then the opening time.
        app.state.test_clock.as_ref().unwrap().advance_ms(48 * 3_600_000 + 60_000);
        // Two days later the 12-hour sessions have expired: everyone signs in again.
        assert_eq!(officer.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
        let officer = app.signed_in(Role::Officer).await;
        let yangguang = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        let yimin = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        let experts = [
            app.sign_in_as("expert-zhou", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-wu", server::demo::DEMO_PASSWORD).await,
            app.sign_in_as("expert-zheng", server::demo::DEMO_PASSWORD).await,
        ];
        let auditor = app.signed_in(Role::Auditor).await;
        let stale: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sessions WHERE expires_at <= $1")
            .bind(app.state.now_ms())
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(stale, 0, "expired sessions are cleared at sign-in");
        let late = upload(&app, &yimin, &id, "500000", b"%PDF-1.7 late".to_vec(), "late.pdf").await;
        let late_status = late.status();
        let late: Value = late.json().await.unwrap();
        assert_eq!(late["error"]["fields"][0]["code"], "bid_deadline_passed", "{late_status} {late}");
        app.state.test_clock.as_ref().unwrap().advance_ms(3_600_000);
        assert_eq!(sf(&app, &officer, "tender_action", &[("id", &id), ("action", "open")]).await.status(), StatusCode::OK);
        let file = officer.get(format!("{}/api/v1/tenders/{id}/bids/{bid_id}/file", app.base)).send().await.unwrap();
        assert_eq!(file.bytes().await.unwrap().to_vec(), file_a);

        // Experts see 投标人 A/B only — never an organisation's name, in JSON or in the page.
        for expert in &experts {
            let sheet = sf(&app, expert, "score_sheet", &[("id", &id)]).await.text().await.unwrap();
            assert!(sheet.contains("\"A\"") && sheet.contains("\"B\""), "{sheet}");
            let page = expert.get(format!("{}/expert/tenders/{id}", app.base)).send().await.unwrap().text().await.unwrap();
            let list = sf(&app, expert, "expert_tenders", &[]).await.text().await.unwrap();
            for name in names {
                assert!(!sheet.contains(name) && !page.contains(name) && !list.contains(name), "{name} leaked to an expert");
            }
            assert!(page.contains("投标人 A"), "{page}");
        }
        let incomplete = sf(&app, &experts[0], "submit_scores", &[("id", &id), ("scores[0][0]", "A"), ("scores[0][1][0]", "51"), ("scores[0][1][1]", "25")]).await;
        assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let sheets = [[("40", "25"), ("45", "28")], [("42", "27"), ("44", "26")], [("41", "26"), ("46", "27")]];
        for (expert, sheet) in experts.iter().zip(sheets) {
            let res = sf(&app, expert, "submit_scores", &[
                ("id", &id),
                ("scores[0][0]", "A"), ("scores[0][1][0]", sheet[0].0), ("scores[0][1][1]", sheet[0].1),
                ("scores[1][0]", "B"), ("scores[1][1][0]", sheet[1].0), ("scores[1][1][1]", sheet[1].1),
            ]).await;
            assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        }
        let again = sf(&app, &experts[0], "submit_scores", &[("id", &id), ("scores[0][0]", "A"), ("scores[0][1][0]", "1"), ("scores[0][1][1]", "1"), ("scores[1][0]", "B"), ("scores[1][1][0]", "1"), ("scores[1][1][1]", "1")]).await;
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // 4. Ranking: A = 67 + 20 = 87; B = 72 + 590000/600000 × 20 = 91.67 → B wins.
        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        let first = &ranking["rows"][0];
        assert_eq!(first["alias"], "B");
        assert_eq!(first["org_name"], names[1]);
        assert_eq!(first["rank"], 1);
        let b_total: rust_decimal::Decimal = first["total"].as_str().unwrap().parse().unwrap();
        assert_eq!(app::domain::scoring::display(b_total), "91.67".parse().unwrap());
        let winner_bid = first["bid_id"].as_str().unwrap().to_string();
        let loser_bid = ranking["rows"][1]["bid_id"].as_str().unwrap().to_string();
        let wrong = sf(&app, &officer, "award", &[("id", &id), ("bid_id", &loser_bid)]).await;
        assert_eq!(wrong.json::<Value>().await.unwrap()["detail"][0]["code"], "not_first_ranked");
        assert_eq!(sf(&app, &officer, "award", &[("id", &id), ("bid_id", &winner_bid)]).await.status(), StatusCode::OK);

        // The award notice PDF names the winner and the amount, in Chinese.
        let pdf = officer.get(format!("{}/api/v1/tenders/{id}/award-notice.pdf", app.base)).send().await.unwrap();
        assert_eq!(pdf.status(), StatusCode::OK);
        let text = pdf_text(&pdf.bytes().await.unwrap());
        assert!(text.contains("中标通知书") && text.contains(names[1]) && text.contains("¥600,000.00"), "{text}");
        assert_eq!(yangguang.get(format!("{}/api/v1/tenders/{id}/award-notice.pdf", app.base)).send().await.unwrap().status(), StatusCode::FORBIDDEN);
        assert_eq!(yimin.get(format!("{}/api/v1/tenders/{id}/award-notice.pdf", app.base)).send().await.unwrap().status(), StatusCode::OK);

        // 5. The winner's members see the contract and its staffing obligation.
        assert_eq!(sf(&app, &yangguang, "my_contracts", &[]).await.json::<Value>().await.unwrap(), json!([]));
        let contracts: Value = sf(&app, &yimin, "my_contracts", &[]).await.json().await.unwrap();
        let contract = &contracts[0];
        let staff = contract["obligations"].as_array().unwrap().iter().find(|o| o["metric"] == "full_time_staff" && o["contract_year"] == 1).unwrap();
        assert_eq!(staff["verdict"]["outcome"], "fail");
        let cid = contract["id"].as_str().unwrap().to_string();
        assert_eq!(sf(&app, &yangguang, "record_obligation", &[("contract_id", &cid), ("metric", "full_time_staff"), ("contract_year", "1"), ("value", "5")]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(sf(&app, &yimin, "record_obligation", &[("contract_id", &cid), ("metric", "full_time_staff"), ("contract_year", "1"), ("value", "5")]).await.status(), StatusCode::OK);
        let contracts: Value = sf(&app, &yimin, "my_contracts", &[]).await.json().await.unwrap();
        let staff = contracts[0]["obligations"].as_array().unwrap().iter().find(|o| o["metric"] == "full_time_staff" && o["contract_year"] == 1).unwrap();
        assert_eq!(staff["verdict"]["outcome"], "pass");

        // 6. Every step left its audit entry.
        let audit: Value = auditor.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap();
        let actions: Vec<&str> = audit.as_array().unwrap().iter().filter(|e| e["entity_id"] == id.as_str() || e["entity"] == "bid" || e["entity"] == "contract").map(|e| e["action"].as_str().unwrap()).collect();
        for step in ["tender.create", "tender.publish", "bid.submit", "tender.open", "scores.submit", "tender.award", "obligation.record"] {
            assert!(actions.contains(&step), "no audit entry for {step}: {actions:?}");
        }
        assert_eq!(actions.iter().filter(|a| **a == "scores.submit").count(), 3);
        assert_eq!(actions.iter().filter(|a| **a == "bid.submit").count(), 2);
    }
}

#[tokio::test]
async fn demo_data_offers_a_tender_to_open_and_one_to_bid_on() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    server::demo::seed_tenders(&app.state).await.unwrap();
    server::demo::seed_tenders(&app.state).await.unwrap(); // idempotent
    let officer = app.signed_in(Role::Officer).await;
    let public: Value = flow::sf(&app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
    let titles: Vec<&str> = public.as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    let to_open: String = sqlx::query("SELECT id FROM tenders WHERE title = $1").bind(server::demo::DEMO_TENDER_TO_OPEN).fetch_one(&app.state.db.pool).await.unwrap().get("id");
    assert_eq!(flow::sf(&app, &officer, "tender_action", &[("id", &to_open), ("action", "open")]).await.status(), StatusCode::OK);
    let ranking: Value = flow::sf(&app, &officer, "ranking", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(ranking["experts"], 3);
    let bidder_view: Value = flow::sf(&app, &app.signed_in(Role::Bidder).await, "open_tenders", &[]).await.json().await.unwrap();
    assert!(bidder_view.as_array().unwrap().iter().any(|t| t[0]["title"] == server::demo::DEMO_TENDER_OPEN && t[0]["status"] == "published"));
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
                    .form(&[("org_name", org), ("credit_code", code), ("username", user), ("display_name", "林社工"), ("password", "register-pw-2026")])
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
        let fields: Vec<&str> = body["detail"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["credit_code", "username"]);
        let orgs: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM organisations WHERE name = $1").bind("吴江区同心社会工作服务中心").fetch_one(&app.state.db.pool).await.unwrap().get("n");
        assert_eq!(orgs, 0);

        let (client, ok) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin").await;
        assert_eq!(ok.status(), StatusCode::OK, "{}", ok.text().await.unwrap());
        let me: Value = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!((me["role"].as_str(), me["org_name"].as_str()), (Some("bidder"), Some("吴江区同心社会工作服务中心")));
        let (_, twice) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin2").await;
        assert_eq!(twice.json::<Value>().await.unwrap()["detail"][0]["code"], "org_name_taken");
        let audit: Value = app.signed_in(Role::Auditor).await.get(format!("{}/api/v1/audit", app.base)).send().await.unwrap().json().await.unwrap();
        assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "organisation.register" && e["actor"] == "anonymous"));
    }
}
