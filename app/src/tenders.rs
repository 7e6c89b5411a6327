//! Tenders as the pages see them: shared view types and the server functions of the walking
//! skeleton (create, publish, open, score, rank, award, obligations). Each server function
//! authorises, then calls `server::tenders`.

use crate::domain::tender::{TenderInput, TenderStatus};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderSummary {
    pub id: String,
    pub title: String,
    pub buyer: String,
    pub budget_fen: i64,
    pub bid_deadline: i64,
    pub opening_at: i64,
    pub status: TenderStatus,
    /// Published result: the winner's name, only once awarded.
    pub winner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionView {
    pub position: i64,
    pub name: String,
    pub max_points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderView {
    pub summary: TenderSummary,
    pub price_weight_pct: Decimal,
    pub criteria: Vec<CriterionView>,
    pub bid_count: i64,
}

/// What a bidder gets back for a sealed bid: the file's SHA-256 and the time, never its price
/// or content until the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidReceipt {
    pub tender_id: String,
    pub file_name: String,
    pub file_size: i64,
    pub file_sha256: String,
    pub submitted_at: i64,
}

/// An expert's score sheet: bidders by alias only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSheetView {
    pub tender_id: String,
    pub title: String,
    pub criteria: Vec<CriterionView>,
    /// (alias, scores by criterion position — empty until entered)
    pub bids: Vec<(String, Vec<Decimal>)>,
    pub submitted: bool,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    pub rows: Vec<RankRow>,
    pub sheets_submitted: i64,
    pub experts: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObligationView {
    pub metric: String,
    pub name_zh: String,
    pub name_en: String,
    pub contract_year: u8,
    pub minimum: Decimal,
    pub current: Option<Decimal>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractView {
    pub id: String,
    pub tender_title: String,
    pub buyer: String,
    pub price_fen: i64,
    pub awarded_at: i64,
    pub obligations: Vec<ObligationView>,
}

#[server(endpoint = "public_tenders")]
pub async fn public_tenders() -> Result<Vec<TenderSummary>, AppError> {
    let state = crate::server::auth::state()?;
    crate::server::tenders::public_list(&state.db).await
}

#[server(endpoint = "officer_tenders")]
pub async fn officer_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    tenders::officer_list(&auth::state()?.db, &officer).await
}

#[server(endpoint = "create_tender")]
pub async fn create_tender(input: TenderInput) -> Result<String, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    tenders::create(&state.db, &officer, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "tender_detail")]
pub async fn tender_detail(id: String) -> Result<TenderView, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    tenders::detail(&auth::state()?.db, &id).await.inspect_err(auth::set_status)
}

#[server(endpoint = "tender_action")]
pub async fn tender_action(id: String, action: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    let now = state.now_ms();
    match action.as_str() {
        "publish" => tenders::publish(&state.db, &officer, &id, now).await,
        "open" => tenders::open(&state.db, &officer, &id, now).await,
        _ => Err(AppError::field("action", "unknown_action", "未知操作", "Unknown action")),
    }
    .inspect_err(auth::set_status)
}

#[server(endpoint = "open_tenders")]
pub async fn open_tenders() -> Result<Vec<(TenderSummary, Option<BidReceipt>)>, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let bidder = auth::require(&[Role::Bidder]).await?;
    tenders::bidder_list(&auth::state()?.db, &bidder).await
}

#[server(endpoint = "expert_tenders")]
pub async fn expert_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    tenders::expert_list(&auth::state()?.db, &expert).await
}

#[server(endpoint = "score_sheet")]
pub async fn score_sheet(id: String) -> Result<ScoreSheetView, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    tenders::score_sheet(&auth::state()?.db, &expert, &id).await.inspect_err(auth::set_status)
}

/// `scores` holds one row per bid alias: the points for each criterion, as typed.
#[server(endpoint = "submit_scores")]
pub async fn submit_scores(id: String, scores: Vec<(String, Vec<String>)>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    let state = auth::state()?;
    tenders::submit_scores(&state.db, &expert, &id, &scores, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "ranking")]
pub async fn ranking(id: String) -> Result<RankingView, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    tenders::ranking(&auth::state()?.db, &id).await.inspect_err(auth::set_status)
}

#[server(endpoint = "award")]
pub async fn award(id: String, bid_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    tenders::award(&state.db, &officer, &id, &bid_id, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "my_contracts")]
pub async fn my_contracts() -> Result<Vec<ContractView>, AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let member = auth::require(&[Role::Bidder]).await?;
    tenders::contracts_for(&auth::state()?.db, &member).await
}

#[server(endpoint = "record_obligation")]
pub async fn record_obligation(contract_id: String, metric: String, contract_year: u8, value: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::{auth, tenders};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    tenders::record_obligation(&state.db, &member, &contract_id, &metric, contract_year, &value, state.now_ms()).await.inspect_err(auth::set_status)
}
