//! Panels in the database: the plan, the draws with their pool snapshots, the seats and their
//! transitions, recusal checks made privately against the bidders. Every change is audited.

use super::{Declared, Invitation, MemberKind, MemberView, PanelView, ReviewId, Source};
use crate::domain::evaluation::conflict::{self, BidderFacts, ExpertDeclaration, OrgRef, RecusalRequest};
use crate::domain::evaluation::draw::{self, Candidate, DrawRecord, DrawRules, Exclusion};
use crate::domain::evaluation::panel::{self as rules, MemberEvent, MemberStatus, PanelMethod, PanelPlan, PlanInput};
use crate::domain::evaluation::{cite, normalise};
use crate::domain::roster::Declaration;
use crate::domain::time::{from_millis, shanghai};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use crate::tenders::server::{load, load_for_officer, TenderRow};
use chrono::NaiveDate;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

/// A draw as kept: the record and the pool it was made from, for the auditor's re-run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredDraw {
    pub record: DrawRecord,
    pub pool: Vec<Candidate>,
}

#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub kind: MemberKind,
    pub source: Source,
    pub seat: i64,
    pub status: MemberStatus,
    pub reason: Option<String>,
    pub declared_at: Option<i64>,
    pub confirmed_at: Option<i64>,
}

impl Member {
    /// Accepted and declared: the bids are open to this member and the member's sheet counts.
    pub fn unlocked(&self) -> bool {
        self.status == MemberStatus::Accepted && self.declared_at.is_some()
    }
}

fn invalid(field: &str, code: &str, zh: &str, en: &str) -> AppError {
    AppError::field(field, code, zh, en)
}

/// A server function's review id, parsed; one that names no review is not found.
pub fn review_id(id: &str) -> Result<ReviewId, AppError> {
    ReviewId::parse(id).ok_or(AppError::NotFound)
}

/// The tender, if it holds the review: its one panel, or, where each lot has one, a lot's.
pub async fn load_review_tender(db: &Db, rid: &ReviewId) -> Result<TenderRow, AppError> {
    let t = load(db, &rid.tender).await?;
    check_held(&t, rid)?;
    Ok(t)
}

pub fn check_held(t: &TenderRow, rid: &ReviewId) -> Result<(), AppError> {
    let spec = t.spec()?;
    if rid.held_by(spec.panels_per_lot, spec.lots.len()) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The reviews the tender holds, as its spec says: one, or one per lot.
pub fn reviews_of(t: &TenderRow) -> Result<Vec<ReviewId>, AppError> {
    let spec = t.spec()?;
    Ok(ReviewId::all_of(&t.id, spec.panels_per_lot, spec.lots.len()))
}

pub async fn members(db: &Db, rid: &ReviewId) -> Result<Vec<Member>, AppError> {
    let rows = sqlx::query(
        "SELECT m.user_id, u.display_name, m.kind, m.source, m.seat, m.status, m.reason, m.declared_at, m.confirmed_at \
         FROM panel_members m JOIN users u ON u.id = m.user_id WHERE m.tender_id = $1 AND m.review_lot = $2 \
         ORDER BY m.kind DESC, m.seat, m.user_id",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let bad = |what: &str| {
                tracing::error!(review = %rid, what, "a stored panel member does not parse");
                AppError::Internal
            };
            Ok(Member {
                user_id: r.get("user_id"),
                name: r.get("display_name"),
                kind: MemberKind::parse(&r.get::<String, _>("kind")).ok_or_else(|| bad("kind"))?,
                source: Source::parse(&r.get::<String, _>("source")).ok_or_else(|| bad("source"))?,
                seat: r.get("seat"),
                status: MemberStatus::parse(&r.get::<String, _>("status")).ok_or_else(|| bad("status"))?,
                reason: r.get("reason"),
                declared_at: r.get("declared_at"),
                confirmed_at: r.get("confirmed_at"),
            })
        })
        .collect()
}

/// How the panel's members know each other before the names are due: "成员N", by seat order
/// among the seated members.
pub fn seat_label(seated: &[Member], user_id: &str) -> String {
    let n = seated.iter().position(|m| m.user_id == user_id).map(|i| i + 1).unwrap_or(0);
    format!("成员{n}")
}

/// The caller's own seat on a review's panel.
pub async fn seat_of(db: &Db, rid: &ReviewId, user_id: &str) -> Result<Option<Member>, AppError> {
    Ok(members(db, rid).await?.into_iter().find(|m| m.user_id == user_id))
}

/// The tender, for a member holding an unlocked seat on its panel once the qualification review
/// is concluded: the bids are open to the member. Anyone else: not found.
pub async fn open_to_member(db: &Db, rid: &ReviewId, user: &SessionUser) -> Result<(TenderRow, Member), AppError> {
    let seat = seat_of(db, rid, &user.id).await?.filter(|m| m.status.seated()).ok_or(AppError::NotFound)?;
    let t = load(db, &rid.tender).await?;
    check_open_to(&seat, &t)?;
    Ok((t, seat))
}

/// A seated member reads the bids once it has accepted and declared, and the qualification
/// review is concluded.
pub fn check_open_to(seat: &Member, t: &TenderRow) -> Result<(), AppError> {
    if !seat.unlocked() {
        return Err(invalid(
            "review",
            "review_locked",
            "请先接受邀请并签署回避申明",
            "Accept the invitation and sign the declaration first",
        ));
    }
    if !crate::domain::tender::bids_readable(t.status) || t.review_done_at.is_none() {
        return Err(crate::tenders::server::tender_error(crate::domain::tender::TenderError::NotYetOpen));
    }
    Ok(())
}

pub async fn plan_of(db: &Db, rid: &ReviewId) -> Result<Option<PanelPlan>, AppError> {
    let row = sqlx::query("SELECT plan_json FROM panels WHERE tender_id = $1 AND review_lot = $2")
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_optional(&db.pool)
        .await?;
    row.and_then(|r| r.get::<Option<String>, _>("plan_json"))
        .map(|j| {
            serde_json::from_str(&j).map_err(|e| {
                tracing::error!(error = %e, review = %rid, "a stored panel plan does not parse");
                AppError::Internal
            })
        })
        .transpose()
}

pub async fn leader_of(db: &Db, rid: &ReviewId) -> Result<Option<String>, AppError> {
    let row = sqlx::query("SELECT leader_id FROM panels WHERE tender_id = $1 AND review_lot = $2")
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.and_then(|r| r.get("leader_id")))
}

async fn draws_of(db: &Db, rid: &ReviewId) -> Result<Vec<StoredDraw>, AppError> {
    let row = sqlx::query("SELECT draw_json FROM panels WHERE tender_id = $1 AND review_lot = $2")
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row
        .and_then(|r| r.get::<Option<String>, _>("draw_json"))
        .map(|j| serde_json::from_str(&j).unwrap_or_default())
        .unwrap_or_default())
}

fn beijing_date(ms: i64) -> Result<NaiveDate, AppError> {
    from_millis(ms).map(|t| t.with_timezone(&shanghai()).date_naive()).ok_or(AppError::Internal)
}

/// Officers of the tender's own unit who may sit as its representatives: (user id, name).
async fn representatives(db: &Db, t: &TenderRow) -> Result<Vec<(String, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT id, display_name FROM users WHERE role = 'officer' AND active = 1 AND purchaser_id = $1 ORDER BY username",
    )
    .bind(t.purchaser_id.as_deref().unwrap_or_default())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().map(|r| (r.get("id"), r.get("display_name"))).collect())
}

pub async fn view(db: &Db, rid: &ReviewId, now_ms: i64) -> Result<PanelView, AppError> {
    let t = load_review_tender(db, rid).await?;
    let plan = plan_of(db, rid).await?;
    let cal = crate::schemes::calendar::load(db).await?;
    let leader = leader_of(db, rid).await?;
    let members = members(db, rid).await?;
    let seated_experts = members.iter().filter(|m| m.kind == MemberKind::Expert && m.status.seated()).count() as u32;
    let reserves = members.iter().filter(|m| m.status == MemberStatus::Reserve).count() as u32;
    let short = plan.as_ref().map(|p| p.experts().saturating_sub(seated_experts + reserves)).unwrap_or(0);
    let choosable = match &plan {
        Some(pl) if short > 0 && now_ms >= t.bid_deadline => {
            let rules = DrawRules {
                category: pl.category,
                region: None,
                review_date: pl.review_date,
                experts: 1,
                alternates: 0,
            };
            let names: Vec<(String, String)> =
                crate::experts::server::pool(db).await?.into_iter().map(|e| (e.user_id, e.name)).collect();
            candidates(db, rid, &t, pl, &members)
                .await?
                .iter()
                .filter(|c| c.categories.contains(&pl.category))
                .map(|c| {
                    let name =
                        names.iter().find(|(id, _)| *id == c.expert_id).map(|(_, n)| n.clone()).unwrap_or_default();
                    (c.expert_id.clone(), name, draw::exclusion(c, &rules).map(|e| e.message_zh()))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    // Each draw is re-run from what was stored, so a reader sees whether the record holds.
    let stored = draws_of(db, rid).await?;
    Ok(PanelView {
        review_id: rid.to_string(),
        lot: rid.lot.and_then(|l| t.spec().ok()?.lots.get(l as usize).map(|l| l.name.clone())),
        plan_verdicts: plan.as_ref().map(rules::plan_verdicts).unwrap_or_default(),
        earliest_draw: plan
            .as_ref()
            .and_then(|p| rules::earliest_draw(p.method, p.review_date, &cal))
            .map(|d| d.to_string()),
        short,
        choosable,
        members: members
            .iter()
            .map(|m| MemberView {
                user_id: m.user_id.clone(),
                name: m.name.clone(),
                kind: m.kind,
                source: m.source,
                seat: m.seat,
                status: m.status,
                reason: m.reason.clone(),
                declared: m.declared_at.is_some(),
                leader: leader.as_deref() == Some(m.user_id.as_str()),
            })
            .collect(),
        draws_verified: stored.iter().map(|d| draw::verify(&d.record, &d.pool)).collect(),
        draws: stored.into_iter().map(|d| d.record).collect(),
        representatives: representatives(db, &t).await?,
        plan,
    })
}

/// The officer's plan: checked against the law for this tender's method and budget, with the
/// representatives named (officers of the tender's own unit, O87 art. 47 ¶3). Refused once drawn.
pub async fn plan(
    db: &Db,
    officer: &SessionUser,
    rid: &ReviewId,
    input: &PlanInput,
    reps: &[String],
    now_ms: i64,
) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, &rid.tender).await?;
    check_held(&t, rid)?;
    // A draft may still change what it is reviewed as (one panel or one per lot, its lots).
    if t.status == crate::domain::tender::TenderStatus::Draft {
        return Err(invalid(
            "tender",
            "panel_before_publication",
            "招标公告发布后方可组建评审委员会",
            "A panel is formed once the tender is published",
        ));
    }
    if t.review_done_at.is_some() && t.status != crate::domain::tender::TenderStatus::Opened {
        return Err(invalid(
            "tender",
            "panel_closed",
            "本项目已不能组建评审委员会",
            "This tender can no longer form a panel",
        ));
    }
    // O87 art. 43: a lot with too few qualified bids failed; nothing is left to review in it.
    if let Some(lot) = rid.lot {
        let failed = sqlx::query("SELECT 1 AS one FROM lot_failures WHERE tender_id = $1 AND lot_position = $2")
            .bind(&rid.tender)
            .bind(lot)
            .fetch_optional(&db.pool)
            .await?;
        if failed.is_some() {
            return Err(invalid(
                "tender",
                "lot_failed",
                "该标段已废标，无需组建评审委员会",
                "This lot has failed: it needs no panel",
            ));
        }
    }
    if !draws_of(db, rid).await?.is_empty() {
        return Err(invalid(
            "plan",
            "panel_drawn",
            "专家已抽取，评审委员会组成不能再修改",
            "The experts are drawn; the panel's plan can no longer change",
        ));
    }
    let spec = t.spec()?;
    // A lot's own panel is sized by the lot's budget (O87 art. 47 ¶1 on a 包 reviewed apart,
    // verify).
    let budget = rid.lot.and_then(|l| spec.lots.get(l as usize)).map(|l| l.budget).unwrap_or(spec.budget);
    let plan =
        rules::parse_plan(input, PanelMethod::from_procedure(spec.method), budget).map_err(AppError::Validation)?;
    let mut chosen: Vec<String> = reps.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect();
    chosen.dedup();
    let allowed = representatives(db, &t).await?;
    if chosen.len() != plan.purchaser_representatives as usize {
        return Err(AppError::Validation(vec![FieldError::new(
            "representatives",
            "representatives_count",
            &format!("请选择{}名采购人代表", plan.purchaser_representatives),
            &format!("Choose {} purchaser representative(s)", plan.purchaser_representatives),
        )]));
    }
    if chosen.iter().any(|c| !allowed.iter().any(|(id, _)| id == c)) {
        return Err(invalid(
            "representatives",
            "representative_not_own_unit",
            &format!("采购人代表只能由采购人本单位人员担任（{}）", cite::O87_47),
            "Purchaser representatives come from the purchaser's own unit (O87 art. 47)",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM panels WHERE tender_id = $1 AND review_lot = $2")
        .bind(&rid.tender)
        .bind(rid.column())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO panels (tender_id, review_lot, plan_json, configured_by, configured_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(serde_json::to_string(&plan).expect("a plan serialises"))
    .bind(&officer.id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM panel_members WHERE tender_id = $1 AND review_lot = $2 AND kind = 'purchaser_rep'")
        .bind(&rid.tender)
        .bind(rid.column())
        .execute(&mut *tx)
        .await?;
    for (i, rep) in chosen.iter().enumerate() {
        sqlx::query(
            "INSERT INTO panel_members (tender_id, review_lot, user_id, kind, source, seat, status, updated_at) \
             VALUES ($1, $2, $3, 'purchaser_rep', 'appointed', $4, 'accepted', $5)",
        )
        .bind(&rid.tender)
        .bind(rid.column())
        .bind(rep)
        .bind(i as i64)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("panel.plan", rid.entity(), &rid.to_string())
            .after(json!({"plan": plan, "representatives": chosen})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The scores, drafts and answers of a review ($1 the tender, $2 its `review_lot`): all of a
/// tender's one review, or those of the lot's own.
pub const SCORED_IN_REVIEW: &str = "($2 < 0 OR lot_position = $2)";

/// The bids a review judges: every bid of the tender, or those bidding for the review's lot.
pub const IN_REVIEW: &str =
    "($2 < 0 OR EXISTS (SELECT 1 FROM bid_lots l WHERE l.bid_id = b.id AND l.lot_position = $2))";

/// Each bidder the review judges as the conflict checks see it: the organisation and the people
/// of the declaration it bid with. A lot's own panel is checked against that lot's bidders only
/// (each 包 reviewed apart is its own procurement for Reg. art. 9, verify). Only the system reads
/// this.
pub async fn bidder_facts(db: &Db, rid: &ReviewId) -> Result<Vec<(String, BidderFacts)>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT b.id, o.name, o.credit_code, b.declaration_json FROM bids b JOIN organisations o ON o.id = b.org_id \
         WHERE b.tender_id = $1 AND {IN_REVIEW} ORDER BY b.id"
    ))
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let declaration: Option<Declaration> =
                r.get::<Option<String>, _>("declaration_json").and_then(|j| serde_json::from_str(&j).ok());
            let people = declaration
                .map(|d| d.roster.iter().map(|m| (m.person.name.clone(), m.id_number.clone())).collect())
                .unwrap_or_default();
            (r.get("id"), BidderFacts { org_name: r.get("name"), credit_code: r.get("credit_code"), people })
        })
        .collect())
}

/// O87 art. 42 requests by the bidders the review judges.
async fn recusal_requests(db: &Db, rid: &ReviewId) -> Result<Vec<RecusalRequest>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT r.name, r.id_number FROM recusal_requests r JOIN bids b ON b.id = r.bid_id \
         WHERE r.tender_id = $1 AND {IN_REVIEW}"
    ))
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().map(|r| RecusalRequest { name: r.get("name"), id_number: r.get("id_number") }).collect())
}

/// Why an expert may not review this tender, checked privately: a ground of Reg. art. 9 against
/// any bidder, a bidder's request (O87 art. 42), or employment by the purchaser's own unit.
fn conflict_of(
    expert: &ExpertDeclaration,
    bidders: &[(String, BidderFacts)],
    requests: &[RecusalRequest],
    unit: Option<&crate::purchasers::PurchaserView>,
    date: NaiveDate,
) -> Option<Exclusion> {
    for (_, b) in bidders {
        if let Some(g) = conflict::grounds(expert, b, date).first() {
            return Some(Exclusion::ConflictWithBidder { ground: g.as_str().into() });
        }
    }
    if requests.iter().any(|r| conflict::request_names(r, expert)) {
        return Some(Exclusion::ConflictWithBidder { ground: conflict::Ground::RequestedByBidder.as_str().into() });
    }
    if let Some(u) = unit {
        let org = OrgRef { name: u.name.clone(), credit_code: u.credit_code.clone().unwrap_or_default() };
        let works_there = expert.employments.iter().any(|e| {
            e.until.is_none()
                && (normalise(&e.org.name) == normalise(&org.name)
                    || (!org.credit_code.is_empty() && normalise(&e.org.credit_code) == normalise(&org.credit_code)))
        });
        if works_there {
            return Some(Exclusion::PurchaserStaff);
        }
    }
    None
}

/// Calls the next alternate in, if any, after a seat was lost; returns who was called.
async fn call_reserve(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rid: &ReviewId,
    now_ms: i64,
) -> Result<Option<String>, AppError> {
    let next = sqlx::query(
        "SELECT user_id FROM panel_members WHERE tender_id = $1 AND review_lot = $2 AND status = 'reserve' \
         ORDER BY seat, user_id LIMIT 1",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_optional(&mut **tx)
    .await?;
    let Some(next) = next else { return Ok(None) };
    let id: String = next.get("user_id");
    sqlx::query(
        "UPDATE panel_members SET status = 'invited', source = 'alternate', updated_at = $1 \
         WHERE tender_id = $2 AND review_lot = $3 AND user_id = $4",
    )
    .bind(now_ms)
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(&id)
    .execute(&mut **tx)
    .await?;
    Ok(Some(id))
}

/// Moves a seat along an allowed transition (refusing any other), in the caller's transaction.
async fn transition(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rid: &ReviewId,
    member: &Member,
    event: MemberEvent,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<MemberStatus, AppError> {
    let Some(next) = member.status.on(event) else {
        return Err(invalid(
            "status",
            "seat_transition_refused",
            &format!("当前状态（{}）不允许此操作", member.status.name_zh()),
            &format!("Not allowed while the seat is {}", member.status.as_str()),
        ));
    };
    let done = sqlx::query(
        "UPDATE panel_members SET status = $1, reason = COALESCE($2, reason), updated_at = $3 \
         WHERE tender_id = $4 AND review_lot = $5 AND user_id = $6 AND status = $7",
    )
    .bind(next.as_str())
    .bind(reason)
    .bind(now_ms)
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(&member.user_id)
    .bind(member.status.as_str())
    .execute(&mut **tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("seat changed meanwhile".into()));
    }
    Ok(next)
}

/// A member's sheet no longer counts (O87 art. 49): kept, marked void with the reason.
async fn void_sheet(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rid: &ReviewId,
    member: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE score_sheets SET voided_at = $1, void_reason = $2 \
         WHERE tender_id = $3 AND review_lot = $4 AND expert_id = $5 AND voided_at IS NULL",
    )
    .bind(now_ms)
    .bind(reason)
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(member)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!("DELETE FROM score_drafts WHERE tender_id = $1 AND member_id = $3 AND {SCORED_IN_REVIEW}"))
        .bind(&rid.tender)
        .bind(rid.column())
        .bind(member)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE panels SET leader_id = NULL WHERE tender_id = $1 AND review_lot = $2 AND leader_id = $3")
        .bind(&rid.tender)
        .bind(rid.column())
        .bind(member)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A member steps aside (a conflict found once the bidders were shown, say): the member's sheet
/// is void and the next alternate is called in.
pub async fn recuse(
    db: &Db,
    member: &Member,
    rid: &ReviewId,
    reason: &str,
    actor: Actor<'_>,
    now_ms: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    transition(&mut tx, rid, member, MemberEvent::Recuse, Some(reason), now_ms).await?;
    void_sheet(&mut tx, rid, &member.user_id, reason, now_ms).await?;
    let called = if member.kind == MemberKind::Expert { call_reserve(&mut tx, rid, now_ms).await? } else { None };
    audit::record(
        &mut tx,
        now_ms,
        actor,
        Change::new("panel.recuse", rid.entity(), &rid.to_string()).after(
            json!({"member": member.user_id, "reason": reason, "opinions_void": true, "alternate_called": called}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn random_seed() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Experts holding (or once given) a seat on another lot's panel of the review's tender.
const SEATED_ELSEWHERE: &str = "SELECT DISTINCT user_id FROM panel_members WHERE tender_id = $1 AND review_lot <> $2 \
     AND kind = 'expert' AND status <> 'declined'";

/// In a transaction about to seat `experts`: waits for any other draw or choice on the tender's
/// panels (the row locks of its panels on PostgreSQL, the write lock on SQLite), then refuses
/// (409) if meanwhile this panel was drawn again (`draws_seen`: the draws the caller read; a
/// double-clicked draw) or one of `experts` took a seat on another lot's panel.
async fn seat_in_turn(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rid: &ReviewId,
    experts: &[&String],
    draws_seen: Option<usize>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE panels SET configured_at = configured_at WHERE tender_id = $1")
        .bind(&rid.tender)
        .execute(&mut **tx)
        .await?;
    if let Some(seen) = draws_seen {
        let stored: Option<String> =
            sqlx::query("SELECT draw_json FROM panels WHERE tender_id = $1 AND review_lot = $2")
                .bind(&rid.tender)
                .bind(rid.column())
                .fetch_optional(&mut **tx)
                .await?
                .and_then(|r| r.get("draw_json"));
        let now = stored.map(|j| serde_json::from_str::<Vec<StoredDraw>>(&j).map(|d| d.len()).unwrap_or(usize::MAX));
        if now.unwrap_or(0) != seen {
            return Err(AppError::Conflict("the panel was drawn meanwhile".into()));
        }
    }
    if rid.lot.is_none() {
        return Ok(());
    }
    let elsewhere: Vec<String> = sqlx::query(SEATED_ELSEWHERE)
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.get("user_id"))
        .collect();
    if experts.iter().any(|e| elsewhere.contains(e)) {
        return Err(AppError::Conflict("an expert was seated on another lot's panel meanwhile".into()));
    }
    Ok(())
}

/// The pool as a draw or a self-selection sees it: each expert with the conflicts found
/// privately against this tender's bidders and recusal requests, and the purchaser's own staff.
async fn candidates(
    db: &Db,
    rid: &ReviewId,
    t: &TenderRow,
    plan: &PanelPlan,
    current: &[Member],
) -> Result<Vec<Candidate>, AppError> {
    let bidders = bidder_facts(db, rid).await?;
    let requests = recusal_requests(db, rid).await?;
    // Experts holding (or once given) a seat on another lot's panel of this tender; one who
    // declined the invitation was never shown a bid.
    let elsewhere: Vec<String> = sqlx::query(SEATED_ELSEWHERE)
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("user_id"))
        .collect();
    let unit = match t.purchaser_id.as_deref() {
        Some(u) => crate::purchasers::server::by_id(db, u).await?,
        None => None,
    };
    Ok(crate::experts::server::pool(db)
        .await?
        .into_iter()
        .map(|e| Candidate {
            conflict: if current.iter().any(|m| m.user_id == e.user_id) {
                Some(Exclusion::AlreadyOnPanel)
            } else if elsewhere.contains(&e.user_id) {
                Some(Exclusion::OnAnotherLotPanel)
            } else {
                conflict_of(&e.profile.declaration, &bidders, &requests, unit.as_ref(), plan.review_date)
            },
            expert_id: e.user_id,
            active: e.account_active && e.profile.available,
            categories: e.profile.categories,
            region: e.profile.region_code,
            blackout: e.profile.blackout,
        })
        .collect())
}

/// O87 art. 48 ¶2: the officer chooses an expert of the field when random drawing cannot staff
/// the panel, with the reason and the competent budget unit's approval recorded; the member is
/// invited like a drawn one and marked as self-selected in the report and the published result.
pub async fn self_select(
    db: &Db,
    officer: &SessionUser,
    rid: &ReviewId,
    expert_id: &str,
    reason: &str,
    approval: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, &rid.tender).await?;
    let Some(plan) = plan_of(db, rid).await? else {
        return Err(invalid("plan", "panel_not_planned", "请先确定评审委员会组成", "Set the panel's plan first"));
    };
    if now_ms < t.bid_deadline {
        return Err(invalid(
            "tender",
            "draw_before_deadline",
            "投标截止前不能确定评审专家（投标人尚未确定，无法核查回避）",
            "Experts are chosen after the bid deadline, when the bidders to check conflicts against are final",
        ));
    }
    let current = members(db, rid).await?;
    let holding = current
        .iter()
        .filter(|m| m.kind == MemberKind::Expert && (m.status.seated() || m.status == MemberStatus::Reserve))
        .count() as u32;
    if holding >= plan.experts() {
        return Err(invalid("panel", "panel_full", "评审专家已足额", "The panel has all its experts"));
    }
    let pool = candidates(db, rid, &t, &plan, &current).await?;
    let candidate = pool.iter().find(|c| c.expert_id == expert_id).ok_or(AppError::NotFound)?;
    let rules = DrawRules {
        category: plan.category,
        region: plan.region.clone(),
        review_date: plan.review_date,
        experts: 1,
        alternates: 0,
    };
    draw::self_selectable(candidate, &rules, reason, approval).map_err(|e| {
        AppError::Validation(vec![FieldError {
            field: match e {
                draw::SelfSelectError::ReasonRequired => "reason",
                draw::SelfSelectError::ApprovalRequired => "approval",
                draw::SelfSelectError::Excluded(_) => "user_id",
            }
            .into(),
            code: e.code().into(),
            message_zh: e.message_zh(),
            message_en: e.to_string(),
        }])
    })?;
    let recorded = format!("自行选定：{}；主管预算单位同意：{}", reason.trim(), approval.trim());
    let next_seat = current.iter().map(|m| m.seat + 1).max().unwrap_or(0);
    let mut tx = db.begin_write().await?;
    seat_in_turn(&mut tx, rid, &[&expert_id.to_string()], None).await?;
    sqlx::query(
        "INSERT INTO panel_members (tender_id, review_lot, user_id, kind, source, seat, status, reason, updated_at) \
         VALUES ($1, $2, $3, 'expert', 'self_selected', $4, 'invited', $5, $6)",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(expert_id)
    .bind(next_seat)
    .bind(&recorded)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        // The same choice sent twice: the first one seated the expert.
        if crate::server::db::is_unique_violation(&e) {
            AppError::Conflict("the expert was chosen meanwhile".into())
        } else {
            AppError::from(e)
        }
    })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("panel.self_select", rid.entity(), &rid.to_string())
            .after(json!({"expert": expert_id, "reason": reason.trim(), "approval": approval.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reg. art. 39 / O87 art. 48: draws the experts the plan still lacks, from the pool, with the
/// CSPRNG's seed; conflicted experts and the purchaser's own staff are excluded with their reason.
pub async fn draw(db: &Db, officer: &SessionUser, rid: &ReviewId, now_ms: i64) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, &rid.tender).await?;
    let Some(plan) = plan_of(db, rid).await? else {
        return Err(invalid("plan", "panel_not_planned", "请先确定评审委员会组成", "Set the panel's plan first"));
    };
    if now_ms < t.bid_deadline {
        return Err(invalid(
            "tender",
            "draw_before_deadline",
            "投标截止前不能抽取专家（投标人尚未确定，无法核查回避）",
            "Experts are drawn after the bid deadline, when the bidders to check conflicts against are final",
        ));
    }
    let cal = crate::schemes::calendar::load(db).await?;
    let timing = rules::draw_timing(plan.method, plan.review_date, beijing_date(now_ms)?, &cal);
    if !timing.passed() {
        return Err(AppError::Validation(vec![timing.field_error("review_date", "draw_too_early")]));
    }
    // Read before the seats: a draw committed between the two shows in the seats, and one
    // committed after both is found in the transaction below.
    let mut stored = draws_of(db, rid).await?;
    let current = members(db, rid).await?;
    let holding = current
        .iter()
        .filter(|m| m.kind == MemberKind::Expert && (m.status.seated() || m.status == MemberStatus::Reserve))
        .count() as u32;
    let needed = plan.experts().saturating_sub(holding);
    if needed == 0 {
        return Err(invalid("panel", "panel_full", "评审专家已足额，无需抽取", "The panel has all its experts"));
    }
    let pool = candidates(db, rid, &t, &plan, &current).await?;
    // Alternates are drawn once, with the first draw; a later draw fills the missing seats only.
    let first = stored.is_empty();
    let draw_rules = DrawRules {
        category: plan.category,
        region: plan.region.clone(),
        review_date: plan.review_date,
        experts: needed,
        alternates: if first { plan.alternates } else { 0 },
    };
    let record = draw::draw(&pool, &draw_rules, &random_seed()).map_err(|e| match e {
        draw::DrawError::NotEnough { eligible, needed } => AppError::Validation(vec![FieldError::new(
            "panel",
            "pool_too_small",
            &format!("符合条件的专家只有{eligible}名，不足{needed}名；可调整抽取地区或依法经同意后自行选定（{}）", cite::O87_48),
            &format!("Only {eligible} eligible experts for {needed} seats; widen the region or self-select with approval (O87 art. 48)"),
        )]),
        draw::DrawError::BadSeed => AppError::Internal,
    })?;
    let next_seat = current.iter().map(|m| m.seat + 1).max().unwrap_or(0);
    let mut tx = db.begin_write().await?;
    let drawing: Vec<&String> = record.panel.iter().chain(record.alternates.iter()).collect();
    seat_in_turn(&mut tx, rid, &drawing, Some(stored.len())).await?;
    for (i, id) in record.panel.iter().chain(record.alternates.iter()).enumerate() {
        let status = if i < record.panel.len() { "invited" } else { "reserve" };
        sqlx::query(
            "INSERT INTO panel_members (tender_id, review_lot, user_id, kind, source, seat, status, updated_at) \
             VALUES ($1, $2, $3, 'expert', 'drawn', $4, $5, $6)",
        )
        .bind(&rid.tender)
        .bind(rid.column())
        .bind(id)
        .bind(next_seat + i as i64)
        .bind(status)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    stored.push(StoredDraw { record: record.clone(), pool });
    sqlx::query(
        "UPDATE panels SET draw_json = $1, drawn_at = $2, drawn_by = $3 WHERE tender_id = $4 AND review_lot = $5",
    )
    .bind(serde_json::to_string(&stored).expect("draws serialise"))
    .bind(now_ms)
    .bind(&officer.id)
    .bind(&rid.tender)
    .bind(rid.column())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("panel.draw", rid.entity(), &rid.to_string()).after(json!({"record": record})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An invited expert accepts or declines; a declined seat goes to the next alternate.
pub async fn answer(
    db: &Db,
    expert: &SessionUser,
    rid: &ReviewId,
    accept: bool,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let seat =
        seat_of(db, rid, &expert.id).await?.filter(|m| m.status != MemberStatus::Reserve).ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    let event = if accept { MemberEvent::Accept } else { MemberEvent::Decline };
    let reason = reason.trim();
    let next = transition(&mut tx, rid, &seat, event, (!reason.is_empty()).then_some(reason), now_ms).await?;
    let called = if accept { None } else { call_reserve(&mut tx, rid, now_ms).await? };
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(expert),
        Change::new(if accept { "panel.accept" } else { "panel.decline" }, rid.entity(), &rid.to_string())
            .before(json!({"status": seat.status.as_str()}))
            .after(json!({"status": next.as_str(), "reason": reason, "alternate_called": called})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reg. art. 9: the member's declaration. For an expert the system first checks the current
/// profile privately against every bidder and the bidders' requests; a conflict recuses the
/// expert (the bidder is not named) and calls the next alternate.
pub async fn declare(db: &Db, member: &SessionUser, rid: &ReviewId, now_ms: i64) -> Result<Declared, AppError> {
    let seat = seat_of(db, rid, &member.id).await?.ok_or(AppError::NotFound)?;
    if seat.status != MemberStatus::Accepted {
        return Err(invalid("status", "seat_not_accepted", "请先接受评审邀请", "Accept the invitation first"));
    }
    if seat.declared_at.is_some() {
        return Ok(Declared::Unlocked);
    }
    let t = load(db, &rid.tender).await?;
    let date = match plan_of(db, rid).await? {
        Some(p) => p.review_date,
        None => beijing_date(now_ms)?,
    };
    let conflict = if seat.kind == MemberKind::Expert {
        match crate::experts::server::profile(db, &member.id).await? {
            Some(p) => {
                let unit = match t.purchaser_id.as_deref() {
                    Some(u) => crate::purchasers::server::by_id(db, u).await?,
                    None => None,
                };
                conflict_of(
                    &p.declaration,
                    &bidder_facts(db, rid).await?,
                    &recusal_requests(db, rid).await?,
                    unit.as_ref(),
                    date,
                )
            }
            None => {
                return Err(invalid(
                    "profile",
                    "expert_profile_missing",
                    "请先在工作台填写专家信息与利害关系申明",
                    "Fill in your expert profile and declarations first",
                ))
            }
        }
    } else {
        None
    };
    let mut tx = db.begin_write().await?;
    let outcome = match &conflict {
        Some(_) => {
            transition(&mut tx, rid, &seat, MemberEvent::Recuse, Some("系统核查发现应当回避的情形"), now_ms).await?;
            let called = call_reserve(&mut tx, rid, now_ms).await?;
            audit::record(
                &mut tx,
                now_ms,
                Actor::User(member),
                Change::new("panel.recuse", rid.entity(), &rid.to_string())
                    .after(json!({"member": member.id, "exclusion": conflict, "alternate_called": called})),
            )
            .await?;
            Declared::Recused
        }
        None => {
            sqlx::query(
                "UPDATE panel_members SET declared_at = $1, updated_at = $1 \
                 WHERE tender_id = $2 AND review_lot = $3 AND user_id = $4",
            )
            .bind(now_ms)
            .bind(&rid.tender)
            .bind(rid.column())
            .bind(&member.id)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut tx,
                now_ms,
                Actor::User(member),
                Change::new("panel.declare", rid.entity(), &rid.to_string()).after(json!({"member": member.id})),
            )
            .await?;
            Declared::Unlocked
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// O87 art. 49: a member leaves; the member's sheet is void and the next alternate called in.
pub async fn replace(
    db: &Db,
    officer: &SessionUser,
    rid: &ReviewId,
    user_id: &str,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    load_for_officer(db, officer, &rid.tender).await?;
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(invalid(
            "reason",
            "reason_required",
            "请写明更换理由（至少4个字）",
            "State why the member is replaced (4 characters or more)",
        ));
    }
    let seat = seat_of(db, rid, user_id).await?.ok_or(AppError::NotFound)?;
    let mut tx = db.begin_write().await?;
    transition(&mut tx, rid, &seat, MemberEvent::Leave, Some(reason), now_ms).await?;
    void_sheet(&mut tx, rid, user_id, reason, now_ms).await?;
    let called = if seat.kind == MemberKind::Expert { call_reserve(&mut tx, rid, now_ms).await? } else { None };
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("panel.replace", rid.entity(), &rid.to_string())
            .after(json!({"member": user_id, "reason": reason, "opinions_void": true, "alternate_called": called})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The leader the panel chose: an accepted expert, never a purchaser representative.
pub async fn set_leader(
    db: &Db,
    officer: &SessionUser,
    rid: &ReviewId,
    user_id: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    load_for_officer(db, officer, &rid.tender).await?;
    let seat = seat_of(db, rid, user_id).await?.ok_or(AppError::NotFound)?;
    if seat.kind == MemberKind::PurchaserRep {
        return Err(invalid(
            "user_id",
            "leader_is_representative",
            &format!("采购人代表不得担任评审委员会组长（{}）", cite::O87_45),
            "A purchaser representative may not lead the panel (O87 art. 45)",
        ));
    }
    if seat.status != MemberStatus::Accepted {
        return Err(invalid(
            "user_id",
            "leader_not_seated",
            "组长须为已接受邀请的评审专家",
            "The leader is an expert who accepted",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE panels SET leader_id = $1 WHERE tender_id = $2 AND review_lot = $3")
        .bind(user_id)
        .bind(&rid.tender)
        .bind(rid.column())
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("panel.leader", rid.entity(), &rid.to_string()).after(json!({"leader": user_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The panels a member sits on (or was invited to), without the other members.
pub async fn invitations(db: &Db, member: &SessionUser) -> Result<Vec<Invitation>, AppError> {
    let rows = sqlx::query(
        "SELECT m.tender_id, m.review_lot, m.kind, m.status, m.declared_at, t.title, t.spec_json, p.plan_json, \
         p.leader_id FROM panel_members m JOIN tenders t ON t.id = m.tender_id \
         LEFT JOIN panels p ON p.tender_id = m.tender_id AND p.review_lot = m.review_lot \
         WHERE m.user_id = $1 AND m.status <> 'reserve' ORDER BY t.opening_at DESC, t.id, m.review_lot",
    )
    .bind(&member.id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let plan: Option<PanelPlan> =
                r.get::<Option<String>, _>("plan_json").and_then(|j| serde_json::from_str(&j).ok());
            let tender: String = r.get("tender_id");
            let lot = Some(r.get::<i64, _>("review_lot")).filter(|l| *l >= 0);
            Some(Invitation {
                review_id: ReviewId { tender: tender.clone(), lot }.to_string(),
                tender_id: tender,
                lot: lot.map(|l| crate::tenders::server::lot_name(r.get("spec_json"), l)),
                title: r.get("title"),
                review_date: plan.map(|p| p.review_date.to_string()),
                status: MemberStatus::parse(&r.get::<String, _>("status"))?,
                kind: MemberKind::parse(&r.get::<String, _>("kind"))?,
                declared: r.get::<Option<i64>, _>("declared_at").is_some(),
                leader: r.get::<Option<String>, _>("leader_id").as_deref() == Some(member.id.as_str()),
            })
        })
        .collect())
}

/// O87 art. 42: a bidder's request, stored and matched privately against the seated experts; a
/// match recuses the expert and calls the next alternate. The bidder learns nothing of the panel.
pub async fn request_recusal(
    db: &Db,
    bidder: &SessionUser,
    tender_id: &str,
    name: &str,
    id_number: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let bid = sqlx::query("SELECT id FROM bids WHERE tender_id = $1 AND org_id = $2")
        .bind(tender_id)
        .bind(&org)
        .fetch_optional(&db.pool)
        .await?
        .ok_or_else(|| {
            invalid(
                "tender",
                "no_bid",
                "只有本项目的投标人可以申请回避",
                "Only this tender's bidders may ask for a recusal",
            )
        })?;
    let name = name.trim();
    if !(2..=40).contains(&name.chars().count()) {
        return Err(invalid(
            "name",
            "name_length",
            "请填写申请回避人员的姓名（2–40字）",
            "Name the person (2–40 characters)",
        ));
    }
    let id_number = id_number.trim().to_uppercase();
    if !id_number.is_empty() && !crate::domain::roster::id_number_valid(&id_number) {
        return Err(invalid("id_number", "id_number_invalid", "身份证号码无效", "Invalid citizen ID number"));
    }
    let request = RecusalRequest { name: name.into(), id_number: id_number.clone() };
    let bid_id: String = bid.get("id");
    // Matched against the panels that judge this bid: the tender's one, or its lots' own.
    let lots: Vec<i64> = sqlx::query("SELECT lot_position FROM bid_lots WHERE bid_id = $1")
        .bind(&bid_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("lot_position"))
        .collect();
    let mut matched = Vec::new();
    for rid in reviews_of(&load(db, tender_id).await?)? {
        if rid.lot.is_some_and(|l| !lots.contains(&l)) {
            continue;
        }
        for m in members(db, &rid).await? {
            if m.kind != MemberKind::Expert || !(m.status.seated() || m.status == MemberStatus::Reserve) {
                continue;
            }
            if let Some(p) = crate::experts::server::profile(db, &m.user_id).await? {
                if conflict::request_names(&request, &p.declaration) {
                    matched.push((rid.clone(), m));
                }
            }
        }
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO recusal_requests (id, tender_id, bid_id, name, id_number, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(new_id())
        .bind(tender_id)
        .bind(&bid_id)
        .bind(name)
        .bind(&id_number)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(bidder),
        Change::new("recusal.request", "tender", tender_id)
            .after(json!({"name": name, "id_number": crate::domain::roster::mask_id(&id_number)})),
    )
    .await?;
    for (rid, m) in matched {
        transition(&mut tx, &rid, &m, MemberEvent::Recuse, Some("投标人申请回避"), now_ms).await?;
        void_sheet(&mut tx, &rid, &m.user_id, "投标人申请回避", now_ms).await?;
        let called = if m.status == MemberStatus::Reserve { None } else { call_reserve(&mut tx, &rid, now_ms).await? };
        audit::record(
            &mut tx,
            now_ms,
            Actor::System,
            Change::new("panel.recuse", rid.entity(), &rid.to_string())
                .after(json!({"member": m.user_id, "ground": "requested_by_bidder", "alternate_called": called})),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
