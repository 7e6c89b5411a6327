//! Organisation profiles and staff rosters in the database. Members of the organisation edit
//! them; every change is audited with ID numbers masked. A bid keeps a declaration snapshot.

use crate::domain::roster::{self, mask_id, Declaration, LotTeam, Member, PersonInput, Profile, ProfileInput};
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, Db};
use serde_json::json;
use sqlx::Row;

fn org_of(member: &SessionUser) -> Result<String, AppError> {
    member.org_id.clone().ok_or(AppError::Forbidden)
}

pub async fn profile(db: &Db, org_id: &str) -> Result<Option<Profile>, AppError> {
    let row = sqlx::query("SELECT profile_json FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row.get::<Option<String>, _>("profile_json").and_then(|j| serde_json::from_str(&j).ok()))
}

/// The organisation's current roster (removed members excluded), oldest first.
pub async fn roster(db: &Db, org_id: &str) -> Result<Vec<Member>, AppError> {
    let rows = sqlx::query(
        "SELECT member_json FROM staff_members WHERE org_id = $1 AND removed_at IS NULL ORDER BY created_at, id",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            serde_json::from_str(&r.get::<String, _>("member_json")).map_err(|e| {
                tracing::error!(error = %e, "a stored roster member does not parse");
                AppError::Internal
            })
        })
        .collect()
}

pub async fn save_profile(db: &Db, member: &SessionUser, input: &ProfileInput, now_ms: i64) -> Result<(), AppError> {
    let org = org_of(member)?;
    let parsed = roster::parse_profile(input).map_err(AppError::Validation)?;
    let before = profile(db, &org).await?;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE organisations SET profile_json = $1 WHERE id = $2")
        .bind(serde_json::to_string(&parsed).expect("a profile serialises"))
        .bind(&org)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(member),
        Change::new("organisation.profile", "organisation", &org).before(json!(before)).after(json!(parsed)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_member(db: &Db, member: &SessionUser, input: &PersonInput, now_ms: i64) -> Result<String, AppError> {
    let org = org_of(member)?;
    let id = new_id();
    let m = roster::parse_person(&id, input).map_err(AppError::Validation)?;
    if roster(db, &org).await?.iter().any(|x| x.id_number == m.id_number) {
        return Err(AppError::field(
            "id_number",
            "member_exists",
            "该身份证号码已在本机构名册中",
            "That ID number is already on the roster",
        ));
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO staff_members (id, org_id, id_number, certificate_number, member_json, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&org)
        .bind(&m.id_number)
        .bind(&m.certificate_number)
        .bind(serde_json::to_string(&m).expect("a member serialises"))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(member),
        Change::new("staff.add", "organisation", &org).after(json!({"member": id, "name": m.person.name, "id_number": mask_id(&m.id_number), "certificate": m.person.certificate})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes a person off the roster; bids already submitted keep them in their declaration.
pub async fn remove_member(db: &Db, member: &SessionUser, staff_id: &str, now_ms: i64) -> Result<(), AppError> {
    let org = org_of(member)?;
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("UPDATE staff_members SET removed_at = $1 WHERE id = $2 AND org_id = $3 AND removed_at IS NULL")
            .bind(now_ms)
            .bind(staff_id)
            .bind(&org)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(member),
        Change::new("staff.remove", "organisation", &org).after(json!({"member": staff_id})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The declaration a bid keeps: the profile and roster as they are now, and the team chosen for
/// each lot. `None` when the organisation has not filled in its profile.
pub async fn declaration(db: &Db, org_id: &str, teams: Vec<LotTeam>) -> Result<Option<Declaration>, AppError> {
    let Some(profile) = profile(db, org_id).await? else { return Ok(None) };
    let roster = roster(db, org_id).await?;
    roster::check_choice(&roster, &teams).map_err(|e| AppError::Validation(vec![e]))?;
    Ok(Some(Declaration { profile, roster, teams }))
}

/// Declarations of every live contract, for de-duplication: the team of the contract's lot only
/// (a declaration stored before teams were per lot keeps its single team).
pub async fn contract_declarations(db: &Db, except_tender: &str) -> Result<Vec<(String, Declaration)>, AppError> {
    let rows = sqlx::query(
        "SELECT t.title, t.spec_json, c.lot_position, b.declaration_json FROM contracts c JOIN bids b ON b.id = c.bid_id JOIN tenders t ON t.id = c.tender_id \
         WHERE c.tender_id <> $1 AND b.declaration_json IS NOT NULL",
    )
    .bind(except_tender)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let mut d: Declaration = serde_json::from_str(&r.get::<String, _>("declaration_json")).ok()?;
            let lot = crate::tenders::server::lot_name(r.get("spec_json"), r.get("lot_position"));
            d.teams.retain(|t| t.lot.is_empty() || t.lot == lot);
            Some((format!("在履行合同“{}”", r.get::<String, _>("title")), d))
        })
        .collect())
}

/// The roster as shown on screens: ID numbers masked.
pub fn masked(roster: Vec<Member>) -> Vec<Member> {
    roster.into_iter().map(|m| Member { id_number: mask_id(&m.id_number), ..m }).collect()
}
