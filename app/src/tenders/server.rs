//! The walking skeleton's tender flow in the database. Every state change writes its audit
//! entry in the same transaction. Bids stay sealed (no price, no file) until the officer opens
//! them, which the domain allows only from the opening time on.

use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use crate::server::sealing::Sealer;
use crate::domain::amendment;
use crate::domain::money::Yuan;
use crate::domain::obligations::obligation_verdicts;
use crate::domain::scoring::{self, Criterion};
use crate::domain::template::SchemeTemplate;
use crate::domain::tender::{self, Action, TenderError, TenderInput, TenderStatus, ValidTender};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::tenders::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

fn centi(d: Decimal) -> i64 {
    (d * Decimal::from(100)).round().to_i64().unwrap_or(i64::MAX)
}

fn from_centi(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

pub(crate) fn tender_error(e: TenderError) -> AppError {
    let (zh, en) = match &e {
        TenderError::WrongState(s) => (
            format!("招标项目当前状态（{}）不允许此操作", s.as_str()),
            format!("Not allowed while the tender is {}", s.as_str()),
        ),
        TenderError::DeadlinePassed => ("投标截止时间已过".to_string(), "The bid deadline has passed".to_string()),
        TenderError::NotYetOpen => ("尚未到开标时间".to_string(), "The opening time has not come".to_string()),
    };
    AppError::Validation(vec![FieldError {
        field: "tender".into(),
        code: e.code().into(),
        message_zh: zh,
        message_en: en,
    }])
}

pub struct TenderRow {
    pub id: String,
    pub title: String,
    pub buyer: String,
    pub budget_fen: i64,
    pub price_weight_centi: i64,
    pub bid_deadline: i64,
    pub opening_at: i64,
    pub status: TenderStatus,
    pub awarded_bid_id: Option<String>,
    pub awarded_at: Option<i64>,
    pub template_id: String,
    pub spec_json: Option<String>,
    pub version: i64,
    pub sealing_key: Option<String>,
    pub review_done_at: Option<i64>,
    pub failed_reason: Option<String>,
    pub created_by: String,
}

impl TenderRow {
    /// The current version of the tender as the domain parsed it.
    pub fn spec(&self) -> Result<ValidTender, AppError> {
        let text = self.spec_json.as_deref().ok_or(AppError::Internal)?;
        serde_json::from_str(text).map_err(|e| {
            tracing::error!(error = %e, tender = %self.id, "stored tender spec does not parse");
            AppError::Internal
        })
    }
}

const TENDER_COLUMNS: &str =
    "id, title, buyer, budget_fen, price_weight_centi, bid_deadline, opening_at, status, awarded_bid_id, awarded_at, \
     template_id, spec_json, version, sealing_key, review_done_at, failed_reason, created_by";

fn tender_row(r: &AnyRow) -> Result<TenderRow, AppError> {
    let status: String = r.get("status");
    Ok(TenderRow {
        id: r.get("id"),
        title: r.get("title"),
        buyer: r.get("buyer"),
        budget_fen: r.get("budget_fen"),
        price_weight_centi: r.get("price_weight_centi"),
        bid_deadline: r.get("bid_deadline"),
        opening_at: r.get("opening_at"),
        status: TenderStatus::parse(&status).ok_or(AppError::Internal)?,
        awarded_bid_id: r.get("awarded_bid_id"),
        awarded_at: r.get("awarded_at"),
        template_id: r.get("template_id"),
        spec_json: r.get("spec_json"),
        version: r.get("version"),
        sealing_key: r.get("sealing_key"),
        review_done_at: r.get("review_done_at"),
        failed_reason: r.get("failed_reason"),
        created_by: r.get("created_by"),
    })
}

pub async fn load(db: &Db, id: &str) -> Result<TenderRow, AppError> {
    let row = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    tender_row(&row)
}

/// A lot's name from a stored tender snapshot.
pub fn lot_name(spec_json: Option<String>, position: i64) -> String {
    spec_json
        .and_then(|j| serde_json::from_str::<ValidTender>(&j).ok())
        .and_then(|spec| spec.lots.get(position as usize).map(|l| l.name.clone()))
        .unwrap_or_default()
}

/// The published result: each winning organisation once, in lot order, once the tender is awarded.
async fn winner_name(db: &Db, t: &TenderRow) -> Result<Option<String>, AppError> {
    if t.status != TenderStatus::Awarded {
        return Ok(None);
    }
    let rows = sqlx::query("SELECT o.name FROM contracts c JOIN organisations o ON o.id = c.org_id WHERE c.tender_id = $1 ORDER BY c.lot_position").bind(&t.id).fetch_all(&db.pool).await?;
    let mut names: Vec<String> = Vec::new();
    for r in rows {
        let name: String = r.get("name");
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok((!names.is_empty()).then(|| names.join("、")))
}

/// Each lot's public result: its 废标 reason once the review is done, its winner once the tender
/// is awarded.
async fn lot_results(db: &Db, t: &TenderRow, spec: &ValidTender) -> Result<Vec<LotResultView>, AppError> {
    let failures = sqlx::query("SELECT lot_position, reason FROM lot_failures WHERE tender_id = $1")
        .bind(&t.id)
        .fetch_all(&db.pool)
        .await?;
    let winners = if t.status == TenderStatus::Awarded {
        sqlx::query("SELECT c.lot_position, o.name FROM contracts c JOIN organisations o ON o.id = c.org_id WHERE c.tender_id = $1").bind(&t.id).fetch_all(&db.pool).await?
    } else {
        Vec::new()
    };
    Ok(spec
        .lots
        .iter()
        .enumerate()
        .map(|(i, l)| LotResultView {
            lot: l.name.clone(),
            failed: failures.iter().find(|f| f.get::<i64, _>("lot_position") == i as i64).map(|f| f.get("reason")),
            winner: winners.iter().find(|w| w.get::<i64, _>("lot_position") == i as i64).map(|w| w.get("name")),
        })
        .filter(|r| r.failed.is_some() || r.winner.is_some())
        .collect())
}

async fn summary(db: &Db, t: &TenderRow) -> Result<TenderSummary, AppError> {
    Ok(TenderSummary {
        id: t.id.clone(),
        title: t.title.clone(),
        buyer: t.buyer.clone(),
        budget_fen: t.budget_fen,
        bid_deadline: t.bid_deadline,
        opening_at: t.opening_at,
        status: t.status,
        winner: winner_name(db, t).await?,
        region: t.spec().map(|s| s.region).unwrap_or_default(),
        scheme: match crate::schemes::server::by_id(db, &t.template_id).await? {
            Some(template) => (template.id, template.name.zh, template.name.en),
            None => (t.template_id.clone(), t.template_id.clone(), t.template_id.clone()),
        },
    })
}

async fn summaries(db: &Db, rows: Vec<AnyRow>) -> Result<Vec<TenderSummary>, AppError> {
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(summary(db, &tender_row(r)?).await?);
    }
    Ok(out)
}

/// Published notices, newest first; drafts are never public.
pub async fn public_list(db: &Db) -> Result<Vec<TenderSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {TENDER_COLUMNS} FROM tenders WHERE status <> 'draft' ORDER BY published_at DESC, id"
    ))
    .fetch_all(&db.pool)
    .await?;
    summaries(db, rows).await
}

pub async fn officer_list(db: &Db, officer: &SessionUser) -> Result<Vec<TenderSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {TENDER_COLUMNS} FROM tenders WHERE created_by = $1 ORDER BY created_at DESC, id"
    ))
    .bind(&officer.id)
    .fetch_all(&db.pool)
    .await?;
    summaries(db, rows).await
}

async fn criteria(db: &Db, tender_id: &str) -> Result<Vec<CriterionView>, AppError> {
    let rows = sqlx::query("SELECT position, name, max_points_centi, guidance, objective FROM tender_criteria WHERE tender_id = $1 ORDER BY position")
        .bind(tender_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| CriterionView {
            position: r.get("position"),
            name: r.get("name"),
            max_points: from_centi(r.get("max_points_centi")),
            guidance: r.get("guidance"),
            objective: r.get::<i64, _>("objective") == 1,
        })
        .collect())
}

async fn template_for(db: &Db, id: &str) -> Result<SchemeTemplate, AppError> {
    if id.trim().is_empty() {
        return Err(AppError::field("template_id", "template_required", "请选择方案模板", "Choose a scheme template"));
    }
    crate::schemes::server::by_id(db, id.trim())
        .await?
        .ok_or_else(|| AppError::field("template_id", "template_unknown", "方案模板不存在", "No such scheme template"))
}

/// Writes the parsed tender into the queryable columns, lots and criteria (inside `tx`).
async fn write_spec(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    v: &ValidTender,
    version: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE tenders SET title = $1, buyer = $2, method = $3, budget_fen = $4, price_weight_centi = $5, bid_deadline = $6, opening_at = $7, \
         clarify_until = $8, spec_json = $9, version = $10 WHERE id = $11",
    )
    .bind(&v.title)
    .bind(&v.buyer)
    .bind(tender::procedure_str(v.method))
    .bind(v.budget.fen())
    .bind(centi(v.price_weight_pct))
    .bind(v.bid_deadline_ms)
    .bind(v.opening_ms)
    .bind(v.clarify_until_ms)
    .bind(serde_json::to_string(v).expect("a tender serialises"))
    .bind(version)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM tender_lots WHERE tender_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM tender_criteria WHERE tender_id = $1").bind(id).execute(&mut **tx).await?;
    for (i, lot) in v.lots.iter().enumerate() {
        sqlx::query("INSERT INTO tender_lots (tender_id, position, name, budget_fen) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(&lot.name)
            .bind(lot.budget.fen())
            .execute(&mut **tx)
            .await?;
    }
    for (i, c) in v.criteria.iter().enumerate() {
        sqlx::query("INSERT INTO tender_criteria (tender_id, position, name, max_points_centi, guidance, objective) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(i as i64)
            .bind(&c.name)
            .bind(centi(c.max_points))
            .bind(&c.guidance)
            .bind(i64::from(c.objective))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Parses `input` for a tender created or last changed as `old` (whose documents may already
/// be available since before today).
async fn parse_input(
    db: &Db,
    input: &TenderInput,
    old: Option<&ValidTender>,
    now_ms: i64,
) -> Result<(SchemeTemplate, ValidTender), AppError> {
    let template = template_for(db, &input.template_id).await?;
    let cal = crate::schemes::calendar::load(db).await?;
    let v = tender::parse_tender_since(input, now_ms, old.map(|o| o.documents_from), &template, &cal)
        .map_err(AppError::Validation)?;
    Ok((template, v))
}

/// Creates a draft from the officer's input; every active expert is assigned to the panel.
pub async fn create(db: &Db, officer: &SessionUser, input: &TenderInput, now_ms: i64) -> Result<String, AppError> {
    let (_, v) = parse_input(db, input, None, now_ms).await?;
    let id = new_id();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO tenders (id, title, buyer, template_id, method, budget_fen, price_weight_centi, bid_deadline, opening_at, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11)",
    )
    .bind(&id)
    .bind(&v.title)
    .bind(&v.buyer)
    .bind(&v.template_id)
    .bind(tender::procedure_str(v.method))
    .bind(v.budget.fen())
    .bind(centi(v.price_weight_pct))
    .bind(v.bid_deadline_ms)
    .bind(v.opening_ms)
    .bind(&officer.id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    write_spec(&mut tx, &id, &v, 1).await?;
    let experts = sqlx::query("SELECT id FROM users WHERE role = 'expert' AND active = 1").fetch_all(&mut *tx).await?;
    for e in &experts {
        sqlx::query("INSERT INTO tender_experts (tender_id, expert_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(e.get::<String, _>("id"))
            .execute(&mut *tx)
            .await?;
    }
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.create", "tender", &id).after(json!({"spec": v, "experts": experts.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn versions(db: &Db, id: &str) -> Result<Vec<VersionView>, AppError> {
    let rows = sqlx::query("SELECT version, changes_json, reason, material, pushed_from, created_at FROM tender_versions WHERE tender_id = $1 ORDER BY version")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| VersionView {
            version: r.get("version"),
            reason: r.get("reason"),
            changes: serde_json::from_str(&r.get::<String, _>("changes_json")).unwrap_or_default(),
            material: r.get::<i64, _>("material") == 1,
            pushed_from: r.get("pushed_from"),
            published_at: r.get("created_at"),
        })
        .collect())
}

/// The tender for the purchaser side (`with_bids`: the number of bids) or the public.
pub async fn detail(db: &Db, id: &str, with_bids: bool) -> Result<TenderView, AppError> {
    let t = load(db, id).await?;
    if !with_bids && t.status == TenderStatus::Draft {
        return Err(AppError::NotFound);
    }
    let bid_count = if with_bids {
        Some(
            sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bids WHERE tender_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?
                .get("n"),
        )
    } else {
        None
    };
    let lint = match crate::schemes::server::by_id(db, &t.template_id).await? {
        Some(template) => crate::domain::template::lint(&template),
        None => vec![],
    };
    let spec = t.spec()?;
    Ok(TenderView {
        lot_results: lot_results(db, &t, &spec).await?,
        spec,
        version: t.version,
        versions: versions(db, id).await?,
        price_weight_pct: from_centi(t.price_weight_centi),
        criteria: criteria(db, id).await?,
        bid_count,
        lint,
        failed_reason: t.failed_reason.clone(),
        attachments: crate::tenders::attachments::list(db, id).await?,
        summary: summary(db, &t).await?,
    })
}

/// Publishes a draft: the whole tender is checked again against today (a draft may have waited),
/// the tender's bid key is made, and version 1 is recorded as the original notice.
pub async fn publish(db: &Db, sealer: &Sealer, officer: &SessionUser, id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Publish, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let spec = t.spec()?;
    let (_, v) = parse_input(db, &tender::to_input(&spec), None, now_ms).await?;
    let (_, wrapped) = sealer.new_tender_key(id);
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query("UPDATE tenders SET status = 'published', published_at = $1, sealing_key = $2 WHERE id = $3 AND status = 'draft'")
        .bind(now_ms)
        .bind(&wrapped)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender state changed".into()));
    }
    write_spec(&mut tx, id, &v, 1).await?;
    sqlx::query("INSERT INTO tender_versions (tender_id, version, spec_json, changes_json, reason, material, pushed_from, created_by, created_at) VALUES ($1, 1, $2, '[]', $3, 0, NULL, $4, $5)")
        .bind(id)
        .bind(serde_json::to_string(&v).expect("a tender serialises"))
        .bind("招标公告")
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.publish", "tender", id)
            .before(json!({"status": "draft"}))
            .after(json!({"status": "published", "version": 1, "lint_override": v.lint_override})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a draft in place, or amends a published tender before its deadline: a new version
/// with its public diff; a material change pushes the deadline (O87 art. 27) and asks every
/// bidder to reconfirm.
pub async fn amend(
    db: &Db,
    officer: &SessionUser,
    id: &str,
    input: &TenderInput,
    reason: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Edit, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let old = t.spec()?;
    let mut input = input.clone();
    input.template_id = old.template_id.clone();
    let (_, v) = parse_input(db, &input, Some(&old), now_ms).await?;
    if t.status == TenderStatus::Draft {
        let mut tx = db.pool.begin().await?;
        write_spec(&mut tx, id, &v, 1).await?;
        audit::record(
            &mut *tx,
            now_ms,
            Actor::User(officer),
            Change::new("tender.edit_draft", "tender", id).before(json!({"spec": old})).after(json!({"spec": v})),
        )
        .await?;
        tx.commit().await?;
        return Ok(1);
    }
    let reason = amendment_reason(reason)?;
    let plan = amendment::plan(&old, &v, now_ms).map_err(AppError::Validation)?;
    let mut tx = db.pool.begin().await?;
    let version = record_amendment(&mut tx, officer, id, t.version, &plan, reason, json!({}), now_ms).await?;
    tx.commit().await?;
    Ok(version)
}

/// An amendment's public reason, trimmed: what is corrected and why.
pub fn amendment_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 4 || reason.chars().count() > 2000 {
        return Err(AppError::field(
            "reason",
            "reason_required",
            "请写明更正事项和理由（4–2000字）",
            "State what is corrected and why (4–2,000 characters)",
        ));
    }
    Ok(reason)
}

/// Publishes a planned amendment as the version after `from_version`, in the caller's
/// transaction; `extra` goes into the audit entry. Refused if the tender moved on meanwhile.
pub async fn record_amendment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    officer: &SessionUser,
    id: &str,
    from_version: i64,
    plan: &amendment::AmendmentPlan,
    reason: &str,
    extra: serde_json::Value,
    now_ms: i64,
) -> Result<i64, AppError> {
    let version = from_version + 1;
    let done = sqlx::query("UPDATE tenders SET version = $1 WHERE id = $2 AND version = $3 AND status = 'published'")
        .bind(version)
        .bind(id)
        .bind(from_version)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender changed meanwhile".into()));
    }
    write_spec(tx, id, &plan.tender, version).await?;
    sqlx::query("INSERT INTO tender_versions (tender_id, version, spec_json, changes_json, reason, material, pushed_from, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id)
        .bind(version)
        .bind(serde_json::to_string(&plan.tender).expect("a tender serialises"))
        .bind(serde_json::to_string(&plan.changes).expect("changes serialise"))
        .bind(reason)
        .bind(i64::from(plan.material))
        .bind(plan.pushed_from_ms)
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    audit::record(
        &mut **tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.amend", "tender", id)
            .before(json!({"version": from_version}))
            .after(json!({"version": version, "reason": reason, "material": plan.material, "changes": plan.changes, "pushed_from": plan.pushed_from_ms, "extra": extra})),
    )
    .await?;
    Ok(version)
}

pub async fn bidder_list(db: &Db, bidder: &SessionUser) -> Result<Vec<(TenderSummary, Option<BidReceipt>)>, AppError> {
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let mut out = Vec::new();
    for s in public_list(db).await? {
        let r = crate::bids::server::receipt(db, &s.id, &org).await?;
        out.push((s, r));
    }
    Ok(out)
}

async fn assigned(db: &Db, tender_id: &str, expert: &SessionUser) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT expert_id FROM tender_experts WHERE tender_id = $1 AND expert_id = $2")
        .bind(tender_id)
        .bind(&expert.id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn expert_list(db: &Db, expert: &SessionUser) -> Result<Vec<TenderSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {TENDER_COLUMNS} FROM tenders WHERE status IN ('opened', 'awarded') AND review_done_at IS NOT NULL AND id IN (SELECT tender_id FROM tender_experts WHERE expert_id = $1) ORDER BY opening_at DESC"
    ))
    .bind(&expert.id)
    .fetch_all(&db.pool)
    .await?;
    let mut list = summaries(db, rows).await?;
    // An expert sees the result only as the public does: the winner's name after the award.
    for s in &mut list {
        if s.status != TenderStatus::Awarded {
            s.winner = None;
        }
    }
    Ok(list)
}

/// The expert's sheet with bidders by alias only — the organisation never appears here.
pub async fn score_sheet(db: &Db, expert: &SessionUser, id: &str) -> Result<ScoreSheetView, AppError> {
    let t = load(db, id).await?;
    if !assigned(db, id, expert).await? {
        return Err(AppError::Forbidden);
    }
    if !tender::bids_readable(t.status) || t.review_done_at.is_none() {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let crit = criteria(db, id).await?;
    let bids = sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL ORDER BY alias")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let mut rows = Vec::new();
    for b in &bids {
        let scores =
            sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
                .bind(&expert.id)
                .bind(b.get::<String, _>("id"))
                .fetch_all(&db.pool)
                .await?;
        rows.push((b.get::<String, _>("alias"), scores.iter().map(|s| from_centi(s.get("points_centi"))).collect()));
    }
    let submitted = sqlx::query("SELECT expert_id FROM score_sheets WHERE tender_id = $1 AND expert_id = $2")
        .bind(id)
        .bind(&expert.id)
        .fetch_optional(&db.pool)
        .await?
        .is_some();
    Ok(ScoreSheetView { tender_id: id.into(), title: t.title, criteria: crit, bids: rows, submitted })
}

/// Stores one expert's complete sheet (Reg. art. 34: each member scores independently, once).
pub async fn submit_scores(
    db: &Db,
    expert: &SessionUser,
    id: &str,
    scores: &[(String, Vec<String>)],
    now_ms: i64,
) -> Result<(), AppError> {
    let sheet = score_sheet(db, expert, id).await?;
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Score, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    if sheet.submitted {
        return Err(AppError::field(
            "scores",
            "sheet_already_submitted",
            "评分表已提交，不能再修改",
            "The score sheet was already submitted",
        ));
    }
    let bid_ids: Vec<(String, String)> =
        sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| (r.get::<String, _>("alias"), r.get::<String, _>("id")))
            .collect();
    let mut errors = Vec::new();
    let mut parsed: Vec<(String, Vec<Decimal>)> = Vec::new();
    for (alias, _) in &bid_ids {
        let Some((_, values)) = scores.iter().find(|(a, _)| a == alias) else {
            errors.push(FieldError::new(
                &format!("scores[{alias}]"),
                "scores_missing",
                &format!("请为投标人{alias}评分"),
                &format!("Score bidder {alias}"),
            ));
            continue;
        };
        let mut row = Vec::new();
        for (i, c) in sheet.criteria.iter().enumerate() {
            match values.get(i).and_then(|v| v.trim().parse::<Decimal>().ok()) {
                Some(p) if p >= Decimal::ZERO && p <= c.max_points && p.normalize().scale() <= 2 => row.push(p),
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
        parsed.push((alias.clone(), row));
    }
    if scores.iter().any(|(a, _)| !bid_ids.iter().any(|(b, _)| b == a)) {
        errors.push(FieldError::new(
            "scores",
            "unknown_bidder",
            "评分表含有不存在的投标人",
            "The sheet names a bidder that does not exist",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db.pool.begin().await?;
    for (alias, row) in &parsed {
        let bid_id = &bid_ids.iter().find(|(a, _)| a == alias).expect("checked above").1;
        for (i, p) in row.iter().enumerate() {
            sqlx::query(
                "INSERT INTO scores (tender_id, expert_id, bid_id, position, points_centi) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&expert.id)
            .bind(bid_id)
            .bind(i as i64)
            .bind(centi(*p))
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query("INSERT INTO score_sheets (tender_id, expert_id, submitted_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(&expert.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(expert),
        Change::new("scores.submit", "tender", id).after(json!({"sheet": parsed})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// O87 art. 55/57: the mean of the submitted sheets plus price points, ranked.
pub async fn ranking(db: &Db, id: &str) -> Result<RankingView, AppError> {
    let t = load(db, id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let spec = t.spec()?;
    let crit = criteria(db, id).await?;
    let experts: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tender_experts WHERE tender_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .get("n");
    let sheets: Vec<String> = sqlx::query("SELECT expert_id FROM score_sheets WHERE tender_id = $1 ORDER BY expert_id")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("expert_id"))
        .collect();
    let bids = sqlx::query("SELECT b.id, b.alias, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL ORDER BY b.alias")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let lot_prices = sqlx::query("SELECT l.bid_id, l.lot_position, l.price_fen FROM bid_lots l JOIN bids b ON b.id = l.bid_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL")
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
    // Each expert's scores for each bid (one sheet per bid, used in every lot it covers).
    let mut matrix: Vec<Vec<Vec<Decimal>>> = Vec::new();
    for e in &sheets {
        let mut per_bid = Vec::new();
        for b in &bids {
            let points =
                sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
                    .bind(e)
                    .bind(b.get::<String, _>("id"))
                    .fetch_all(&db.pool)
                    .await?;
            per_bid.push(points.iter().map(|p| from_centi(p.get("points_centi"))).collect::<Vec<_>>());
        }
        matrix.push(per_bid);
    }
    let criteria: Vec<Criterion> =
        crit.iter().map(|c| Criterion { id: c.position.to_string(), max_points: c.max_points }).collect();
    let mut lots = Vec::new();
    for (position, lot) in spec.lots.iter().enumerate() {
        let position = position as i64;
        let failed =
            failures.iter().find(|f| f.get::<i64, _>("lot_position") == position).map(|f| f.get::<String, _>("reason"));
        let awarded_bid_id =
            awards.iter().find(|a| a.get::<i64, _>("lot_position") == position).map(|a| a.get::<String, _>("bid_id"));
        // The bids covering this lot, with this lot's price: each lot is ranked on its own prices.
        let covering: Vec<(usize, String, Decimal)> = bids
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let bid: String = b.get("id");
                lot_prices
                    .iter()
                    .find(|p| p.get::<String, _>("bid_id") == bid && p.get::<i64, _>("lot_position") == position)
                    .map(|p| (i, bid, Yuan::from_fen(p.get("price_fen")).amount()))
            })
            .collect();
        let mut rows = Vec::new();
        if failed.is_none() && !sheets.is_empty() && !covering.is_empty() {
            let prices: Vec<(String, Decimal)> = covering.iter().map(|(_, bid, price)| (bid.clone(), *price)).collect();
            let scores: Vec<Vec<Vec<Decimal>>> =
                matrix.iter().map(|per_bid| covering.iter().map(|(i, _, _)| per_bid[*i].clone()).collect()).collect();
            let totals =
                scoring::totals(&criteria, &prices, &scores, Some(from_centi(t.price_weight_centi))).map_err(|e| {
                    tracing::error!(error = %e, "stored scores do not compute");
                    AppError::Internal
                })?;
            rows = scoring::rank(totals)
                .into_iter()
                .map(|r| {
                    let b = bids
                        .iter()
                        .find(|b| b.get::<String, _>("id") == r.total.bid)
                        .expect("ranked bids come from this list");
                    RankRow {
                        bid_id: r.total.bid.clone(),
                        alias: b.get::<Option<String>, _>("alias").unwrap_or_default(),
                        org_name: b.get("name"),
                        price: r.total.price,
                        technical: r.total.technical,
                        price_points: r.total.price_points,
                        total: r.total.total,
                        rank: r.rank,
                        tied: r.tied,
                    }
                })
                .collect();
        }
        lots.push(LotRanking { position, lot: lot.name.clone(), failed, awarded_bid_id, rows });
    }
    Ok(RankingView { lots, sheets_submitted: sheets.len() as i64, experts })
}

/// Confirms the award of one lot to its first-ranked bid once every assigned expert has
/// submitted, and creates that lot's contract, whose obligations come from the tender's
/// template. The tender is awarded when every lot still standing is.
pub async fn award(
    db: &Db,
    officer: &SessionUser,
    id: &str,
    lot: i64,
    bid_id: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Award, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let r = ranking(db, id).await?;
    if r.sheets_submitted < r.experts {
        return Err(AppError::field(
            "award",
            "sheets_missing",
            "尚有专家未提交评分表",
            "Not every expert has submitted a score sheet",
        ));
    }
    let Some(lot_ranking) = r.lots.iter().find(|l| l.position == lot) else {
        return Err(AppError::NotFound);
    };
    if lot_ranking.failed.is_some() {
        return Err(AppError::field("award", "lot_failed", "该标段已废标", "This lot has failed"));
    }
    if lot_ranking.awarded_bid_id.is_some() {
        return Err(AppError::field("award", "lot_awarded", "该标段已确定中标人", "This lot is awarded already"));
    }
    let Some(row) = lot_ranking.rows.iter().find(|row| row.bid_id == bid_id) else {
        return Err(AppError::NotFound);
    };
    if row.rank != 1 {
        return Err(AppError::field(
            "award",
            "not_first_ranked",
            "只能确定排名第一的投标人为中标人",
            "Only a first-ranked bid can be awarded",
        ));
    }
    let org_id: String =
        sqlx::query("SELECT org_id FROM bids WHERE id = $1").bind(bid_id).fetch_one(&db.pool).await?.get("org_id");
    // The tender is awarded with its last open lot.
    let open_lots = r.lots.iter().filter(|l| l.failed.is_none() && l.awarded_bid_id.is_none()).count();
    let mut tx = db.pool.begin().await?;
    let contract_id = new_id();
    sqlx::query("INSERT INTO contracts (id, tender_id, lot_position, bid_id, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&contract_id)
        .bind(id)
        .bind(lot)
        .bind(bid_id)
        .bind(&org_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if crate::server::db::is_unique_violation(&e) { AppError::Conflict("lot awarded meanwhile".into()) } else { AppError::from(e) })?;
    if open_lots == 1 {
        let done = sqlx::query("UPDATE tenders SET status = 'awarded', awarded_bid_id = $1, awarded_at = $2 WHERE id = $3 AND status = 'opened'")
            .bind(bid_id)
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::Conflict("tender state changed".into()));
        }
    }
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.award", "tender", id)
            .before(json!({"status": "opened"}))
            .after(json!({
                "status": if open_lots == 1 { "awarded" } else { "opened" },
                "lot": lot_ranking.lot, "bid": bid_id, "winner": row.org_name,
                "price": Yuan::round_from(row.price).map(|y| y.to_string()).ok(), "total": scoring::display(row.total), "contract": contract_id,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A 中标通知书 for one winning organisation: the lots it was awarded and their prices.
pub struct AwardNotice {
    pub tender_id: String,
    pub title: String,
    pub buyer: String,
    pub winner: String,
    pub winner_org_id: String,
    /// (lot name, the bid's price for that lot)
    pub lots: Vec<(String, Yuan)>,
    pub price: Yuan,
    pub awarded_at: i64,
}

/// One notice per organisation awarded at least one lot of the tender, in lot order.
pub async fn award_notices(db: &Db, id: &str) -> Result<Vec<AwardNotice>, AppError> {
    let t = load(db, id).await?;
    let spec = t.spec()?;
    let rows = sqlx::query(
        "SELECT c.lot_position, c.created_at, c.org_id, o.name, l.price_fen FROM contracts c JOIN organisations o ON o.id = c.org_id \
         JOIN bid_lots l ON l.bid_id = c.bid_id AND l.lot_position = c.lot_position WHERE c.tender_id = $1 ORDER BY c.lot_position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<AwardNotice> = Vec::new();
    for r in &rows {
        let org: String = r.get("org_id");
        let lot = spec.lots.get(r.get::<i64, _>("lot_position") as usize).map(|l| l.name.clone()).unwrap_or_default();
        let price = Yuan::from_fen(r.get("price_fen"));
        let at: i64 = r.get("created_at");
        match out.iter_mut().find(|n| n.winner_org_id == org) {
            Some(n) => {
                n.lots.push((lot, price));
                n.price = Yuan::from_fen(n.price.fen() + price.fen());
                n.awarded_at = n.awarded_at.max(at);
            }
            None => out.push(AwardNotice {
                tender_id: t.id.clone(),
                title: t.title.clone(),
                buyer: t.buyer.clone(),
                winner: r.get("name"),
                winner_org_id: org,
                lots: vec![(lot, price)],
                price,
                awarded_at: at,
            }),
        }
    }
    if out.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(out)
}

async fn obligations_of(db: &Db, contract_id: &str, template_id: &str) -> Result<Vec<ObligationView>, AppError> {
    let template = crate::schemes::server::by_id(db, template_id).await?.ok_or(AppError::Internal)?;
    let mut out = Vec::new();
    for year in 1..=template.contract_years {
        let mut actuals = Vec::new();
        for o in &template.obligations {
            let latest = sqlx::query("SELECT value_centi FROM obligation_records WHERE contract_id = $1 AND metric = $2 AND contract_year = $3 ORDER BY recorded_at DESC, id DESC LIMIT 1")
                .bind(contract_id)
                .bind(&o.metric)
                .bind(i64::from(year))
                .fetch_optional(&db.pool)
                .await?;
            if let Some(r) = latest {
                actuals.push((o.metric.clone(), from_centi(r.get("value_centi"))));
            }
        }
        for (o, verdict) in template.obligations.iter().zip(obligation_verdicts(&template, year, &actuals)) {
            out.push(ObligationView {
                metric: o.metric.clone(),
                name_zh: o.name.zh.clone(),
                name_en: o.name.en.clone(),
                contract_year: year,
                minimum: o.min_by_year.get(usize::from(year) - 1).copied().unwrap_or_default(),
                current: actuals.iter().find(|(m, _)| m == &o.metric).map(|(_, v)| *v),
                verdict,
            });
        }
    }
    Ok(out)
}

/// The awarded operator's contracts: its members see them, nobody else through this path.
pub async fn contracts_for(db: &Db, member: &SessionUser) -> Result<Vec<ContractView>, AppError> {
    let Some(org) = &member.org_id else { return Ok(vec![]) };
    // One contract per awarded lot, at that lot's price.
    let rows = sqlx::query(
        "SELECT c.id, c.lot_position, c.created_at, t.title, t.buyer, t.template_id, t.spec_json, l.price_fen FROM contracts c \
         JOIN tenders t ON t.id = c.tender_id LEFT JOIN bid_lots l ON l.bid_id = c.bid_id AND l.lot_position = c.lot_position \
         WHERE c.org_id = $1 ORDER BY c.created_at DESC, c.lot_position",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.get("id");
        let template_id: String = r.get("template_id");
        let lot = lot_name(r.get("spec_json"), r.get("lot_position"));
        out.push(ContractView {
            obligations: obligations_of(db, &id, &template_id).await?,
            id,
            tender_title: r.get("title"),
            lot,
            buyer: r.get("buyer"),
            price_fen: r.get::<Option<i64>, _>("price_fen").unwrap_or_default(),
            awarded_at: r.get("created_at"),
        });
    }
    Ok(out)
}

/// Records the operator's current figure for an obligation (append-only history).
pub async fn record_obligation(
    db: &Db,
    member: &SessionUser,
    contract_id: &str,
    metric: &str,
    year: u8,
    value: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT c.org_id, t.template_id FROM contracts c JOIN tenders t ON t.id = c.tender_id WHERE c.id = $1",
    )
    .bind(contract_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if member.org_id.as_deref() != Some(row.get::<String, _>("org_id").as_str()) {
        return Err(AppError::Forbidden);
    }
    let template =
        crate::schemes::server::by_id(db, &row.get::<String, _>("template_id")).await?.ok_or(AppError::Internal)?;
    if !template.obligations.iter().any(|o| o.metric == metric) {
        return Err(AppError::field(
            "metric",
            "unknown_obligation",
            "合同中没有该项义务",
            "The contract has no such obligation",
        ));
    }
    if year < 1 || year > template.contract_years {
        return Err(AppError::field(
            "contract_year",
            "year_outside_term",
            "合同年度超出合同期限",
            "The year is outside the contract term",
        ));
    }
    let value = match value.trim().parse::<Decimal>() {
        Ok(v) if v >= Decimal::ZERO && v.normalize().scale() <= 2 => v,
        _ => {
            return Err(AppError::field(
                "value",
                "value_invalid",
                "请输入不小于零的数（最多两位小数）",
                "Enter a number of at least zero (two decimals at most)",
            ))
        }
    };
    let previous = obligations_of(db, contract_id, &template.id)
        .await?
        .into_iter()
        .find(|o| o.metric == metric && o.contract_year == year)
        .and_then(|o| o.current);
    let id = new_id();
    let mut tx = db.pool.begin().await?;
    sqlx::query("INSERT INTO obligation_records (id, contract_id, metric, contract_year, value_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(contract_id)
        .bind(metric)
        .bind(i64::from(year))
        .bind(centi(value))
        .bind(&member.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(member),
        Change::new("obligation.record", "contract", contract_id)
            .before(json!({"metric": metric, "year": year, "value": previous}))
            .after(json!({"metric": metric, "year": year, "value": value})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
