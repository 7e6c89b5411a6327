//! Scheme templates: list, read, lint, and validate a derived template before it is used.

use super::{ApiJson, ApiResult, Caller};
use app::domain::template::{builtin, builtin_by_id, lint, SchemeTemplate};
use app::error::{AppError, FieldError};
use app::identity::Role;
use app::server::state::AppState;
use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/templates", get(list))
        .route("/templates/validate", post(validate))
        .route("/templates/{id}", get(one))
}

fn all() -> Result<Vec<SchemeTemplate>, AppError> {
    builtin().map_err(|errors| {
        tracing::error!(?errors, "a shipped template does not validate");
        AppError::Internal
    })
}

async fn list(_: Caller) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = all()?
        .into_iter()
        .map(|t| json!({ "id": t.id, "name": t.name, "source": t.source, "applicant": t.applicant, "procedure": t.procedure, "contract_years": t.contract_years }))
        .collect();
    Ok(Json(json!(items)))
}

async fn one(_: Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let t = builtin_by_id(&id).ok_or(AppError::NotFound)?;
    let warnings = lint(&t);
    Ok(Json(json!({ "template": t, "lint": warnings })))
}

/// Checks a template an officer derived (copied and edited): validation errors by field, or
/// the linter's warnings when it is valid.
async fn validate(caller: Caller, ApiJson(t): ApiJson<SchemeTemplate>) -> ApiResult<Json<Value>> {
    caller.require(&[Role::Officer, Role::Admin])?;
    match t.validate(&format!("{}.toml", t.id)) {
        Ok(()) => Ok(Json(json!({ "valid": true, "lint": lint(&t) }))),
        Err(errors) => Err(AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError { field: e.field, code: "template_invalid".into(), message_zh: format!("模板有误：{}", e.reason), message_en: e.reason })
                .collect(),
        )
        .into()),
    }
}
