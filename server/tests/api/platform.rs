//! Health, the OpenAPI document, the test clock, storage round trips, languages, several processes on one database, and the demo data.

use super::*;

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
    // The not-found page reads the session as every page does: a signed-in caller still sees
    // who is signed in (the fallback once rendered without the application's state).
    let officer = app.signed_in(Role::Officer).await;
    let res = officer.get(format!("{}/no/such/page", app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"current-user\""), "{html}");
    // The benchmark's bare handlers exist only under `serve --bench-baselines`.
    for path in ["/bench/ssr", "/bench/json"] {
        let res = app.anon().get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
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
            .json(&json!({"username": "via.b", "display_name": "乙实例", "role": "expert", "org_id": null, "password": "0123456789abc"}))
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

#[tokio::test]
async fn demo_data_offers_a_tender_to_open_and_one_to_bid_on() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    server::demo::seed_tenders(&app.state).await.unwrap();
    server::demo::seed_tenders(&app.state).await.unwrap(); // idempotent
    let officer = app.signed_in(Role::Officer).await;
    let public: Value = flow::sf(&app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
    let titles: Vec<&str> = public["rows"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
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
    // The demo panel is planned lawfully and draws four of the six eligible experts, with two
    // alternates; the others are excluded, each with its reason.
    let panel: Value = flow::sf(&app, &officer, "panel", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(panel["plan"]["size"], 5);
    assert!(panel["plan_verdicts"].as_array().unwrap().iter().all(|v| v["outcome"] != "fail"), "{panel}");
    assert_eq!(flow::sf(&app, &officer, "draw_panel", &[("id", &to_open)]).await.status(), StatusCode::OK);
    let panel: Value = flow::sf(&app, &officer, "panel", &[("id", &to_open)]).await.json().await.unwrap();
    let count = |status: &str| panel["members"].as_array().unwrap().iter().filter(|m| m["status"] == status).count();
    assert_eq!((count("invited"), count("reserve"), count("accepted")), (4, 2, 1), "{panel}");
    let mut reasons: Vec<&str> =
        panel["draws"][0]["exclusions"].as_array().unwrap().iter().map(|e| e[1]["reason"].as_str().unwrap()).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "conflict_with_bidder",
            "conflict_with_bidder",
            "other_category",
            "other_category",
            "outside_region",
            "purchaser_staff"
        ]
    );
    // The draw re-runs from its stored seed and pool snapshot to the same result, for the
    // supervisor as for the officer; a record altered in the database no longer does.
    assert_eq!(panel["draws_verified"], serde_json::json!([true]), "{panel}");
    let auditor = app.signed_in(Role::Auditor).await;
    let seen: Value = flow::sf(&app, &auditor, "panel", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(seen["draws_verified"], serde_json::json!([true]), "{seen}");
    let stored: String = sqlx::query("SELECT draw_json FROM panels WHERE tender_id = $1")
        .bind(&to_open)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("draw_json");
    let mut draws: Value = serde_json::from_str(&stored).unwrap();
    draws[0]["record"]["seed"] = Value::String("0".repeat(64));
    sqlx::query("UPDATE panels SET draw_json = $1 WHERE tender_id = $2")
        .bind(draws.to_string())
        .bind(&to_open)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let tampered: Value = flow::sf(&app, &auditor, "panel", &[("id", &to_open)]).await.json().await.unwrap();
    assert_eq!(tampered["draws_verified"], serde_json::json!([false]), "{tampered}");
    let bidder_view: Value =
        flow::sf(&app, &app.signed_in(Role::Bidder).await, "open_tenders", &[]).await.json().await.unwrap();
    assert!(bidder_view
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["tender"]["title"] == server::demo::DEMO_TENDER_OPEN && t["tender"]["status"] == "published"));
    // Past its deadline a tender stays on the list of an organisation that bid on it, marked so.
    let listed = |title: &str| bidder_view.as_array().unwrap().iter().find(|t| t["tender"]["title"] == title).cloned();
    let bid_on = listed(server::demo::DEMO_TENDER_TO_OPEN).expect("the tender it bid on is listed");
    assert_eq!(bid_on["has_bid"], true, "{bid_on}");
    assert_eq!(bid_on["won"], Value::Null, "not awarded yet: {bid_on}");
    assert_eq!(listed(server::demo::DEMO_TENDER_OPEN).unwrap()["has_bid"], false);
    let id = listed(server::demo::DEMO_TENDER_OPEN).unwrap()["tender"]["id"].as_str().unwrap().to_string();
    let open: Value = flow::sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
    assert_eq!(open["spec"]["proposals_per_lot"], true, "the demo shows proposals per lot");
    assert_eq!(open["spec"]["panels_per_lot"], true, "and a panel per lot");
    assert!(listed(server::demo::DEMO_CALL).is_none(), "an NGO is not offered the residents' committees' call");
    // A residents' committee is offered its call and none of the NGOs' tenders.
    let committee = app.sign_in_as("sq-lianhua", server::demo::DEMO_PASSWORD).await;
    let offered: Value = flow::sf(&app, &committee, "open_tenders", &[]).await.json().await.unwrap();
    let titles: Vec<&str> =
        offered.as_array().unwrap().iter().map(|t| t["tender"]["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&server::demo::DEMO_CALL), "{titles:?}");
    assert!(!titles.contains(&server::demo::DEMO_TENDER_OPEN), "{titles:?}");
}

/// Leptos suppresses resource loading process-wide while it generates a route list, and a
/// resource first polled in that window never loads: a page rendered while another server in
/// the same process starts up would stall mid-body for ever. Routers are therefore built from
/// one route list per process; here routers are built over and over while pages render.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn building_routers_never_stalls_a_page_being_rendered() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let expert = app.signed_in(Role::Expert).await;
    let state = app.state.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                drop(server::startup::router(state.clone()));
            }
        })
    };
    let mut stalled = Vec::new();
    for i in 0..60 {
        let path = if i % 2 == 0 { "/expert" } else { "/admin" };
        let res = expert.get(format!("{}{path}", app.base)).send().await.unwrap();
        match tokio::time::timeout(std::time::Duration::from_secs(10), res.bytes()).await {
            Ok(body) => assert!(!body.unwrap().is_empty(), "{path} has a body"),
            Err(_) => stalled.push(path),
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    builder.join().unwrap();
    assert!(stalled.is_empty(), "pages stalled while routers were built: {stalled:?}");
}

/// The bundle goes out as the copy the site build compressed, chosen by Accept-Encoding, under
/// a URL named by its content; pages and JSON are gzipped on the fly, only for clients that ask.
#[tokio::test]
async fn the_bundle_is_sent_precompressed_and_pages_compressed() {
    let site = support::temp_dir();
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let plain = "console.log('采评');".repeat(200);
    std::fs::write(site.join("pkg/caiping.js"), &plain).unwrap();
    std::fs::write(site.join("pkg/caiping.js.br"), b"brotli bytes").unwrap();
    std::fs::write(site.join("pkg/caiping.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(site.join("favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let db_url = support::fresh_database_url(support::Backend::Sqlite).await;
    let settings = app::server::state::Settings {
        master_key_file: Some(support::temp_dir().join("master.key")),
        ..Default::default()
    };
    let app = support::serve_site(&db_url, &support::temp_dir(), settings, site.to_str().unwrap()).await;
    let client = reqwest::Client::new();
    let get = |path: &str, accept: &str| {
        let req = client.get(format!("{}{path}", app.base));
        if accept.is_empty() { req } else { req.header("accept-encoding", accept) }.send()
    };

    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), &b"brotli bytes"[..]),
        ("gzip", Some("gzip"), b"gzip bytes"),
        ("", None, plain.as_bytes()),
    ] {
        let res = get("/pkg/caiping.js", accept).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{accept}");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let modified = res.headers()["last-modified"].clone();
        assert_eq!(&res.bytes().await.unwrap()[..], body, "{accept}");
        let again = client
            .get(format!("{}/pkg/caiping.js", app.base))
            .header("if-modified-since", modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "revalidation costs no transfer");
    }

    let page = get("/login", "gzip").await.unwrap();
    assert_eq!(page.headers()["content-encoding"], "gzip");
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&page.bytes().await.unwrap()[..]), &mut html)
        .unwrap();
    assert!(html.contains("</html>") && html.contains("登录"), "{html}");
    // Generated answers are gzip even for a browser that takes brotli (cheaper per response).
    let json = get("/api/v1/openapi.json", "br, gzip").await.unwrap();
    assert_eq!(json.headers()["content-encoding"], "gzip");
    let plain_page = get("/login", "").await.unwrap();
    assert!(plain_page.headers().get("content-encoding").is_none(), "no encoding unless asked for");
    // Every page names its icon, so browsers do not ask for a /favicon.ico that is not there.
    let login = plain_page.text().await.unwrap();
    assert!(login.contains(r#"<link rel="icon" type="image/svg+xml" href="/favicon.svg""#));
    assert_eq!(get("/favicon.svg", "").await.unwrap().status(), StatusCode::OK);

    // Pages link the bundle under a directory named by its content: cached for good there, and
    // a new bundle is a new URL. Another version's URL is not served.
    let version = server::startup::bundle_version(&site).expect("the site has a bundle");
    assert_eq!(version.len(), 16);
    let versioned = format!("/v/{version}/pkg/caiping.js");
    assert!(login.contains(&versioned), "{login}");
    assert!(login.contains(&format!("/v/{version}/pkg/caiping.css")), "{login}");
    let res = get(&versioned, "br").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(&res.bytes().await.unwrap()[..], b"brotli bytes");
    assert_eq!(get("/v/0123456789abcdef/pkg/caiping.js", "").await.unwrap().status(), StatusCode::NOT_FOUND);
    std::fs::write(site.join("pkg/caiping.wasm"), b"\0asm new build").unwrap();
    assert_ne!(server::startup::bundle_version(&site).unwrap(), version, "a changed WASM, a new URL");
}
