//! The organisation's profile and staff roster (机构资料与人员名册), kept once by its members
//! and declared with every bid. ID numbers leave the server masked.

pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::roster::{Member, PersonInput, Profile, ProfileInput};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The organisation's profile and roster as its members see them (ID numbers masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub profile: Option<Profile>,
    pub roster: Vec<Member>,
}

#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<ProfileView, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let org = member.org_id.clone().ok_or(AppError::Forbidden)?;
    let db = auth::state()?.db;
    Ok(ProfileView {
        profile: server::profile(&db, &org).await?,
        roster: server::masked(server::roster(&db, &org).await?),
    })
}

#[server(endpoint = "save_profile")]
pub async fn save_profile(input: ProfileInput) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::save_profile(&state.db, &member, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "add_staff")]
pub async fn add_staff(person: PersonInput) -> Result<String, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::add_member(&state.db, &member, &person, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "remove_staff")]
pub async fn remove_staff(staff_id: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let member = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::remove_member(&state.db, &member, &staff_id, state.now_ms()).await.inspect_err(auth::set_status)
}
