//! Scheme templates in force: the shipped ones plus those officers derived and stored.

use crate::domain::template::{builtin, SchemeTemplate};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use sqlx::Row;

/// The shipped templates, parsed and validated once per process (they are compiled in).
fn shipped() -> Result<&'static [SchemeTemplate], AppError> {
    static SHIPPED: std::sync::LazyLock<Result<Vec<SchemeTemplate>, ()>> = std::sync::LazyLock::new(|| {
        builtin().map_err(|errors| tracing::error!(?errors, "a shipped template does not validate"))
    });
    SHIPPED.as_deref().map_err(|()| AppError::Internal)
}

pub async fn all(db: &Db) -> Result<Vec<SchemeTemplate>, AppError> {
    let mut list = shipped()?.to_vec();
    let rows = sqlx::query("SELECT id, template_toml FROM scheme_templates ORDER BY created_at, id")
        .fetch_all(&db.pool)
        .await?;
    for row in rows {
        let id: String = row.get("id");
        let text: String = row.get("template_toml");
        list.push(parse_stored(&id, &text)?);
    }
    Ok(list)
}

/// One template: a shipped one without touching the database, a stored one by its own row only
/// (pages that need one template do not parse every officer's derived template).
pub async fn by_id(db: &Db, id: &str) -> Result<Option<SchemeTemplate>, AppError> {
    if let Some(t) = shipped()?.iter().find(|t| t.id == id) {
        return Ok(Some(t.clone()));
    }
    let Some(text) = sqlx::query_scalar::<_, String>("SELECT template_toml FROM scheme_templates WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    parse_stored(id, &text).map(Some)
}

/// The templates with these ids, each once (an id of no template is left out): shipped ones
/// without a query, stored ones in one. Lists name a page of tenders' schemes with it instead of
/// parsing every template in force.
pub async fn of_ids(db: &Db, ids: &[&str]) -> Result<Vec<SchemeTemplate>, AppError> {
    let shipped = shipped()?;
    let mut found: Vec<SchemeTemplate> = Vec::new();
    let mut stored: Vec<&str> = Vec::new();
    for id in ids {
        if found.iter().any(|t| t.id == *id) || stored.contains(id) {
            continue;
        }
        match shipped.iter().find(|t| t.id == *id) {
            Some(t) => found.push(t.clone()),
            None => stored.push(id),
        }
    }
    if !stored.is_empty() {
        let marks: Vec<String> = (1..=stored.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, template_toml FROM scheme_templates WHERE id IN ({})", marks.join(", "));
        let mut q = sqlx::query(&sql);
        for id in &stored {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&db.pool).await? {
            found.push(parse_stored(&row.get::<String, _>("id"), &row.get::<String, _>("template_toml"))?);
        }
    }
    Ok(found)
}

fn parse_stored(id: &str, text: &str) -> Result<SchemeTemplate, AppError> {
    SchemeTemplate::from_toml(&format!("{id}.toml"), text).map_err(|errors| {
        tracing::error!(?errors, "a stored template no longer validates");
        AppError::Internal
    })
}

pub fn validation_error(errors: Vec<crate::domain::template::TemplateError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError {
                field: e.field,
                code: "template_invalid".into(),
                message_zh: format!("模板有误：{}", e.reason),
                message_en: e.reason,
            })
            .collect(),
    )
}

/// Stores a derived template after validating it; ids are unique across shipped and stored.
pub async fn store(db: &Db, officer: &SessionUser, t: &SchemeTemplate, now_ms: i64) -> Result<(), AppError> {
    t.validate(&format!("{}.toml", t.id)).map_err(validation_error)?;
    if by_id(db, &t.id).await?.is_some() {
        return Err(AppError::field("id", "template_id_taken", "模板编号已存在", "A template with this id exists"));
    }
    if let Some(base) = &t.derived_from {
        if by_id(db, base).await?.is_none() {
            return Err(AppError::field(
                "derived_from",
                "unknown_template",
                "所依据的模板不存在",
                "The template it derives from does not exist",
            ));
        }
    }
    let text = t.to_toml();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO scheme_templates (id, derived_from, template_toml, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&t.id)
        .bind(t.derived_from.as_deref())
        .bind(&text)
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("template.create", "scheme_template", &t.id)
            .after(serde_json::json!({"derived_from": t.derived_from, "toml": text})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
