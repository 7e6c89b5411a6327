use super::{ApiResult, Caller};
use app::accounts::server as accounts;
use app::accounts::{NewUser, UserSummary};
use app::identity::Role;
use app::server::audit::Actor;
use app::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/users", get(list).post(create))
}

async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<UserSummary>>> {
    caller.require(&[Role::Admin])?;
    Ok(Json(accounts::list_users(&state.db).await?))
}

async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(new): Json<NewUser>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let admin = caller.require(&[Role::Admin])?;
    let id = accounts::create_user(&state.db, Actor::User(admin), &new, state.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}
