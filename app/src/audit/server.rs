//! Reading the audit log.

use crate::audit::AuditRecord;
use crate::domain::region::RegionCode;
use crate::domain::tender::TenderStatus;
use crate::error::AppError;
use crate::identity::{Role, SessionUser};
use crate::server::db::Db;
use sqlx::Row;
use std::collections::HashMap;

/// What a bidder does on a tender before its opening: who has bid and how many (Tendering Law
/// art. 22, verify) must stay unknown to everyone until the bids are opened.
fn bidder_side(action: &str) -> bool {
    action.starts_with("bid.") || action == "clarification.ask"
}

/// The tender an entry concerns, as its `after` or `before` names it.
fn tender_of(before: Option<&str>, after: Option<&str>) -> Option<String> {
    [after, before]
        .into_iter()
        .flatten()
        .find_map(|j| serde_json::from_str::<serde_json::Value>(j).ok()?.get("tender")?.as_str().map(str::to_string))
}

/// Whose entries a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// An admin: everything.
    Everything,
    /// A supervisor: entries about tenders within its unit's region, and the platform's own
    /// records (accounts, organisations, templates), which concern no tender.
    Region(RegionCode),
    /// A supervisor not yet assigned to a unit: the platform's records only.
    PlatformOnly,
}

/// The scope of `user`'s reading of the log.
pub fn scope_of(user: &SessionUser) -> Result<Scope, AppError> {
    match user.role {
        Role::Admin => Ok(Scope::Everything),
        Role::Auditor => Ok(match user.purchaser_region.as_deref().and_then(|r| RegionCode::parse(r).ok()) {
            Some(region) => Scope::Region(region),
            None => Scope::PlatformOnly,
        }),
        _ => Err(AppError::Forbidden),
    }
}

/// The most recent entries, newest first, without the bidders' entries on tenders not yet
/// opened (they appear once the tender is opened; the hash chain covers them throughout), and,
/// for a supervisor, without entries about tenders outside its region ([`Scope`]). The log is
/// read in batches until `limit` entries are kept, so a regional supervisor sees as many as
/// anyone, however busy other regions are; at most [`SCANNED_BATCHES`] batches are read.
pub async fn recent(db: &Db, limit: i64, scope: &Scope) -> Result<Vec<AuditRecord>, AppError> {
    let mut shown: Vec<AuditRecord> = Vec::new();
    let mut after: Option<(i64, String)> = None;
    let mut sealed: HashMap<String, bool> = HashMap::new();
    let mut regions: HashMap<String, Option<RegionCode>> = HashMap::new();
    for _ in 0..SCANNED_BATCHES {
        let batch = batch(db, limit, after.as_ref()).await?;
        let exhausted = (batch.len() as i64) < limit;
        after = batch.last().map(|e| (e.at, e.id.clone()));
        for e in batch {
            if visible(db, &e, scope, &mut sealed, &mut regions).await? {
                shown.push(e);
            }
        }
        if exhausted || shown.len() as i64 >= limit {
            break;
        }
    }
    shown.truncate(usize::try_from(limit).unwrap_or(0));
    let mut titles: HashMap<(String, String), Option<String>> = HashMap::new();
    for e in &mut shown {
        let key = (e.entity.clone(), e.entity_id.clone());
        if !titles.contains_key(&key) {
            let title = title_of(db, &e.entity, &e.entity_id).await?;
            titles.insert(key.clone(), title);
        }
        e.object = titles[&key].clone();
    }
    Ok(shown)
}

/// How many batches of the log [`recent`] reads at most before it answers with what it kept.
const SCANNED_BATCHES: usize = 25;

/// `limit` entries of the log, newest first, older than `after` (`at`, `id`).
async fn batch(db: &Db, limit: i64, after: Option<&(i64, String)>) -> Result<Vec<AuditRecord>, AppError> {
    let columns = "id, at, actor_label, action, entity, entity_id, before_json, after_json";
    let rows = match after {
        None => {
            sqlx::query(&format!("SELECT {columns} FROM audit_log ORDER BY at DESC, id DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(&db.pool)
                .await?
        }
        Some((at, id)) => {
            sqlx::query(&format!(
                // `at <= $2` bounds the index scan (see the board's cursor in `tenders::server`).
                "SELECT {columns} FROM audit_log WHERE at <= $2 AND (at < $2 OR (at = $2 AND id < $3)) \
                 ORDER BY at DESC, id DESC LIMIT $1"
            ))
            .bind(limit)
            .bind(*at)
            .bind(id.as_str())
            .fetch_all(&db.pool)
            .await?
        }
    };
    Ok(rows
        .iter()
        .map(|r| AuditRecord {
            id: r.get("id"),
            at: r.get("at"),
            actor: r.get("actor_label"),
            action: r.get("action"),
            entity: r.get("entity"),
            entity_id: r.get("entity_id"),
            object: None,
            before: r.get("before_json"),
            after: r.get("after_json"),
        })
        .collect())
}

/// Whether `scope` may read entry `e` (see [`recent`]); `sealed` and `regions` remember what
/// was looked up per tender.
async fn visible(
    db: &Db,
    e: &AuditRecord,
    scope: &Scope,
    sealed: &mut HashMap<String, bool>,
    regions: &mut HashMap<String, Option<RegionCode>>,
) -> Result<bool, AppError> {
    if bidder_side(&e.action) {
        let Some(tender) = tender_of(e.before.as_deref(), e.after.as_deref()) else { return Ok(false) };
        if !sealed.contains_key(&tender) {
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM tenders WHERE id = $1")
                .bind(&tender)
                .fetch_optional(&db.pool)
                .await?;
            let unopened = status.is_some_and(|s| {
                matches!(TenderStatus::parse(&s), Some(TenderStatus::Draft | TenderStatus::Published))
            });
            sealed.insert(tender.clone(), unopened);
        }
        // A missing tender counts as sealed, as before: nothing is shown that cannot be placed.
        if sealed.get(&tender) != Some(&false) {
            return Ok(false);
        }
    }
    let tender = if e.entity == "tender" {
        Some(e.entity_id.clone())
    } else if e.entity == "review" {
        crate::panels::ReviewId::parse(&e.entity_id).map(|r| r.tender)
    } else {
        tender_of(e.before.as_deref(), e.after.as_deref())
    };
    // Accounts, organisations, templates: the platform's records, about no tender.
    let Some(tender) = tender else { return Ok(true) };
    let within = match scope {
        Scope::Everything => return Ok(true),
        Scope::PlatformOnly => return Ok(false),
        Scope::Region(within) => within,
    };
    if !regions.contains_key(&tender) {
        let region = crate::purchasers::server::region_of_tender(db, &tender).await?;
        regions.insert(tender.clone(), region);
    }
    Ok(regions[&tender].as_ref().is_some_and(|r| within.covers(r)))
}

/// The name a reader knows an object by: a tender's title, a person's name with their username,
/// an organisation's or unit's name; a bid, question or contract by its tender's title.
async fn title_of(db: &Db, entity: &str, id: &str) -> Result<Option<String>, AppError> {
    let sql = match entity {
        "tender" => "SELECT '《' || title || '》' FROM tenders WHERE id = $1",
        "user" => "SELECT display_name || '（' || username || '）' FROM users WHERE id = $1",
        "organisation" => "SELECT name FROM organisations WHERE id = $1",
        "purchaser" => "SELECT name FROM purchasers WHERE id = $1",
        "bid" => "SELECT '《' || t.title || '》' FROM bids b JOIN tenders t ON t.id = b.tender_id WHERE b.id = $1",
        "clarification" => {
            "SELECT '《' || t.title || '》' FROM clarifications c JOIN tenders t ON t.id = c.tender_id WHERE c.id = $1"
        }
        "contract" => {
            "SELECT '《' || t.title || '》' FROM contracts c JOIN tenders t ON t.id = c.tender_id WHERE c.id = $1"
        }
        "holiday_year" => return Ok(Some(id.to_string())),
        // A lot's own review: its tender's title and the lot's number.
        "review" => {
            let Some(r) = crate::panels::ReviewId::parse(id) else { return Ok(None) };
            let title: Option<String> = sqlx::query_scalar("SELECT title FROM tenders WHERE id = $1")
                .bind(&r.tender)
                .fetch_optional(&db.pool)
                .await?;
            return Ok(title.map(|t| format!("《{t}》第{}包", r.lot.map_or(0, |l| l + 1))));
        }
        "scheme_template" => {
            return Ok(crate::schemes::server::by_id(db, id).await?.map(|t| t.name.zh));
        }
        _ => return Ok(None),
    };
    Ok(sqlx::query_scalar::<_, String>(sql).bind(id).fetch_optional(&db.pool).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tender_is_read_from_after_then_before() {
        assert_eq!(tender_of(None, Some(r#"{"tender":"t1","lots":[]}"#)).as_deref(), Some("t1"));
        assert_eq!(tender_of(Some(r#"{"tender":"t2"}"#), Some(r#"{"lots":[]}"#)).as_deref(), Some("t2"));
        assert_eq!(tender_of(None, Some("not json")), None);
        assert!(bidder_side("bid.withdraw") && bidder_side("clarification.ask"));
        assert!(!bidder_side("clarification.answer") && !bidder_side("tender.open"));
    }
}
