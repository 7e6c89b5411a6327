//! Who is calling: the session cookie read from the request, checked against the database.
//! Used by server functions here and by the JSON API's extractor in the server crate.

use super::sessions;
use super::state::AppState;
use crate::error::AppError;
use crate::identity::{Role, SessionUser};
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// The session cookie over plain HTTP on loopback (development, tests).
pub const SESSION_COOKIE: &str = "caiping_session";
/// The session cookie whenever cookies are `Secure`: the `__Host-` prefix makes the browser
/// refuse it unless it is Secure, host-only and for path `/`, so a neighbouring subdomain can
/// neither set nor overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-caiping_session";

pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The session token from the cookie of the configured name only: with secure cookies on, a
/// plain `caiping_session` planted by someone else is ignored.
pub fn session_token(headers: &HeaderMap, secure: bool) -> Option<String> {
    let name = session_cookie_name(secure);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_string()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

pub async fn user_from_headers(state: &AppState, headers: &HeaderMap) -> Result<Option<SessionUser>, AppError> {
    match session_token(headers, state.settings.secure_cookies) {
        Some(token) => sessions::user(&state.db, &token, state.now_ms()).await,
        None => Ok(None),
    }
}

/// Checks a role list; the single place where "signed in but not allowed" becomes 403.
pub fn check_role(user: &SessionUser, roles: &[Role]) -> Result<(), AppError> {
    if roles.contains(&user.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn session_cookie(token: &str, secure: bool, max_age_hours: i64) -> HeaderValue {
    let cookie = Cookie::build((session_cookie_name(secure), token.to_string()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::hours(max_age_hours))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie is ASCII")
}

pub fn cleared_session_cookie(secure: bool) -> HeaderValue {
    let cookie = Cookie::build((session_cookie_name(secure), ""))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::ZERO)
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie is ASCII")
}

// --- helpers for server functions -------------------------------------------------------

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        let path = use_context::<http::request::Parts>().map(|p| p.uri.to_string());
        tracing::error!(path = ?path, "AppState missing from the server-function context");
        AppError::Internal
    })
}

pub fn request_headers() -> Result<HeaderMap, AppError> {
    use_context::<http::request::Parts>().map(|p| p.headers).ok_or(AppError::Internal)
}

/// Who is calling, for throttling: the peer's address; when the peer is a proxy on this machine
/// (loopback), the address it added last to `X-Forwarded-For` (earlier entries are the
/// client's own claims and could be anything).
pub fn client_of(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> String {
    let forwarded = || {
        headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<std::net::IpAddr>().ok())
    };
    match peer {
        Some(p) if !p.ip().is_loopback() => p.ip().to_string(),
        Some(p) => forwarded().unwrap_or(p.ip()).to_string(),
        None => forwarded().map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into()),
    }
}

/// [`client_of`] for a request's head (the peer address is there when the server was started
/// with connect info).
pub fn client_from_parts(parts: &http::request::Parts) -> String {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    client_of(&parts.headers, peer)
}

/// The calling client, inside a server function.
pub fn request_client() -> Result<String, AppError> {
    use_context::<http::request::Parts>().map(|p| client_from_parts(&p)).ok_or(AppError::Internal)
}

/// The caller's session, read once per request. The page guard, the shell and each server
/// function a page's resources call in-process all ask who is calling; each used to read the
/// sessions table again (four reads for the officer's workbench). The server puts one in every
/// request's extensions; it lives as long as that request, so a sign-out is seen by the next.
#[derive(Clone, Default)]
pub struct RequestUser(std::sync::Arc<tokio::sync::OnceCell<Option<SessionUser>>>);

impl RequestUser {
    pub async fn get(&self, state: &AppState, headers: &HeaderMap) -> Result<Option<SessionUser>, AppError> {
        self.0.get_or_try_init(|| user_from_headers(state, headers)).await.cloned()
    }
}

/// The caller, if signed in.
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    let state = state()?;
    let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    match parts.extensions.get::<RequestUser>() {
        Some(caller) => caller.get(&state, &parts.headers).await,
        None => user_from_headers(&state, &parts.headers).await,
    }
}

/// The caller, who must be signed in with one of `roles`. Sets the HTTP status (401/403) of
/// the server-function response, so an API client sees the same codes as the JSON API.
pub async fn require(roles: &[Role]) -> Result<SessionUser, AppError> {
    let result = match current_user().await? {
        None => Err(AppError::Unauthenticated),
        Some(user) => check_role(&user, roles).map(|_| user),
    };
    if let Err(err) = &result {
        set_status(err);
    }
    result
}

pub fn set_status(err: &AppError) {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // While a page renders, its resources call server functions in-process: only what says
    // something of the page itself (it is not there, or not for this caller) becomes the page's
    // status. A section refusing ("the bids are not opened yet") is shown in the page, which
    // is still a 200; a 422 on the document made browsers treat the page as failed.
    let page_render = use_context::<http::request::Parts>().is_some_and(|p| !p.uri.path().starts_with("/api/"));
    if page_render && !matches!(status.as_u16(), 401 | 403 | 404) {
        return;
    }
    if let Some(opts) = use_context::<ResponseOptions>() {
        opts.set_status(status);
    }
}

pub fn set_cookie(value: HeaderValue) {
    if let Some(opts) = use_context::<ResponseOptions>() {
        opts.append_header(SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_is_the_peer_unless_a_local_proxy_forwarded_it() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 10.1.2.3"));
        let remote = Some("203.0.113.9:5000".parse().unwrap());
        let local = Some("127.0.0.1:5000".parse().unwrap());
        assert_eq!(client_of(&h, remote), "203.0.113.9", "a remote peer cannot claim another address");
        assert_eq!(client_of(&h, local), "10.1.2.3", "the proxy's own entry, not the client's claim");
        assert_eq!(client_of(&HeaderMap::new(), local), "127.0.0.1");
        h.insert("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(client_of(&h, local), "127.0.0.1");
    }
}
