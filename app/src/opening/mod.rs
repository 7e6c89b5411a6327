//! The opening (开标) and the purchaser's qualification review (资格审查): decrypting the sealed
//! prices from the opening time on, the opening record, the checks caiping makes on each bid,
//! the officer's decision, and concluding the review lot by lot (废标 where too few remain).

pub mod review;
#[cfg(feature = "ssr")]
pub mod server;

use crate::bids::FileReceipt;
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A lot of a bid with its price as decrypted at the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotPrice {
    pub lot: String,
    pub price_fen: i64,
}

/// One line of the opening record (开标一览表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRowView {
    pub bid_id: String,
    pub org_id: String,
    pub org_name: String,
    pub lots: Vec<LotPrice>,
    pub submitted_at: i64,
    pub files: Vec<FileReceipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRecordView {
    pub tender_id: String,
    #[serde(default)]
    pub project_no: String,
    pub title: String,
    pub buyer: String,
    pub opened_at: i64,
    pub fixed_price: bool,
    pub rows: Vec<OpeningRowView>,
}

/// The purchaser's qualification decision on a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    Pass,
    Fail,
}

impl ReviewOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewOutcome::Pass => "pass",
            ReviewOutcome::Fail => "fail",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [ReviewOutcome::Pass, ReviewOutcome::Fail].into_iter().find(|o| o.as_str() == s)
    }
}

/// A bid in the purchaser's qualification review: the checks and the decision so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub bid: OpeningRowView,
    pub checks: Vec<Verdict>,
    /// The officer's decision, none yet while undecided.
    pub outcome: Option<ReviewOutcome>,
    pub reason: Option<String>,
}

/// Opens the bids from the opening time on, decrypting the sealed prices.
#[server(endpoint = "open_bids")]
pub async fn open_bids(id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::open(&state.db, &state.sealer, &officer, &id, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Concludes the qualification review: failed lots get their reason, the rest go to the experts.
#[server(endpoint = "conclude_review")]
pub async fn conclude_review(id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::conclude(&state.db, &officer, &id, state.now_ms()).await.map(|_| ()).inspect_err(auth::set_status)
}

/// 开标一览表 after the opening: the purchaser side, and the organisations that bid.
#[server(endpoint = "opening_record")]
pub async fn opening_record(id: String) -> Result<OpeningRecordView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder]).await?;
    let db = auth::state()?.db;
    if user.role != Role::Bidder {
        crate::tenders::server::load_for(&db, &user, &id).await.inspect_err(auth::set_status)?;
    }
    let record = server::opening_record(&db, &id).await.inspect_err(auth::set_status)?;
    server::check_record_reader(&user, &record).inspect_err(auth::set_status)?;
    Ok(record)
}

#[server(endpoint = "review_rows")]
pub async fn review_rows(id: String) -> Result<Vec<ReviewRow>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    let state = auth::state()?;
    crate::tenders::server::load_for(&state.db, &user, &id).await.inspect_err(auth::set_status)?;
    server::review_rows_scanned(&state.db, &state.sealer, &id).await.inspect_err(auth::set_status)
}

/// The purchaser's qualification decision on one bid; failing it, or passing it when a check
/// failed, needs a written reason.
#[server(endpoint = "review_bid")]
pub async fn review_bid(id: String, bid_id: String, outcome: ReviewOutcome, reason: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::review_bid(&state.db, &officer, &id, &bid_id, outcome, &reason, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}
