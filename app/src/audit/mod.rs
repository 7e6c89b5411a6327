//! The audit log as auditors and admins read it.

pub mod labels;
#[cfg(feature = "ssr")]
pub mod server;
pub mod table;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: String,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// The object as a reader knows it (a tender's title, a person's name), when it still exists.
    #[serde(default)]
    pub object: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The most recent entries, newest first. Supervisors (within their region) and admins only.
#[server(endpoint = "audit_log")]
pub async fn audit_log() -> Result<Vec<AuditRecord>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let user = auth::require(&[Role::Auditor, Role::Admin]).await?;
    server::recent(&auth::state()?.db, 200, &server::scope_of(&user)?).await
}
