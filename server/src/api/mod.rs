//! The versioned JSON API under `/api/v1`. One module per resource, each exporting its
//! `router()`; the catalogue below feeds both the OpenAPI document and the route × role tests.

mod audit;
mod health;
mod openapi;
mod session;
mod test_clock;
mod users;

use app::error::AppError;
use app::identity::{Role, SessionUser};
use app::server::auth;
use app::server::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;

pub fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(session::router())
        .merge(users::router())
        .merge(audit::router());
    if state.settings.test_mode {
        api.merge(test_clock::router())
    } else {
        api
    }
}

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    Public,
    AnySignedIn,
    Roles(&'static [Role]),
}

/// One documented route of the JSON API.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    pub method: &'static str,
    /// Path below `/api/v1`.
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// Only mounted when the server runs with `--test-mode`.
    pub test_mode_only: bool,
}

pub const ROUTES: &[RouteDoc] = &[
    RouteDoc { method: "get", path: "/health", summary: "Liveness, build version and database backend", access: Access::Public, test_mode_only: false },
    RouteDoc { method: "get", path: "/openapi.json", summary: "This OpenAPI document", access: Access::Public, test_mode_only: false },
    RouteDoc { method: "post", path: "/session", summary: "Sign in (sets the session cookie)", access: Access::Public, test_mode_only: false },
    RouteDoc { method: "delete", path: "/session", summary: "Sign out", access: Access::AnySignedIn, test_mode_only: false },
    RouteDoc { method: "get", path: "/me", summary: "The signed-in user", access: Access::AnySignedIn, test_mode_only: false },
    RouteDoc { method: "get", path: "/users", summary: "List accounts", access: Access::Roles(&[Role::Admin]), test_mode_only: false },
    RouteDoc { method: "post", path: "/users", summary: "Create an account", access: Access::Roles(&[Role::Admin]), test_mode_only: false },
    RouteDoc { method: "get", path: "/audit", summary: "Latest audit-log entries", access: Access::Roles(&[Role::Auditor, Role::Admin]), test_mode_only: false },
    RouteDoc { method: "get", path: "/test/clock", summary: "TEST MODE ONLY: read the application clock", access: Access::Public, test_mode_only: true },
    RouteDoc { method: "post", path: "/test/clock", summary: "TEST MODE ONLY: move the application clock", access: Access::Public, test_mode_only: true },
];

/// An `AppError` on its way out of the JSON API: the status, a stable code, and for
/// validation the fields. Internal details were logged where they happened.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &self.0 {
            AppError::Validation(f) => f.clone(),
            _ => Vec::new(),
        };
        let body = json!({ "error": { "code": self.0.code(), "message": self.0.to_string(), "fields": fields } });
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The signed-in caller; rejects anonymous requests with 401.
pub struct Caller(pub SessionUser);

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&SessionUser, ApiError> {
        auth::check_role(&self.0, roles)?;
        Ok(&self.0)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match auth::user_from_headers(state, &parts.headers).await? {
            Some(user) => Ok(Caller(user)),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}
