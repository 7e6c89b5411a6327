//! Award and contract: the officer awards each lot to its first-ranked bid, which makes that
//! lot's contract with the template's obligations; the operator records its figures against
//! them.

pub mod list;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::verdict::Verdict;
use crate::error::AppError;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
    /// The lot this contract is for.
    #[serde(default)]
    pub lot: String,
    pub buyer: String,
    pub price_fen: i64,
    pub awarded_at: i64,
    pub obligations: Vec<ObligationView>,
}

/// Awards lot `lot` (its position) to its first-ranked bid.
#[server(endpoint = "award")]
pub async fn award(id: String, lot: i64, bid_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::award(&state.db, &officer, &id, lot, &bid_id, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "my_contracts")]
pub async fn my_contracts() -> Result<Vec<ContractView>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    server::contracts_for(&auth::state()?.db, &member).await
}

#[server(endpoint = "record_obligation")]
pub async fn record_obligation(
    contract_id: String,
    metric: String,
    contract_year: u8,
    value: String,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::record_obligation(&state.db, &member, &contract_id, &metric, contract_year, &value, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}
