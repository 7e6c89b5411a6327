//! The officer's attachments to a tender: added while it is a draft (so they are part of the
//! published notice) or, once published and before the deadline, as an amendment of their own;
//! listed and downloadable by everyone once published.

use super::server::{check_purchaser_side, load, load_for_officer};
use crate::domain::amendment;
use crate::domain::tender::{self, Action, TenderStatus};
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use crate::tenders::AttachmentView;
use serde_json::json;
use sqlx::Row;

/// Refuses before the upload is read when the tender no longer takes attachments: a draft does,
/// and a published tender does until its bid deadline (as an amendment, with a reason).
pub async fn ensure_attachable(db: &Db, officer: &SessionUser, tender_id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, tender_id).await?;
    tender::allowed(t.status, Action::Edit, now_ms, t.bid_deadline, t.opening_at).map_err(|_| {
        AppError::field(
            "file",
            "attachments_frozen",
            "投标截止后不能再增加附件",
            "Documents cannot be added after the bid deadline",
        )
    })
}

/// Everything [`add`] refuses without writing: the tender's state, a file attached already and,
/// on a published tender, the amendment's reason. Called before the upload is kept.
pub async fn check(
    db: &Db,
    officer: &SessionUser,
    tender_id: &str,
    file: &NewAttachment<'_>,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    ensure_attachable(db, officer, tender_id, now_ms).await?;
    if list(db, tender_id).await?.iter().any(|a| a.sha256 == file.sha256) {
        return Err(attached_already());
    }
    if load(db, tender_id).await?.status == TenderStatus::Published {
        crate::tenders::server::amendment_reason(reason)?;
    }
    Ok(())
}

fn attached_already() -> AppError {
    AppError::field("file", "attachment_exists", "同一文件已上传", "That file is attached already")
}

/// Attaches a checked, stored file. On a draft it simply joins the notice; on a published tender
/// it is a material amendment (reason required, deadline pushed if too close), in one transaction.
pub async fn add(
    db: &Db,
    officer: &SessionUser,
    tender_id: &str,
    file: &NewAttachment<'_>,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    ensure_attachable(db, officer, tender_id, now_ms).await?;
    let t = load(db, tender_id).await?;
    let amending = t.status == TenderStatus::Published;
    let reason = if amending { crate::tenders::server::amendment_reason(reason)? } else { "" };
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO tender_attachments (tender_id, sha256, file_name, file_size, content_type, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(tender_id)
        .bind(file.sha256)
        .bind(file.file_name)
        .bind(file.size)
        .bind(file.content_type)
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if crate::server::db::is_unique_violation(&e) { attached_already() } else { AppError::from(e) })?;
    let described = json!({"file": file.file_name, "sha256": file.sha256, "size": file.size});
    if amending {
        let plan = amendment::plan_attachment(&t.spec()?, file.file_name, file.sha256, now_ms);
        let amendment = super::server::Amendment {
            from_version: t.version,
            plan: &plan,
            reason,
            extra: json!({"attached": described}),
        };
        super::server::record_amendment(&mut tx, officer, tender_id, amendment, now_ms).await?;
    } else {
        audit::record(
            &mut tx,
            now_ms,
            Actor::User(officer),
            Change::new("tender.attach", "tender", tender_id).after(described),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A stored file about to be attached.
pub struct NewAttachment<'a> {
    pub sha256: &'a str,
    pub file_name: &'a str,
    pub size: i64,
    pub content_type: &'a str,
}

pub async fn list(db: &Db, tender_id: &str) -> Result<Vec<AttachmentView>, AppError> {
    Ok(sqlx::query("SELECT sha256, file_name, file_size, content_type FROM tender_attachments WHERE tender_id = $1 ORDER BY uploaded_at, sha256")
        .bind(tender_id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| AttachmentView { sha256: r.get("sha256"), file_name: r.get("file_name"), file_size: r.get("file_size"), content_type: r.get("content_type") })
        .collect())
}

/// An attachment for download: anyone once the tender is published; a draft's only for the
/// purchaser side that may see the draft.
pub async fn for_download(
    db: &Db,
    viewer: Option<&SessionUser>,
    tender_id: &str,
    sha256: &str,
) -> Result<AttachmentView, AppError> {
    let t = load(db, tender_id).await?;
    if t.status == TenderStatus::Draft {
        match viewer {
            Some(v) => check_purchaser_side(db, v, &t).await?,
            None => return Err(AppError::NotFound),
        }
    }
    list(db, tender_id).await?.into_iter().find(|a| a.sha256 == sha256).ok_or(AppError::NotFound)
}
