//! The append-only audit log: who, when, what, and the state before and after. The
//! application only ever inserts into it; there is no update or delete path.

use super::db::new_ordered_id;
use crate::error::AppError;
use crate::identity::SessionUser;
use sqlx::{Any, Executor};

/// Who made a change.
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    User(&'a SessionUser),
    /// An admin subcommand run on the server's console (create-user, seed-demo).
    Console,
    /// The public, e.g. a registration without an account.
    Anonymous,
    /// caiping itself, acting on a rule (an automatic recusal, say).
    System,
}

impl Actor<'_> {
    fn id(&self) -> Option<&str> {
        match self {
            Actor::User(u) => Some(&u.id),
            _ => None,
        }
    }

    fn label(&self) -> String {
        match self {
            Actor::User(u) => format!("{} ({})", u.username, u.role),
            Actor::Console => "console".to_string(),
            Actor::Anonymous => "anonymous".to_string(),
            Actor::System => "system".to_string(),
        }
    }
}

pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: &'a str) -> Self {
        Self { action, entity, entity_id, before: None, after: None }
    }
    pub fn before(mut self, v: serde_json::Value) -> Self {
        self.before = Some(v);
        self
    }
    pub fn after(mut self, v: serde_json::Value) -> Self {
        self.after = Some(v);
        self
    }
}

/// Writes one entry, inside the caller's transaction so the entry and the change commit together.
pub async fn record<'e, E>(exec: E, now_ms: i64, actor: Actor<'_>, change: Change<'_>) -> Result<(), AppError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_label, action, entity, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_ordered_id())
    .bind(now_ms)
    .bind(actor.id())
    .bind(actor.label())
    .bind(change.action)
    .bind(change.entity)
    .bind(change.entity_id)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .execute(exec)
    .await?;
    Ok(())
}
