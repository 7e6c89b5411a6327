//! Tenders as the pages see them: shared view types and the server functions of the walking
//! skeleton (create, publish, open, score, rank, award, obligations). Each server function
//! authorises, then calls `server::tenders`.

#[cfg(feature = "ssr")]
pub mod attachments;
pub mod form;
pub mod notice;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::amendment::FieldChange;
use crate::domain::qualification::RuleSpec;
use crate::domain::roster::{Member, PersonInput, Profile, ProfileInput};
use crate::domain::tender::{TenderInput, TenderStatus, ValidTender};
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
    /// The scheme the tender follows: template id and names.
    #[serde(default)]
    pub scheme: (String, String, String),
    /// The city or county the tender is for.
    #[serde(default)]
    pub region: String,
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
    /// Purchaser side only; `None` on the public page (the number of bidders is not disclosed
    /// before the opening).
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

/// One document of a sealed bid as the receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReceipt {
    /// `technical` (anonymous proposal) or `qualification`.
    pub kind: String,
    pub file_name: String,
    pub file_size: i64,
    pub content_type: String,
    /// SHA-256 of the file as uploaded (before sealing).
    pub sha256: String,
    /// Files inside a zip package; 0 for a PDF.
    pub entries: i64,
}

/// What a bidder gets back for a sealed bid: each file's SHA-256 and the time, never its price
/// or content until the opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidReceipt {
    pub tender_id: String,
    pub bid_id: String,
    /// Names of the lots bid for.
    pub lots: Vec<String>,
    pub files: Vec<FileReceipt>,
    pub submitted_at: i64,
    /// A material amendment came after this bid: the bidder must reconfirm or resubmit.
    pub needs_reconfirmation: bool,
    /// The team declared with the bid: (name, masked ID number), staff first.
    #[serde(default)]
    pub team: Vec<(String, String)>,
    /// People of the declared team already promised on a live contract.
    #[serde(default)]
    pub flags: Vec<Verdict>,
}

/// The organisation's profile and roster as its members see them (ID numbers masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub profile: Option<Profile>,
    pub roster: Vec<Member>,
}

/// What the bid form needs to judge a team in the browser as the bidder chooses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidFormView {
    pub profile: Option<Profile>,
    pub roster: Vec<Member>,
    pub qualification: Vec<RuleSpec>,
    pub team_rules: Vec<RuleSpec>,
    pub contract_years: u8,
    pub deadline: chrono::NaiveDate,
    /// The whole template when it is a call for applications: the bid is an application.
    pub application: Option<crate::domain::template::SchemeTemplate>,
}

/// A clarification question and its published answer; the asker is never named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClarificationView {
    pub id: String,
    pub question: String,
    pub asked_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    /// Asked by the viewer.
    pub mine: bool,
}

/// One line of the opening record (开标一览表).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRowView {
    pub bid_id: String,
    pub org_id: String,
    pub org_name: String,
    /// (lot name, price in fen) as decrypted at the opening.
    pub lots: Vec<(String, i64)>,
    pub submitted_at: i64,
    pub files: Vec<FileReceipt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningRecordView {
    pub tender_id: String,
    pub title: String,
    pub buyer: String,
    pub opened_at: i64,
    pub fixed_price: bool,
    pub rows: Vec<OpeningRowView>,
}

/// A bid in the purchaser's qualification review: the checks and the decision so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRow {
    pub bid: OpeningRowView,
    pub checks: Vec<Verdict>,
    /// `pass` / `fail`, or none yet.
    pub outcome: Option<String>,
    pub reason: Option<String>,
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

#[server(endpoint = "public_tenders")]
pub async fn public_tenders() -> Result<Vec<TenderSummary>, AppError> {
    let state = crate::server::auth::state()?;
    crate::tenders::server::public_list(&state.db).await
}

#[server(endpoint = "officer_tenders")]
pub async fn officer_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    tenders::officer_list(&auth::state()?.db, &officer).await
}

#[server(endpoint = "create_tender")]
pub async fn create_tender(input: TenderInput) -> Result<String, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    tenders::create(&state.db, &officer, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "tender_detail")]
pub async fn tender_detail(id: String) -> Result<TenderView, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    tenders::detail(&auth::state()?.db, &id, true).await.inspect_err(auth::set_status)
}

/// A published tender as the public notice board shows it (no sign-in; drafts are not found).
#[server(endpoint = "public_tender")]
pub async fn public_tender(id: String) -> Result<TenderView, AppError> {
    use {crate::server::auth, crate::tenders::server as tenders};
    tenders::detail(&auth::state()?.db, &id, false).await.inspect_err(auth::set_status)
}

/// A template's defaults (criteria with guidance, price weight, method) as a starting form,
/// with the template linter's warnings the officer must answer before saving.
#[server(endpoint = "tender_form")]
pub async fn tender_form(template_id: String) -> Result<(TenderInput, Vec<Verdict>), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::schemes::server as templates};
    auth::require(&[Role::Officer]).await?;
    let t = templates::by_id(&auth::state()?.db, &template_id)
        .await?
        .ok_or(AppError::NotFound)
        .inspect_err(auth::set_status)?;
    Ok((crate::domain::tender::input_from_template(&t), crate::domain::template::lint(&t)))
}

/// Changes a draft, or publishes an amendment (更正公告) with `reason`; returns the version.
#[server(endpoint = "amend_tender")]
pub async fn amend_tender(id: String, input: TenderInput, reason: String) -> Result<i64, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    tenders::amend(&state.db, &officer, &id, &input, &reason, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "tender_action")]
pub async fn tender_action(id: String, action: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::opening::server as review, crate::tenders::server as tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    let now = state.now_ms();
    match action.as_str() {
        "publish" => tenders::publish(&state.db, &state.sealer, &officer, &id, now).await,
        "open" => review::open(&state.db, &state.sealer, &officer, &id, now).await,
        "conclude_review" => review::conclude(&state.db, &officer, &id, now).await.map(|_| ()),
        _ => Err(AppError::field("action", "unknown_action", "未知操作", "Unknown action")),
    }
    .inspect_err(auth::set_status)
}

/// The bidder's own bid on one tender: `withdraw` or `reconfirm` (after a material amendment).
#[server(endpoint = "bid_action")]
pub async fn bid_action(id: String, action: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::bids::server as bids};
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    let now = state.now_ms();
    match action.as_str() {
        "withdraw" => bids::withdraw(&state.db, &bidder, &id, now).await,
        "reconfirm" => bids::reconfirm(&state.db, &bidder, &id, now).await,
        _ => Err(AppError::field("action", "unknown_action", "未知操作", "Unknown action")),
    }
    .inspect_err(auth::set_status)
}

/// The bidder's tender page: the notice and the organisation's own receipt.
#[server(endpoint = "my_bid")]
pub async fn my_bid(id: String) -> Result<(TenderView, Option<BidReceipt>), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::bids::server as bids, crate::tenders::server as tenders};
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let view = tenders::detail(&state.db, &id, false).await.inspect_err(auth::set_status)?;
    Ok((view, bids::receipt(&state.db, &id, &org).await?))
}

/// 开标一览表 after the opening: the purchaser side, and the organisations that bid.
#[server(endpoint = "opening_record")]
pub async fn opening_record(id: String) -> Result<OpeningRecordView, AppError> {
    use {crate::server::auth, crate::opening::server as review};
    let user = auth::require(&[
        crate::identity::Role::Officer,
        crate::identity::Role::Auditor,
        crate::identity::Role::Admin,
        crate::identity::Role::Bidder,
    ])
    .await?;
    let record = review::opening_record(&auth::state()?.db, &id).await.inspect_err(auth::set_status)?;
    review::check_record_reader(&user, &record).inspect_err(auth::set_status)?;
    Ok(record)
}

#[server(endpoint = "review_rows")]
pub async fn review_rows(id: String) -> Result<Vec<ReviewRow>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::opening::server as review};
    auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    review::review_rows(&auth::state()?.db, &id).await.inspect_err(auth::set_status)
}

/// The purchaser's qualification decision on one bid (`pass` true/false, reason when failing or
/// overriding a failed check).
#[server(endpoint = "review_bid")]
pub async fn review_bid(id: String, bid_id: String, pass: bool, reason: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::opening::server as review};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    review::review_bid(&state.db, &officer, &id, &bid_id, pass, &reason, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

#[server(endpoint = "open_tenders")]
pub async fn open_tenders() -> Result<Vec<(TenderSummary, Option<BidReceipt>)>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let bidder = auth::require(&[Role::Bidder]).await?;
    tenders::bidder_list(&auth::state()?.db, &bidder).await
}

#[server(endpoint = "expert_tenders")]
pub async fn expert_tenders() -> Result<Vec<TenderSummary>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    tenders::expert_list(&auth::state()?.db, &expert).await
}

#[server(endpoint = "score_sheet")]
pub async fn score_sheet(id: String) -> Result<ScoreSheetView, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    tenders::score_sheet(&auth::state()?.db, &expert, &id).await.inspect_err(auth::set_status)
}

/// `scores` holds one row per bid alias: the points for each criterion, as typed.
#[server(endpoint = "submit_scores")]
pub async fn submit_scores(id: String, scores: Vec<(String, Vec<String>)>) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let expert = auth::require(&[Role::Expert]).await?;
    let state = auth::state()?;
    tenders::submit_scores(&state.db, &expert, &id, &scores, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "ranking")]
pub async fn ranking(id: String) -> Result<RankingView, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    tenders::ranking(&auth::state()?.db, &id).await.inspect_err(auth::set_status)
}

/// Awards lot `lot` (its position) to its first-ranked bid.
#[server(endpoint = "award")]
pub async fn award(id: String, lot: i64, bid_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    tenders::award(&state.db, &officer, &id, lot, &bid_id, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "my_contracts")]
pub async fn my_contracts() -> Result<Vec<ContractView>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let member = auth::require(&[Role::Bidder]).await?;
    tenders::contracts_for(&auth::state()?.db, &member).await
}

#[server(endpoint = "record_obligation")]
pub async fn record_obligation(
    contract_id: String,
    metric: String,
    contract_year: u8,
    value: String,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::tenders::server as tenders};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    tenders::record_obligation(&state.db, &member, &contract_id, &metric, contract_year, &value, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

/// Templates an officer can start a tender from: (id, Chinese name, English name).
#[server(endpoint = "tender_templates")]
pub async fn tender_templates() -> Result<Vec<(String, String, String)>, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::schemes::server as templates};
    auth::require(&[Role::Officer]).await?;
    Ok(templates::all(&auth::state()?.db).await?.into_iter().map(|t| (t.id, t.name.zh, t.name.en)).collect())
}

/// Questions and answers of a published tender (no sign-in needed for the answered ones).
#[server(endpoint = "clarifications")]
pub async fn clarifications(id: String) -> Result<Vec<ClarificationView>, AppError> {
    use {crate::server::auth, crate::clarifications::server as clarifications};
    let viewer = auth::current_user().await?;
    clarifications::list(&auth::state()?.db, viewer.as_ref(), &id).await.inspect_err(auth::set_status)
}

#[server(endpoint = "ask_question")]
pub async fn ask_question(id: String, question: String) -> Result<String, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::clarifications::server as clarifications};
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    clarifications::ask(&state.db, &bidder, &id, &question, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "answer_question")]
pub async fn answer_question(question_id: String, answer: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::clarifications::server as clarifications};
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    clarifications::answer(&state.db, &officer, &question_id, &answer, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<ProfileView, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::profiles::server as profiles};
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    let db = auth::state()?.db;
    Ok(ProfileView {
        profile: profiles::profile(&db, &org).await?,
        roster: profiles::masked(profiles::roster(&db, &org).await?),
    })
}

#[server(endpoint = "save_profile")]
pub async fn save_profile(input: ProfileInput) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::profiles::server as profiles};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    profiles::save_profile(&state.db, &member, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "add_staff")]
pub async fn add_staff(person: PersonInput) -> Result<String, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::profiles::server as profiles};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    profiles::add_member(&state.db, &member, &person, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "remove_staff")]
pub async fn remove_staff(staff_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::profiles::server as profiles};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    profiles::remove_member(&state.db, &member, &staff_id, state.now_ms()).await.inspect_err(auth::set_status)
}

/// The bid form's data: profile, roster and the tender template's rules, judged in the browser.
#[server(endpoint = "bid_form")]
pub async fn bid_form(id: String) -> Result<BidFormView, AppError> {
    use crate::identity::Role;
    use {crate::server::auth, crate::profiles::server as profiles, crate::schemes::server as templates, crate::tenders::server as tenders};
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    let db = auth::state()?.db;
    let view = tenders::detail(&db, &id, false).await.inspect_err(auth::set_status)?;
    let template = templates::by_id(&db, &view.spec.template_id).await?.ok_or(AppError::Internal)?;
    let deadline = crate::domain::time::from_millis(view.spec.bid_deadline_ms)
        .map(|t| t.with_timezone(&crate::domain::time::shanghai()).date_naive())
        .ok_or(AppError::Internal)?;
    let application = template.application_kind().map(|_| template.clone());
    Ok(BidFormView {
        application,
        profile: profiles::profile(&db, &org).await?,
        roster: profiles::masked(profiles::roster(&db, &org).await?),
        qualification: template.qualification,
        team_rules: template.team,
        contract_years: template.contract_years,
        deadline,
    })
}
