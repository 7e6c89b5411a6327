//! The panel's compliance review (符合性审查, O87 art. 63): after the purchaser's qualification
//! review and before scoring, every member judges every qualified bid, by alias, on the items of
//! the tender — O87 art. 63's grounds and each mandatory service item of the scheme — with a
//! reason for each "does not comply". The last sheet fixes the majority's findings (O87 art. 61)
//! with the dissent recorded; a bid that fails leaves the scoring and the report lists it.

#[cfg(feature = "ssr")]
pub mod server;
pub mod views;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One judgement as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteInput {
    pub alias: String,
    pub item: String,
    pub pass: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A finding the panel's record shows: a failure, or a finding with dissent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    pub alias: String,
    pub item: String,
    pub pass: bool,
    pub passes: usize,
    pub fails: usize,
    /// "成员N：reason" for each "does not comply".
    pub reasons: Vec<String>,
    /// "成员N：view" for each member outvoted.
    pub dissent: Vec<String>,
}

/// The compliance review as a member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceView {
    /// (id, name, basis) of each item; empty when the tender has none (a call for applications).
    pub items: Vec<(String, String, String)>,
    pub aliases: Vec<String>,
    pub submitted: bool,
    /// The member's own sheet, once submitted.
    pub mine: Vec<VoteInput>,
    /// Members who have submitted, of `seats`.
    pub in_count: usize,
    pub seats: usize,
    /// The panel's findings, once every member's sheet is in.
    pub findings: Option<Vec<FindingView>>,
}

/// Submits the member's compliance sheet: every bid on every item; locked once submitted.
#[server(endpoint = "submit_compliance")]
pub async fn submit_compliance(id: String, votes: Option<Vec<VoteInput>>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    let rid = crate::panels::server::review_id(&id).inspect_err(auth::set_status)?;
    let (t, _) = crate::panels::server::open_to_member(&state.db, &rid, &member).await.inspect_err(auth::set_status)?;
    server::submit(&state.db, &t, &rid, &member, &votes.unwrap_or_default(), state.now_ms())
        .await
        .inspect_err(auth::set_status)
}
