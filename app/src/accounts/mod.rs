//! Accounts as the pages see them, and the server functions to sign in, sign out and manage
//! users. Each server function authorises first, then calls plain functions in `server::`.

pub mod login;
pub mod register;
pub mod review;
#[cfg(feature = "ssr")]
pub mod server;
pub mod users;

use crate::domain::registration::Standing;
use crate::error::AppError;
use crate::identity::{Role, SessionUser};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The kind of organisation an applicant is; the scheme template decides which may apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 社会工作服务机构（民办非企业单位等）
    Ngo,
    /// 社区居民委员会
    ResidentsCommittee,
    /// 县级人民政府（县、区、县级市）
    CountyGovernment,
}

impl OrgKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Ngo => "ngo",
            OrgKind::ResidentsCommittee => "residents_committee",
            OrgKind::CountyGovernment => "county_government",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [OrgKind::Ngo, OrgKind::ResidentsCommittee, OrgKind::CountyGovernment].into_iter().find(|k| k.as_str() == s)
    }
}

/// A request to create an account, validated before anything is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<String>,
    /// The purchaser unit of an officer or supervisor.
    #[serde(default)]
    pub purchaser_id: Option<String>,
    pub password: String,
}

impl NewUser {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut errors = Vec::new();
        let username = self.username.trim();
        let username_ok = (3..=32).contains(&username.len())
            && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if !username_ok {
            errors.push(crate::error::FieldError::new(
                "username",
                "username_format",
                "用户名须为 3–32 个小写字母、数字或 . _ -",
                "Username must be 3–32 lowercase letters, digits, or . _ -",
            ));
        }
        let name_len = self.display_name.trim().chars().count();
        if name_len == 0 || name_len > 64 {
            errors.push(crate::error::FieldError::new(
                "display_name",
                "display_name_length",
                "姓名须为 1–64 个字",
                "Name must be 1–64 characters",
            ));
        }
        if self.password.chars().count() < 10 {
            errors.push(crate::error::FieldError::new(
                "password",
                "password_too_short",
                "密码至少 10 个字符",
                "Password must have at least 10 characters",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_name: Option<String>,
    #[serde(default)]
    pub org_id: Option<String>,
    /// The purchaser unit of an officer or supervisor.
    #[serde(default)]
    pub purchaser_name: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

/// A self-registered organisation as the admin reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgReview {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    pub credit_code: Option<String>,
    /// "Name (username)" of the member who registered it.
    pub first_member: Option<String>,
    pub standing: Standing,
    pub reason: Option<String>,
    pub created_at: i64,
}

/// The caller's organisation's standing with the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgStanding {
    pub standing: Standing,
    /// Why it was refused, if it was.
    pub reason: Option<String>,
}

/// Signs in and sets the session cookie; a browser form post is redirected to the role's home.
#[server(endpoint = "sign_in")]
pub async fn sign_in(username: String, password: String) -> Result<SessionUser, AppError> {
    use crate::server::auth;
    let state = auth::state()?;
    let client = auth::request_client()?;
    let result =
        server::sign_in(&state.db, &username, &password, &client, state.now_ms(), state.settings.session_hours).await;
    match result {
        Ok((user, token)) => {
            auth::set_cookie(auth::session_cookie(&token, state.settings.secure_cookies, state.settings.session_hours));
            leptos_axum::redirect(user.role.home_path());
            Ok(user)
        }
        Err(err) => {
            auth::set_status(&err);
            Err(err)
        }
    }
}

/// Public registration of an NGO with its first bidder account; signs the new member in.
#[server(endpoint = "register_organisation")]
pub async fn register_organisation(
    org_name: String,
    credit_code: String,
    username: String,
    display_name: String,
    password: String,
    /// `ngo` (default), `residents_committee` (Shenzhen demonstration sites) or
    /// `county_government` (Shandong experimental zones): the applicant kinds templates ask for.
    org_kind: Option<String>,
) -> Result<SessionUser, AppError> {
    use crate::server::auth;
    let state = auth::state()?;
    let new = NewUser {
        username,
        display_name,
        role: Role::Bidder,
        org_id: None,
        purchaser_id: None,
        password: password.clone(),
    };
    let now = state.now_ms();
    let kind = match org_kind.as_deref().map(str::trim).unwrap_or("") {
        "" => OrgKind::Ngo,
        k => OrgKind::parse(k)
            .ok_or_else(|| {
                AppError::field("org_kind", "org_kind_unknown", "请选择机构类型", "Choose the kind of organisation")
            })
            .inspect_err(auth::set_status)?,
    };
    let client = auth::request_client()?;
    server::admit_registration(&state.db, &client, now).await.inspect_err(auth::set_status)?;
    let registered = server::register_organisation(&state.db, &org_name, &credit_code, kind, &new, now)
        .await
        .inspect_err(auth::set_status)?;
    let (user, token) =
        server::sign_in(&state.db, &registered.username, &password, &client, now, state.settings.session_hours)
            .await
            .inspect_err(auth::set_status)?;
    auth::set_cookie(auth::session_cookie(&token, state.settings.secure_cookies, state.settings.session_hours));
    leptos_axum::redirect(user.role.home_path());
    Ok(user)
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth;
    let state = auth::state()?;
    let headers = auth::request_headers()?;
    if let (Some(token), Some(user)) =
        (auth::session_token(&headers, state.settings.secure_cookies), auth::user_from_headers(&state, &headers).await?)
    {
        crate::server::sessions::close(&state.db, &token, &user, state.now_ms()).await?;
    }
    auth::set_cookie(auth::cleared_session_cookie(state.settings.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

/// The signed-in user, or `None`: never an error for an anonymous visitor.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    crate::server::auth::current_user().await
}

#[server(endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::server::auth;
    auth::require(&[Role::Admin]).await?;
    server::list_users(&auth::state()?.db).await
}

#[server(endpoint = "create_user")]
pub async fn create_user(new_user: NewUser) -> Result<String, AppError> {
    use crate::server::{audit::Actor, auth};
    let admin = auth::require(&[Role::Admin]).await?;
    let state = auth::state()?;
    server::create_user(&state.db, Actor::User(&admin), &new_user, state.now_ms()).await.inspect_err(auth::set_status)
}

/// The members of the caller's own organisation.
#[server(endpoint = "colleagues")]
pub async fn colleagues() -> Result<Vec<UserSummary>, AppError> {
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    Ok(server::list_users(&auth::state()?.db)
        .await?
        .into_iter()
        .filter(|u| u.org_id.as_deref() == Some(&org))
        .collect())
}

/// A member adds a colleague to the organisation: an NGO manages its own members.
#[server(endpoint = "add_colleague")]
pub async fn add_colleague(username: String, display_name: String, password: String) -> Result<String, AppError> {
    use crate::server::{audit::Actor, auth};
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    let new = NewUser {
        username,
        display_name,
        role: Role::Bidder,
        org_id: member.org_id.clone(),
        purchaser_id: None,
        password,
    };
    server::create_user(&state.db, Actor::User(&member), &new, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Deactivates or reactivates an account: an admin any account but its own, a member its own
/// organisation's colleagues. A deactivated account cannot sign in and its sessions stop working.
#[server(endpoint = "set_account_active")]
pub async fn set_account_active(user_id: String, active: bool) -> Result<(), AppError> {
    use crate::server::auth;
    let caller = auth::require(&[Role::Admin, Role::Bidder]).await?;
    let state = auth::state()?;
    server::set_active(&state.db, &caller, &user_id, active, state.now_ms()).await.inspect_err(auth::set_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(username: &str, name: &str, password: &str) -> NewUser {
        NewUser {
            username: username.into(),
            display_name: name.into(),
            role: Role::Expert,
            org_id: None,
            purchaser_id: None,
            password: password.into(),
        }
    }

    #[test]
    fn a_well_formed_account_passes() {
        assert!(user("expert.wang", "王专家", "long-enough-pw").validate().is_ok());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let AppError::Validation(errors) = user("A!", "", "short").validate().unwrap_err() else {
            panic!("expected validation errors")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "password"]);
    }

    #[test]
    fn password_length_boundary_is_ten() {
        assert!(user("abc", "甲", "123456789").validate().is_err());
        assert!(user("abc", "甲", "1234567890").validate().is_ok());
    }
}

/// Self-registered organisations awaiting review or refused. Admins only.
#[server(endpoint = "organisation_reviews")]
pub async fn organisation_reviews() -> Result<Vec<OrgReview>, AppError> {
    use crate::server::auth;
    auth::require(&[Role::Admin]).await?;
    server::organisations_to_review(&auth::state()?.db).await
}

/// Approve a self-registered organisation, or refuse it with a reason it will read.
#[server(endpoint = "review_organisation")]
pub async fn review_organisation(org_id: String, approve: bool, reason: Option<String>) -> Result<(), AppError> {
    use crate::server::auth;
    let admin = auth::require(&[Role::Admin]).await?;
    let state = auth::state()?;
    server::review_organisation(&state.db, &admin, &org_id, approve, reason.as_deref(), state.now_ms())
        .await
        .map(|_| ())
        .inspect_err(auth::set_status)
}

/// The caller's organisation's standing: pending, approved, or refused with the reason.
#[server(endpoint = "my_standing")]
pub async fn my_standing() -> Result<OrgStanding, AppError> {
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    server::standing(&auth::state()?.db, &org).await
}
