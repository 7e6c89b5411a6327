//! The review in the database: drafts and sheets, diagnostics and their answers, the conflict
//! confirmations, drawings of lots, the ranking, and the report with its signatures. A member's
//! view never carries a bidder's name before every sheet is locked and every flag answered, and
//! never another member's scores before the member's own sheet is in.

use super::{
    AnswerRecord, FlagView, LotRanking, OverviewView, ProgressSeat, ProposalView, RankRow, RankingView, ReportView,
    ReviewView, SheetRow, SignatureView, StatRow,
};
use crate::domain::evaluation::cite;
use crate::domain::evaluation::diagnostics::{self, Answer, Cell, Criterion as DxCriterion, Flag, Sheets};
use crate::domain::evaluation::report::{self, Blocker, Readiness, Report};
use crate::domain::evaluation::rereview;
use crate::domain::evaluation::ties::{self, LotDrawing};
use crate::domain::money::Yuan;
use crate::domain::national::CorrectionReason;
use crate::domain::scoring::{self, Criterion};
use crate::domain::tender::{self, TenderError};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::low_price::server::Case;
use crate::panels::server::{self as panels, Member, IN_REVIEW, SCORED_IN_REVIEW};
use crate::panels::{MemberKind, ReviewId};
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{centi, from_centi, new_id, Db};
use crate::tenders::server::{self as tenders, load, load_for_officer, tender_error, TenderRow};
use crate::tenders::CriterionView;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

fn invalid(field: &str, code: &str, zh: &str, en: &str) -> AppError {
    AppError::field(field, code, zh, en)
}

/// What the panel scores: a bid's technical proposal, its one proposal or, where the tender takes
/// one per lot, its proposal for one lot (issue 12: "a bid may carry one technical proposal per
/// lot, scored per lot").
#[derive(Debug, Clone)]
struct Entry {
    /// What members see and sheets are keyed by: the alias, with the lot's number where the
    /// proposals are per lot (`A`, `A-2`).
    key: String,
    bid: String,
    /// `None` for the bid's one proposal.
    lot: Option<i64>,
}

impl Entry {
    /// The name of the lot whose own proposal this is; `None` for the bid's one proposal.
    fn lot_name(&self, lots: &[tender::Lot]) -> Option<String> {
        self.lot.and_then(|l| lots.get(l as usize)).map(|l| l.name.clone())
    }

    /// Whether the entry is scored for `lot`: its own lot's, or the bid's one proposal.
    fn answers(&self, lot: i64) -> bool {
        self.lot.is_none_or(|l| l == lot)
    }

    fn is(&self, bid: &str, lot_column: i64) -> bool {
        self.bid == bid && crate::bids::server::lot_column(self.lot) == lot_column
    }
}

/// The entry key of a lot's proposal: the alias and the lot's number from 1.
fn entry_key(alias: &str, lot: Option<i64>) -> String {
    match lot {
        Some(l) => format!("{alias}-{}", l + 1),
        None => alias.to_string(),
    }
}

/// What every view of the review starts from.
struct Review {
    rid: ReviewId,
    t: TenderRow,
    criteria: Vec<CriterionView>,
    /// What is scored, by lot and then alias.
    entries: Vec<Entry>,
    /// Members holding a seat (invited or accepted), in seat order.
    seated: Vec<Member>,
    /// Members whose sheet is in and counts.
    submitted: Vec<String>,
    /// scores[member][entry][criterion], for the submitted members.
    scores: HashMap<String, Vec<Vec<Decimal>>>,
    leader: Option<String>,
    outlier_pct: u32,
    /// The review's low-price cases, read once when first asked for.
    cases: tokio::sync::OnceCell<Vec<Case>>,
}

impl Review {
    /// The low-price cases of the lots the review judges (O87 art. 60).
    async fn cases(&self, db: &Db) -> Result<&[Case], AppError> {
        let cases = self.cases.get_or_try_init(|| crate::low_price::server::cases_in(db, &self.t, &self.rid)).await?;
        Ok(cases.as_slice())
    }

    fn all_in(&self) -> bool {
        !self.seated.is_empty() && self.seated.iter().all(|m| m.unlocked() && self.submitted.contains(&m.user_id))
    }

    fn label(&self, user_id: &str) -> String {
        panels::seat_label(&self.seated, user_id)
    }

    fn sheets(&self) -> Sheets {
        let members: Vec<String> =
            self.seated.iter().filter(|m| self.submitted.contains(&m.user_id)).map(|m| m.user_id.clone()).collect();
        Sheets {
            scores: members.iter().map(|m| self.scores.get(m).cloned().unwrap_or_default()).collect(),
            members,
            bids: self.entries.iter().map(|e| e.key.clone()).collect(),
        }
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    fn key_of(&self, bid: &str, lot_column: i64) -> Option<String> {
        self.entries.iter().find(|e| e.is(bid, lot_column)).map(|e| e.key.clone())
    }

    /// The lot's name, for a lot's own review.
    fn lot_name(&self) -> Option<String> {
        self.rid.lot.and_then(|l| self.t.spec().ok()?.lots.get(l as usize).map(|l| l.name.clone()))
    }

    fn dx_criteria(&self) -> Vec<DxCriterion> {
        self.criteria
            .iter()
            .map(|c| DxCriterion { name: c.name.clone(), max_points: c.max_points, objective: c.objective })
            .collect()
    }
}

async fn load_review(db: &Db, rid: &ReviewId) -> Result<Review, AppError> {
    let t = panels::load_review_tender(db, rid).await?;
    let id = rid.tender.as_str();
    let criteria = tenders::criteria(db, id).await?;
    let aliases = sqlx::query(&format!(
        "SELECT b.id, b.alias FROM bids b WHERE b.tender_id = $1 AND b.alias IS NOT NULL AND {IN_REVIEW} ORDER BY b.alias"
    ))
    .bind(id)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| (r.get::<String, _>("alias"), r.get::<String, _>("id")))
    .collect::<Vec<_>>();
    // O87 art. 63: bids the panel found not to comply are not scored.
    let failed = crate::compliance::server::failed_bids(db, rid).await?;
    let aliases: Vec<(String, String)> = aliases.into_iter().filter(|(_, b)| !failed.contains(b)).collect();
    let entries: Vec<Entry> = if let Some(lot) = rid.lot {
        // A lot's own panel scores each bid for that lot: its proposal for the lot, or its one
        // proposal; the scores are the lot's either way.
        aliases
            .into_iter()
            .map(|(alias, bid)| Entry { key: entry_key(&alias, Some(lot)), bid, lot: Some(lot) })
            .collect()
    } else if t.spec()?.proposals_per_lot {
        let lots = sqlx::query(
            "SELECT l.bid_id, l.lot_position FROM bid_lots l JOIN bids b ON b.id = l.bid_id \
             WHERE b.tender_id = $1 AND b.alias IS NOT NULL ORDER BY l.lot_position",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
        let mut entries: Vec<Entry> = lots
            .iter()
            .filter_map(|r| {
                let bid: String = r.get("bid_id");
                let lot = Some(r.get::<i64, _>("lot_position"));
                let alias = &aliases.iter().find(|(_, b)| *b == bid)?.0;
                Some(Entry { key: entry_key(alias, lot), bid, lot })
            })
            .collect();
        entries.sort_by(|a, b| (a.lot, &a.key).cmp(&(b.lot, &b.key)));
        entries
    } else {
        aliases.into_iter().map(|(alias, bid)| Entry { key: alias, bid, lot: None }).collect()
    };
    let seated: Vec<Member> = panels::members(db, rid).await?.into_iter().filter(|m| m.status.seated()).collect();
    let submitted: Vec<String> = sqlx::query(
        "SELECT expert_id FROM score_sheets WHERE tender_id = $1 AND review_lot = $2 AND voided_at IS NULL ORDER BY expert_id",
    )
    .bind(id)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.get::<String, _>("expert_id"))
    .filter(|m| seated.iter().any(|s| &s.user_id == m && s.unlocked()))
    .collect();
    let rows = sqlx::query(&format!(
        "SELECT expert_id, bid_id, lot_position, position, points_centi FROM scores WHERE tender_id = $1 AND {SCORED_IN_REVIEW}"
    ))
    .bind(id)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?;
    let mut scores: HashMap<String, Vec<Vec<Decimal>>> = HashMap::new();
    for m in &submitted {
        let mut sheet = vec![vec![Decimal::ZERO; criteria.len()]; entries.len()];
        for r in rows.iter().filter(|r| &r.get::<String, _>("expert_id") == m) {
            let bid: String = r.get("bid_id");
            let pos = r.get::<i64, _>("position") as usize;
            let entry = entries.iter().position(|e| e.is(&bid, r.get("lot_position")));
            if let (Some(b), true) = (entry, pos < criteria.len()) {
                sheet[b][pos] = from_centi(r.get("points_centi"));
            }
        }
        scores.insert(m.clone(), sheet);
    }
    let outlier_pct = panels::plan_of(db, rid).await?.map(|p| p.outlier_pct).unwrap_or(20);
    Ok(Review {
        leader: panels::leader_of(db, rid).await?,
        rid: rid.clone(),
        cases: tokio::sync::OnceCell::new(),
        t,
        criteria,
        entries,
        seated,
        submitted,
        scores,
        outlier_pct,
    })
}

/// The caller's seat, which must be unlocked, on a tender whose qualification review is done.
fn member_of<'a>(r: &'a Review, user: &SessionUser) -> Result<&'a Member, AppError> {
    let seat = r.seated.iter().find(|m| m.user_id == user.id).ok_or(AppError::NotFound)?;
    panels::check_open_to(seat, &r.t)?;
    Ok(seat)
}

async fn confirmed_cells(db: &Db, r: &Review) -> Result<Vec<(Cell, String)>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT member_id, bid_id, lot_position, position, note FROM score_answers \
         WHERE tender_id = $1 AND {SCORED_IN_REVIEW} AND kind = 'confirm'"
    ))
    .bind(&r.t.id)
    .bind(r.rid.column())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let key = r.key_of(&row.get::<String, _>("bid_id"), row.get("lot_position"))?;
            Some((
                Cell { member: row.get("member_id"), bid: key, criterion: row.get::<i64, _>("position") as usize },
                row.get::<String, _>("note"),
            ))
        })
        .collect())
}

fn flag_views(
    r: &Review,
    flags: &[Flag],
    confirmed: &[(Cell, String)],
    viewer: Option<&str>,
    named: bool,
) -> Vec<FlagView> {
    flags
        .iter()
        .filter(|f| viewer.is_none_or(|v| f.cell().member == v))
        .map(|f| {
            let cell = f.cell();
            let (kind, value, reference) = match f {
                Flag::Outlier { value, others_mean, .. } => ("outlier", *value, Some(*others_mean)),
                Flag::ObjectiveInconsistent { value, common, .. } => ("objective_inconsistent", *value, Some(*common)),
                Flag::OutOfRange { value, .. } => ("out_of_range", *value, None),
            };
            FlagView {
                member: if named {
                    r.seated.iter().find(|m| m.user_id == cell.member).map(|m| m.name.clone()).unwrap_or_default()
                } else {
                    r.label(&cell.member)
                },
                mine: viewer == Some(cell.member.as_str()),
                alias: cell.bid.clone(),
                criterion: cell.criterion,
                criterion_name: r.criteria.get(cell.criterion).map(|c| c.name.clone()).unwrap_or_default(),
                kind: kind.into(),
                value,
                reference,
                confirmed: confirmed.iter().find(|(c, _)| c == cell).map(|(_, n)| n.clone()),
            }
        })
        .collect()
}

fn stat_rows(r: &Review, dx: &diagnostics::Diagnostics) -> Vec<StatRow> {
    dx.stats
        .iter()
        .map(|s| StatRow {
            alias: s.bid.clone(),
            criterion_name: r.criteria.get(s.criterion).map(|c| c.name.clone()).unwrap_or_default(),
            mean: scoring::display(s.mean),
            min: s.min,
            max: s.max,
            spread: s.spread,
        })
        .collect()
}

/// The diagnostics of the locked sheets, and the flags still open.
async fn diagnose(db: &Db, r: &Review) -> Result<(diagnostics::Diagnostics, Vec<(Cell, String)>, usize), AppError> {
    let dx = diagnostics::diagnose(&r.dx_criteria(), &r.sheets(), r.outlier_pct);
    let confirmed = confirmed_cells(db, r).await?;
    let cells: Vec<Cell> = confirmed.iter().map(|(c, _)| c.clone()).collect();
    let open = diagnostics::open_flags(&dx.flags, &cells).len();
    Ok((dx, confirmed, open))
}

/// The drawings of lots in the lots the review ranks.
async fn drawings(db: &Db, rid: &ReviewId) -> Result<Vec<LotDrawing>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT record_json FROM lot_drawings WHERE tender_id = $1 AND {SCORED_IN_REVIEW} ORDER BY lot_position"
    ))
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().filter_map(|r| serde_json::from_str(&r.get::<String, _>("record_json")).ok()).collect())
}

/// Everything that still blocks the report.
async fn readiness(db: &Db, r: &Review) -> Result<Vec<Blocker>, AppError> {
    let all_in = r.all_in();
    let flags_open = if all_in { diagnose(db, r).await?.2 > 0 } else { false };
    let has_experts = r.seated.iter().any(|m| m.kind == MemberKind::Expert);
    Ok(report::blockers(&Readiness {
        compliance_pending: crate::compliance::server::pending(db, &r.t, &r.rid).await?,
        sheets_missing: !all_in,
        flags_open,
        low_price_pending: crate::low_price::server::pending(r.cases(db).await?),
        conflict_checks_pending: r.seated.iter().any(|m| m.confirmed_at.is_none()),
        has_leader: !has_experts || r.leader.is_some(),
    }))
}

fn ties_to_draw(r: &RankingView) -> Vec<i64> {
    r.lots
        .iter()
        .filter(|l| l.failed.is_none() && l.rows.iter().filter(|row| row.rank == 1 && row.tied).count() > 1)
        .map(|l| l.position)
        .collect()
}

fn method_zh(t: &TenderRow) -> String {
    use crate::domain::template::Procedure;
    match t.spec().map(|s| s.method) {
        Ok(Procedure::OpenTender) => "公开招标（综合评分法）",
        Ok(Procedure::CompetitiveConsultation) => "竞争性磋商（综合评分法）",
        Ok(Procedure::ApplicationReview) => "申报评审",
        Ok(Procedure::ExpertVote) => "专家评审表决",
        Err(_) => "—",
    }
    .to_string()
}

/// O87 art. 58: the report's six items, from the record of the review.
async fn assemble(db: &Db, r: &Review, version: u32, version_reason: Option<String>) -> Result<Report, AppError> {
    use crate::domain::evaluation::report::{Note, RankedBid, ReportBidder, ReportLot, ReportMember};
    let t = &r.t;
    let spec = t.spec()?;
    // The panel's result: ties stay ties; the purchaser's drawing comes after the report.
    let rk = ranking_as(db, r, false).await?;
    // A lot's own report lists the bids for that lot.
    let bids = sqlx::query(&format!(
        "SELECT b.id, b.alias, b.lots_json, b.review_outcome, b.review_reason, o.name FROM bids b JOIN organisations o ON o.id = b.org_id \
         WHERE b.tender_id = $1 AND {IN_REVIEW} ORDER BY b.alias, o.name"
    ))
    .bind(&t.id)
    .bind(r.rid.column())
    .fetch_all(&db.pool)
    .await?;
    let self_selected: Vec<String> = panels::members(db, &r.rid)
        .await?
        .into_iter()
        .filter(|m| m.source == crate::panels::Source::SelfSelected)
        .map(|m| m.user_id)
        .collect();
    let opened = sqlx::query("SELECT opened_at FROM tenders WHERE id = $1").bind(&t.id).fetch_one(&db.pool).await?;
    let answers = answer_records(db, r, true).await?;
    let mut notes: Vec<Note> = answers
        .iter()
        .map(|a| Note {
            kind_zh: if a.kind == "correct" { "评分修改".into() } else { "坚持原评分".into() },
            text: format!(
                "{}对投标人{}“{}”：{} → {}；{}{}",
                a.member,
                a.alias,
                a.criterion_name,
                a.from.normalize(),
                a.to.normalize(),
                a.reason.as_deref().map(|r| format!("（{r}）")).unwrap_or_default(),
                a.note
            ),
        })
        .collect();
    notes.extend(super::rereview::all(db, &r.rid).await?.into_iter().map(|rr| Note {
        kind_zh: "重新评审".into(),
        text: format!(
            "第{}次（{}组织，{}）：{}。{}",
            rr.round,
            crate::domain::time::format_shanghai(rr.started_at),
            cite::O87_64,
            rr.reason_zh,
            rr.finding
        ),
    }));
    let low_price = r.cases(db).await?;
    let (noncompliant, dissent) = crate::compliance::server::record(db, &r.rid).await?;
    notes.extend(dissent.into_iter().map(|text| Note { kind_zh: "符合性审查不同意见".into(), text }));
    notes.extend(
        low_price.iter().filter_map(|c| c.record_zh()).map(|text| Note { kind_zh: "异常低价审查".into(), text }),
    );
    for m in panels::members(db, &r.rid)
        .await?
        .into_iter()
        .filter(|m| !m.status.seated() && m.status != crate::domain::evaluation::panel::MemberStatus::Reserve)
    {
        notes.push(Note {
            kind_zh: "成员变更".into(),
            text: format!(
                "{}：{}{}",
                m.name,
                m.status.name_zh(),
                m.reason.map(|x| format!("（{x}）")).unwrap_or_default()
            ),
        });
    }
    Ok(Report {
        version,
        version_reason,
        tender_id: t.id.clone(),
        // A lot's own report names its lot with the project.
        title: match r.rid.lot.and_then(|l| spec.lots.get(l as usize)) {
            Some(lot) => format!("{}（{}）", t.title, lot.name),
            None => t.title.clone(),
        },
        buyer: t.buyer.clone(),
        media: "采评平台（政府购买社会工作服务采购与评审平台）".into(),
        opened_at: opened
            .get::<Option<i64>, _>("opened_at")
            .map(crate::domain::time::format_shanghai)
            .unwrap_or_default(),
        place: "采评平台在线开标、在线评审".into(),
        bidders: bids
            .iter()
            .filter(|b| b.get::<Option<String>, _>("alias").is_some())
            .map(|b| ReportBidder {
                alias: b.get::<Option<String>, _>("alias").unwrap_or_default(),
                name: b.get("name"),
                lots: serde_json::from_str(&b.get::<String, _>("lots_json")).unwrap_or_default(),
            })
            .collect(),
        panel: r
            .seated
            .iter()
            .map(|m| ReportMember {
                name: m.name.clone(),
                role_zh: if m.kind == MemberKind::Expert { "评审专家".into() } else { "采购人代表".into() },
                leader: r.leader.as_deref() == Some(m.user_id.as_str()),
                self_selected: self_selected.contains(&m.user_id),
            })
            .collect(),
        method_zh: method_zh(t),
        criteria: r.criteria.iter().map(|c| (c.name.clone(), c.max_points.normalize().to_string())).collect(),
        price_weight: if spec.price_scored() {
            spec.price_weight_pct.normalize().to_string()
        } else {
            "固定价格，价格不计分".into()
        },
        invalid: bids
            .iter()
            .filter(|b| b.get::<Option<String>, _>("review_outcome").as_deref() == Some("fail"))
            .map(|b| (b.get::<String, _>("name"), b.get::<Option<String>, _>("review_reason").unwrap_or_default()))
            .chain(noncompliant.iter().map(|(bid, why)| {
                let name = bids
                    .iter()
                    .find(|b| b.get::<String, _>("id") == *bid)
                    .map(|b| b.get::<String, _>("name"))
                    .unwrap_or_default();
                (name, why.clone())
            }))
            .chain(low_price.iter().filter(|c| c.rejected()).map(|c| {
                let name = bids
                    .iter()
                    .find(|b| b.get::<Option<String>, _>("alias").as_deref() == Some(c.alias.as_str()))
                    .map(|b| b.get::<String, _>("name"))
                    .unwrap_or_default();
                (name, c.rejection_zh())
            }))
            .collect(),
        lots: rk
            .lots
            .iter()
            .map(|l| ReportLot {
                lot: l.lot.clone(),
                failed: l.failed.clone(),
                ranking: l
                    .rows
                    .iter()
                    .map(|row| RankedBid {
                        rank: row.rank,
                        alias: row.alias.clone(),
                        name: row.org_name.clone(),
                        price: Yuan::round_from(row.price).map(|y| y.to_string()).unwrap_or_default(),
                        technical: format!("{:.2}", scoring::display(row.technical)),
                        price_points: format!("{:.2}", scoring::display(row.price_points)),
                        total: format!("{:.2}", scoring::display(row.total)),
                    })
                    .collect(),
            })
            .collect(),
        notes,
    })
}

struct StoredReport {
    version: i64,
    content: Report,
    hash: String,
}

async fn latest_report(db: &Db, rid: &ReviewId) -> Result<Option<StoredReport>, AppError> {
    let row = sqlx::query(
        "SELECT version, content_json, content_hash FROM reports WHERE tender_id = $1 AND review_lot = $2 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(StoredReport {
            version: r.get("version"),
            content: serde_json::from_str(&r.get::<String, _>("content_json")).map_err(|e| {
                tracing::error!(error = %e, review = %rid, "a stored report does not parse");
                AppError::Internal
            })?,
            hash: r.get("content_hash"),
        })
    })
    .transpose()
}

async fn signatures(db: &Db, rid: &ReviewId, version: i64) -> Result<Vec<(String, Option<String>, i64)>, AppError> {
    Ok(sqlx::query(
        "SELECT member_id, dissent, signed_at FROM report_signatures WHERE tender_id = $1 AND review_lot = $2 AND version = $3",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(version)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| (r.get("member_id"), r.get("dissent"), r.get("signed_at")))
        .collect())
}

/// Assembles the report once nothing blocks it. While unsigned it follows the record; once a
/// member has signed, a changed record makes a new version to be signed again.
async fn ensure_report(db: &Db, r: &Review, now_ms: i64) -> Result<Option<StoredReport>, AppError> {
    let current = latest_report(db, &r.rid).await?;
    if !readiness(db, r).await?.is_empty() {
        return Ok(current);
    }
    let (version, reason, signed) = match &current {
        None => (1, None, false),
        Some(c) => {
            let signed = !signatures(db, &r.rid, c.version).await?.is_empty();
            (c.version, c.content.version_reason.clone(), signed)
        }
    };
    let fresh = assemble(db, r, version as u32, reason).await?;
    let hash = report::content_hash(&fresh);
    if current.as_ref().is_some_and(|c| c.hash == hash) {
        return Ok(current);
    }
    let (version, fresh) = if signed {
        let next = version + 1;
        let why = match super::rereview::open(db, &r.rid).await? {
            Some(rr) => format!("原评审委员会重新评审（{}）：{}", cite::O87_64, rr.reason_zh),
            None => "评审委员会成员或评审记录变更后重新形成".into(),
        };
        let again = assemble(db, r, next as u32, Some(why)).await?;
        (next, again)
    } else {
        (version, fresh)
    };
    let hash = report::content_hash(&fresh);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "DELETE FROM reports WHERE tender_id = $1 AND review_lot = $2 AND version = $3 AND NOT EXISTS \
         (SELECT 1 FROM report_signatures s WHERE s.tender_id = $1 AND s.review_lot = $2 AND s.version = $3)",
    )
    .bind(&r.t.id)
    .bind(r.rid.column())
    .bind(version)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO reports (tender_id, review_lot, version, content_json, content_hash, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&r.t.id)
    .bind(r.rid.column())
    .bind(version)
    .bind(serde_json::to_string(&fresh).expect("a report serialises"))
    .bind(&hash)
    .bind(fresh.version_reason.as_deref())
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::System,
        Change::new("report.assemble", r.rid.entity(), &r.rid.to_string())
            .after(json!({"version": version, "hash": hash})),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(StoredReport { version, content: fresh, hash }))
}

async fn report_view(
    db: &Db,
    r: &Review,
    stored: Option<StoredReport>,
    named: bool,
) -> Result<Option<ReportView>, AppError> {
    let Some(s) = stored else { return Ok(None) };
    let signed = signatures(db, &r.rid, s.version).await?;
    let sigs: Vec<SignatureView> = r
        .seated
        .iter()
        .map(|m| {
            let sig = signed.iter().find(|(id, _, _)| *id == m.user_id);
            SignatureView {
                member: if named { m.name.clone() } else { r.label(&m.user_id) },
                signed_at: sig.map(|(_, _, at)| *at),
                dissent: sig.and_then(|(_, d, _)| d.clone()),
            }
        })
        .collect();
    let complete = !sigs.is_empty() && sigs.iter().all(|s| s.signed_at.is_some());
    Ok(Some(ReportView { version: s.version, content: s.content, content_hash: s.hash, signatures: sigs, complete }))
}

/// Whether every seated member signed the current report: the result stands.
pub async fn report_complete(db: &Db, rid: &ReviewId) -> Result<bool, AppError> {
    let seated: Vec<Member> = panels::members(db, rid).await?.into_iter().filter(|m| m.status.seated()).collect();
    let Some(s) = latest_report(db, rid).await? else { return Ok(false) };
    let signed = signatures(db, rid, s.version).await?;
    let all = !seated.is_empty() && seated.iter().all(|m| signed.iter().any(|(id, _, _)| *id == m.user_id));
    // A re-review under way reopens the result until its report is signed (O87 art. 64).
    Ok(all && super::rereview::open(db, rid).await?.is_none())
}

fn progress(
    r: &Review,
    signed: &[(String, Option<String>, i64)],
    viewer: Option<&str>,
    named: bool,
) -> Vec<ProgressSeat> {
    r.seated
        .iter()
        .map(|m| ProgressSeat {
            label: if named { m.name.clone() } else { r.label(&m.user_id) },
            you: viewer == Some(m.user_id.as_str()),
            submitted: r.submitted.contains(&m.user_id),
            confirmed: m.confirmed_at.is_some(),
            signed: signed.iter().any(|(id, _, _)| *id == m.user_id),
        })
        .collect()
}

async fn proposals(db: &Db, r: &Review) -> Result<Vec<ProposalView>, AppError> {
    let lots = r.t.spec()?.lots;
    let mut out = Vec::new();
    for e in &r.entries {
        // As `file_for_reading` finds it: the lot's own, or the bid's one for every lot.
        let row = sqlx::query(
            "SELECT content_type FROM bid_files WHERE bid_id = $1 AND kind = 'technical' AND lot_position IN ($2, -1) \
             ORDER BY lot_position DESC LIMIT 1",
        )
        .bind(&e.bid)
        .bind(crate::bids::server::lot_column(e.lot))
        .fetch_optional(&db.pool)
        .await?;
        if let Some(row) = row {
            out.push(ProposalView {
                alias: e.key.clone(),
                lot: e.lot_name(&lots),
                content_type: row.get("content_type"),
                entries: vec![],
            });
        }
    }
    Ok(out)
}

async fn drafts(db: &Db, r: &Review, member: &str) -> Result<Vec<SheetRow>, AppError> {
    let submitted = r.submitted.iter().any(|m| m == member);
    let mut rows: Vec<SheetRow> = r
        .entries
        .iter()
        .map(|e| SheetRow {
            alias: e.key.clone(),
            points: vec![String::new(); r.criteria.len()],
            reasons: vec![String::new(); r.criteria.len()],
        })
        .collect();
    let (sql, text) = if submitted {
        (
            "SELECT bid_id, lot_position, position, points_centi, reason FROM scores WHERE tender_id = $1 AND expert_id = $3",
            false,
        )
    } else {
        (
            "SELECT bid_id, lot_position, position, points, reason FROM score_drafts WHERE tender_id = $1 AND member_id = $3",
            true,
        )
    };
    let sql = format!("{sql} AND {SCORED_IN_REVIEW}");
    for row in sqlx::query(&sql).bind(&r.t.id).bind(r.rid.column()).bind(member).fetch_all(&db.pool).await? {
        let bid: String = row.get("bid_id");
        let pos = row.get::<i64, _>("position") as usize;
        let Some(i) = r.entries.iter().position(|e| e.is(&bid, row.get("lot_position"))) else { continue };
        if pos >= r.criteria.len() {
            continue;
        }
        rows[i].points[pos] = if text {
            row.get::<String, _>("points")
        } else {
            from_centi(row.get("points_centi")).normalize().to_string()
        };
        rows[i].reasons[pos] = row.get("reason");
    }
    Ok(rows)
}

/// The member's workspace; once every sheet is in, the report is formed, stamped `now_ms`.
pub async fn review(db: &Db, user: &SessionUser, rid: &ReviewId, now_ms: i64) -> Result<ReviewView, AppError> {
    let r = load_review(db, rid).await?;
    let seat = member_of(&r, user)?.clone();
    let all_in = r.all_in();
    let stored = if all_in { ensure_report(db, &r, now_ms).await? } else { latest_report(db, rid).await? };
    let signed = match &stored {
        Some(s) => signatures(db, rid, s.version).await?,
        None => vec![],
    };
    let (stats, flags, revealed) = if all_in {
        let (dx, confirmed, open) = diagnose(db, &r).await?;
        (stat_rows(&r, &dx), flag_views(&r, &dx.flags, &confirmed, Some(&user.id), false), open == 0)
    } else {
        (vec![], vec![], false)
    };
    // Names come last: after every sheet is locked and every flag answered, so that neither a
    // score nor an O87 art. 64 correction is made knowing whose bid it is.
    let bidders = if revealed {
        sqlx::query(&format!(
            "SELECT b.alias, o.name FROM bids b JOIN organisations o ON o.id = b.org_id \
             WHERE b.tender_id = $1 AND b.alias IS NOT NULL AND {IN_REVIEW} ORDER BY b.alias"
        ))
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| (row.get::<String, _>("alias"), row.get::<String, _>("name")))
        .collect()
    } else {
        vec![]
    };
    Ok(ReviewView {
        review_id: rid.to_string(),
        title: r.t.title.clone(),
        lot: r.lot_name(),
        kind: seat.kind,
        leader: r.leader.as_deref() == Some(user.id.as_str()),
        criteria: r.criteria.clone(),
        proposals: proposals(db, &r).await?,
        rows: drafts(db, &r, &user.id).await?,
        submitted: r.submitted.contains(&user.id),
        progress: progress(&r, &signed, Some(&user.id), false),
        all_in,
        stats,
        flags,
        bidders,
        confirmed: seat.confirmed_at.is_some(),
        blockers: readiness(db, &r).await?,
        signed: signed.iter().any(|(m, _, _)| *m == user.id),
        report: if all_in { report_view(db, &r, stored, true).await? } else { None },
        low_price: crate::low_price::server::view(
            db,
            &r.t,
            rid,
            r.cases(db).await?,
            r.leader.as_deref() == Some(user.id.as_str()),
        )
        .await?,
        compliance: crate::compliance::server::view(db, &r.t, rid, &user.id).await?,
        rereview: super::rereview::open(db, rid).await?,
    })
}

async fn write_draft(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    r: &Review,
    member: &str,
    rows: &[SheetRow],
    now_ms: i64,
) -> Result<(), AppError> {
    sqlx::query(&format!("DELETE FROM score_drafts WHERE tender_id = $1 AND member_id = $3 AND {SCORED_IN_REVIEW}"))
        .bind(&r.t.id)
        .bind(r.rid.column())
        .bind(member)
        .execute(&mut **tx)
        .await?;
    for row in rows {
        let Some(e) = r.entry(&row.alias) else { continue };
        for i in 0..r.criteria.len() {
            let points = row.points.get(i).map(|p| p.trim().chars().take(20).collect::<String>()).unwrap_or_default();
            let reason =
                row.reasons.get(i).map(|p| p.trim().chars().take(2000).collect::<String>()).unwrap_or_default();
            if points.is_empty() && reason.is_empty() {
                continue;
            }
            sqlx::query(
                "INSERT INTO score_drafts (tender_id, member_id, bid_id, lot_position, position, points, reason, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&r.t.id)
            .bind(member)
            .bind(&e.bid)
            .bind(crate::bids::server::lot_column(e.lot))
            .bind(i as i64)
            .bind(points)
            .bind(reason)
            .bind(now_ms)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

fn not_after_submission(r: &Review, member: &str) -> Result<(), AppError> {
    if r.submitted.iter().any(|m| m == member) {
        return Err(invalid(
            "scores",
            "sheet_already_submitted",
            "评分表已提交，不能再修改",
            "The score sheet was already submitted",
        ));
    }
    Ok(())
}

/// The review for a member about to write its sheet: seated and unlocked, the sheet not yet
/// submitted, the compliance review concluded.
async fn sheet_open(db: &Db, user: &SessionUser, rid: &ReviewId) -> Result<Review, AppError> {
    let r = load_review(db, rid).await?;
    member_of(&r, user)?;
    not_after_submission(&r, &user.id)?;
    if crate::compliance::server::pending(db, &r.t, rid).await? {
        return Err(crate::compliance::server::scoring_waits());
    }
    Ok(r)
}

pub async fn save_draft(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    rows: &[SheetRow],
    now_ms: i64,
) -> Result<(), AppError> {
    let r = sheet_open(db, user, rid).await?;
    let mut tx = db.begin_write().await?;
    write_draft(&mut tx, &r, &user.id, rows, now_ms).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a sheet: every bidder, every criterion within 0–max (two decimals at most), and a
/// written reason for every subjective criterion. Errors are listed bidder by bidder in order.
/// An entry's checked row: each criterion's points with the member's reason.
type CheckedRow = (Entry, Vec<(Decimal, String)>);

fn parse_sheet(r: &Review, rows: &[SheetRow]) -> Result<Vec<CheckedRow>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for e in &r.entries {
        let alias = &e.key;
        let Some(row) = rows.iter().find(|x| &x.alias == alias) else {
            errors.push(FieldError::new(
                &format!("scores[{alias}]"),
                "scores_missing",
                &format!("请为投标人{alias}评分"),
                &format!("Score bidder {alias}"),
            ));
            continue;
        };
        let mut parsed = Vec::new();
        for (i, c) in r.criteria.iter().enumerate() {
            let typed = row.points.get(i).map(|s| s.trim()).unwrap_or("");
            let reason = row.reasons.get(i).map(|s| s.trim()).unwrap_or("").to_string();
            match typed.parse::<Decimal>() {
                Ok(p) if p >= Decimal::ZERO && p <= c.max_points && p.normalize().scale() <= 2 => {
                    if !c.objective && reason.chars().count() < 2 {
                        errors.push(FieldError {
                            field: format!("scores[{alias}][{i}].reason"),
                            code: "score_reason_required".into(),
                            message_zh: format!("投标人{alias}“{}”为主观评分因素，须写明评分理由", c.name),
                            message_en: format!("Bidder {alias}, “{}” is scored by judgement: give the reason", c.name),
                        });
                    }
                    parsed.push((p, reason));
                }
                _ => errors.push(FieldError {
                    field: format!("scores[{alias}][{i}]"),
                    code: "score_out_of_range".into(),
                    message_zh: format!(
                        "投标人{alias}“{}”须为0–{}分（最多两位小数）",
                        c.name,
                        c.max_points.normalize()
                    ),
                    message_en: format!(
                        "Bidder {alias}, “{}”: 0–{} points (two decimals at most)",
                        c.name,
                        c.max_points.normalize()
                    ),
                }),
            }
        }
        out.push((e.clone(), parsed));
    }
    if rows.iter().any(|row| r.entry(&row.alias).is_none()) {
        errors.push(FieldError::new(
            "scores",
            "unknown_bidder",
            "评分表含有不存在的投标人",
            "The sheet names a bidder that does not exist",
        ));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reg. art. 34: the member's sheet, submitted once. What was typed is saved as a draft first,
/// so a refusal keeps every value.
pub async fn submit(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    rows: &[SheetRow],
    now_ms: i64,
) -> Result<(), AppError> {
    let r = sheet_open(db, user, rid).await?;
    let id = rid.tender.as_str();
    let mut tx = db.begin_write().await?;
    write_draft(&mut tx, &r, &user.id, rows, now_ms).await?;
    tx.commit().await?;
    let parsed = parse_sheet(&r, rows).map_err(AppError::Validation)?;
    let mut tx = db.begin_write().await?;
    sqlx::query(&format!("DELETE FROM scores WHERE tender_id = $1 AND expert_id = $3 AND {SCORED_IN_REVIEW}"))
        .bind(id)
        .bind(rid.column())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    for (e, row) in &parsed {
        for (i, (p, reason)) in row.iter().enumerate() {
            sqlx::query("INSERT INTO scores (tender_id, expert_id, bid_id, lot_position, position, points_centi, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id)
                .bind(&user.id)
                .bind(&e.bid)
                .bind(crate::bids::server::lot_column(e.lot))
                .bind(i as i64)
                .bind(centi(*p))
                .bind(reason)
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("DELETE FROM score_sheets WHERE tender_id = $1 AND review_lot = $2 AND expert_id = $3")
        .bind(id)
        .bind(rid.column())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO score_sheets (tender_id, review_lot, expert_id, submitted_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(rid.column())
        .bind(&user.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!("DELETE FROM score_drafts WHERE tender_id = $1 AND member_id = $3 AND {SCORED_IN_REVIEW}"))
        .bind(id)
        .bind(rid.column())
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let audited: Vec<_> = parsed
        .iter()
        .map(|(e, row)| {
            json!({"bid": e.bid, "lot": e.lot, "points": row.iter().map(|(p, _)| p.to_string()).collect::<Vec<_>>()})
        })
        .collect();
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new("scores.submit", rid.entity(), &rid.to_string()).after(json!({"sheet": audited})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn locked_for_changes(complete: bool) -> Result<(), AppError> {
    if complete {
        return Err(invalid(
            "report",
            "report_signed",
            &format!("评审报告已签署；修改评审结果须由原评审委员会重新评审（{}）", cite::O87_64),
            "The report is signed; a change needs a re-review by the original panel (O87 art. 64)",
        ));
    }
    Ok(())
}

/// Answers a flag on the member's own score (O87 art. 64).
pub async fn answer_flag(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    alias: &str,
    criterion: usize,
    answer: &Answer,
    now_ms: i64,
) -> Result<(), AppError> {
    let r = load_review(db, rid).await?;
    let id = rid.tender.as_str();
    member_of(&r, user)?;
    if !r.all_in() {
        return Err(invalid("scores", "sheets_missing", "尚有评审成员未提交评分表", "Not every member has submitted"));
    }
    let c = r.criteria.get(criterion).ok_or(AppError::NotFound)?;
    match super::rereview::open(db, rid).await? {
        // O87 art. 64 ¶2: in a re-review the original panel corrects for its reason, any cell.
        Some(rr) => match answer {
            Answer::Correct { reason, value, note } => {
                rereview::check_correction(rr.reason, *reason, *value, c.max_points, note)
                    .map_err(|e| super::rereview::refused("answer", e))?
            }
            Answer::Confirm { .. } => {
                return Err(super::rereview::refused("answer", rereview::RereviewError::WrongReason))
            }
        },
        None => {
            locked_for_changes(report_complete(db, rid).await?)?;
            let (dx, _, _) = diagnose(db, &r).await?;
            let cell = Cell { member: user.id.clone(), bid: alias.to_string(), criterion };
            diagnostics::check_answer(&dx.flags, &cell, c.max_points, answer).map_err(|e| {
                AppError::Validation(vec![FieldError {
                    field: "answer".into(),
                    code: e.code().into(),
                    message_zh: e.message_zh(),
                    message_en: e.to_string(),
                }])
            })?;
        }
    }
    let entry = r.entry(alias).cloned().ok_or(AppError::NotFound)?;
    let from = r
        .scores
        .get(&user.id)
        .and_then(|s| s.get(r.entries.iter().position(|e| e.key == alias)?).and_then(|row| row.get(criterion).copied()))
        .unwrap_or_default();
    let lot_column = crate::bids::server::lot_column(entry.lot);
    let (kind, reason, to, note) = match answer {
        Answer::Correct { reason, value, note } => {
            ("correct", Some(reason.as_str().to_string()), *value, note.trim().to_string())
        }
        Answer::Confirm { explanation } => ("confirm", None, from, explanation.trim().to_string()),
    };
    let mut tx = db.begin_write().await?;
    if kind == "correct" {
        sqlx::query("UPDATE scores SET points_centi = $1 WHERE tender_id = $2 AND expert_id = $3 AND bid_id = $4 AND lot_position = $5 AND position = $6")
            .bind(centi(to))
            .bind(id)
            .bind(&user.id)
            .bind(&entry.bid)
            .bind(lot_column)
            .bind(criterion as i64)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO score_answers (id, tender_id, member_id, bid_id, lot_position, position, kind, reason, from_centi, to_centi, note, answered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(new_id())
    .bind(id)
    .bind(&user.id)
    .bind(&entry.bid)
    .bind(lot_column)
    .bind(criterion as i64)
    .bind(kind)
    .bind(reason.as_deref())
    .bind(centi(from))
    .bind(centi(to))
    .bind(&note)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new(
            if kind == "correct" { "scores.correct" } else { "scores.confirm" },
            rid.entity(),
            &rid.to_string(),
        )
        .before(json!({"alias": alias, "criterion": criterion, "points": from.to_string()}))
        .after(json!({"points": to.to_string(), "reason": reason, "note": note})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn answer_records(db: &Db, r: &Review, named: bool) -> Result<Vec<AnswerRecord>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT a.member_id, u.display_name, a.bid_id, a.lot_position, a.position, a.kind, a.reason, a.from_centi, a.to_centi, a.note, a.answered_at \
         FROM score_answers a JOIN users u ON u.id = a.member_id WHERE a.tender_id = $1 AND {SCORED_IN_REVIEW} \
         ORDER BY a.answered_at, a.id"
    ))
    .bind(&r.t.id)
    .bind(r.rid.column())
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let bid: String = row.get("bid_id");
            let pos = row.get::<i64, _>("position") as usize;
            let reason: Option<String> = row.get("reason");
            AnswerRecord {
                member: if named { row.get("display_name") } else { r.label(&row.get::<String, _>("member_id")) },
                alias: r.key_of(&bid, row.get("lot_position")).unwrap_or_default(),
                criterion_name: r.criteria.get(pos).map(|c| c.name.clone()).unwrap_or_default(),
                kind: row.get("kind"),
                reason: reason.map(|x| CorrectionReason::parse(&x).map_or("其他", |r| r.name_zh()).to_string()),
                from: from_centi(row.get("from_centi")),
                to: from_centi(row.get("to_centi")),
                note: row.get("note"),
                at: row.get("answered_at"),
            }
        })
        .collect())
}

/// Once every sheet is locked, the member is shown the bidders and confirms there is no conflict,
/// or declares one: the member's sheet is void and the next alternate takes the seat.
pub async fn confirm(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    conflict: bool,
    note: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let r = load_review(db, rid).await?;
    let seat = member_of(&r, user)?.clone();
    if !r.all_in() {
        return Err(invalid(
            "review",
            "sheets_missing",
            "全部评分表提交后才显示投标人名称并确认回避",
            "The bidders are shown once every sheet is in",
        ));
    }
    if diagnose(db, &r).await?.2 > 0 {
        return Err(invalid(
            "review",
            "diagnostics_open",
            "评分异常尚未全部更正或说明，之后才显示投标人名称",
            "The bidders are shown once every flagged score is corrected or explained",
        ));
    }
    locked_for_changes(report_complete(db, rid).await?)?;
    if conflict {
        let note = note.trim();
        if note.chars().count() < 4 {
            return Err(invalid(
                "note",
                "reason_required",
                "请写明应当回避的情形（至少4个字）",
                "State the ground of recusal (4 characters or more)",
            ));
        }
        panels::recuse(db, &seat, rid, note, Actor::User(user), now_ms).await?;
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE panel_members SET confirmed_at = $1, updated_at = $1 WHERE tender_id = $2 AND review_lot = $3 AND user_id = $4",
    )
    .bind(now_ms)
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(&user.id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new("panel.confirm_no_conflict", rid.entity(), &rid.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Reg. art. 41: the member signs the report, re-entering the password; the signature binds the
/// report's hash. A dissent is kept with its reasons.
pub async fn sign(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    password: &str,
    dissent: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let r = load_review(db, rid).await?;
    member_of(&r, user)?;
    let blockers = readiness(db, &r).await?;
    if let Some(b) = blockers.first() {
        return Err(invalid(
            "report",
            b.code(),
            &format!("评审报告尚不能签署：{}", b.message_zh()),
            "The report cannot be signed yet",
        ));
    }
    let Some(report) = ensure_report(db, &r, now_ms).await? else { return Err(AppError::Internal) };
    let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(&db.pool)
        .await?
        .get("password_hash");
    if !crate::server::passwords::verify(hash, password.to_string()).await? {
        return Err(invalid(
            "password",
            "password_wrong",
            "密码不正确，签署须重新验证身份",
            "Wrong password: signing needs your password again",
        ));
    }
    if signatures(db, rid, report.version).await?.iter().any(|(m, _, _)| *m == user.id) {
        return Err(invalid(
            "report",
            "already_signed",
            "您已签署本版评审报告",
            "You signed this version of the report already",
        ));
    }
    let dissent = dissent.trim();
    if !dissent.is_empty() && dissent.chars().count() < 10 {
        return Err(invalid(
            "dissent",
            "dissent_too_short",
            "不同意见须写明理由（至少10个字）",
            "A dissent states its reasons (10 characters or more)",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO report_signatures (tender_id, review_lot, version, member_id, content_hash, dissent, signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&rid.tender)
        .bind(rid.column())
        .bind(report.version)
        .bind(&user.id)
        .bind(&report.hash)
        .bind((!dissent.is_empty()).then_some(dissent))
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if crate::server::db::is_unique_violation(&e) { AppError::Conflict("signed meanwhile".into()) } else { AppError::from(e) })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new("report.sign", rid.entity(), &rid.to_string()).after(json!({"version": report.version, "hash": report.hash, "dissent": (!dissent.is_empty()).then_some(dissent)})),
    )
    .await?;
    tx.commit().await?;
    let signed = signatures(db, rid, report.version).await?;
    let all = r.seated.iter().all(|m| signed.iter().any(|(s, _, _)| *s == m.user_id));
    super::rereview::close_if_signed(db, rid, report.version, all, now_ms).await
}

/// The purchaser side's view; once every sheet is in, the report is formed, stamped `now_ms`.
pub async fn overview(db: &Db, rid: &ReviewId, now_ms: i64) -> Result<OverviewView, AppError> {
    let r = load_review(db, rid).await?;
    let all_in = r.all_in();
    let stored = if all_in { ensure_report(db, &r, now_ms).await? } else { latest_report(db, rid).await? };
    let signed = match &stored {
        Some(s) => signatures(db, rid, s.version).await?,
        None => vec![],
    };
    let (stats, flags) = if all_in {
        let (dx, confirmed, _) = diagnose(db, &r).await?;
        (stat_rows(&r, &dx), flag_views(&r, &dx.flags, &confirmed, None, true))
    } else {
        (vec![], vec![])
    };
    let ties = if all_in && tender::bids_readable(r.t.status) {
        ties_to_draw(&ranking_as(db, &r, true).await?)
    } else {
        vec![]
    };
    Ok(OverviewView {
        review_id: rid.to_string(),
        lot: r.lot_name(),
        progress: progress(&r, &signed, None, true),
        all_in,
        stats,
        flags,
        answers: answer_records(db, &r, true).await?,
        drawings: drawings(db, rid).await?,
        blockers: readiness(db, &r).await?,
        report: report_view(db, &r, stored, true).await?,
        ties_to_draw: ties,
        low_price: crate::low_price::server::view(db, &r.t, rid, r.cases(db).await?, false).await?,
        may_rereview: report_complete(db, rid).await?
            && sqlx::query(&format!(
                "SELECT 1 AS one FROM contracts WHERE tender_id = $1 AND {SCORED_IN_REVIEW} LIMIT 1"
            ))
            .bind(&rid.tender)
            .bind(rid.column())
            .fetch_optional(&db.pool)
            .await?
            .is_none(),
        rereviews: super::rereview::all(db, rid).await?,
    })
}

/// A bid's technical proposal for a member reading it by alias: only for an unlocked member, only
/// the technical part (never the qualification documents, which name the bidder).
pub async fn proposal(
    db: &Db,
    sealer: &crate::server::sealing::Sealer,
    user: &SessionUser,
    rid: &ReviewId,
    alias: &str,
) -> Result<crate::bids::server::SealedDocument, AppError> {
    let r = load_review(db, rid).await?;
    member_of(&r, user)?;
    let e = r.entry(alias).ok_or(AppError::NotFound)?;
    crate::bids::server::file_for_reading(db, sealer, &rid.tender, &e.bid, crate::bids::FileKind::Technical, e.lot)
        .await
}

/// The seed a tender's drawing of lots uses: made at publication, its commitment published then.
pub async fn tie_seed(db: &Db, id: &str, now_ms: i64) -> Result<(String, String), AppError> {
    if let Some(r) = sqlx::query("SELECT seed, commitment FROM tie_seeds WHERE tender_id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
    {
        return Ok((r.get("seed"), r.get("commitment")));
    }
    // A tender published before seeds existed: made now, and said so in the drawing's record.
    let (seed, commitment) = new_tie_seed();
    sqlx::query("INSERT INTO tie_seeds (tender_id, seed, commitment, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(&seed)
        .bind(&commitment)
        .bind(now_ms)
        .execute(&mut *db.pool.acquire().await?)
        .await?;
    Ok((seed, commitment))
}

/// A fresh seed and its commitment.
pub fn new_tie_seed() -> (String, String) {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    let seed = hex::encode(b);
    let commitment = ties::commitment(&seed);
    (seed, commitment)
}

/// O87 art. 68: draws lots among the bids tied for first place in a lot.
pub async fn draw_tie(db: &Db, officer: &SessionUser, rid: &ReviewId, lot: i64, now_ms: i64) -> Result<(), AppError> {
    load_for_officer(db, officer, &rid.tender).await?;
    let r = load_review(db, rid).await?;
    let id = rid.tender.as_str();
    if !r.all_in() || diagnose(db, &r).await?.2 > 0 {
        return Err(invalid(
            "tie",
            "review_unfinished",
            "全部评分表提交且评分提示处理完毕后方可抽签",
            "Draw lots once every sheet is in and every flag answered",
        ));
    }
    let rk = ranking_as(db, &r, true).await?;
    let Some(l) = rk.lots.iter().find(|l| l.position == lot) else { return Err(AppError::NotFound) };
    let tied: Vec<String> =
        l.rows.iter().filter(|row| row.rank == 1 && row.tied).map(|row| row.alias.clone()).collect();
    if tied.len() < 2 {
        return Err(invalid("tie", "no_tie", "该标段第一名没有并列，无需抽签", "This lot's first place is not tied"));
    }
    let (seed, commitment) = tie_seed(db, id, now_ms).await?;
    let drawing = ties::draw_lots(&seed, &commitment, lot, &tied).map_err(|_| AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO lot_drawings (tender_id, lot_position, record_json, drawn_by, drawn_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(lot)
        .bind(serde_json::to_string(&drawing).expect("a drawing serialises"))
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if crate::server::db::is_unique_violation(&e) { invalid("tie", "tie_drawn", "该标段已抽签", "This lot was drawn already") } else { AppError::from(e) })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tie.draw", "tender", id).after(json!({"lot": lot, "drawing": drawing})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// O87 art. 55/57: the mean of the counted sheets plus price points, ranked per lot; a drawing of
/// lots orders a tied first place.
pub async fn ranking(db: &Db, id: &str) -> Result<RankingView, AppError> {
    let t = load(db, id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let mut view = RankingView { lots: Vec::new(), sheets_submitted: 0, experts: 0, report_signed: false };
    // Each lot as the review that judges it ranks it: the tender's one, or the lot's own.
    for rid in panels::reviews_of(&t)? {
        let part = ranking_as(db, &load_review(db, &rid).await?, true).await?;
        view.lots.extend(part.lots);
        view.sheets_submitted += part.sheets_submitted;
        view.experts += part.experts;
    }
    // A lot that failed at the qualification review has no report to wait for.
    view.report_signed = view.lots.iter().filter(|l| l.failed.is_none()).all(|l| l.report_signed)
        && view.lots.iter().any(|l| l.failed.is_none());
    Ok(view)
}

/// The ranking of the lots a review judges, with the purchaser's drawings of lots applied or
/// (for the panel's report) not.
async fn ranking_as(db: &Db, r: &Review, with_drawings: bool) -> Result<RankingView, AppError> {
    let t = &r.t;
    let id = t.id.as_str();
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let spec = t.spec()?;
    let bids = sqlx::query(
        "SELECT b.id, b.alias, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL ORDER BY b.alias",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let lot_prices = sqlx::query(
        "SELECT l.bid_id, l.lot_position, l.price_fen FROM bid_lots l JOIN bids b ON b.id = l.bid_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let failures = sqlx::query("SELECT lot_position, reason FROM lot_failures WHERE tender_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let awards = sqlx::query("SELECT lot_position, bid_id FROM contracts WHERE tender_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let drawn = drawings(db, &r.rid).await?;
    // O87 art. 60: a price the panel found not justified makes the bid invalid in that lot.
    let invalid_in: Vec<(String, i64)> =
        r.cases(db).await?.iter().filter(|c| c.rejected()).map(|c| (c.bid_id.clone(), c.lot)).collect();
    // Each counted member's scores for each entry: a bid's one proposal counts in every lot it
    // covers, a lot's own proposal only in that lot.
    let counted: Vec<&Vec<Vec<Decimal>>> = r.submitted.iter().filter_map(|m| r.scores.get(m)).collect();
    let criteria: Vec<Criterion> =
        r.criteria.iter().map(|c| Criterion { id: c.position.to_string(), max_points: c.max_points }).collect();
    let report_signed = report_complete(db, &r.rid).await?;
    let mut lots = Vec::new();
    for (position, lot) in spec.lots.iter().enumerate() {
        let position = position as i64;
        if r.rid.lot.is_some_and(|l| l != position) {
            continue;
        }
        let failed =
            failures.iter().find(|f| f.get::<i64, _>("lot_position") == position).map(|f| f.get::<String, _>("reason"));
        let awarded_bid_id =
            awards.iter().find(|a| a.get::<i64, _>("lot_position") == position).map(|a| a.get::<String, _>("bid_id"));
        // The bids covering this lot, with this lot's price: each lot is ranked on its own prices.
        let covering: Vec<(usize, String, Decimal)> = bids
            .iter()
            .filter_map(|b| {
                let bid: String = b.get("id");
                let i = r.entries.iter().position(|e| e.bid == bid && e.answers(position))?;
                if invalid_in.contains(&(bid.clone(), position)) {
                    return None;
                }
                lot_prices
                    .iter()
                    .find(|p| p.get::<String, _>("bid_id") == bid && p.get::<i64, _>("lot_position") == position)
                    .map(|p| (i, bid, Yuan::from_fen(p.get("price_fen")).amount()))
            })
            .collect();
        let mut rows = Vec::new();
        if failed.is_none() && !counted.is_empty() && !covering.is_empty() {
            let prices: Vec<(String, Decimal)> = covering.iter().map(|(_, bid, price)| (bid.clone(), *price)).collect();
            let scores: Vec<Vec<Vec<Decimal>>> =
                counted.iter().map(|per_bid| covering.iter().map(|(i, _, _)| per_bid[*i].clone()).collect()).collect();
            let totals = scoring::totals(
                &criteria,
                &prices,
                &scores,
                spec.price_scored().then_some(from_centi(t.price_weight_centi)),
            )
            .map_err(|e| {
                tracing::error!(error = %e, "stored scores do not compute");
                AppError::Internal
            })?;
            rows = scoring::rank(totals)
                .into_iter()
                .map(|x| {
                    let b = bids
                        .iter()
                        .find(|b| b.get::<String, _>("id") == x.total.bid)
                        .expect("ranked bids come from this list");
                    RankRow {
                        bid_id: x.total.bid.clone(),
                        alias: b.get::<Option<String>, _>("alias").unwrap_or_default(),
                        org_name: b.get("name"),
                        price: x.total.price,
                        technical: x.total.technical,
                        price_points: x.total.price_points,
                        total: x.total.total,
                        rank: x.rank,
                        tied: x.tied,
                    }
                })
                .collect();
            if let Some(d) = drawn.iter().find(|d| d.lot == position).filter(|_| with_drawings) {
                apply_drawing(&mut rows, d);
            }
        }
        lots.push(LotRanking { position, lot: lot.name.clone(), failed, awarded_bid_id, rows, report_signed });
    }
    Ok(RankingView { lots, sheets_submitted: r.submitted.len() as i64, experts: r.seated.len() as i64, report_signed })
}

/// Orders the bids tied for first place as the drawing did: the winner keeps rank 1.
fn apply_drawing(rows: &mut [RankRow], d: &LotDrawing) {
    let order: Vec<&String> = d.order.iter().map(|(a, _)| a).collect();
    let tied: Vec<usize> = rows.iter().enumerate().filter(|(_, r)| r.rank == 1 && r.tied).map(|(i, _)| i).collect();
    for (place, alias) in order.iter().enumerate() {
        if let Some(&i) = tied.iter().find(|&&i| &&rows[i].alias == alias) {
            rows[i].rank = place + 1;
            rows[i].tied = false;
        }
    }
    rows.sort_by_key(|r| r.rank);
}

/// One member's locked sheet, named, as the purchaser's score summary lists it.
pub struct MemberSheet {
    pub member: String,
    /// 评审专家 or 采购人代表.
    pub role_zh: &'static str,
    /// One row per entry scored, in the sheet's order.
    pub rows: Vec<SummaryRow>,
}

/// One entry of a member's sheet in the score summary.
pub struct SummaryRow {
    /// `A`, or `A-2` for a lot's own proposal.
    pub key: String,
    /// The lot's name: the entry's own lot, or the one lot of a tender without lots; `None` for
    /// a bid's one proposal on a tender of several lots, which every lot it bids for uses.
    pub lot: Option<String>,
    pub bidder: String,
    /// Points per criterion, in the tender's order.
    pub points: Vec<Decimal>,
}

/// The score summary downloaded with the signed report (issue 12): every member × criterion ×
/// bidder, each lot's ranking, and the record of corrections and confirmations.
pub struct ScoreSummary {
    pub title: String,
    pub report_version: i64,
    /// (name, maximum points), in the tender's order.
    pub criteria: Vec<(String, Decimal)>,
    pub sheets: Vec<MemberSheet>,
    pub lots: Vec<LotRanking>,
    pub answers: Vec<AnswerRecord>,
}

/// The summary once every member signed the report; none before, as with the report itself.
pub async fn score_summary(db: &Db, rid: &ReviewId) -> Result<Option<ScoreSummary>, AppError> {
    if !report_complete(db, rid).await? {
        return Ok(None);
    }
    let r = load_review(db, rid).await?;
    let id = rid.tender.as_str();
    let Some(report) = latest_report(db, rid).await? else { return Ok(None) };
    let names: HashMap<String, String> =
        sqlx::query("SELECT b.id, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|row| (row.get("id"), row.get("name")))
            .collect();
    let lots = r.t.spec()?.lots;
    let sheets = r
        .seated
        .iter()
        .filter_map(|m| {
            let scores = r.scores.get(&m.user_id)?;
            Some(MemberSheet {
                member: m.name.clone(),
                role_zh: match m.kind {
                    MemberKind::Expert => "评审专家",
                    MemberKind::PurchaserRep => "采购人代表",
                },
                rows: r
                    .entries
                    .iter()
                    .zip(scores)
                    .map(|(e, points)| SummaryRow {
                        key: e.key.clone(),
                        lot: match &lots[..] {
                            [only] if e.lot.is_none() => Some(only.name.clone()),
                            _ => e.lot_name(&lots),
                        },
                        bidder: names.get(&e.bid).cloned().unwrap_or_default(),
                        points: points.clone(),
                    })
                    .collect(),
            })
        })
        .collect();
    Ok(Some(ScoreSummary {
        title: match r.lot_name() {
            Some(lot) => format!("{}（{lot}）", r.t.title),
            None => r.t.title.clone(),
        },
        report_version: report.version,
        criteria: r.criteria.iter().map(|c| (c.name.clone(), c.max_points)).collect(),
        sheets,
        lots: ranking_as(db, &r, true).await?.lots,
        answers: answer_records(db, &r, true).await?,
    }))
}
