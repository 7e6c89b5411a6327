//! The award notice (中标通知书) as a PDF.

use super::files;
use super::{ApiError, ApiResult, Caller};
use app::contracts::server as contracts;
use app::error::AppError;
use app::identity::Role;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/tenders/{id}/award-notice.pdf", get(award_notice))
}

/// 中标通知书, one per winning organisation with the lots it was awarded: the purchaser side gets
/// them all, a winning organisation's members their own; 404 until a lot is awarded.
async fn award_notice(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder])?;
    if user.role != Role::Bidder {
        app::tenders::server::load_for(&state.db, user, &id).await?;
    }
    let mut notices = contracts::award_notices(&state.db, &id).await?;
    // A bidder gets its own notice only; the purchaser side gets every winner's.
    if user.role == Role::Bidder {
        notices.retain(|n| user.org_id.as_deref() == Some(n.winner_org_id.as_str()));
        if notices.is_empty() {
            return Err(ApiError(AppError::Forbidden));
        }
    }
    let name = files::document_name("中标通知书", notices.first().map_or("", |n| n.title.as_str()));
    files::pdf("award-notice.pdf", &name, move || crate::documents::award_notices_pdf(&notices)).await
}
