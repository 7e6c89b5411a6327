use super::ApiResult;
use app::error::AppError;
use app::server::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

/// Reports the build and the database backend, after a real round trip to the database.
async fn health(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await.map_err(AppError::from)?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "commit": option_env!("CAIPING_GIT_SHA").unwrap_or("unknown"),
        "database": state.db.backend.as_str(),
        "test_mode": state.settings.test_mode,
    })))
}
