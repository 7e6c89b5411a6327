//! The walking skeleton's tender flow in the database. Every state change writes its audit
//! entry in the same transaction. Bids stay sealed (no price, no file) until the officer opens
//! them, which the domain allows only from the opening time on.

use super::audit::{self, Actor, Change};
use super::db::{new_id, Db};
use super::storage::StoredFile;
use crate::domain::money::Yuan;
use crate::domain::obligations::obligation_verdicts;
use crate::domain::scoring::{self, Criterion};
use crate::domain::tender::{self, Action, TenderError, TenderInput, TenderStatus};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::tenders::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

/// The skeleton's tenders use the Suzhou street bundle's obligations (≥ 5 staff in year 1).
pub const SKELETON_TEMPLATE: &str = "suzhou-street-4plus1";
/// The largest bid file accepted (bytes).
pub const MAX_BID_FILE: u64 = 20 * 1024 * 1024;

fn centi(d: Decimal) -> i64 {
    (d * Decimal::from(100)).round().to_i64().unwrap_or(i64::MAX)
}

fn from_centi(c: i64) -> Decimal {
    Decimal::new(c, 2)
}

fn tender_error(e: TenderError) -> AppError {
    let (zh, en) = match &e {
        TenderError::WrongState(s) => (format!("招标项目当前状态（{}）不允许此操作", s.as_str()), format!("Not allowed while the tender is {}", s.as_str())),
        TenderError::DeadlinePassed => ("投标截止时间已过".to_string(), "The bid deadline has passed".to_string()),
        TenderError::NotYetOpen => ("尚未到开标时间".to_string(), "The opening time has not come".to_string()),
    };
    AppError::Validation(vec![FieldError { field: "tender".into(), code: e.code().into(), message_zh: zh, message_en: en }])
}

struct TenderRow {
    id: String,
    title: String,
    buyer: String,
    budget_fen: i64,
    price_weight_centi: i64,
    bid_deadline: i64,
    opening_at: i64,
    status: TenderStatus,
    awarded_bid_id: Option<String>,
    awarded_at: Option<i64>,
}

const TENDER_COLUMNS: &str =
    "id, title, buyer, budget_fen, price_weight_centi, bid_deadline, opening_at, status, awarded_bid_id, awarded_at";

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
    })
}

async fn load(db: &Db, id: &str) -> Result<TenderRow, AppError> {
    let row = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    tender_row(&row)
}

async fn winner_name(db: &Db, t: &TenderRow) -> Result<Option<String>, AppError> {
    match (&t.awarded_bid_id, t.status) {
        (Some(bid), TenderStatus::Awarded) => Ok(sqlx::query("SELECT o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.id = $1")
            .bind(bid)
            .fetch_optional(&db.pool)
            .await?
            .map(|r| r.get::<String, _>("name"))),
        _ => Ok(None),
    }
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
    let rows = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE status <> 'draft' ORDER BY published_at DESC, id"))
        .fetch_all(&db.pool)
        .await?;
    summaries(db, rows).await
}

pub async fn officer_list(db: &Db, officer: &SessionUser) -> Result<Vec<TenderSummary>, AppError> {
    let rows = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE created_by = $1 ORDER BY created_at DESC, id"))
        .bind(&officer.id)
        .fetch_all(&db.pool)
        .await?;
    summaries(db, rows).await
}

async fn criteria(db: &Db, tender_id: &str) -> Result<Vec<CriterionView>, AppError> {
    let rows = sqlx::query("SELECT position, name, max_points_centi FROM tender_criteria WHERE tender_id = $1 ORDER BY position")
        .bind(tender_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| CriterionView { position: r.get("position"), name: r.get("name"), max_points: from_centi(r.get("max_points_centi")) })
        .collect())
}

/// Creates a draft from the officer's input; every active expert is assigned to the panel.
pub async fn create(db: &Db, officer: &SessionUser, input: &TenderInput, now_ms: i64) -> Result<String, AppError> {
    let v = tender::parse_tender(input, now_ms).map_err(AppError::Validation)?;
    let id = new_id();
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO tenders (id, title, buyer, template_id, method, budget_fen, price_weight_centi, bid_deadline, opening_at, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, 'open_tender', $5, $6, $7, $8, 'draft', $9, $10)",
    )
    .bind(&id)
    .bind(&v.title)
    .bind(&v.buyer)
    .bind(SKELETON_TEMPLATE)
    .bind(v.budget.fen())
    .bind(centi(v.price_weight_pct))
    .bind(v.bid_deadline_ms)
    .bind(v.opening_ms)
    .bind(&officer.id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    for (i, (name, points)) in v.criteria.iter().enumerate() {
        sqlx::query("INSERT INTO tender_criteria (tender_id, position, name, max_points_centi) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(i as i64)
            .bind(name)
            .bind(centi(*points))
            .execute(&mut *tx)
            .await?;
    }
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
        Change::new("tender.create", "tender", &id).after(json!({
            "title": v.title, "buyer": v.buyer, "budget": v.budget.to_string(), "price_weight_pct": v.price_weight_pct,
            "bid_deadline": v.bid_deadline_ms, "opening_at": v.opening_ms, "criteria": v.criteria, "experts": experts.len(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn detail(db: &Db, id: &str) -> Result<TenderView, AppError> {
    let t = load(db, id).await?;
    let bid_count: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bids WHERE tender_id = $1").bind(id).fetch_one(&db.pool).await?.get("n");
    Ok(TenderView { price_weight_pct: from_centi(t.price_weight_centi), criteria: criteria(db, id).await?, bid_count, summary: summary(db, &t).await? })
}

async fn set_status(db: &Db, actor: &SessionUser, t: &TenderRow, to: TenderStatus, column: &str, now_ms: i64, action: &str, extra: serde_json::Value) -> Result<(), AppError> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(&format!("UPDATE tenders SET status = $1, {column} = $2 WHERE id = $3 AND status = $4"))
        .bind(to.as_str())
        .bind(now_ms)
        .bind(&t.id)
        .bind(t.status.as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        // Someone else changed it first.
        return Err(AppError::Conflict("tender state changed".into()));
    }
    if to == TenderStatus::Opened {
        let bids = sqlx::query("SELECT id FROM bids WHERE tender_id = $1 ORDER BY submitted_at, id").bind(&t.id).fetch_all(&mut *tx).await?;
        for (i, b) in bids.iter().enumerate() {
            sqlx::query("UPDATE bids SET alias = $1 WHERE id = $2").bind(tender::alias(i)).bind(b.get::<String, _>("id")).execute(&mut *tx).await?;
        }
    }
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(actor),
        Change::new(action, "tender", &t.id).before(json!({"status": t.status.as_str()})).after(json!({"status": to.as_str(), "detail": extra})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn publish(db: &Db, officer: &SessionUser, id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Publish, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    set_status(db, officer, &t, TenderStatus::Published, "published_at", now_ms, "tender.publish", json!({})).await
}

/// Opens the bids (from the opening time on) and gives them their aliases A, B, C….
pub async fn open(db: &Db, officer: &SessionUser, id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Open, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let n: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bids WHERE tender_id = $1").bind(id).fetch_one(&db.pool).await?.get("n");
    set_status(db, officer, &t, TenderStatus::Opened, "opened_at", now_ms, "tender.open", json!({"bids": n})).await
}

async fn receipt(db: &Db, tender_id: &str, org_id: &str) -> Result<Option<BidReceipt>, AppError> {
    let row = sqlx::query("SELECT file_name, file_size, file_sha256, submitted_at FROM bids WHERE tender_id = $1 AND org_id = $2")
        .bind(tender_id)
        .bind(org_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| BidReceipt {
        tender_id: tender_id.to_string(),
        file_name: r.get("file_name"),
        file_size: r.get("file_size"),
        file_sha256: r.get("file_sha256"),
        submitted_at: r.get("submitted_at"),
    }))
}

pub async fn bidder_list(db: &Db, bidder: &SessionUser) -> Result<Vec<(TenderSummary, Option<BidReceipt>)>, AppError> {
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let mut out = Vec::new();
    for s in public_list(db).await? {
        let r = receipt(db, &s.id, &org).await?;
        out.push((s, r));
    }
    Ok(out)
}

/// Refuses an upload before a byte is stored when the tender takes no bids now.
pub async fn ensure_open_for_bids(db: &Db, tender_id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load(db, tender_id).await?;
    tender::allowed(t.status, Action::SubmitBid, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)
}

/// Stores (or, before the deadline, replaces) the organisation's sealed bid. The audit entry
/// records the file's hash and size only: the price stays sealed until the opening.
pub async fn submit_bid(db: &Db, bidder: &SessionUser, tender_id: &str, price: &str, file: &StoredFile, file_name: &str, now_ms: i64) -> Result<BidReceipt, AppError> {
    let org = bidder.org_id.clone().ok_or(AppError::Forbidden)?;
    let t = load(db, tender_id).await?;
    tender::allowed(t.status, Action::SubmitBid, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let price = Yuan::parse(price).map_err(|e| AppError::field("price", e.code(), "报价金额无效（最多两位小数）", "Invalid price (at most two decimals)"))?;
    if price.fen() <= 0 {
        return Err(AppError::field("price", "price_positive", "报价须大于零", "The price must be positive"));
    }
    if price.fen() > t.budget_fen {
        // O87 art. 63: a bid above the purchase budget is invalid.
        return Err(AppError::field("price", "price_over_budget", "报价超过采购预算，投标无效", "A price above the budget makes the bid invalid"));
    }
    let previous = receipt(db, tender_id, &org).await?;
    let mut tx = db.pool.begin().await?;
    let id = match &previous {
        Some(_) => {
            sqlx::query("UPDATE bids SET price_fen = $1, file_sha256 = $2, file_name = $3, file_size = $4, submitted_by = $5, submitted_at = $6 WHERE tender_id = $7 AND org_id = $8")
                .bind(price.fen())
                .bind(&file.sha256)
                .bind(file_name)
                .bind(file.size as i64)
                .bind(&bidder.id)
                .bind(now_ms)
                .bind(tender_id)
                .bind(&org)
                .execute(&mut *tx)
                .await?;
            sqlx::query("SELECT id FROM bids WHERE tender_id = $1 AND org_id = $2").bind(tender_id).bind(&org).fetch_one(&mut *tx).await?.get::<String, _>("id")
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO bids (id, tender_id, org_id, price_fen, file_sha256, file_name, file_size, submitted_by, submitted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&id)
            .bind(tender_id)
            .bind(&org)
            .bind(price.fen())
            .bind(&file.sha256)
            .bind(file_name)
            .bind(file.size as i64)
            .bind(&bidder.id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                if super::db::is_unique_violation(&e) {
                    // Two submissions from the same organisation at once: the other one won.
                    AppError::Conflict("bid submitted concurrently".into())
                } else {
                    AppError::from(e)
                }
            })?;
            id
        }
    };
    let mut change = Change::new(if previous.is_some() { "bid.resubmit" } else { "bid.submit" }, "bid", &id)
        .after(json!({"tender": tender_id, "file_sha256": file.sha256, "file_size": file.size}));
    if let Some(p) = &previous {
        change = change.before(json!({"file_sha256": p.file_sha256, "file_size": p.file_size}));
    }
    audit::record(&mut *tx, now_ms, Actor::User(bidder), change).await?;
    tx.commit().await?;
    Ok(BidReceipt { tender_id: tender_id.into(), file_name: file_name.into(), file_size: file.size as i64, file_sha256: file.sha256.clone(), submitted_at: now_ms })
}

/// The stored file of a bid, for officers, auditors and admins — only once the bids are open.
pub async fn bid_file(db: &Db, tender_id: &str, bid_id: &str) -> Result<(String, String), AppError> {
    let t = load(db, tender_id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let row = sqlx::query("SELECT file_sha256, file_name FROM bids WHERE id = $1 AND tender_id = $2")
        .bind(bid_id)
        .bind(tender_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((row.get("file_sha256"), row.get("file_name")))
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
        "SELECT {TENDER_COLUMNS} FROM tenders WHERE status IN ('opened', 'awarded') AND id IN (SELECT tender_id FROM tender_experts WHERE expert_id = $1) ORDER BY opening_at DESC"
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
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let crit = criteria(db, id).await?;
    let bids = sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL ORDER BY alias").bind(id).fetch_all(&db.pool).await?;
    let mut rows = Vec::new();
    for b in &bids {
        let scores = sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
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
pub async fn submit_scores(db: &Db, expert: &SessionUser, id: &str, scores: &[(String, Vec<String>)], now_ms: i64) -> Result<(), AppError> {
    let sheet = score_sheet(db, expert, id).await?;
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Score, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    if sheet.submitted {
        return Err(AppError::field("scores", "sheet_already_submitted", "评分表已提交，不能再修改", "The score sheet was already submitted"));
    }
    let bid_ids: Vec<(String, String)> = sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL")
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
            errors.push(FieldError::new(&format!("scores[{alias}]"), "scores_missing", &format!("请为投标人{alias}评分"), &format!("Score bidder {alias}")));
            continue;
        };
        let mut row = Vec::new();
        for (i, c) in sheet.criteria.iter().enumerate() {
            match values.get(i).and_then(|v| v.trim().parse::<Decimal>().ok()) {
                Some(p) if p >= Decimal::ZERO && p <= c.max_points && p.normalize().scale() <= 2 => row.push(p),
                _ => errors.push(FieldError {
                    field: format!("scores[{alias}][{i}]"),
                    code: "score_out_of_range".into(),
                    message_zh: format!("投标人{alias}“{}”须为0–{}分（最多两位小数）", c.name, c.max_points.normalize()),
                    message_en: format!("Bidder {alias}, “{}”: 0–{} points (two decimals at most)", c.name, c.max_points.normalize()),
                }),
            }
        }
        parsed.push((alias.clone(), row));
    }
    if scores.iter().any(|(a, _)| !bid_ids.iter().any(|(b, _)| b == a)) {
        errors.push(FieldError::new("scores", "unknown_bidder", "评分表含有不存在的投标人", "The sheet names a bidder that does not exist"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db.pool.begin().await?;
    for (alias, row) in &parsed {
        let bid_id = &bid_ids.iter().find(|(a, _)| a == alias).expect("checked above").1;
        for (i, p) in row.iter().enumerate() {
            sqlx::query("INSERT INTO scores (tender_id, expert_id, bid_id, position, points_centi) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(&expert.id)
                .bind(bid_id)
                .bind(i as i64)
                .bind(centi(*p))
                .execute(&mut *tx)
                .await?;
        }
    }
    sqlx::query("INSERT INTO score_sheets (tender_id, expert_id, submitted_at) VALUES ($1, $2, $3)").bind(id).bind(&expert.id).bind(now_ms).execute(&mut *tx).await?;
    audit::record(&mut *tx, now_ms, Actor::User(expert), Change::new("scores.submit", "tender", id).after(json!({"sheet": parsed}))).await?;
    tx.commit().await?;
    Ok(())
}

/// O87 art. 55/57: the mean of the submitted sheets plus price points, ranked.
pub async fn ranking(db: &Db, id: &str) -> Result<RankingView, AppError> {
    let t = load(db, id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let crit = criteria(db, id).await?;
    let experts: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tender_experts WHERE tender_id = $1").bind(id).fetch_one(&db.pool).await?.get("n");
    let sheets: Vec<String> = sqlx::query("SELECT expert_id FROM score_sheets WHERE tender_id = $1 ORDER BY expert_id")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("expert_id"))
        .collect();
    let bids = sqlx::query("SELECT b.id, b.alias, b.price_fen, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 ORDER BY b.alias")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    if sheets.is_empty() || bids.is_empty() {
        return Ok(RankingView { rows: vec![], sheets_submitted: sheets.len() as i64, experts });
    }
    let mut matrix = Vec::new();
    for e in &sheets {
        let mut per_bid = Vec::new();
        for b in &bids {
            let points = sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
                .bind(e)
                .bind(b.get::<String, _>("id"))
                .fetch_all(&db.pool)
                .await?;
            per_bid.push(points.iter().map(|p| from_centi(p.get("points_centi"))).collect::<Vec<_>>());
        }
        matrix.push(per_bid);
    }
    let criteria: Vec<Criterion> = crit.iter().map(|c| Criterion { id: c.position.to_string(), max_points: c.max_points }).collect();
    let prices: Vec<(String, Decimal)> = bids.iter().map(|b| (b.get::<String, _>("id"), Yuan::from_fen(b.get("price_fen")).amount())).collect();
    let totals = scoring::totals(&criteria, &prices, &matrix, Some(from_centi(t.price_weight_centi))).map_err(|e| {
        tracing::error!(error = %e, "stored scores do not compute");
        AppError::Internal
    })?;
    let rows = scoring::rank(totals)
        .into_iter()
        .map(|r| {
            let b = bids.iter().find(|b| b.get::<String, _>("id") == r.total.bid).expect("ranked bids come from this list");
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
    Ok(RankingView { rows, sheets_submitted: sheets.len() as i64, experts })
}

/// Confirms the award to a first-ranked bid once every assigned expert has submitted, and
/// creates the contract whose obligations come from the tender's template.
pub async fn award(db: &Db, officer: &SessionUser, id: &str, bid_id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Award, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let r = ranking(db, id).await?;
    if r.sheets_submitted < r.experts {
        return Err(AppError::field("award", "sheets_missing", "尚有专家未提交评分表", "Not every expert has submitted a score sheet"));
    }
    let Some(row) = r.rows.iter().find(|row| row.bid_id == bid_id) else {
        return Err(AppError::NotFound);
    };
    if row.rank != 1 {
        return Err(AppError::field("award", "not_first_ranked", "只能确定排名第一的投标人为中标人", "Only a first-ranked bid can be awarded"));
    }
    let org_id: String = sqlx::query("SELECT org_id FROM bids WHERE id = $1").bind(bid_id).fetch_one(&db.pool).await?.get("org_id");
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query("UPDATE tenders SET status = 'awarded', awarded_bid_id = $1, awarded_at = $2 WHERE id = $3 AND status = 'opened'")
        .bind(bid_id)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender state changed".into()));
    }
    let contract_id = new_id();
    sqlx::query("INSERT INTO contracts (id, tender_id, bid_id, org_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&contract_id)
        .bind(id)
        .bind(bid_id)
        .bind(&org_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.award", "tender", id)
            .before(json!({"status": "opened"}))
            .after(json!({"status": "awarded", "bid": bid_id, "winner": row.org_name, "price": Yuan::round_from(row.price).map(|y| y.to_string()).ok(), "total": scoring::display(row.total), "contract": contract_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub struct AwardNotice {
    pub tender_id: String,
    pub title: String,
    pub buyer: String,
    pub winner: String,
    pub winner_org_id: String,
    pub price: Yuan,
    pub awarded_at: i64,
}

pub async fn award_notice(db: &Db, id: &str) -> Result<AwardNotice, AppError> {
    let t = load(db, id).await?;
    let (Some(bid), Some(at)) = (t.awarded_bid_id.clone(), t.awarded_at) else {
        return Err(AppError::NotFound);
    };
    let row = sqlx::query("SELECT b.price_fen, o.name, o.id AS org_id FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.id = $1").bind(&bid).fetch_one(&db.pool).await?;
    Ok(AwardNotice { tender_id: t.id, title: t.title, buyer: t.buyer, winner: row.get("name"), winner_org_id: row.get("org_id"), price: Yuan::from_fen(row.get("price_fen")), awarded_at: at })
}

async fn obligations_of(db: &Db, contract_id: &str, template_id: &str) -> Result<Vec<ObligationView>, AppError> {
    let template = super::templates::by_id(db, template_id).await?.ok_or(AppError::Internal)?;
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
    let rows = sqlx::query(
        "SELECT c.id, t.title, t.buyer, t.template_id, t.awarded_at, b.price_fen FROM contracts c \
         JOIN tenders t ON t.id = c.tender_id JOIN bids b ON b.id = c.bid_id WHERE c.org_id = $1 ORDER BY c.created_at DESC",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.get("id");
        let template_id: String = r.get("template_id");
        out.push(ContractView {
            obligations: obligations_of(db, &id, &template_id).await?,
            id,
            tender_title: r.get("title"),
            buyer: r.get("buyer"),
            price_fen: r.get("price_fen"),
            awarded_at: r.get::<Option<i64>, _>("awarded_at").unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Records the operator's current figure for an obligation (append-only history).
pub async fn record_obligation(db: &Db, member: &SessionUser, contract_id: &str, metric: &str, year: u8, value: &str, now_ms: i64) -> Result<(), AppError> {
    let row = sqlx::query("SELECT c.org_id, t.template_id FROM contracts c JOIN tenders t ON t.id = c.tender_id WHERE c.id = $1")
        .bind(contract_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    if member.org_id.as_deref() != Some(row.get::<String, _>("org_id").as_str()) {
        return Err(AppError::Forbidden);
    }
    let template = super::templates::by_id(db, &row.get::<String, _>("template_id")).await?.ok_or(AppError::Internal)?;
    if !template.obligations.iter().any(|o| o.metric == metric) {
        return Err(AppError::field("metric", "unknown_obligation", "合同中没有该项义务", "The contract has no such obligation"));
    }
    if year < 1 || year > template.contract_years {
        return Err(AppError::field("contract_year", "year_outside_term", "合同年度超出合同期限", "The year is outside the contract term"));
    }
    let value = match value.trim().parse::<Decimal>() {
        Ok(v) if v >= Decimal::ZERO && v.normalize().scale() <= 2 => v,
        _ => return Err(AppError::field("value", "value_invalid", "请输入不小于零的数（最多两位小数）", "Enter a number of at least zero (two decimals at most)")),
    };
    let previous = obligations_of(db, contract_id, &template.id).await?.into_iter().find(|o| o.metric == metric && o.contract_year == year).and_then(|o| o.current);
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
