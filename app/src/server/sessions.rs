//! Sessions in the database, so any instance can serve any request: the cookie carries a random
//! token, the table only its SHA-256.

use super::audit::{self, Actor, Change};
use super::db::Db;
use crate::error::AppError;
use crate::identity::SessionUser;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The columns a [`SessionUser`] is read from (`users u` joined with its organisation `o`).
pub const USER_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.org_id, o.name AS org_name, \
     u.purchaser_id, p.name AS purchaser_name, p.region_code AS purchaser_region \
     FROM users u LEFT JOIN organisations o ON o.id = u.org_id LEFT JOIN purchasers p ON p.id = u.purchaser_id";

pub fn user_from_row(row: &sqlx::any::AnyRow) -> Result<SessionUser, AppError> {
    let role: String = row.get("role");
    Ok(SessionUser {
        id: row.get("id"),
        username: row.get("username"),
        display_name: row.get("display_name"),
        role: role.parse().map_err(|_| AppError::Internal)?,
        org_id: row.get("org_id"),
        org_name: row.get("org_name"),
        purchaser_id: row.get("purchaser_id"),
        purchaser_name: row.get("purchaser_name"),
        purchaser_region: row.get("purchaser_region"),
    })
}

/// Opens a session for a user whose password was just verified; returns the user and the token
/// for the cookie. The sign-in is audited with it.
pub async fn open(db: &Db, user_id: &str, now_ms: i64, session_hours: i64) -> Result<(SessionUser, String), AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now_ms)
        .bind(now_ms + session_hours * 3_600_000)
        .execute(&mut *tx)
        .await?;
    let user_row = sqlx::query(&format!("{USER_SELECT} WHERE u.id = $1")).bind(user_id).fetch_one(&mut *tx).await?;
    let user = user_from_row(&user_row)?;
    // Expired sessions are useless; clearing them here keeps the table small without a job.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(&mut *tx).await?;
    audit::record(&mut tx, now_ms, Actor::User(&user), Change::new("session.sign_in", "user", &user.id)).await?;
    tx.commit().await?;
    Ok((user, token))
}

/// The user behind a session token, if the session exists and has not expired.
pub async fn user(db: &Db, token: &str, now_ms: i64) -> Result<Option<SessionUser>, AppError> {
    let row = sqlx::query(&format!(
        "{USER_SELECT} JOIN sessions s ON s.user_id = u.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = 1"
    ))
    .bind(token_hash(token))
    .bind(now_ms)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// Ends a session (sign-out).
pub async fn close(db: &Db, token: &str, user: &SessionUser, now_ms: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&mut *tx).await?;
    audit::record(&mut tx, now_ms, Actor::User(user), Change::new("session.sign_out", "user", &user.id)).await?;
    tx.commit().await?;
    Ok(())
}
