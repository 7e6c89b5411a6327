//! The working-day calendar: read the years in force; an admin adds the next official notice.

use super::{ApiJson, ApiResult, Caller};
use app::identity::Role;
use app::schemes::calendar;
use app::server::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/calendar", get(read).post(add))
}

async fn read(State(state): State<AppState>, _: Caller) -> ApiResult<Json<Value>> {
    let cal = calendar::load(&state.db).await?;
    Ok(Json(json!({ "years": cal.years, "holidays": cal.holidays, "working_weekends": cal.working_weekends })))
}

#[derive(Deserialize)]
struct AddYears {
    calendar_toml: String,
}

async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<AddYears>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let admin = caller.require(&[Role::Admin])?;
    let years = calendar::add_years(&state.db, admin, &body.calendar_toml, state.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "added": years }))))
}
