//! The working-day calendar in force: the shipped years plus those an admin added.

use crate::domain::calendar::{CalendarError, HolidayCalendar};
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use sqlx::Row;

fn calendar_error(e: CalendarError) -> AppError {
    AppError::field("calendar_toml", "calendar_invalid", &format!("节假日日历有误：{e}"), &e.to_string())
}

pub async fn load(db: &Db) -> Result<HolidayCalendar, AppError> {
    let mut cal = HolidayCalendar::builtin();
    let rows = sqlx::query("SELECT year, calendar_toml FROM holiday_years ORDER BY year").fetch_all(&db.pool).await?;
    for row in rows {
        let text: String = row.get("calendar_toml");
        let year = HolidayCalendar::from_toml(&text).map_err(|e| {
            tracing::error!(error = %e, year = row.get::<i64, _>("year"), "stored holiday year no longer parses");
            AppError::Internal
        })?;
        cal.merge(year).map_err(|_| AppError::Internal)?;
    }
    Ok(cal)
}

/// Stores one or more new years after validating them against the calendar in force.
pub async fn add_years(db: &Db, admin: &SessionUser, toml_text: &str, now_ms: i64) -> Result<Vec<i32>, AppError> {
    let added = HolidayCalendar::from_toml(toml_text).map_err(calendar_error)?;
    let mut current = load(db).await?;
    current.merge(added.clone()).map_err(|e| match e {
        CalendarError::DuplicateYear(y) => AppError::Conflict(format!("year {y} is already in the calendar")),
        other => calendar_error(other),
    })?;
    // Each year is stored as its own [[year]] table so it can be read back alone.
    let parsed: toml::Value = toml::from_str(toml_text)
        .map_err(|e| AppError::field("calendar_toml", "calendar_invalid", "节假日日历有误", &e.to_string()))?;
    let years = parsed.get("year").and_then(|v| v.as_array()).cloned().unwrap_or_default();
    let mut tx = db.begin_write().await?;
    let mut stored = Vec::new();
    for entry in years {
        let year = entry.get("year").and_then(|v| v.as_integer()).ok_or(AppError::Internal)?;
        let source = entry.get("source").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let mut one = toml::map::Map::new();
        one.insert("year".into(), toml::Value::Array(vec![entry.clone()]));
        let text = toml::to_string(&toml::Value::Table(one)).map_err(|_| AppError::Internal)?;
        sqlx::query(
            "INSERT INTO holiday_years (year, source, calendar_toml, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(year)
        .bind(&source)
        .bind(&text)
        .bind(&admin.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now_ms,
            Actor::User(admin),
            Change::new("calendar.add_year", "holiday_year", &year.to_string())
                .after(serde_json::json!({"source": source, "calendar": text})),
        )
        .await?;
        stored.push(year as i32);
    }
    tx.commit().await?;
    Ok(stored)
}
