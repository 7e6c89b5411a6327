//! The latest audit-log entries as auditors and admins see them.

use super::AuditRecord;
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
                                                view! {
                                                    <tr>
                                                        <td>{format_shanghai(e.at)}</td>
                                                        <td>{e.actor}</td>
                                                        <td>
                                                            <code>{e.action}</code>
                                                        </td>
                                                        <td>{format!("{} {}", e.entity, e.entity_id)}</td>
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
