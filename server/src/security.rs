//! What every response and every state-changing request goes through, whatever route serves
//! it: the browser's security headers, the refusal of cross-site writes, bounded and decoded
//! server-function arguments with honest statuses, and a panic answered rather than a dropped
//! connection.

use app::error::AppError;
use app::server::auth;
use app::server::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// How long any request may take to be answered …
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// … except an upload, which streams up to a few hundred MB, perhaps over a county's slow line.
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

fn is_upload(method: &Method, path: &str) -> bool {
    *method == Method::POST
        && path.starts_with("/api/v1/tenders/")
        && (path.ends_with("/bids") || path.ends_with("/attachments"))
}

/// A request that has produced no response after its limit is answered with 408 rather than
/// held open forever; uploads get the longer limit, so a slow but steady bid is not cut off.
pub async fn timeouts(req: Request, next: Next) -> Response {
    let limit = if is_upload(req.method(), req.uri().path()) { UPLOAD_TIMEOUT } else { REQUEST_TIMEOUT };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            axum::Json(serde_json::json!({ "code": "request_timeout", "error": { "code": "request_timeout" } })),
        )
            .into_response(),
    }
}

/// Server-function arguments are small forms; bids and attachments go through `/api/v1` with
/// their own limits.
pub const SERVER_FN_BODY_LIMIT: usize = 1024 * 1024;

/// The page's policy: scripts only from this origin or carrying the page's nonce (Leptos'
/// hydration script), WASM compiled, no inline styles, no plugins, no framing, forms and
/// fetches to this origin only.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Run in each page's rendering context: the policy names the nonce leptos_axum generated for
/// this response, which the hydration script carries.
pub fn page_policy() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>()) {
        if let Ok(value) = HeaderValue::from_str(&content_security_policy(Some(&nonce))) {
            res.insert_header(CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Headers on every response. Anything answered to a signed-in caller, except the static
/// bundle, is `no-store`: a shared or back-button cache must not keep a bid or a score.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let signed_in = auth::session_token(req.headers(), state.settings.secure_cookies).is_some();
    let mut res = next.run(req).await;
    let html = res.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let h = res.headers_mut();
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if html && !h.contains_key(CONTENT_SECURITY_POLICY) {
        // Pages rendered outside the router (404s) get the policy without a nonce.
        h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_str(&content_security_policy(None)).expect("ASCII"));
    }
    let static_asset = path.starts_with("/pkg/") || path.starts_with("/v/") || path == "/favicon.svg";
    if signed_in && !static_asset {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.settings.secure_cookies {
        h.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// Whether a state-changing request comes from another site: the browser's `Sec-Fetch-Site`
/// when sent, else an `Origin` whose host is not the one addressed. Requests with neither
/// (API clients, scripts) are not from a browser page and pass.
pub fn cross_site(method: &Method, headers: &axum::http::HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin == "null" || origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host)
}

/// CSRF: a write from another site's page is refused before any handler runs; the session
/// cookie's `SameSite=Lax` alone would let a top-level form POST through on older browsers.
pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if cross_site(req.method(), req.headers()) {
        tracing::warn!(path = %req.uri().path(), "cross-site write refused");
        return (
            StatusCode::FORBIDDEN,
            axum::Json(serde_json::json!({ "code": "cross_site_request", "error": { "code": "cross_site_request" } })),
        )
            .into_response();
    }
    next.run(req).await
}

fn is_server_fn(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/")
}

fn server_fn_error(err: AppError) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(err)).into_response()
}

/// Server functions: a body over the limit is 413 before it is read (and cut off at the limit
/// when its length was not declared); an error the function did not give a status (arguments
/// that do not decode) gets the status of its code instead of 500.
pub async fn server_fn_limits(req: Request, next: Next) -> Response {
    if !is_server_fn(req.uri().path()) {
        return next.run(req).await;
    }
    let declared =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > SERVER_FN_BODY_LIMIT) {
        return server_fn_error(AppError::PayloadTooLarge);
    }
    let req = req.map(|b| Body::new(http_body_util::Limited::new(b, SERVER_FN_BODY_LIMIT)));
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return server_fn_error(AppError::Internal);
    };
    match serde_json::from_slice::<AppError>(&bytes) {
        Ok(err) if err.status() != 500 => server_fn_error(err),
        _ => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// A handler that panics answers 500 with the internal code (the panic is logged), instead of
/// the connection being dropped.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "a request handler panicked");
    server_fn_error(AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_uploads_get_the_long_timeout() {
        assert!(is_upload(&Method::POST, "/api/v1/tenders/t1/bids"));
        assert!(is_upload(&Method::POST, "/api/v1/tenders/t1/attachments"));
        assert!(!is_upload(&Method::GET, "/api/v1/tenders/t1/bids"));
        assert!(!is_upload(&Method::POST, "/api/v1/session"));
        assert!(!is_upload(&Method::POST, "/api/bid_action"));
    }

    #[test]
    fn writes_from_other_sites_are_recognised() {
        let post = Method::POST;
        assert!(!cross_site(&post, &headers(&[("host", "caiping.example"), ("sec-fetch-site", "same-origin")])));
        assert!(cross_site(&post, &headers(&[("host", "caiping.example"), ("sec-fetch-site", "cross-site")])));
        assert!(cross_site(&post, &headers(&[("host", "caiping.example"), ("sec-fetch-site", "same-site")])));
        assert!(!cross_site(&post, &headers(&[("host", "caiping.example"), ("origin", "https://caiping.example")])));
        assert!(cross_site(&post, &headers(&[("host", "caiping.example"), ("origin", "https://evil.example")])));
        assert!(cross_site(&post, &headers(&[("host", "caiping.example"), ("origin", "null")])));
        // No browser headers: a script or API client, not a page of another site.
        assert!(!cross_site(&post, &headers(&[("host", "caiping.example")])));
        assert!(!cross_site(&Method::GET, &headers(&[("host", "a"), ("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_the_nonce() {
        let p = content_security_policy(Some("abc"));
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"), "{p}");
        assert!(p.contains("frame-ancestors 'none'") && !p.contains("unsafe-inline"), "{p}");
    }
}
