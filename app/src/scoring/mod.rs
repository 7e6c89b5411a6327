//! The experts' scoring and the ranking: each assigned expert scores the bids that passed the
//! review by alias only, and the purchaser side sees the ranking per lot (O87 art. 55/57).

#[cfg(feature = "ssr")]
pub mod server;
pub mod sheet;

use crate::error::AppError;
use crate::tenders::{CriterionView, TenderSummary};
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One bidder's row on an expert's sheet: the alias and the points entered so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliasScores {
    pub alias: String,
    /// Points by criterion position; empty until entered.
    pub scores: Vec<Decimal>,
}

/// An expert's score sheet: bidders by alias only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSheetView {
    pub tender_id: String,
    pub title: String,
    pub criteria: Vec<CriterionView>,
    pub bids: Vec<AliasScores>,
    pub submitted: bool,
}

/// One bidder's row of a submitted sheet, as typed: the points for each criterion in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    pub alias: String,
    #[serde(default)]
    pub points: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankRow {
    pub bid_id: String,
    pub alias: String,
    pub org_name: String,
    pub price: Decimal,
    pub technical: Decimal,
    pub price_points: Decimal,
    pub total: Decimal,
    pub rank: usize,
    pub tied: bool,
}

/// One lot's evaluation: its bids ranked on that lot's prices, or why the lot failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotRanking {
    pub position: i64,
    pub lot: String,
    /// The lot's 废标 reason, when it failed at the qualification review.
    pub failed: Option<String>,
    /// The bid this lot was awarded to, once confirmed.
    pub awarded_bid_id: Option<String>,
    pub rows: Vec<RankRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    pub lots: Vec<LotRanking>,
    pub sheets_submitted: i64,
    pub experts: i64,
}

#[server(endpoint = "expert_tenders")]
pub async fn expert_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    server::expert_list(&auth::state()?.db, &expert).await
}

#[server(endpoint = "score_sheet")]
pub async fn score_sheet(id: String) -> Result<ScoreSheetView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    server::score_sheet(&auth::state()?.db, &expert, &id).await.inspect_err(auth::set_status)
}

/// `scores` holds one row per bid alias: the points for each criterion, as typed.
#[server(endpoint = "submit_scores")]
pub async fn submit_scores(id: String, scores: Vec<SheetRow>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    let state = auth::state()?;
    server::submit_scores(&state.db, &expert, &id, &scores, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "ranking")]
pub async fn ranking(id: String) -> Result<RankingView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    let db = auth::state()?.db;
    crate::tenders::server::load_for(&db, &user, &id).await.inspect_err(auth::set_status)?;
    server::ranking(&db, &id).await.inspect_err(auth::set_status)
}
