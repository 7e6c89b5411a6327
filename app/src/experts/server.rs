//! Expert profiles in the database. The whole parsed profile is kept as JSON, with the columns a
//! draw filters on beside it.

use super::{ImportedExpert, OwnExpertProfile, PoolExpert};
use crate::domain::evaluation::pool::{
    parse_import, parse_import_rows, parse_profile, ExpertInput, ExpertProfile, ImportRow,
};
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
    let mut tx = db.begin_write().await?;
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
pub async fn import(
    db: &Db,
    admin: &SessionUser,
    rows: Vec<ImportRow>,
    now_ms: i64,
) -> Result<Vec<ImportedExpert>, AppError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut plan = Vec::new();
    for row in &rows {
        let line = row.line;
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
    let mut tx = db.begin_write().await?;
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

fn file_error(code: &str, zh: &str, en: &str) -> AppError {
    AppError::Validation(vec![FieldError::new("file", code, zh, en)])
}

/// Reads the upload's `file` field. Its size is bounded by the server functions' body limit
/// (1 MB, some 6,000 experts), refused with 413 before it is read.
pub async fn read_import_file(data: server_fn::codec::MultipartData) -> Result<Vec<u8>, AppError> {
    let unreadable = || file_error("import_unreadable", "无法读取上传的文件", "The uploaded file could not be read");
    let mut form = data.into_inner().ok_or_else(unreadable)?;
    while let Some(mut field) = form.next_field().await.map_err(|_| unreadable())? {
        if field.name() != Some("file") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable())? {
            bytes.extend_from_slice(&chunk);
        }
        if !bytes.is_empty() {
            return Ok(bytes);
        }
    }
    Err(file_error(
        "import_file_missing",
        "请选择要导入的文件（.xlsx 或 .csv）",
        "Choose a file to import (.xlsx or .csv)",
    ))
}

/// The rows of an import file: an .xlsx workbook's first sheet (a zip archive) or UTF-8 CSV.
pub fn file_rows(bytes: &[u8]) -> Result<Vec<ImportRow>, AppError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            file_error(
                "import_format",
                "文件须为 Excel 工作簿（.xlsx）或 UTF-8 编码的 CSV",
                "The file must be an Excel workbook (.xlsx) or CSV in UTF-8",
            )
        })?;
        return parse_import(text).map_err(AppError::Validation);
    }
    use calamine::{Data, Reader};
    let unreadable = || {
        file_error(
            "import_format",
            "无法读取该 Excel 工作簿（须为 .xlsx，不支持 .xls）",
            "The Excel workbook could not be read (it must be .xlsx; .xls is not supported)",
        )
    };
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
    let sheet = book.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
    let first_row = sheet.start().map_or(0, |(row, _)| row as usize);
    let text = |cell: &Data| match cell {
        // Spreadsheets store codes typed as numbers (a region code, an ID number) as floats.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::Error(_) | Data::Empty => String::new(),
        other => other.to_string(),
    };
    parse_import_rows(sheet.rows().enumerate().map(|(i, r)| (first_row + i + 1, r.iter().map(text).collect())))
        .map_err(AppError::Validation)
}
