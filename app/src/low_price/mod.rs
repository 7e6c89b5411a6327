//! Abnormally low prices (异常低价, O87 art. 60 and 财库〔2026〕2号): a price below the mandatory
//! thresholds raises a case; the panel leader, for the panel, asks the bidder for a written
//! explanation by a time it sets (or starts one on the panel's own written grounds); the bidder
//! answers in the app (a written explanation and evidence PDFs, sent together to the JSON API's
//! upload route); the panel concludes with its basis. A price not justified makes the bid invalid
//! in that lot and it leaves the ranking; the report waits until every case is decided, and
//! records each one.

#[cfg(feature = "ssr")]
pub mod server;
pub mod views;

use crate::domain::evaluation::low_price::{Decision, Stage};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A PDF the bidder gave as evidence for its explanation, as the panel and the bidder list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDoc {
    pub seq: i64,
    pub file_name: String,
    pub file_size: i64,
    pub sha256: String,
}

/// One bid's case in one lot, by alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowPriceCase {
    pub lot: i64,
    pub alias: String,
    /// The lot's price, in yuan as the documents print it.
    pub price: String,
    /// The mandatory triggers the price meets, in Chinese.
    pub triggers: Vec<String>,
    /// None: nothing to review (the panel may still start a review on its own grounds).
    pub stage: Option<Stage>,
    /// The panel's grounds when it started a review no trigger required.
    pub grounds: String,
    pub explanation: Option<String>,
    pub evidence: String,
    pub evidence_files: Vec<EvidenceDoc>,
    pub basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotCases {
    pub position: i64,
    pub name: String,
    pub cases: Vec<LowPriceCase>,
}

/// The low-price review as the panel (in its review) and the purchaser side (in the overview) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowPriceView {
    /// Price is scored: a fixed-price tender has no low-price review.
    pub applies: bool,
    /// The caller leads the panel.
    pub leader: bool,
    /// The caller may request and decide: the leader, before the report is signed.
    pub may_act: bool,
    pub lots: Vec<LotCases>,
}

/// A request the panel made of the caller's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidderCase {
    pub lot: i64,
    pub lot_name: String,
    pub price: String,
    pub triggers: Vec<String>,
    pub grounds: String,
    pub due_at: i64,
    pub explanation: Option<String>,
    pub evidence: String,
    pub evidence_files: Vec<EvidenceDoc>,
    pub decision: Option<Decision>,
    pub basis: Option<String>,
}

/// O87 art. 60: the panel leader asks the bidder behind `alias` to explain its price in `lot`
/// within `hours`; `grounds` is required when no mandatory trigger is met.
#[server(endpoint = "request_price_explanation")]
pub async fn request_price_explanation(
    id: String,
    alias: String,
    lot: i64,
    hours: u32,
    grounds: Option<String>,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::request(
        &state.db,
        &user,
        &crate::panels::server::review_id(&id).inspect_err(auth::set_status)?,
        &alias,
        lot,
        hours,
        grounds.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// O87 art. 60: the panel's conclusion on a bidder's explanation, with its basis.
#[server(endpoint = "decide_low_price")]
pub async fn decide_low_price(
    id: String,
    alias: String,
    lot: i64,
    decision: Decision,
    basis: Option<String>,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::decide(
        &state.db,
        &user,
        &crate::panels::server::review_id(&id).inspect_err(auth::set_status)?,
        &alias,
        lot,
        decision,
        basis.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// The panel's requests to the caller's organisation on this tender.
#[server(endpoint = "my_low_price")]
pub async fn my_low_price(id: String) -> Result<Vec<BidderCase>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    server::mine(&auth::state()?.db, &bidder, &id).await.inspect_err(auth::set_status)
}
