//! Expert profiles in the database. The whole parsed profile is kept as JSON, with the columns a
//! draw filters on beside it.

use super::{ImportedExpert, OwnExpertProfile, PoolExpert};
use crate::domain::evaluation::pool::{parse_import, parse_profile, ExpertInput, ExpertProfile};
use crate::domain::roster::mask_id;
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use crate::server::passwords;
use rand::RngCore;
use serde_json::json;
use sqlx::Row;

/// An expert of the pool as the draw reads it.
#[derive(Debug, Clone)]
pub struct PoolEntry {
    pub user_id: String,
    pub name: String,
    pub account_active: bool,
    pub profile: ExpertProfile,
}

fn parse_stored(user_id: &str, json: &str) -> Result<ExpertProfile, AppError> {
    serde_json::from_str(json).map_err(|e| {
        tracing::error!(error = %e, user = user_id, "a stored expert profile does not parse");
        AppError::Internal
    })
}

pub async fn profile(db: &Db, user_id: &str) -> Result<Option<ExpertProfile>, AppError> {
    let row = sqlx::query("SELECT declaration_json FROM expert_profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| parse_stored(user_id, &r.get::<String, _>("declaration_json"))).transpose()
}

/// The form's fields from a stored profile (the ID number left empty: it stays unless retyped).
fn as_input(p: &ExpertProfile) -> ExpertInput {
    let current = p.declaration.employments.iter().find(|e| e.until.is_none());
    ExpertInput {
        id_number: String::new(),
        categories: vec![p.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")],
        region_code: p.region_code.clone().unwrap_or_default(),
        employer: current.map(|e| e.org.name.clone()).unwrap_or_default(),
        employer_credit_code: current.map(|e| e.org.credit_code.clone()).unwrap_or_default(),
        past_employers: p
            .declaration
            .employments
            .iter()
            .filter_map(|e| e.until.map(|u| format!("{}|{}|{u}", e.org.name, e.org.credit_code)))
            .collect::<Vec<_>>()
            .join("\n"),
        interests: p
            .declaration
            .interests
            .iter()
            .map(|i| format!("{}|{}", i.name, i.credit_code))
            .collect::<Vec<_>>()
            .join("\n"),
        blackout: p.blackout.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "),
        available: p.available,
    }
}

pub async fn mine(db: &Db, user_id: &str) -> Result<OwnExpertProfile, AppError> {
    let row = sqlx::query("SELECT declaration_json, updated_at FROM expert_profiles WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(match row {
        Some(r) => {
            let p = parse_stored(user_id, &r.get::<String, _>("declaration_json"))?;
            OwnExpertProfile {
                masked_id: Some(mask_id(&p.declaration.id_number)),
                input: as_input(&p),
                updated_at: Some(r.get("updated_at")),
            }
        }
        None => OwnExpertProfile {
            input: ExpertInput { available: true, ..Default::default() },
            masked_id: None,
            updated_at: None,
        },
    })
}

async fn write(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    p: &ExpertProfile,
    now_ms: i64,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM expert_profiles WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query(
        "INSERT INTO expert_profiles (user_id, id_number, categories_json, region_code, employer, declaration_json, \
         blackout_json, available, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(user_id)
    .bind(&p.declaration.id_number)
    .bind(serde_json::to_string(&p.categories).expect("categories serialise"))
    .bind(p.region_code.as_deref())
    .bind(p.employer())
    .bind(serde_json::to_string(p).expect("a profile serialises"))
    .bind(serde_json::to_string(&p.blackout).expect("dates serialise"))
    .bind(i64::from(p.available))
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What the audit log keeps of a profile: everything but the full ID number.
fn audited(p: &ExpertProfile) -> serde_json::Value {
    let mut v = serde_json::to_value(p).expect("a profile serialises");
    v["declaration"]["id_number"] = json!(mask_id(&p.declaration.id_number));
    v
}

/// The expert's own change of profile; an empty ID number keeps the one on file.
pub async fn save(db: &Db, expert: &SessionUser, input: &ExpertInput, now_ms: i64) -> Result<(), AppError> {
    let before = profile(db, &expert.id).await?;
    let mut input = input.clone();
    if input.id_number.trim().is_empty() {
        if let Some(b) = &before {
            input.id_number = b.declaration.id_number.clone();
        }
    }
    let p = parse_profile(&expert.display_name, &input).map_err(AppError::Validation)?;
    let mut tx = db.pool.begin().await?;
    write(&mut tx, &expert.id, &p, now_ms).await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(expert),
        Change::new("expert.profile", "user", &expert.id)
            .before(before.as_ref().map(audited).unwrap_or(json!(null)))
            .after(audited(&p)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Every expert account with its profile (those without one are not in the pool yet).
pub async fn pool(db: &Db) -> Result<Vec<PoolEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.active, p.declaration_json FROM users u \
         JOIN expert_profiles p ON p.user_id = u.id WHERE u.role = 'expert' ORDER BY u.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.get("id");
            Ok(PoolEntry {
                profile: parse_stored(&id, &r.get::<String, _>("declaration_json"))?,
                name: r.get("display_name"),
                account_active: r.get::<i64, _>("active") == 1,
                user_id: id,
            })
        })
        .collect()
}

pub async fn pool_view(db: &Db) -> Result<Vec<PoolExpert>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.active, p.declaration_json, p.updated_at FROM users u \
         LEFT JOIN expert_profiles p ON p.user_id = u.id WHERE u.role = 'expert' ORDER BY u.username",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let id: String = r.get("id");
            let profile = r.get::<Option<String>, _>("declaration_json").map(|j| parse_stored(&id, &j)).transpose()?;
            Ok(PoolExpert {
                username: r.get("username"),
                name: r.get("display_name"),
                masked_id: profile.as_ref().map(|p| mask_id(&p.declaration.id_number)).unwrap_or_default(),
                categories: profile.as_ref().map(|p| p.categories.clone()).unwrap_or_default(),
                region_code: profile.as_ref().and_then(|p| p.region_code.clone()),
                employer: profile.as_ref().map(ExpertProfile::employer).unwrap_or_default(),
                available: r.get::<i64, _>("active") == 1 && profile.as_ref().is_some_and(|p| p.available),
                updated_at: r.get("updated_at"),
                user_id: id,
            })
        })
        .collect()
}

fn initial_password() -> String {
    // 12 characters from an alphabet without look-alikes (no 0/O, 1/l/I).
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// The pool manager's import: every line checked first; then, in one transaction, new expert
/// accounts (with an initial password shown once) and every line's profile.
pub async fn import(db: &Db, admin: &SessionUser, csv: &str, now_ms: i64) -> Result<Vec<ImportedExpert>, AppError> {
    let rows = parse_import(csv).map_err(AppError::Validation)?;
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut plan = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        let username = row.username.trim().to_string();
        let valid = (3..=32).contains(&username.len())
            && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !valid || !seen.insert(username.clone()) {
            errors.push(FieldError::new(
                &format!("line[{line}].username"),
                "username_format",
                &format!("第{line}行：用户名须为3–32个小写字母、数字或 . _ -，且不得重复"),
                &format!("Line {line}: usernames are 3–32 lowercase letters, digits or . _ -, each once"),
            ));
            continue;
        }
        let existing = sqlx::query("SELECT id, role FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(&db.pool)
            .await?;
        match existing {
            Some(r) if r.get::<String, _>("role") != "expert" => errors.push(FieldError::new(
                &format!("line[{line}].username"),
                "username_taken",
                &format!("第{line}行：用户名已被非专家账号使用"),
                &format!("Line {line}: the username belongs to an account that is not an expert's"),
            )),
            Some(r) => plan.push((row, Some(r.get::<String, _>("id")))),
            None => plan.push((row, None)),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut made = Vec::new();
    let mut hashed = Vec::new();
    for (row, existing) in &plan {
        let password = existing.is_none().then(initial_password);
        let hash = match &password {
            Some(p) => Some(passwords::hash(p).await?),
            None => None,
        };
        hashed.push((row, existing.clone(), password, hash));
    }
    let mut tx = db.pool.begin().await?;
    for (row, existing, password, hash) in hashed {
        let profile = parse_profile(&row.name, &row.input).map_err(AppError::Validation)?;
        let user_id = match existing {
            Some(id) => id,
            None => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO users (id, username, display_name, role, org_id, purchaser_id, password_hash, active, \
                     created_at) VALUES ($1, $2, $3, 'expert', NULL, NULL, $4, 1, $5)",
                )
                .bind(&id)
                .bind(row.username.trim())
                .bind(row.name.trim())
                .bind(hash.as_deref().unwrap_or_default())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                id
            }
        };
        write(&mut tx, &user_id, &profile, now_ms).await?;
        audit::record(
            &mut tx,
            now_ms,
            Actor::User(admin),
            Change::new("expert.import", "user", &user_id)
                .after(json!({"username": row.username, "profile": audited(&profile)})),
        )
        .await?;
        made.push(ImportedExpert {
            username: row.username.clone(),
            name: row.name.clone(),
            initial_password: password,
        });
    }
    tx.commit().await?;
    Ok(made)
}
