//! Tenders from a scheme template: create, change a draft, publish, amend (更正公告), attach the
//! officer's documents, and read them on the public board and notice page. Each server function
//! authorises, then calls `server`.

#[cfg(feature = "ssr")]
pub mod attachments;
pub mod board;
pub mod form;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod search;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::amendment::FieldChange;
use crate::domain::tender::{TenderInput, TenderPhase, TenderStatus, ValidTender};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use crate::schemes::SchemeName;
use leptos::prelude::*;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderSummary {
    pub id: String,
    /// The project number (项目编号) shown to people; `id` stays in URLs.
    #[serde(default)]
    pub project_no: String,
    pub title: String,
    pub buyer: String,
    pub budget_fen: i64,
    pub bid_deadline: i64,
    pub opening_at: i64,
    pub status: TenderStatus,
    /// Published result: the winner's name, only once awarded.
    pub winner: Option<String>,
    /// The scheme the tender follows.
    #[serde(default)]
    pub scheme: SchemeName,
    /// The city or county the tender is for.
    #[serde(default)]
    pub region: String,
    /// The status as the clock makes it when this was loaded (a published tender past its
    /// deadline is closed, awaiting the opening).
    #[serde(default)]
    pub phase: TenderPhase,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionView {
    pub position: i64,
    pub name: String,
    pub max_points: Decimal,
    #[serde(default)]
    pub guidance: String,
    #[serde(default)]
    pub objective: bool,
}

/// One published version of a tender: version 1 is the original notice, later ones are
/// amendments (更正公告) with what they changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    pub version: i64,
    pub reason: String,
    pub changes: Vec<FieldChange>,
    pub material: bool,
    pub pushed_from: Option<i64>,
    pub published_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderView {
    pub summary: TenderSummary,
    /// The current version as the domain parsed it (lots, timeline, criteria with guidance).
    pub spec: ValidTender,
    pub version: i64,
    pub versions: Vec<VersionView>,
    pub price_weight_pct: Decimal,
    pub criteria: Vec<CriterionView>,
    /// Purchaser side only, once the bids are opened; `None` on the public page and before the
    /// opening (the number of bidders is not disclosed).
    pub bid_count: Option<i64>,
    /// The template linter's warnings, and the officer's recorded override.
    pub lint: Vec<Verdict>,
    pub failed_reason: Option<String>,
    /// The officer's own documents published with the tender.
    #[serde(default)]
    pub attachments: Vec<AttachmentView>,
    /// Lots that failed at review, and each lot's winner once awarded.
    #[serde(default)]
    pub lot_results: Vec<LotResultView>,
    /// O87 art. 69 ¶2, Reg. art. 43: once awarded, the experts who reviewed it, a self-selected
    /// one marked; empty before (the panel is confidential until the result is announced).
    #[serde(default)]
    pub panel_experts: Vec<String>,
    /// SHA-256 of the seed of any drawing of lots (O87 art. 68), published with the notice.
    #[serde(default)]
    pub tie_commitment: Option<String>,
    /// Purchaser side only: the qualification review is concluded (O87 art. 44), so no decision
    /// is offered any more.
    #[serde(default)]
    pub review_concluded: bool,
}

/// A lot's public result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotResultView {
    pub lot: String,
    pub failed: Option<String>,
    pub winner: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub sha256: String,
    pub file_name: String,
    pub file_size: i64,
    pub content_type: String,
}

/// A template's defaults as a starting form, with the linter's warnings the officer must answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderFormView {
    pub input: TenderInput,
    pub lint: Vec<Verdict>,
}

/// What the board is asked for: a search, exact filters, and where the page starts. Every part
/// may be missing (the first page of everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilter {
    pub q: Option<String>,
    pub status: Option<String>,
    pub region: Option<String>,
    pub scheme: Option<String>,
    /// The cursor of the page's first notice (`next` of the page before).
    pub after: Option<String>,
}

/// A page of the public board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPage {
    pub rows: Vec<TenderSummary>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
    /// The regions and schemes of all published notices, for the filters.
    pub regions: Vec<String>,
    pub schemes: Vec<SchemeName>,
}

#[server(endpoint = "public_tenders")]
pub async fn public_tenders(
    q: Option<String>,
    status: Option<String>,
    region: Option<String>,
    scheme: Option<String>,
    after: Option<String>,
) -> Result<BoardPage, AppError> {
    let state = crate::server::auth::state()?;
    server::board(&state.db, &BoardFilter { q, status, region, scheme, after }, state.now_ms()).await
}

/// A page of the officer's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderPage {
    pub rows: Vec<TenderSummary>,
    /// The cursor of the next page, when there is one.
    pub next: Option<String>,
}

#[server(endpoint = "officer_tenders")]
pub async fn officer_tenders(after: Option<String>) -> Result<TenderPage, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::officer_list(&state.db, &officer, after.as_deref(), state.now_ms()).await
}

#[server(endpoint = "create_tender")]
pub async fn create_tender(input: TenderInput) -> Result<String, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::create(&state.db, &officer, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "tender_detail")]
pub async fn tender_detail(id: String) -> Result<TenderView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    let state = auth::state()?;
    server::load_for(&state.db, &user, &id).await.inspect_err(auth::set_status)?;
    server::detail(&state.db, &id, true, state.now_ms()).await.inspect_err(auth::set_status)
}

/// A published tender as the public notice board shows it (no sign-in; drafts are not found).
#[server(endpoint = "public_tender")]
pub async fn public_tender(id: String) -> Result<TenderView, AppError> {
    use crate::server::auth;
    let state = auth::state()?;
    server::detail(&state.db, &id, false, state.now_ms()).await.inspect_err(auth::set_status)
}

/// A template's defaults (criteria with guidance, price weight, method) as a starting form,
/// with the template linter's warnings the officer must answer before saving.
#[server(endpoint = "tender_form")]
pub async fn tender_form(template_id: String) -> Result<TenderFormView, AppError> {
    use crate::identity::Role;
    use crate::schemes::server as templates;
    use crate::server::auth;
    auth::require(&[Role::Officer]).await?;
    let t = templates::by_id(&auth::state()?.db, &template_id)
        .await?
        .ok_or(AppError::NotFound)
        .inspect_err(auth::set_status)?;
    Ok(TenderFormView {
        input: crate::domain::tender::input_from_template(&t),
        lint: crate::domain::template::lint(&t),
    })
}

/// Changes a draft, or publishes an amendment (更正公告) with `reason`; returns the version.
#[server(endpoint = "amend_tender")]
pub async fn amend_tender(id: String, input: TenderInput, reason: String) -> Result<i64, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::amend(&state.db, &officer, &id, &input, &reason, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Publishes a draft: the notice goes public and bids can be sealed.
#[server(endpoint = "publish_tender")]
pub async fn publish_tender(id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::publish(&state.db, &state.sealer, &officer, &id, state.now_ms()).await.inspect_err(auth::set_status)
}
