//! Sealed bids and applications: the bid form with the team and the template's rules judged in
//! the browser, the receipt, withdrawal and reconfirmation. The upload itself is a JSON-API
//! route (`/api/v1/tenders/{id}/bids`, multipart) that streams, checks and seals the files.

pub mod application;
pub mod list;
pub mod page;
#[cfg(feature = "ssr")]
pub mod server;
pub mod team;

use crate::domain::qualification::RuleSpec;
use crate::domain::roster::{Member, Profile};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use crate::tenders::{TenderSummary, TenderView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The two documents of a bid: the anonymous technical proposal (暗标) and the qualification
/// documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Technical,
    Qualification,
}

impl FileKind {
    /// In the order a receipt lists them.
    pub const ALL: [FileKind; 2] = [FileKind::Technical, FileKind::Qualification];

    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Technical => "technical",
            FileKind::Qualification => "qualification",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One document of a sealed bid as the receipt shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReceipt {
    pub kind: FileKind,
    pub file_name: String,
    pub file_size: i64,
    pub content_type: String,
    /// SHA-256 of the file as uploaded (before sealing).
    pub sha256: String,
    /// Files inside a zip package; 0 for a PDF.
    pub entries: i64,
    /// The lot a technical proposal answers where the tender asks for one per lot; `None` for
    /// a document of the whole bid.
    #[serde(default)]
    pub lot: Option<i64>,
}

impl FileReceipt {
    /// The upload's form field: `technical`, `technical_<lot>` or `qualification`.
    pub fn field(&self) -> String {
        file_field(self.kind, self.lot)
    }

    /// Where the purchaser side reads it under `/api/v1/tenders/{id}/bids/{bid}/files/`.
    pub fn path(&self) -> String {
        match self.lot {
            Some(l) => format!("{}/{l}", self.kind.as_str()),
            None => self.kind.as_str().to_string(),
        }
    }
}

/// The bid form's field for a document: `technical_<lot>` for a lot's own proposal.
pub fn file_field(kind: FileKind, lot: Option<i64>) -> String {
    match lot {
        Some(l) => format!("{}_{l}", kind.as_str()),
        None => kind.as_str().to_string(),
    }
}

/// A person of the team declared with a bid, as its receipt names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMemberView {
    pub name: String,
    pub masked_id: String,
    /// (lot, role) for each lot the person is promised in.
    #[serde(default)]
    pub roles: Vec<(String, crate::domain::roster::TeamRole)>,
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
    /// The team declared with the bid, staff first.
    #[serde(default)]
    pub team: Vec<TeamMemberView>,
    /// People of the declared team already promised on a live contract.
    #[serde(default)]
    pub flags: Vec<Verdict>,
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
    /// The organisation's standing bid, so a resubmission starts from it.
    #[serde(default)]
    pub current: Option<CurrentBid>,
}

/// What of a standing bid the resubmission form starts from: its lots and teams. Its prices
/// and files stay sealed until the opening, so they are entered again; the files are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentBid {
    /// Positions of the lots bid for.
    pub lots: Vec<usize>,
    /// Each lot's team (by lot position), limited to people still on the roster.
    pub teams: Vec<(usize, crate::domain::roster::TeamChoice)>,
    pub files: Vec<FileReceipt>,
}

/// The bidder's tender page: the notice and the organisation's own receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidPageView {
    pub tender: TenderView,
    pub receipt: Option<BidReceipt>,
}

/// A published tender in a bidder's list, with the organisation's receipt if it bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenTender {
    pub tender: TenderSummary,
    /// The organisation has a standing bid on it.
    pub has_bid: bool,
    /// Once awarded, whether the organisation won a lot (a bidder reads 中标 or 未中标, not the
    /// tender's 已中标).
    #[serde(default)]
    pub won: Option<bool>,
}

/// What a bidder may do with its sealed bid before the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidChange {
    /// Law art. 35: a bidder may withdraw until the deadline.
    Withdraw,
    /// Confirm an unchanged bid after a material amendment.
    Reconfirm,
}

/// The bidder's own bid on one tender: withdraw it, or reconfirm it after a material amendment.
#[server(endpoint = "bid_action")]
pub async fn bid_action(id: String, action: BidChange) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    let now = state.now_ms();
    match action {
        BidChange::Withdraw => server::withdraw(&state.db, &bidder, &id, now).await,
        BidChange::Reconfirm => server::reconfirm(&state.db, &bidder, &id, now).await,
    }
    .inspect_err(auth::set_status)
}

/// The bidder's tender page: the notice and the organisation's own receipt.
#[server(endpoint = "my_bid")]
pub async fn my_bid(id: String) -> Result<BidPageView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let tender =
        crate::tenders::server::detail(&state.db, &id, false, state.now_ms()).await.inspect_err(auth::set_status)?;
    Ok(BidPageView { tender, receipt: server::receipt(&state.db, &id, &org).await? })
}

#[server(endpoint = "open_tenders")]
pub async fn open_tenders() -> Result<Vec<OpenTender>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::bidder_list(&state.db, &bidder, state.now_ms()).await
}

/// The bid form's data: profile, roster and the tender template's rules, judged in the browser.
#[server(endpoint = "bid_form")]
pub async fn bid_form(id: String) -> Result<BidFormView, AppError> {
    use crate::domain::time::{from_millis, shanghai};
    use crate::identity::Role;
    use crate::profiles::server as profiles;
    use crate::schemes::server as templates;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    let state = auth::state()?;
    let db = state.db.clone();
    let view = crate::tenders::server::detail(&db, &id, false, state.now_ms()).await.inspect_err(auth::set_status)?;
    let template = templates::by_id(&db, &view.spec.template_id).await?.ok_or(AppError::Internal)?;
    let deadline = from_millis(view.spec.bid_deadline_ms)
        .map(|t| t.with_timezone(&shanghai()).date_naive())
        .ok_or(AppError::Internal)?;
    let application = template.application_kind().map(|_| template.clone());
    let roster = profiles::masked(profiles::roster(&db, &org).await?);
    let lot_names: Vec<String> = view.spec.lots.iter().map(|l| l.name.clone()).collect();
    let current = server::current_bid(&db, &id, &org, &lot_names, &roster).await?;
    Ok(BidFormView {
        application,
        current,
        profile: profiles::profile(&db, &org).await?,
        roster,
        qualification: template.qualification,
        team_rules: template.team,
        contract_years: template.contract_years,
        deadline,
    })
}
