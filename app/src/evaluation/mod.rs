//! The review itself, by the formed panel: each member reads the technical proposals by alias,
//! scores every criterion independently (with a reason for each subjective one), saves drafts and
//! submits once; the system's diagnostics flag outliers and inconsistencies, answered by a
//! correction for an O87 art. 64 reason or a written confirmation; once the sheets are locked the
//! members are shown the bidders and confirm they have no conflict; ties are drawn by lot; the
//! report is assembled and every member signs it. The purchaser side sees the ranking per lot.

pub mod overview;
#[cfg(feature = "ssr")]
pub mod rereview;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sheet;

use crate::domain::evaluation::diagnostics::Answer;
use crate::domain::evaluation::report::{Blocker, Report};
use crate::domain::evaluation::ties::LotDrawing;
use crate::error::AppError;
use crate::panels::MemberKind;
use crate::tenders::CriterionView;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One bidder's technical proposal as a member opens it: by alias, never by file name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    /// The alias, or the alias and lot number (`A-2`) where proposals are per lot.
    pub alias: String,
    /// The lot a lot's own proposal answers.
    #[serde(default)]
    pub lot: Option<String>,
    /// `application/pdf` or `application/zip`.
    pub content_type: String,
    /// The files inside a zip package, by position.
    pub entries: Vec<String>,
}

/// A member's row for one bidder (one lot's proposal, where they are per lot): the points and
/// reasons as typed (a draft) or as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetRow {
    pub alias: String,
    #[serde(default)]
    pub points: Vec<String>,
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// A seat in the panel's progress: numbered, never named to the other members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressSeat {
    pub label: String,
    pub you: bool,
    pub submitted: bool,
    pub confirmed: bool,
    pub signed: bool,
}

/// A diagnostics flag as shown: which bidder and criterion, what was flagged, how it was answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagView {
    /// The flagged member: "成员N" to the panel, the name to the purchaser side.
    pub member: String,
    pub mine: bool,
    pub alias: String,
    pub criterion: usize,
    pub criterion_name: String,
    /// `outlier`, `objective_inconsistent` or `out_of_range`.
    pub kind: String,
    pub value: Decimal,
    /// The others' mean (outliers) or the common score (objective criteria).
    pub reference: Option<Decimal>,
    /// A confirmation that keeps the score, or none yet.
    pub confirmed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatRow {
    pub alias: String,
    pub criterion_name: String,
    pub mean: Decimal,
    pub min: Decimal,
    pub max: Decimal,
    pub spread: Decimal,
}

/// A corrected or confirmed score, as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRecord {
    pub member: String,
    pub alias: String,
    pub criterion_name: String,
    pub kind: String,
    pub reason: Option<String>,
    pub from: Decimal,
    pub to: Decimal,
    pub note: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureView {
    pub member: String,
    pub signed_at: Option<i64>,
    pub dissent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportView {
    pub version: i64,
    pub content: Report,
    pub content_hash: String,
    pub signatures: Vec<SignatureView>,
    /// Every member signed.
    pub complete: bool,
}

/// The review as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The review ([`crate::panels::ReviewId`] as written) the workspace's actions address.
    pub review_id: String,
    pub title: String,
    /// The lot's name, for a lot's own panel.
    pub lot: Option<String>,
    pub kind: MemberKind,
    pub leader: bool,
    pub criteria: Vec<CriterionView>,
    pub proposals: Vec<ProposalView>,
    pub rows: Vec<SheetRow>,
    pub submitted: bool,
    pub progress: Vec<ProgressSeat>,
    /// Every member's sheet is in: the diagnostics and the bidders' names are shown.
    pub all_in: bool,
    pub stats: Vec<StatRow>,
    pub flags: Vec<FlagView>,
    /// The bidders behind the aliases, shown once the sheets are locked, for the conflict check.
    pub bidders: Vec<(String, String)>,
    pub confirmed: bool,
    pub blockers: Vec<Blocker>,
    pub report: Option<ReportView>,
    pub signed: bool,
    pub low_price: crate::low_price::LowPriceView,
    pub compliance: crate::compliance::ComplianceView,
    /// The re-review under way (O87 art. 64 ¶2): members correct for its reason.
    pub rereview: Option<RereviewView>,
}

/// The evaluation as the tender's purchaser side and its supervisors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewView {
    /// The review ([`crate::panels::ReviewId`] as written) the officer's actions address.
    pub review_id: String,
    /// The lot's name, for a lot's own panel.
    pub lot: Option<String>,
    pub progress: Vec<ProgressSeat>,
    pub all_in: bool,
    pub stats: Vec<StatRow>,
    pub flags: Vec<FlagView>,
    pub answers: Vec<AnswerRecord>,
    pub drawings: Vec<LotDrawing>,
    pub blockers: Vec<Blocker>,
    pub report: Option<ReportView>,
    /// Lots whose first place is tied and not drawn yet.
    pub ties_to_draw: Vec<i64>,
    pub low_price: crate::low_price::LowPriceView,
    /// The report is signed and no lot awarded: the officer may convene a re-review.
    pub may_rereview: bool,
    pub rereviews: Vec<RereviewView>,
}

/// A re-review after signing (O87 art. 64 ¶2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RereviewView {
    pub round: i64,
    pub reason: crate::domain::national::CorrectionReason,
    pub reason_zh: String,
    pub finding: String,
    pub started_at: i64,
    pub closed_at: Option<i64>,
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
    /// Every member of the panel judging this lot signed its report: the lot may be awarded.
    #[serde(default)]
    pub report_signed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingView {
    pub lots: Vec<LotRanking>,
    pub sheets_submitted: i64,
    pub experts: i64,
    /// Every panel's report is signed by all its members: the whole result stands.
    #[serde(default)]
    pub report_signed: bool,
}

/// A server function's review id, parsed; one naming no review answers not found.
#[cfg(feature = "ssr")]
fn server_review_id(id: &str) -> Result<crate::panels::ReviewId, AppError> {
    crate::panels::server::review_id(id).inspect_err(crate::server::auth::set_status)
}

/// The member's review workspace.
#[server(endpoint = "review")]
pub async fn review(id: String) -> Result<ReviewView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::review(&state.db, &member, &server_review_id(&id)?, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Saves the sheet: as a draft (`submit` false: nothing checked, nothing final), or submitted
/// (Reg. art. 34: each member scores independently, once) with every score within its range and a
/// reason for each subjective criterion. What was typed is kept as a draft either way, so a refused
/// submission loses nothing.
#[server(endpoint = "submit_sheet")]
pub async fn submit_sheet(id: String, rows: Option<Vec<SheetRow>>, submit: Option<bool>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    let rows = rows.unwrap_or_default();
    if submit.unwrap_or(false) {
        server::submit(&state.db, &member, &server_review_id(&id)?, &rows, state.now_ms()).await
    } else {
        server::save_draft(&state.db, &member, &server_review_id(&id)?, &rows, state.now_ms()).await
    }
    .inspect_err(auth::set_status)
}

/// Answers a diagnostics flag on the member's own score: a correction for the flag's O87 art. 64
/// reason, or a written confirmation of an outlier.
#[server(endpoint = "answer_flag")]
pub async fn answer_flag(id: String, alias: String, criterion: usize, answer: Answer) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::answer_flag(&state.db, &member, &server_review_id(&id)?, &alias, criterion, &answer, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

/// Shown the bidders once the sheets are locked, the member confirms there is no conflict, or
/// declares one: then the member's sheet is void and the next alternate takes the seat.
#[server(endpoint = "confirm_no_conflict")]
pub async fn confirm_no_conflict(id: String, conflict: bool, note: Option<String>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::confirm(
        &state.db,
        &member,
        &server_review_id(&id)?,
        conflict,
        note.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// Signs the report, re-entering the password; the signature binds the report's hash. A
/// dissenting member signs with the dissent and its reasons (Reg. art. 41).
#[server(endpoint = "sign_report")]
pub async fn sign_report(id: String, password: String, dissent: Option<String>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::sign(
        &state.db,
        &member,
        &server_review_id(&id)?,
        &password,
        dissent.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// The evaluation's state for the tender's purchaser side.
#[server(endpoint = "evaluation_overview")]
pub async fn evaluation_overview(id: String) -> Result<OverviewView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    let state = auth::state()?;
    let rid = server_review_id(&id)?;
    crate::tenders::server::load_for(&state.db, &user, &rid.tender).await.inspect_err(auth::set_status)?;
    server::overview(&state.db, &rid, state.now_ms()).await.inspect_err(auth::set_status)
}

/// O87 art. 68: draws lots among the bids tied for first place in a lot, revealing the seed
/// committed to when the tender was published.
#[server(endpoint = "draw_tie")]
pub async fn draw_tie(id: String, lot: i64) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::draw_tie(&state.db, &officer, &server_review_id(&id)?, lot, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

/// O87 art. 64 ¶2: after the report is signed and before any award, the officer convenes the
/// original panel for one of the four reasons, stating what was found.
#[server(endpoint = "start_rereview")]
pub async fn start_rereview(
    id: String,
    reason: crate::domain::national::CorrectionReason,
    finding: Option<String>,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    let rid = server_review_id(&id)?;
    let signed = server::report_complete(&state.db, &rid).await.inspect_err(auth::set_status)?;
    rereview::start(&state.db, &officer, &rid, signed, reason, finding.as_deref().unwrap_or(""), state.now_ms())
        .await
        .inspect_err(auth::set_status)
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
