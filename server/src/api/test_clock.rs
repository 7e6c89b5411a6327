//! Mounted only when the server was started with `--test-mode`: lets browser tests move the
//! application clock (past a bid deadline, say) instead of sleeping.

use super::{ApiError, ApiResult};
use app::error::AppError;
use app::server::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/test/clock", get(read).post(move_clock))
}

#[derive(Deserialize)]
struct MoveClock {
    /// Jump forward (or back, if negative) by this many milliseconds.
    advance_ms: Option<i64>,
    /// Or set the clock to this instant (RFC 3339).
    set: Option<DateTime<Utc>>,
}

async fn read(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "now_ms": state.now_ms(), "now": state.clock.now().to_rfc3339() }))
}

async fn move_clock(State(state): State<AppState>, Json(m): Json<MoveClock>) -> ApiResult<Json<Value>> {
    let clock = state.test_clock.as_ref().ok_or(ApiError(AppError::NotFound))?;
    match (m.advance_ms, m.set) {
        (Some(ms), None) => clock.advance_ms(ms),
        (None, Some(at)) => clock.set(at),
        _ => {
            return Err(ApiError(AppError::field(
                "advance_ms",
                "one_of_advance_or_set",
                "须且只须给出 advance_ms 或 set 之一",
                "Give exactly one of advance_ms or set",
            )))
        }
    }
    Ok(read(State(state)).await)
}
