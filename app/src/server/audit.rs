//! The append-only audit log: who, when, what, and the state before and after. The
//! application only ever inserts into it; there is no update or delete path. The entries form a
//! hash chain (each commits to the one before), so a row edited, inserted or removed in the
//! database itself is found by `verify`.

use super::db::{new_ordered_id, Db};
use crate::error::AppError;
use crate::identity::SessionUser;
use serde::Serialize;
use sqlx::AnyConnection;

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

/// The hash the chain starts from (the previous hash of entry 1).
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored entry, as the chain hashes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: String,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

impl Entry {
    /// SHA-256 over the entry's position, the previous entry's hash and every field, encoded
    /// as one JSON array so no two different entries share an encoding.
    pub fn chain_hash(&self, seq: i64, prev_hash: &str) -> String {
        use sha2::{Digest, Sha256};
        let canonical = serde_json::json!([
            seq,
            prev_hash,
            self.id,
            self.at,
            self.actor_id,
            self.actor_label,
            self.action,
            self.entity,
            self.entity_id,
            self.before_json,
            self.after_json,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// Appends `entry` to the chain on `conn`, which must be inside a transaction: the head row
/// stays locked until it commits, so appends are ordered and none is lost or doubled.
async fn append(conn: &mut AnyConnection, entry: &Entry) -> Result<(), AppError> {
    sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1").execute(&mut *conn).await?;
    let (seq, prev): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *conn).await?;
    let hash = entry.chain_hash(seq, &prev);
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_id, actor_label, action, entity, entity_id, before_json, after_json, \
         seq, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&entry.id)
    .bind(entry.at)
    .bind(&entry.actor_id)
    .bind(&entry.actor_label)
    .bind(&entry.action)
    .bind(&entry.entity)
    .bind(&entry.entity_id)
    .bind(&entry.before_json)
    .bind(&entry.after_json)
    .bind(seq)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut *conn).await?;
    Ok(())
}

/// Writes one entry, inside the caller's transaction so the entry and the change commit together.
pub async fn record(
    conn: &mut AnyConnection,
    now_ms: i64,
    actor: Actor<'_>,
    change: Change<'_>,
) -> Result<(), AppError> {
    let entry = Entry {
        id: new_ordered_id(),
        at: now_ms,
        actor_id: actor.id().map(str::to_string),
        actor_label: actor.label(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id.to_string(),
        before_json: change.before.map(|v| v.to_string()),
        after_json: change.after.map(|v| v.to_string()),
    };
    append(conn, &entry).await
}

const ENTRY_COLUMNS: &str = "id, at, actor_id, actor_label, action, entity, entity_id, before_json, after_json";

/// Entries written before the chain existed are appended in their recorded order, once: the
/// first start after the migration does it and marks the head. Returns how many were chained.
pub async fn chain_legacy(db: &Db) -> Result<u64, AppError> {
    let mut tx = db.begin_write().await?;
    // Locking the head first keeps two instances starting together from chaining twice.
    let done = sqlx::query("UPDATE audit_head SET legacy_chained = 1 WHERE id = 1 AND legacy_chained = 0")
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 0;
    if done {
        return Ok(0);
    }
    let legacy: Vec<Entry> =
        sqlx::query_as(&format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY at, id"))
            .fetch_all(&mut *tx)
            .await?;
    // Re-written in place, as chained rows with the same content, inside one transaction.
    sqlx::query("DELETE FROM audit_log WHERE seq IS NULL").execute(&mut *tx).await?;
    for entry in &legacy {
        append(&mut tx, entry).await?;
    }
    tx.commit().await?;
    Ok(legacy.len() as u64)
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The position the chain expected (1 for the first entry).
    pub seq: i64,
    /// The offending row, when there is one.
    pub entry_id: Option<String>,
    pub reason: BreakReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// A row that is not on the chain (inserted outside the application).
    Unchained,
    /// A position is missing: a row was removed.
    Missing,
    /// The row does not name the previous entry's hash.
    PreviousHash,
    /// The row's content no longer matches its hash: it was edited.
    Content,
    /// The chain ends before the head: its last rows were removed.
    Truncated,
}

/// What `audit verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct ChainReport {
    pub entries: i64,
    pub head_hash: String,
    pub first_break: Option<Break>,
}

/// Re-computes the chain from the first entry and reports the first broken link.
pub async fn verify(db: &Db) -> Result<ChainReport, AppError> {
    use futures::TryStreamExt;
    let (head_seq, head_hash): (i64, String) =
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&db.pool).await?;
    let report = |entries, first_break| ChainReport { entries, head_hash: head_hash.clone(), first_break };
    let unchained: Option<(String,)> = sqlx::query_as("SELECT id FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1")
        .fetch_optional(&db.pool)
        .await?;
    if let Some((id,)) = unchained {
        return Ok(report(0, Some(Break { seq: 0, entry_id: Some(id), reason: BreakReason::Unchained })));
    }
    let sql = format!("SELECT {ENTRY_COLUMNS}, seq, prev_hash, hash FROM audit_log ORDER BY seq");
    let mut rows = sqlx::query(&sql).fetch(&db.pool);
    let (mut expected, mut prev) = (1_i64, GENESIS.to_string());
    while let Some(row) = rows.try_next().await? {
        use sqlx::{FromRow, Row};
        let entry = Entry::from_row(&row)?;
        let seq: i64 = row.try_get("seq")?;
        let stored_prev: String = row.try_get("prev_hash")?;
        let stored_hash: String = row.try_get("hash")?;
        let broken =
            |reason| Ok(report(expected - 1, Some(Break { seq: expected, entry_id: Some(entry.id.clone()), reason })));
        if seq != expected {
            return broken(BreakReason::Missing);
        }
        if stored_prev != prev {
            return broken(BreakReason::PreviousHash);
        }
        if entry.chain_hash(seq, &prev) != stored_hash {
            return broken(BreakReason::Content);
        }
        prev = stored_hash;
        expected += 1;
    }
    let entries = expected - 1;
    if entries != head_seq || prev != head_hash {
        return Ok(report(entries, Some(Break { seq: expected, entry_id: None, reason: BreakReason::Truncated })));
    }
    Ok(report(entries, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            id: "0190".into(),
            at: 1_700_000_000_000,
            actor_id: Some("u1".into()),
            actor_label: "officer (officer)".into(),
            action: "tender.publish".into(),
            entity: "tender".into(),
            entity_id: "t1".into(),
            before_json: None,
            after_json: Some("{\"status\":\"published\"}".into()),
        }
    }

    #[test]
    fn the_hash_commits_to_position_previous_hash_and_every_field() {
        let e = entry();
        let h = e.chain_hash(1, GENESIS);
        assert_eq!(h.len(), 64);
        assert_eq!(h, e.chain_hash(1, GENESIS), "deterministic");
        assert_ne!(h, e.chain_hash(2, GENESIS));
        assert_ne!(h, e.chain_hash(1, &"1".repeat(64)));
        let mut edited = e.clone();
        edited.after_json = Some("{\"status\":\"awarded\"}".into());
        assert_ne!(h, edited.chain_hash(1, GENESIS));
        let mut anonymous = e.clone();
        anonymous.actor_id = None;
        assert_ne!(h, anonymous.chain_hash(1, GENESIS));
    }

    #[test]
    fn fields_cannot_be_shifted_into_one_another() {
        // "ab" + "c" and "a" + "bc" would collide under plain concatenation.
        let mut a = entry();
        a.entity = "ab".into();
        a.entity_id = "c".into();
        let mut b = entry();
        b.entity = "a".into();
        b.entity_id = "bc".into();
        assert_ne!(a.chain_hash(1, GENESIS), b.chain_hash(1, GENESIS));
    }
}
