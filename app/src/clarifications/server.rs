//! Clarification questions (澄清) on a published tender. Bidders ask before the tender's
//! clarification deadline (or the bid deadline when none was set); an officer answers, and the
//! answer is published to everyone without the asker's identity (O87 art. 27, verify).

use super::ClarificationView;
use crate::domain::tender::{self, Action, TenderStatus};
use crate::error::AppError;
use crate::identity::{Role, SessionUser};
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use crate::tenders::server::{check_purchaser_side, load, load_for_officer, tender_error};
use serde_json::json;
use sqlx::Row;

pub async fn ask(
    db: &Db,
    bidder: &SessionUser,
    tender_id: &str,
    question: &str,
    now_ms: i64,
) -> Result<String, AppError> {
    let t = load(db, tender_id).await?;
    if let Some(org) = &bidder.org_id {
        crate::accounts::server::require_approved(db, org).await?;
    }
    tender::allowed(t.status, Action::Ask, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let closes = sqlx::query("SELECT clarify_until FROM tenders WHERE id = $1")
        .bind(tender_id)
        .fetch_one(&db.pool)
        .await?
        .get::<Option<i64>, _>("clarify_until");
    if closes.is_some_and(|c| now_ms >= c) {
        return Err(AppError::field(
            "question",
            "clarification_closed",
            "澄清提问已截止",
            "Questions for this tender have closed",
        ));
    }
    let question = question.trim();
    if !(5..=1000).contains(&question.chars().count()) {
        return Err(AppError::field(
            "question",
            "question_length",
            "问题须为 5–1000 字",
            "A question has 5–1,000 characters",
        ));
    }
    // Questions are published without the asker, and the panel reads them with the tender: a
    // question naming its own organisation would tell everyone, experts included, who asked.
    let org = sqlx::query("SELECT name, credit_code FROM organisations WHERE id = $1")
        .bind(&bidder.org_id)
        .fetch_optional(&db.pool)
        .await?;
    let names_asker = org.is_some_and(|o| {
        let code: Option<String> = o.get("credit_code");
        tender::identifies_bidder(question, &o.get::<String, _>("name"), code.as_deref())
    });
    if names_asker {
        return Err(AppError::field(
            "question",
            "question_names_asker",
            "问题不得含有本机构名称或统一社会信用代码（提问匿名公开，评审专家亦可见）",
            "A question must not name your organisation or give its credit code (questions are published \
             anonymously and the panel reads them)",
        ));
    }
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO clarifications (id, tender_id, asked_by, question, asked_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(tender_id)
        .bind(&bidder.id)
        .bind(question)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(bidder),
        Change::new("clarification.ask", "clarification", &id)
            .after(json!({"tender": tender_id, "question": question})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn answer(db: &Db, officer: &SessionUser, id: &str, answer: &str, now_ms: i64) -> Result<(), AppError> {
    let row = sqlx::query("SELECT tender_id, answer FROM clarifications WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let t = load_for_officer(db, officer, &row.get::<String, _>("tender_id")).await?;
    if t.status != TenderStatus::Published {
        return Err(AppError::field(
            "answer",
            "tender_not_published",
            "只能在招标期间答复",
            "Answers are given while the tender is open",
        ));
    }
    if row.get::<Option<String>, _>("answer").is_some() {
        return Err(AppError::field(
            "answer",
            "already_answered",
            "该问题已答复；如需变更请发布更正公告",
            "Already answered; publish an amendment to change it",
        ));
    }
    let answer = answer.trim();
    if !(2..=4000).contains(&answer.chars().count()) {
        return Err(AppError::field(
            "answer",
            "answer_length",
            "答复须为 2–4000 字",
            "An answer has 2–4,000 characters",
        ));
    }
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE clarifications SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4 AND answer IS NULL",
    )
    .bind(answer)
    .bind(&officer.id)
    .bind(now_ms)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("answered meanwhile".into()));
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("clarification.answer", "clarification", id).after(json!({"tender": t.id, "answer": answer})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What `viewer` may see: everyone sees answered questions (never who asked); a bidder also sees
/// its own pending ones; the purchaser side sees all.
pub async fn list(db: &Db, viewer: Option<&SessionUser>, tender_id: &str) -> Result<Vec<ClarificationView>, AppError> {
    let t = load(db, tender_id).await?;
    // The purchaser side of this tender only: another unit's officer reads what the public does.
    let purchaser = match viewer {
        Some(v) if matches!(v.role, Role::Officer | Role::Auditor | Role::Admin) => {
            check_purchaser_side(db, v, &t).await.is_ok()
        }
        _ => false,
    };
    if t.status == TenderStatus::Draft {
        // A draft has no questions yet; outside the purchaser side it does not exist.
        return if purchaser { Ok(vec![]) } else { Err(AppError::NotFound) };
    }
    let rows = sqlx::query("SELECT id, asked_by, question, asked_at, answer, answered_at FROM clarifications WHERE tender_id = $1 ORDER BY asked_at, id")
        .bind(tender_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let mine = viewer.is_some_and(|v| v.id == r.get::<String, _>("asked_by"));
            let answer: Option<String> = r.get("answer");
            (answer.is_some() || mine || purchaser).then(|| ClarificationView {
                id: r.get("id"),
                question: r.get("question"),
                asked_at: r.get("asked_at"),
                answer,
                answered_at: r.get("answered_at"),
                mine,
            })
        })
        .collect())
}
