//! Roles as the pages name them.

use crate::i18n::*;
use crate::identity::Role;

/// A role's name in the user's language.
pub fn role_label(i18n: leptos_i18n::I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::Officer => t_string!(i18n, role.officer).to_string(),
        Role::Bidder => t_string!(i18n, role.bidder).to_string(),
        Role::Expert => t_string!(i18n, role.expert).to_string(),
        Role::Auditor => t_string!(i18n, role.auditor).to_string(),
        Role::Admin => t_string!(i18n, role.admin).to_string(),
    }
}
