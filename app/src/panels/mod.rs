//! Forming a tender's evaluation panel: the officer's plan (size, category, region,
//! representatives, alternates) checked against the law, the reproducible draw with its
//! exclusions, invitations accepted or declined with alternates called in order, the recusal
//! declaration that unlocks the bids, bidders' recusal requests, the leader, and replacements.
//! Members' names stay with the purchaser side until the result is published; experts learn only
//! that they sit on a panel.

#[cfg(feature = "ssr")]
pub mod server;
pub mod views;

use crate::domain::evaluation::draw::DrawRecord;
use crate::domain::evaluation::panel::{MemberStatus, PanelPlan, PlanInput};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which review a panel holds: the tender's one review of every lot, or, where the tender has a
/// panel per lot, one lot's. Written as the tender's id, or the id and the lot's number from 1
/// (`…-2`), in URLs, server function arguments and the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReviewId {
    pub tender: String,
    /// The lot's position, from 0; `None` for the review of every lot.
    pub lot: Option<i64>,
}

impl ReviewId {
    pub fn joint(tender: &str) -> Self {
        ReviewId { tender: tender.into(), lot: None }
    }

    pub fn of_lot(tender: &str, lot: i64) -> Self {
        ReviewId { tender: tender.into(), lot: Some(lot) }
    }

    /// Tender ids have no `-`, so the last one, if any, starts the lot's number.
    pub fn parse(s: &str) -> Option<Self> {
        match s.rsplit_once('-') {
            None if !s.is_empty() => Some(ReviewId::joint(s)),
            Some((tender, n)) if !tender.is_empty() && !tender.contains('-') => {
                if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let n: i64 = n.parse().ok().filter(|n| (1..=999).contains(n))?;
                Some(ReviewId::of_lot(tender, n - 1))
            }
            _ => None,
        }
    }

    /// What the audit log files an entry under: the tender for its one review, the review
    /// itself (as written) for a lot's own, so a reader sees which lot's panel acted.
    pub fn entity(&self) -> &'static str {
        if self.lot.is_some() {
            "review"
        } else {
            "tender"
        }
    }

    /// The `review_lot` column: the lot's position, or -1 for the review of every lot.
    pub fn column(&self) -> i64 {
        self.lot.unwrap_or(-1)
    }

    /// The reviews a tender holds: one, or one per lot.
    pub fn all_of(tender: &str, panels_per_lot: bool, lots: usize) -> Vec<ReviewId> {
        if panels_per_lot {
            (0..lots as i64).map(|l| ReviewId::of_lot(tender, l)).collect()
        } else {
            vec![ReviewId::joint(tender)]
        }
    }

    /// Whether the tender holds this review.
    pub fn held_by(&self, panels_per_lot: bool, lots: usize) -> bool {
        match self.lot {
            None => !panels_per_lot,
            Some(l) => panels_per_lot && (0..lots as i64).contains(&l),
        }
    }
}

impl std::fmt::Display for ReviewId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.lot {
            None => f.write_str(&self.tender),
            Some(l) => write!(f, "{}-{}", self.tender, l + 1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    Expert,
    /// 采购人代表: an officer of the tender's own unit (O87 art. 47).
    PurchaserRep,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Expert => "expert",
            MemberKind::PurchaserRep => "purchaser_rep",
        }
    }

    pub fn parse(s: &str) -> Option<MemberKind> {
        [MemberKind::Expert, MemberKind::PurchaserRep].into_iter().find(|k| k.as_str() == s)
    }
}

/// How a member came onto the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Drawn,
    /// Drawn in reserve and called in.
    Alternate,
    /// Chosen by the purchaser with a recorded reason (O87 art. 48 ¶2), marked when published.
    SelfSelected,
    /// A purchaser representative.
    Appointed,
    /// On a panel formed before draws existed.
    Legacy,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Drawn => "drawn",
            Source::Alternate => "alternate",
            Source::SelfSelected => "self_selected",
            Source::Appointed => "appointed",
            Source::Legacy => "legacy",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        use Source::*;
        [Drawn, Alternate, SelfSelected, Appointed, Legacy].into_iter().find(|k| k.as_str() == s)
    }
}

/// A seat as the purchaser side sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub kind: MemberKind,
    pub source: Source,
    pub seat: i64,
    pub status: MemberStatus,
    pub reason: Option<String>,
    /// Signed the recusal declaration: the bids are open to this member.
    pub declared: bool,
    pub leader: bool,
}

/// The panel as the tender's own purchaser side (and its supervisors) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelView {
    /// The review the panel holds ([`ReviewId`] as written).
    pub review_id: String,
    /// The lot's name, for a lot's own panel.
    pub lot: Option<String>,
    pub plan: Option<PanelPlan>,
    pub plan_verdicts: Vec<Verdict>,
    /// Earliest day of the draw (open tenders), as Beijing date.
    pub earliest_draw: Option<String>,
    pub members: Vec<MemberView>,
    pub draws: Vec<DrawRecord>,
    /// For each draw: re-run on the server from its stored pool snapshot and seed, did it give
    /// the same order, panel and alternates (a tampered record or pool shows as false)?
    #[serde(default)]
    pub draws_verified: Vec<bool>,
    /// The officers of the tender's unit who may sit as its representatives.
    pub representatives: Vec<(String, String)>,
    /// Experts needed but not yet holding a seat (declines and recusals with no alternate left).
    pub short: u32,
    /// While seats are short after the bid deadline, the pool's experts of the plan's category
    /// the officer may choose (O87 art. 48 ¶2): (user id, name, why not, if excluded).
    #[serde(default)]
    pub choosable: Vec<(String, String, Option<String>)>,
}

/// A panel an expert (or representative) sits on, as the member sees it: never the other members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// The review the panel holds ([`ReviewId`] as written): where the member's workspace is.
    pub review_id: String,
    pub tender_id: String,
    /// The lot's name, for a lot's own panel.
    pub lot: Option<String>,
    pub title: String,
    pub review_date: Option<String>,
    pub status: MemberStatus,
    pub kind: MemberKind,
    pub declared: bool,
    pub leader: bool,
}

/// What a member is told after signing the declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Declared {
    /// The bids are open to the member.
    Unlocked,
    /// A conflict was found with one of the bidders (not named): the member stepped aside.
    Recused,
}

#[server(endpoint = "panel")]
pub async fn panel(id: String) -> Result<PanelView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Officer, Role::Auditor, Role::Admin]).await?;
    let state = auth::state()?;
    let rid = server::review_id(&id).inspect_err(auth::set_status)?;
    crate::tenders::server::load_for(&state.db, &user, &rid.tender).await.inspect_err(auth::set_status)?;
    server::view(&state.db, &rid, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Sets (or, before the draw, changes) the panel's plan and its representatives.
#[server(endpoint = "plan_panel")]
pub async fn plan_panel(id: String, plan: PlanInput, representatives: Option<Vec<String>>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    let reps = representatives.unwrap_or_default();
    server::plan(
        &state.db,
        &officer,
        &server::review_id(&id).inspect_err(auth::set_status)?,
        &plan,
        &reps,
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// Draws the experts (or, when seats are short, draws again for the missing ones).
#[server(endpoint = "draw_panel")]
pub async fn draw_panel(id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::draw(&state.db, &officer, &server::review_id(&id).inspect_err(auth::set_status)?, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

/// O87 art. 48 ¶2: the officer chooses an expert itself, with the reason random drawing cannot
/// staff the panel and the competent budget unit's approval.
#[server(endpoint = "self_select_expert")]
pub async fn self_select_expert(
    id: String,
    user_id: String,
    reason: Option<String>,
    approval: Option<String>,
) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::self_select(
        &state.db,
        &officer,
        &server::review_id(&id).inspect_err(auth::set_status)?,
        &user_id,
        reason.as_deref().unwrap_or(""),
        approval.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// O87 art. 49: a member who leaves during the review is replaced; the member's opinions are void.
#[server(endpoint = "replace_member")]
pub async fn replace_member(id: String, user_id: String, reason: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::replace(
        &state.db,
        &officer,
        &server::review_id(&id).inspect_err(auth::set_status)?,
        &user_id,
        &reason,
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// Records the leader the panel chose (O87 art. 45: never a purchaser representative).
#[server(endpoint = "set_leader")]
pub async fn set_leader(id: String, user_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::set_leader(
        &state.db,
        &officer,
        &server::review_id(&id).inspect_err(auth::set_status)?,
        &user_id,
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// The panels the caller sits on (experts; officers sitting as representatives).
#[server(endpoint = "my_panels")]
pub async fn my_panels() -> Result<Vec<Invitation>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    server::invitations(&auth::state()?.db, &member).await
}

/// Accepts or declines an invitation; a declined seat goes to the next alternate.
#[server(endpoint = "answer_invitation")]
pub async fn answer_invitation(id: String, accept: bool, reason: Option<String>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    let state = auth::state()?;
    server::answer(
        &state.db,
        &expert,
        &server::review_id(&id).inspect_err(auth::set_status)?,
        accept,
        reason.as_deref().unwrap_or(""),
        state.now_ms(),
    )
    .await
    .inspect_err(auth::set_status)
}

/// Reg. art. 9: the member declares no ground of recusal applies; the system checks privately
/// against every bidder before the bids open to the member.
#[server(endpoint = "declare_no_conflict")]
pub async fn declare_no_conflict(id: String) -> Result<Declared, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Expert, Role::Officer]).await?;
    let state = auth::state()?;
    server::declare(&state.db, &member, &server::review_id(&id).inspect_err(auth::set_status)?, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

/// O87 art. 42: a bidder asks that a person be recused; matched privately against the panel.
/// The answer never says whether the person sits on it.
#[server(endpoint = "request_recusal")]
pub async fn request_recusal(id: String, name: String, id_number: Option<String>) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::request_recusal(&state.db, &bidder, &id, &name, id_number.as_deref().unwrap_or(""), state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

#[cfg(test)]
mod tests {
    use super::ReviewId;

    #[test]
    fn review_ids_read_back_as_written() {
        let t = "0f3c9a1e2b7d4c5a8e6f1a2b3c4d5e6f";
        for r in [ReviewId::joint(t), ReviewId::of_lot(t, 0), ReviewId::of_lot(t, 11)] {
            assert_eq!(ReviewId::parse(&r.to_string()), Some(r));
        }
        assert_eq!(ReviewId::of_lot(t, 1).to_string(), format!("{t}-2"));
        assert_eq!(ReviewId::joint(t).column(), -1);
        assert_eq!(ReviewId::of_lot(t, 2).column(), 2);
    }

    #[test]
    fn review_ids_that_name_no_lot_are_refused() {
        for bad in ["", "-1", "t-0", "t-01", "t-x", "t-", "a-b-1", "t-+1", "t-1000"] {
            assert_eq!(ReviewId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_tender_holds_one_review_or_one_per_lot() {
        assert_eq!(ReviewId::all_of("t", false, 3), [ReviewId::joint("t")]);
        assert_eq!(ReviewId::all_of("t", true, 2), [ReviewId::of_lot("t", 0), ReviewId::of_lot("t", 1)]);
        assert!(ReviewId::joint("t").held_by(false, 2));
        assert!(!ReviewId::joint("t").held_by(true, 2));
        assert!(ReviewId::of_lot("t", 1).held_by(true, 2));
        assert!(!ReviewId::of_lot("t", 2).held_by(true, 2));
        assert!(!ReviewId::of_lot("t", 0).held_by(false, 2));
    }
}
