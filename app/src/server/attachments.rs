//! The officer's attachments to a tender: added while it is a draft (so they are part of the
//! published notice), listed and downloadable by everyone once published.

use super::audit::{self, Actor, Change};
use super::db::Db;
use super::tenders::load;
use crate::domain::tender::TenderStatus;
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::tenders::AttachmentView;
use serde_json::json;
use sqlx::Row;

pub async fn ensure_draft(db: &Db, tender_id: &str) -> Result<(), AppError> {
    if load(db, tender_id).await?.status != TenderStatus::Draft {
        return Err(AppError::field("file", "attachments_frozen", "附件须在发布前上传；发布后的变更请发布更正公告", "Attach files before publishing; later changes go through an amendment"));
    }
    Ok(())
}

pub async fn add(db: &Db, officer: &SessionUser, tender_id: &str, sha256: &str, file_name: &str, size: i64, content_type: &str, now_ms: i64) -> Result<(), AppError> {
    ensure_draft(db, tender_id).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query("INSERT INTO tender_attachments (tender_id, sha256, file_name, file_size, content_type, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(tender_id)
        .bind(sha256)
        .bind(file_name)
        .bind(size)
        .bind(content_type)
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if super::db::is_unique_violation(&e) { AppError::field("file", "attachment_exists", "同一文件已上传", "That file is attached already") } else { AppError::from(e) })?;
    audit::record(&mut *tx, now_ms, Actor::User(officer), Change::new("tender.attach", "tender", tender_id).after(json!({"file": file_name, "sha256": sha256, "size": size}))).await?;
    tx.commit().await?;
    Ok(())
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

/// An attachment for download: anyone once the tender is published; drafts only for officers.
pub async fn for_download(db: &Db, viewer: Option<&SessionUser>, tender_id: &str, sha256: &str) -> Result<AttachmentView, AppError> {
    let t = load(db, tender_id).await?;
    if t.status == TenderStatus::Draft && !viewer.is_some_and(|v| v.role == crate::identity::Role::Officer) {
        return Err(AppError::NotFound);
    }
    list(db, tender_id).await?.into_iter().find(|a| a.sha256 == sha256).ok_or(AppError::NotFound)
}
