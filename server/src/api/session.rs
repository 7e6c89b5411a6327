use super::{ApiError, ApiResult, Caller};
use app::accounts::server as accounts;
use app::identity::SessionUser;
use app::server::auth;
use app::server::state::AppState;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/session", post(sign_in).delete(sign_out)).route("/me", get(me))
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

async fn sign_in(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
    Json(c): Json<Credentials>,
) -> ApiResult<impl IntoResponse> {
    let client = auth::client_from_parts(&parts);
    let (user, token) =
        accounts::sign_in(&state.db, &c.username, &c.password, &client, state.now_ms(), state.settings.session_hours)
            .await?;
    let cookie = auth::session_cookie(&token, state.settings.secure_cookies, state.settings.session_hours);
    Ok(([(SET_COOKIE, cookie)], Json(user)))
}

async fn sign_out(State(state): State<AppState>, caller: Caller, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    let token = auth::session_token(&headers, state.settings.secure_cookies)
        .ok_or(ApiError(app::error::AppError::Unauthenticated))?;
    app::server::sessions::close(&state.db, &token, &caller.0, state.now_ms()).await?;
    Ok((
        [(SET_COOKIE, auth::cleared_session_cookie(state.settings.secure_cookies))],
        Json(serde_json::json!({"signed_out": true})),
    ))
}

async fn me(caller: Caller) -> Json<SessionUser> {
    Json(caller.0)
}
