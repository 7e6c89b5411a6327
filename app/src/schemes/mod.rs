//! Schemes as data: the scheme templates in force (shipped and derived), the working-day
//! calendar, and the officers' rule calculators.

pub mod calculators;
#[cfg(feature = "ssr")]
pub mod calendar;
#[cfg(feature = "ssr")]
pub mod server;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A scheme template's id and names, as lists and the board show it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SchemeName {
    pub id: String,
    pub zh: String,
    pub en: String,
}

impl SchemeName {
    pub fn localized(&self, english: bool) -> &str {
        if english {
            &self.en
        } else {
            &self.zh
        }
    }
}

/// Templates an officer can start a tender from.
#[server(endpoint = "tender_templates")]
pub async fn tender_templates() -> Result<Vec<SchemeName>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    auth::require(&[Role::Officer]).await?;
    Ok(server::all(&auth::state()?.db)
        .await?
        .into_iter()
        .map(|t| SchemeName { id: t.id, zh: t.name.zh, en: t.name.en })
        .collect())
}

/// The working-day calendar in force — the shipped years and those an admin added — for the
/// deadline calculator, which counts in the browser with the calendar the server counts with.
#[server(endpoint = "working_calendar")]
pub async fn working_calendar() -> Result<crate::domain::calendar::HolidayCalendar, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    auth::require(&[Role::Officer, Role::Admin]).await?;
    calendar::load(&auth::state()?.db).await
}
