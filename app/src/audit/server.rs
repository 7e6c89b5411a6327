//! Reading the audit log.

use crate::audit::AuditRecord;
use crate::error::AppError;
use crate::server::db::Db;
use sqlx::Row;

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditRecord>, AppError> {
    let rows = sqlx::query(
        "SELECT id, at, actor_label, action, entity, entity_id, before_json, after_json \
         FROM audit_log ORDER BY at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| AuditRecord {
            id: r.get("id"),
            at: r.get("at"),
            actor: r.get("actor_label"),
            action: r.get("action"),
            entity: r.get("entity"),
            entity_id: r.get("entity_id"),
            before: r.get("before_json"),
            after: r.get("after_json"),
        })
        .collect())
}
