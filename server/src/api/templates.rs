//! Scheme templates: list, read (with the linter's warnings), validate a derived template, and
//! store it for use — no code change needed for a new scheme.

use super::{ApiJson, ApiResult, Caller};
use app::domain::template::{lint, SchemeTemplate};
use app::error::AppError;
use app::identity::Role;
use app::schemes::server as templates;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/templates", get(list).post(create))
        .route("/templates/validate", post(validate))
        .route("/templates/{id}", get(one))
}

async fn list(State(state): State<AppState>, _: Caller) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = templates::all(&state.db)
        .await?
        .into_iter()
        .map(|t| json!({ "id": t.id, "name": t.name, "source": t.source, "derived_from": t.derived_from, "applicant": t.applicant, "procedure": t.procedure, "contract_years": t.contract_years }))
        .collect();
    Ok(Json(json!(items)))
}

async fn one(State(state): State<AppState>, _: Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let t = templates::by_id(&state.db, &id).await?.ok_or(AppError::NotFound)?;
    let warnings = lint(&t);
    Ok(Json(json!({ "template": t, "lint": warnings })))
}

/// Checks a derived template without storing it: errors by field, or the linter's warnings.
async fn validate(caller: Caller, ApiJson(t): ApiJson<SchemeTemplate>) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Officer, Role::Admin])?;
    t.validate(&format!("{}.toml", t.id)).map_err(templates::validation_error)?;
    Ok(Json(json!({ "valid": true, "lint": lint(&t) })))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(t): ApiJson<SchemeTemplate>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let officer = caller.require(&[Role::Officer, Role::Admin])?;
    templates::store(&state.db, officer, &t, state.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": t.id, "lint": lint(&t) }))))
}
