//! Re-reviews in the database: started by the tender's officer after the report is signed, closed
//! when every member has signed the report formed again.

use super::RereviewView;
use crate::domain::evaluation::rereview::{self, RereviewError};
use crate::domain::national::CorrectionReason;
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::panels::server::SCORED_IN_REVIEW;
use crate::panels::ReviewId;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use crate::tenders::server::load_for_officer;
use serde_json::json;
use sqlx::Row;

pub fn refused(field: &str, e: RereviewError) -> AppError {
    AppError::Validation(vec![FieldError {
        field: field.into(),
        code: e.code().into(),
        message_zh: e.message_zh(),
        message_en: e.to_string(),
    }])
}

/// Every re-review of the review, oldest first.
pub async fn all(db: &Db, rid: &ReviewId) -> Result<Vec<RereviewView>, AppError> {
    Ok(sqlx::query(
        "SELECT round, reason, finding, started_at, closed_at FROM rereviews WHERE tender_id = $1 AND review_lot = $2 \
         ORDER BY round",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_all(&db.pool)
    .await?
    .iter()
    .filter_map(|r| {
        let reason = CorrectionReason::parse(&r.get::<String, _>("reason"))?;
        Some(RereviewView {
            round: r.get("round"),
            reason,
            reason_zh: reason.name_zh().into(),
            finding: r.get("finding"),
            started_at: r.get("started_at"),
            closed_at: r.get("closed_at"),
        })
    })
    .collect())
}

/// The re-review under way, if any.
pub async fn open(db: &Db, rid: &ReviewId) -> Result<Option<RereviewView>, AppError> {
    Ok(all(db, rid).await?.into_iter().find(|r| r.closed_at.is_none()))
}

/// O87 art. 64 ¶2: the officer convenes the original panel, for one of the four reasons, stating
/// what was found. `signed`: every member signed the current report.
pub async fn start(
    db: &Db,
    officer: &SessionUser,
    rid: &ReviewId,
    signed: bool,
    reason: CorrectionReason,
    finding: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    crate::panels::server::check_held(&load_for_officer(db, officer, &rid.tender).await?, rid)?;
    // An award made on the review's result closes it: a lot's own, or any lot of the tender's one.
    let awarded =
        sqlx::query(&format!("SELECT 1 AS one FROM contracts WHERE tender_id = $1 AND {SCORED_IN_REVIEW} LIMIT 1"))
            .bind(&rid.tender)
            .bind(rid.column())
            .fetch_optional(&db.pool)
            .await?
            .is_some();
    let rounds = all(db, rid).await?;
    let open = rounds.iter().any(|r| r.closed_at.is_none());
    rereview::start(signed || open, awarded, open, finding).map_err(|e| refused("finding", e))?;
    let round = rounds.len() as i64 + 1;
    let from_version: i64 =
        sqlx::query("SELECT MAX(version) AS v FROM reports WHERE tender_id = $1 AND review_lot = $2")
            .bind(&rid.tender)
            .bind(rid.column())
            .fetch_one(&db.pool)
            .await?
            .get::<Option<i64>, _>("v")
            .unwrap_or(0);
    let code = reason.as_str();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO rereviews (tender_id, review_lot, round, reason, finding, from_version, started_by, started_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(round)
    .bind(code)
    .bind(finding.trim())
    .bind(from_version)
    .bind(&officer.id)
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::server::db::is_unique_violation(&e) {
            refused("finding", RereviewError::AlreadyOpen)
        } else {
            AppError::from(e)
        }
    })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("rereview.start", rid.entity(), &rid.to_string())
            .after(json!({"round": round, "reason": code, "finding": finding.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closes the open re-review once every member signed a report version formed after it began.
pub async fn close_if_signed(
    db: &Db,
    rid: &ReviewId,
    version: i64,
    all_signed: bool,
    now_ms: i64,
) -> Result<(), AppError> {
    let Some(open) = open(db, rid).await? else { return Ok(()) };
    let from: i64 =
        sqlx::query("SELECT from_version FROM rereviews WHERE tender_id = $1 AND review_lot = $2 AND round = $3")
            .bind(&rid.tender)
            .bind(rid.column())
            .bind(open.round)
            .fetch_one(&db.pool)
            .await?
            .get("from_version");
    if !all_signed || version <= from {
        return Ok(());
    }
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE rereviews SET closed_at = $1 WHERE tender_id = $2 AND review_lot = $3 AND round = $4 AND closed_at IS NULL",
    )
    .bind(now_ms)
    .bind(&rid.tender)
    .bind(rid.column())
        .bind(open.round)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::System,
        Change::new("rereview.close", rid.entity(), &rid.to_string())
            .after(json!({"round": open.round, "version": version})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
