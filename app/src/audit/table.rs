//! The latest audit-log entries as auditors and admins see them.

use super::{labels, AuditRecord};
use crate::components::errors::{loaded, Loaded};
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn AuditTable(entries: Loaded<Vec<AuditRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, audit.title)}</h2>
            {loaded(
                entries,
                move |list: Vec<AuditRecord>| match list {
                    list if list.is_empty() => view! { <p>{t!(i18n, audit.empty)}</p> }.into_any(),
                    list => {
                        view! {
                            <div class="table-wrap">
                                <table data-testid="audit-table">
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, audit.at)}</th>
                                            <th>{t!(i18n, audit.actor)}</th>
                                            <th>{t!(i18n, audit.action)}</th>
                                            <th>{t!(i18n, audit.entity)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|e| {
                                                let en = move || i18n.get_locale() == Locale::en;
                                                let (action, entity) = (e.action.clone(), e.entity.clone());
                                                // A deleted object (or one of an unknown kind) by a short id.
                                                let object = e
                                                    .object
                                                    .clone()
                                                    .unwrap_or_else(|| e.entity_id.chars().take(8).collect());
                                                view! {
                                                    <tr data-action=e.action.clone()>
                                                        <td>{format_shanghai(e.at)}</td>
                                                        <td>{actor(i18n, &e.actor)}</td>
                                                        <td>{move || labels::action(&action, en())}</td>
                                                        <td>
                                                            {move || labels::entity(&entity, en())} " " {object.clone()}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }
                },
            )}
        </section>
    }
}

/// Who acted: a person as recorded, or the platform's own actors in the reader's language.
fn actor(i18n: leptos_i18n::I18nContext<Locale>, label: &str) -> impl IntoView {
    let known: Option<(&'static str, &'static str)> = match label {
        "anonymous" => Some(("未登录访客", "Anonymous visitor")),
        "console" => Some(("服务器控制台", "Server console")),
        "system" => Some(("系统", "System")),
        _ => None,
    };
    // People are recorded as "username (role)": the role in the reader's language.
    let person = label
        .strip_suffix(')')
        .and_then(|l| l.split_once(" ("))
        .and_then(|(user, role)| Some((user.to_string(), role.parse::<crate::identity::Role>().ok()?)));
    let label = label.to_string();
    move || match (known, &person) {
        (Some((zh, en)), _) => if i18n.get_locale() == Locale::en { en } else { zh }.to_string(),
        (None, Some((user, role))) => format!("{user}（{}）", crate::components::role::role_label(i18n, *role)),
        (None, None) => label.clone(),
    }
}
