use super::{ApiResult, Caller};
use app::audit::AuditRecord;
use app::identity::Role;
use app::server::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(recent))
}

async fn recent(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<AuditRecord>>> {
    let user = caller.require(&[Role::Auditor, Role::Admin])?;
    let scope = app::audit::server::scope_of(user)?;
    Ok(Json(app::audit::server::recent(&state.db, 200, &scope).await?))
}
