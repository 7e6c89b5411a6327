//! Purchaser units in the database.

use super::{NewPurchaser, PurchaserView};
use crate::domain::region::{Level, RegionCode};
use crate::error::AppError;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use sqlx::Row;

const SELECT: &str = "SELECT p.id, p.name, p.credit_code, p.level, p.region_code, p.region_name, p.parent_id, \
     q.name AS parent_name FROM purchasers p LEFT JOIN purchasers q ON q.id = p.parent_id";

fn view(r: &sqlx::any::AnyRow) -> Result<PurchaserView, AppError> {
    let level: String = r.get("level");
    Ok(PurchaserView {
        id: r.get("id"),
        name: r.get("name"),
        credit_code: r.get("credit_code"),
        level: Level::parse(&level).ok_or_else(|| {
            tracing::error!(level, "a stored unit has an unknown level");
            AppError::Internal
        })?,
        region_code: r.get("region_code"),
        region_name: r.get("region_name"),
        parent_id: r.get("parent_id"),
        parent_name: r.get("parent_name"),
    })
}

pub async fn list(db: &Db) -> Result<Vec<PurchaserView>, AppError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY p.region_code, p.name")).fetch_all(&db.pool).await?;
    rows.iter().map(view).collect()
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<PurchaserView>, AppError> {
    let row = sqlx::query(&format!("{SELECT} WHERE p.id = $1")).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(view).transpose()
}

pub async fn by_name(db: &Db, name: &str) -> Result<Option<PurchaserView>, AppError> {
    let row = sqlx::query(&format!("{SELECT} WHERE p.name = $1")).bind(name).fetch_optional(&db.pool).await?;
    row.as_ref().map(view).transpose()
}

/// The region of a tender's unit, for a supervisor's scope; `None` for a tender without one.
pub async fn region_of_tender(db: &Db, tender_id: &str) -> Result<Option<RegionCode>, AppError> {
    let row =
        sqlx::query("SELECT p.region_code FROM tenders t JOIN purchasers p ON p.id = t.purchaser_id WHERE t.id = $1")
            .bind(tender_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|r| RegionCode::parse(&r.get::<String, _>("region_code")).ok()))
}

/// Stores a unit after checking its fields, its parent and that the name is free.
pub async fn create(db: &Db, actor: Actor<'_>, new: &NewPurchaser, now_ms: i64) -> Result<String, AppError> {
    let parent =
        match new.parent_id.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => Some(by_id(db, p).await?.ok_or_else(|| {
                AppError::field("parent_id", "unit_unknown", "上级单位不存在", "No such parent unit")
            })?),
            None => None,
        };
    let parent_region = parent.as_ref().and_then(|p| RegionCode::parse(&p.region_code).ok());
    let v = new.parse(parent_region.as_ref())?;
    if by_name(db, &v.name).await?.is_some() {
        return Err(AppError::field("name", "unit_name_taken", "该单位已存在", "A unit with this name exists"));
    }
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO purchasers (id, name, credit_code, level, region_code, region_name, parent_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&v.name)
    .bind(v.credit_code.as_ref().map(|c| c.as_str().to_string()))
    .bind(v.level.as_str())
    .bind(v.region.as_str())
    .bind(&v.region_name)
    .bind(v.parent_id.as_deref())
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::server::db::is_unique_violation(&e) {
            AppError::field("name", "unit_name_taken", "该单位已存在", "A unit with this name exists")
        } else {
            AppError::from(e)
        }
    })?;
    audit::record(
        &mut tx,
        now_ms,
        actor,
        Change::new("purchaser.create", "purchaser", &id).after(serde_json::json!({
            "name": v.name, "level": v.level.as_str(), "region_code": v.region.as_str(),
            "region_name": v.region_name, "parent_id": v.parent_id,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
