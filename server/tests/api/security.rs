//! What every response carries and what every request must be: security headers, same-origin
//! writes, `__Host-` cookies when secure, bounded and well-formed arguments with honest statuses.

use super::*;
use app::server::state::Settings;

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_private_answers_are_not_stored() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let res = app.anon().get(format!("{}/login", app.base)).send().await.unwrap();
    let h = res.headers().clone();
    let html = res.text().await.unwrap();
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a nonce in the policy");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the policy's nonce");
    assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http");
    assert!(h.get("cache-control").is_none_or(|v| v != "no-store"), "a public page may be cached");
    // A second page gets a new nonce.
    let again = app.anon().get(format!("{}/login", app.base)).send().await.unwrap();
    assert_ne!(again.headers()["content-security-policy"].to_str().unwrap(), csp);

    let officer = app.signed_in(Role::Officer).await;
    for path in ["/officer", "/api/v1/me"] {
        let res = officer.get(format!("{}{path}", app.base)).send().await.unwrap();
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}

#[tokio::test]
async fn writes_from_another_site_are_refused() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    let host = app.base.trim_start_matches("http://").to_string();
    for (header, value) in [
        ("origin", "https://evil.example".to_string()),
        ("sec-fetch-site", "cross-site".into()),
        ("origin", "null".into()),
    ] {
        // A server function and a JSON API route, both with a valid session.
        let res = officer
            .post(format!("{}/api/sign_out", app.base))
            .header(header, value.as_str())
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
        assert!(res.text().await.unwrap().contains("cross_site_request"));
        let res =
            officer.delete(format!("{}/api/v1/session", app.base)).header(header, value.as_str()).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    // Still signed in: nothing above reached a handler.
    assert_eq!(officer.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().status(), StatusCode::OK);
    let same = officer
        .post(format!("{}/api/v1/calc/deadline", app.base))
        .header("origin", format!("http://{host}"))
        .json(&json!({"step": "objection", "from": "2026-11-23"}))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::OK, "a same-origin write passes");
}

#[tokio::test]
async fn secure_cookies_use_the_host_prefix_and_hsts() {
    let app = spawn_app_with(support::Backend::Sqlite, Settings { secure_cookies: true, ..Settings::default() }).await;
    let res = app
        .anon()
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"username": "officer", "password": server::demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-caiping_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let token = cookie.trim_start_matches("__Host-caiping_session=").split(';').next().unwrap().to_string();
    let me = |name: &'static str| {
        let (app, token) = (&app, token.clone());
        async move {
            reqwest::Client::new()
                .get(format!("{}/api/v1/me", app.base))
                .header("cookie", format!("{name}={token}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me("__Host-caiping_session").await, StatusCode::OK);
    assert_eq!(me("caiping_session").await, StatusCode::UNAUTHORIZED, "the unprefixed name is not read");
}

#[tokio::test]
async fn malformed_or_oversized_arguments_are_400_and_413_without_parser_text() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    for client in [&app.anon(), &officer] {
        for body in ["id=x&plan[size]=five", "plan=%%%", "id[0][1]=x&id=y"] {
            let res = client
                .post(format!("{}/api/plan_panel", app.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{body}");
            let text = res.text().await.unwrap();
            assert_eq!(text, r#"{"code":"bad_request"}"#, "{body}");
        }
        let res = client
            .post(format!("{}/api/tender_detail", app.base))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let huge = format!("id={}", "x".repeat(2 * 1024 * 1024));
        let res = client
            .post(format!("{}/api/tender_detail", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(res.text().await.unwrap(), r#"{"code":"payload_too_large"}"#);
    }
    // Well-formed arguments still meet the role check first.
    let res = app
        .anon()
        .post(format!("{}/api/plan_panel", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("id=x&plan[size]=5&plan[purchaser_representatives]=1&plan[alternates]=2&plan[category]=x&plan[review_date]=x&plan[outlier_pct]=20")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn calculators_refuse_timelines_they_would_count_for_ever() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let officer = app.signed_in(Role::Officer).await;
    let post = |path: &'static str, body: Value| {
        let (officer, base) = (officer.clone(), app.base.clone());
        async move {
            let res = officer.post(format!("{base}/api/v1{path}")).json(&body).send().await.unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = post(
        "/calc/timeline",
        json!({"method": "open_tender", "documents_from": "2026-11-02", "documents_until": "2026-11-09", "bid_deadline": "9999-12-31"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "date_out_of_range");
    let (status, body) = post(
        "/calc/timeline",
        json!({"method": "open_tender", "documents_from": "2026-11-02", "documents_until": "2026-11-09", "bid_deadline": "2099-12-31"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "timeline_span_too_long");
    let (status, body) = post("/calc/deadline", json!({"step": "objection", "from": "+262142-12-31"})).await;
    assert!(status == StatusCode::UNPROCESSABLE_ENTITY, "{status} {body}");
}

/// A client sending its request head slowly (slowloris) is disconnected once the head deadline
/// passes; a client that sends its head in time is served, and its body may take longer.
#[tokio::test]
async fn a_request_head_that_never_ends_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let closed = tokio::time::timeout(
        support::header_read_timeout() + std::time::Duration::from_secs(5),
        slow.read_to_end(&mut buf),
    )
    .await;
    assert!(closed.is_ok(), "the server still holds a connection whose head never ended");
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));

    // In time: the head at once, the body slower than the head deadline, still answered.
    let mut steady = tokio::net::TcpStream::connect(&addr).await.unwrap();
    steady
        .write_all(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 45\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(support::header_read_timeout() + std::time::Duration::from_secs(1)).await;
    steady.write_all(br#"{"username":"nobody","password":"wrongpw123"}"#).await.unwrap();
    let mut answer = Vec::new();
    steady.read_to_end(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 401"), "{}", String::from_utf8_lossy(&answer));
}

/// A request head fits the connection's read buffer: a 10 KiB cookie header is served, a head
/// longer than the buffer is answered 431, not read on without bound.
#[tokio::test]
async fn a_request_head_is_bounded_by_the_read_buffer() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    let client = app.anon();
    let health = |cookie_kib: usize| {
        let req = client
            .get(format!("{}/api/v1/health", app.base))
            .header("cookie", format!("other-app={}", "x".repeat(cookie_kib * 1024)));
        async move { req.send().await.unwrap().status() }
    };
    assert_eq!(health(10).await, StatusCode::OK);
    const { assert!(server::serving::READ_BUFFER < 40 * 1024) };
    assert_eq!(health(40).await, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
}

/// A page is answered 200 when a section of it refuses (the ranking before the opening): the
/// section's 422 is shown in the page, not made the document's status. (A 404 for a page whose
/// own subject is missing depends on whether it is known before the first streamed chunk, so it
/// is not asserted here.)
#[tokio::test]
async fn a_page_status_speaks_of_the_page_not_of_its_sections() {
    let app = spawn_app(support::Backend::Sqlite, true).await;
    let officer = app.signed_in(Role::Officer).await;
    let id = flow::create_published(&app, &officer, 21).await;
    let page = officer.get(format!("{}/officer/tenders/{id}", app.base)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}
