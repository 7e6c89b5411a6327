//! The opening record (开标一览表) as a PDF.

use super::files;
use super::{ApiResult, Caller};
use app::identity::Role;
use app::opening::server as review;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/tenders/{id}/opening-record.pdf", get(opening_record_pdf))
}

/// 开标一览表 as a PDF: the purchaser side and the bidders of this tender, once opened.
async fn opening_record_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder])?;
    if user.role != Role::Bidder {
        app::tenders::server::load_for(&state.db, user, &id).await?;
    }
    let record = review::opening_record(&state.db, &id).await?;
    review::check_record_reader(user, &record)?;
    let name = files::document_name("开标一览表", &record.title);
    files::pdf("opening-record.pdf", &name, move || crate::documents::opening_record_pdf(&record)).await
}
