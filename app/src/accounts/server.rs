//! Accounts and organisations in the database, and the sign-in check with its throttling.
//! Sessions and password hashing are shared infrastructure (`server::sessions`, `server::passwords`).

use crate::accounts::{NewUser, OrgKind, OrgReview, OrgStanding, UserSummary};
use crate::domain::registration::Standing;
use crate::error::{AppError, FieldError};
use crate::identity::{Role, SessionUser};
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{new_id, new_ordered_id, Db};
use crate::server::{passwords, sessions};
use sqlx::Row;

/// Failed sign-ins allowed for one username from one client inside the window (since that
/// client's last success) before that client is refused for it.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// Failed sign-ins allowed from one client, whatever the usernames (password spraying).
pub const MAX_CLIENT_FAILURES: i64 = 20;
/// Failed sign-ins allowed for one username from all clients together (guessing spread over
/// many addresses); clients the account signed in from recently are exempt, so nobody can lock
/// an officer out of their own office before an opening.
pub const MAX_USERNAME_FAILURES: i64 = 50;
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Public registrations (successful or not) allowed from one client per hour.
pub const MAX_REGISTRATIONS_PER_HOUR: i64 = 10;
/// How long a client that signed in stays known to the account (and attempts are kept).
pub const KNOWN_CLIENT_MS: i64 = 30 * 24 * 3_600_000;

pub async fn create_organisation(
    db: &Db,
    actor: Actor<'_>,
    name: &str,
    kind: OrgKind,
    credit_code: Option<&str>,
    now_ms: i64,
) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::field(
            "name",
            "org_name_length",
            "机构名称须为 1–100 个字",
            "Organisation name must be 1–100 characters",
        ));
    }
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO organisations (id, name, kind, credit_code, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(name)
        .bind(kind.as_str())
        .bind(credit_code)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        actor,
        Change::new("organisation.create", "organisation", &id)
            .after(serde_json::json!({"name": name, "kind": kind.as_str(), "credit_code": credit_code})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn find_organisation_by_name(db: &Db, name: &str) -> Result<Option<String>, AppError> {
    let row = sqlx::query("SELECT id FROM organisations WHERE name = $1").bind(name).fetch_optional(&db.pool).await?;
    Ok(row.map(|r| r.get::<String, _>("id")))
}

/// Who may create which account: an NGO's accounts are made by the NGO itself (its first member
/// registers it, members add colleagues) or on the server's console, never by a platform admin,
/// who would otherwise be able to act inside the NGO (withdraw or replace its sealed bid).
/// Officers and supervisors belong to a purchaser unit; other roles to none.
async fn check_membership(db: &Db, actor: &Actor<'_>, new: &NewUser) -> Result<(), AppError> {
    match new.role {
        Role::Bidder => {
            let Some(org) = &new.org_id else {
                return Err(AppError::field(
                    "org_id",
                    "bidder_needs_org",
                    "投标人账号必须属于一个机构",
                    "A bidder account must belong to an organisation",
                ));
            };
            let allowed = match actor {
                Actor::Console => true,
                Actor::User(u) => u.role == Role::Bidder && u.org_id.as_ref() == Some(org),
                Actor::Anonymous | Actor::System => false,
            };
            if !allowed {
                return Err(AppError::field(
                    "role",
                    "bidder_made_by_own_org",
                    "社工机构的账号由本机构成员添加，平台管理员不能代建",
                    "An organisation's accounts are added by its own members, not by platform admins",
                ));
            }
            if new.purchaser_id.is_some() {
                return Err(AppError::field(
                    "purchaser_id",
                    "unit_not_for_role",
                    "该角色不属于采购人单位",
                    "This role has no purchaser unit",
                ));
            }
        }
        Role::Officer | Role::Auditor => {
            let Some(unit) = &new.purchaser_id else {
                return Err(AppError::field(
                    "purchaser_id",
                    "unit_required",
                    "采购人和监督人员必须属于一个单位",
                    "Officers and supervisors belong to a unit",
                ));
            };
            if crate::purchasers::server::by_id(db, unit).await?.is_none() {
                return Err(AppError::field("purchaser_id", "unit_unknown", "单位不存在", "No such unit"));
            }
            if new.org_id.is_some() {
                return Err(AppError::field(
                    "org_id",
                    "org_not_for_role",
                    "该角色不属于社工机构",
                    "This role has no organisation",
                ));
            }
        }
        Role::Expert | Role::Admin => {
            if new.org_id.is_some() || new.purchaser_id.is_some() {
                return Err(AppError::field(
                    "role",
                    "no_unit_for_role",
                    "专家和管理员账号不属于任何机构或单位",
                    "Expert and admin accounts belong to no organisation or unit",
                ));
            }
        }
    }
    Ok(())
}

/// Creates an account after checking its fields; the password is stored only as an argon2id hash.
pub async fn create_user(db: &Db, actor: Actor<'_>, new: &NewUser, now_ms: i64) -> Result<String, AppError> {
    // A form's empty choice means none.
    let new = &NewUser {
        org_id: new.org_id.clone().filter(|o| !o.trim().is_empty()),
        purchaser_id: new.purchaser_id.clone().filter(|p| !p.trim().is_empty()),
        ..new.clone()
    };
    new.validate()?;
    check_membership(db, &actor, new).await?;
    if user_exists(db, new.username.trim()).await? {
        return Err(AppError::field("username", "username_taken", "用户名已被使用", "This username is already taken"));
    }
    let hash = passwords::hash(&new.password).await?;
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, org_id, purchaser_id, password_hash, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)",
    )
    .bind(&id)
    .bind(new.username.trim())
    .bind(new.display_name.trim())
    .bind(new.role.as_str())
    .bind(new.org_id.as_deref())
    .bind(new.purchaser_id.as_deref())
    .bind(&hash)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        actor,
        Change::new("user.create", "user", &id).after(serde_json::json!({
            "username": new.username.trim(), "display_name": new.display_name.trim(),
            "role": new.role.as_str(), "org_id": new.org_id, "purchaser_id": new.purchaser_id,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Registers an organisation and its first bidder account together: one transaction, so a
/// refusal leaves nothing behind.
/// Counts a public registration attempt from `client` before it is checked; refuses (429) once
/// the client has made [`MAX_REGISTRATIONS_PER_HOUR`] in the last hour.
pub async fn admit_registration(db: &Db, client: &str, now_ms: i64) -> Result<(), AppError> {
    sqlx::query("INSERT INTO registration_attempts (id, client, at) VALUES ($1, $2, $3)")
        .bind(new_ordered_id())
        .bind(client)
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    let recent: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM registration_attempts WHERE client = $1 AND at > $2")
            .bind(client)
            .bind(now_ms - 3_600_000)
            .fetch_one(&db.pool)
            .await?;
    if recent > MAX_REGISTRATIONS_PER_HOUR {
        return Err(AppError::TooManyAttempts);
    }
    Ok(())
}

pub async fn register_organisation(
    db: &Db,
    org_name: &str,
    credit_code: &str,
    kind: OrgKind,
    new: &NewUser,
    now_ms: i64,
) -> Result<SessionUser, AppError> {
    use crate::domain::credit_code::CreditCode;
    let mut errors = match new.validate() {
        Ok(()) => Vec::new(),
        Err(AppError::Validation(e)) => e,
        Err(other) => return Err(other),
    };
    let org_name = org_name.trim();
    if org_name.chars().count() < 2 || org_name.chars().count() > 100 {
        errors.push(FieldError::new(
            "org_name",
            "org_name_length",
            "机构名称须为 2–100 个字",
            "Organisation name must be 2–100 characters",
        ));
    } else if find_organisation_by_name(db, org_name).await?.is_some() {
        errors.push(FieldError::new(
            "org_name",
            "org_name_taken",
            "该机构已注册，请联系本机构的已有账号",
            "This organisation is registered already; ask its existing members",
        ));
    }
    let code = match CreditCode::parse(credit_code) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(FieldError::new(
                "credit_code",
                e.code(),
                "统一社会信用代码无效（18位，校验位须正确）",
                "Invalid unified social credit code (18 characters with a valid check character)",
            ));
            None
        }
    };
    if user_exists(db, new.username.trim()).await? {
        errors.push(FieldError::new("username", "username_taken", "用户名已被使用", "This username is already taken"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let code = code.expect("checked above");
    let hash = passwords::hash(&new.password).await?;
    let (org_id, user_id) = (new_id(), new_id());
    let mut tx = db.begin_write().await?;
    // Self-registered: pending until an admin has looked at it (domain::registration).
    sqlx::query(
        "INSERT INTO organisations (id, name, kind, credit_code, created_at, standing) VALUES ($1, $2, $3, $4, $5, 'pending')",
    )
    .bind(&org_id)
        .bind(org_name)
    .bind(kind.as_str())
    .bind(code.as_str())
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO users (id, username, display_name, role, org_id, password_hash, active, created_at) VALUES ($1, $2, $3, 'bidder', $4, $5, 1, $6)",
    )
    .bind(&user_id)
    .bind(new.username.trim())
    .bind(new.display_name.trim())
    .bind(&org_id)
    .bind(&hash)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::Anonymous,
        Change::new("organisation.register", "organisation", &org_id).after(serde_json::json!({
            "name": org_name, "credit_code": code.as_str(), "civil_affairs": code.registered_with_civil_affairs(),
            "first_member": new.username.trim(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(SessionUser {
        id: user_id,
        username: new.username.trim().to_string(),
        display_name: new.display_name.trim().to_string(),
        role: Role::Bidder,
        org_id: Some(org_id),
        org_name: Some(org_name.to_string()),
        purchaser_id: None,
        purchaser_name: None,
        purchaser_region: None,
    })
}

pub async fn user_exists(db: &Db, username: &str) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT id FROM users WHERE username = $1").bind(username).fetch_optional(&db.pool).await?.is_some())
}

/// Checks the password, with throttling by username and client (see the limits above). Each
/// attempt is recorded as a failure *before* its password is checked and counted with the
/// others, so concurrent guesses cannot slip past a limit; a success then marks it.
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
    client: &str,
    now_ms: i64,
    session_hours: i64,
) -> Result<(SessionUser, String), AppError> {
    let username = username.trim();
    let attempt = new_ordered_id();
    sqlx::query("INSERT INTO login_attempts (id, username, client, at, succeeded) VALUES ($1, $2, $3, $4, 0)")
        .bind(&attempt)
        .bind(username)
        .bind(client)
        .bind(now_ms)
        .execute(&db.pool)
        .await?;
    let since = now_ms - LOGIN_WINDOW_MS;
    let last_success: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(MAX(at) AS BIGINT) FROM login_attempts WHERE username = $1 AND client = $2 AND succeeded = 1",
    )
    .bind(username)
    .bind(client)
    .fetch_one(&db.pool)
    .await?;
    let pair: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM login_attempts \
         WHERE username = $1 AND client = $2 AND succeeded = 0 AND at > $3",
    )
    .bind(username)
    .bind(client)
    .bind(since.max(last_success.unwrap_or(i64::MIN)))
    .fetch_one(&db.pool)
    .await?;
    let from_client: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM login_attempts WHERE client = $1 AND succeeded = 0 AND at > $2",
    )
    .bind(client)
    .bind(since)
    .fetch_one(&db.pool)
    .await?;
    let known = last_success.is_some_and(|at| at > now_ms - KNOWN_CLIENT_MS);
    let for_username: i64 = if known {
        0
    } else {
        sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM login_attempts WHERE username = $1 AND succeeded = 0 AND at > $2",
        )
        .bind(username)
        .bind(since)
        .fetch_one(&db.pool)
        .await?
    };
    if pair > MAX_FAILED_LOGINS || from_client > MAX_CLIENT_FAILURES || for_username > MAX_USERNAME_FAILURES {
        return Err(AppError::TooManyAttempts);
    }

    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    let verified = match row {
        Some(row) if row.get::<i64, _>("active") == 1 => {
            let hash: String = row.get("password_hash");
            passwords::verify(hash, password.to_string()).await?.then(|| row.get::<String, _>("id"))
        }
        _ => {
            // Same work for unknown users, so timing does not reveal which usernames exist.
            let _ = passwords::hash(password).await?;
            None
        }
    };
    let Some(user_id) = verified else {
        return Err(AppError::InvalidCredentials);
    };
    sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1").bind(&attempt).execute(&db.pool).await?;
    // Attempts older than any limit looks back are of no use; clearing them here keeps the
    // table small without a job.
    sqlx::query("DELETE FROM login_attempts WHERE at < $1").bind(now_ms - KNOWN_CLIENT_MS).execute(&db.pool).await?;
    sessions::open(db, &user_id, now_ms, session_hours).await
}

/// An account by username, as the pages would see it once signed in (console tasks only).
pub async fn user_by_username(db: &Db, username: &str) -> Result<Option<SessionUser>, AppError> {
    let row = sqlx::query(&format!("{} WHERE u.username = $1", sessions::USER_SELECT))
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(sessions::user_from_row).transpose()
}

pub async fn list_users(db: &Db) -> Result<Vec<UserSummary>, AppError> {
    let rows = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.org_id, o.name AS org_name, p.name AS purchaser_name, \
         u.active, u.created_at FROM users u LEFT JOIN organisations o ON o.id = u.org_id \
         LEFT JOIN purchasers p ON p.id = u.purchaser_id ORDER BY u.role, u.username",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.get("role");
            Ok(UserSummary {
                id: r.get("id"),
                username: r.get("username"),
                display_name: r.get("display_name"),
                role: role.parse().map_err(|_| AppError::Internal)?,
                org_id: r.get("org_id"),
                org_name: r.get("org_name"),
                purchaser_name: r.get("purchaser_name"),
                active: r.get::<i64, _>("active") == 1,
                created_at: r.get("created_at"),
            })
        })
        .collect()
}

/// Deactivates or reactivates an account: an admin any account but its own; an organisation's
/// member its own colleagues (an admin does not act inside an organisation beyond this).
pub async fn set_active(
    db: &Db,
    caller: &SessionUser,
    user_id: &str,
    active: bool,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT id, org_id, active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let target_org: Option<String> = row.get("org_id");
    let allowed = match caller.role {
        Role::Admin => true,
        Role::Bidder => caller.org_id.is_some() && caller.org_id == target_org,
        _ => false,
    };
    if !allowed {
        return Err(AppError::NotFound);
    }
    if caller.id == user_id {
        return Err(AppError::field(
            "user_id",
            "cannot_deactivate_self",
            "不能停用自己的账号",
            "You cannot deactivate your own account",
        ));
    }
    let before = row.get::<i64, _>("active") == 1;
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(caller),
        Change::new(if active { "user.activate" } else { "user.deactivate" }, "user", user_id)
            .before(serde_json::json!({"active": before}))
            .after(serde_json::json!({"active": active})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An organisation's standing with the platform and, if refused, why.
pub async fn standing(db: &Db, org_id: &str) -> Result<OrgStanding, AppError> {
    let row = sqlx::query("SELECT standing, review_reason FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing: String = row.get("standing");
    Ok(OrgStanding {
        standing: Standing::parse(&standing).ok_or(AppError::Internal)?,
        reason: row.get("review_reason"),
    })
}

/// Refuses an organisation the platform has not approved (yet) with the reason in both languages.
pub async fn require_approved(db: &Db, org_id: &str) -> Result<(), AppError> {
    match standing(db, org_id).await?.standing {
        s if s.may_take_part() => Ok(()),
        Standing::Refused => Err(AppError::field(
            "organisation",
            "org_refused",
            "贵机构的注册未通过平台审核，不能投标或申报；原因见工作台",
            "Your organisation's registration was refused; it cannot bid or apply (the reason is on your workbench)",
        )),
        _ => Err(AppError::field(
            "organisation",
            "org_not_approved",
            "贵机构的注册尚待平台管理员审核，审核通过后方可投标或申报",
            "Your organisation's registration awaits the platform's review; it can bid or apply once approved",
        )),
    }
}

/// Self-registered organisations not approved yet (pending first, then refused), oldest first,
/// each with the member who registered it.
pub async fn organisations_to_review(db: &Db) -> Result<Vec<OrgReview>, AppError> {
    let rows = sqlx::query(
        "SELECT o.id, o.name, o.kind, o.credit_code, o.standing, o.review_reason, o.created_at, \
         (SELECT u.display_name || ' (' || u.username || ')' FROM users u WHERE u.org_id = o.id \
          ORDER BY u.created_at, u.id LIMIT 1) AS first_member \
         FROM organisations o WHERE o.standing <> 'approved' ORDER BY o.standing, o.created_at, o.id",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.get("kind");
            let standing: String = r.get("standing");
            Ok(OrgReview {
                id: r.get("id"),
                name: r.get("name"),
                kind: OrgKind::parse(&kind).ok_or(AppError::Internal)?,
                credit_code: r.get("credit_code"),
                first_member: r.get("first_member"),
                standing: Standing::parse(&standing).ok_or(AppError::Internal)?,
                reason: r.get("review_reason"),
                created_at: r.get("created_at"),
            })
        })
        .collect()
}

/// An admin approves or refuses a self-registered organisation; the change is conditional on
/// the standing read, so two admins deciding at once cannot both win.
pub async fn review_organisation(
    db: &Db,
    admin: &SessionUser,
    org_id: &str,
    approve: bool,
    reason: Option<&str>,
    now_ms: i64,
) -> Result<Standing, AppError> {
    use crate::domain::registration::{decide, Decision, RefusalReason};
    let current = standing(db, org_id).await?.standing;
    let decision = if approve {
        Decision::Approve
    } else {
        Decision::Refuse(RefusalReason::parse(reason.unwrap_or_default()).map_err(review_error)?)
    };
    let next = decide(current, &decision).map_err(review_error)?;
    let reason = match &decision {
        Decision::Refuse(r) => Some(r.as_str().to_string()),
        Decision::Approve => None,
    };
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE organisations SET standing = $1, review_reason = $2, reviewed_at = $3 WHERE id = $4 AND standing = $5",
    )
    .bind(next.as_str())
    .bind(&reason)
    .bind(now_ms)
    .bind(org_id)
    .bind(current.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        // Another admin decided between our read and this update.
        return Err(AppError::Conflict("organisation reviewed meanwhile".into()));
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(admin),
        Change::new(if approve { "organisation.approve" } else { "organisation.refuse" }, "organisation", org_id)
            .before(serde_json::json!({"standing": current.as_str()}))
            .after(serde_json::json!({"standing": next.as_str(), "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

fn review_error(e: crate::domain::registration::ReviewError) -> AppError {
    use crate::domain::registration::ReviewError;
    let (zh, en) = match e {
        ReviewError::ReasonLength => {
            ("请填写不予通过的理由（4–500 个字）", "State the reason for the refusal (4–500 characters)")
        }
        ReviewError::AlreadyApproved => ("该机构已通过审核", "This organisation is approved already"),
        ReviewError::AlreadyRefused => ("该机构已被不予通过", "This organisation was refused already"),
    };
    let field = if e == ReviewError::ReasonLength { "reason" } else { "org_id" };
    AppError::field(field, e.code(), zh, en)
}
