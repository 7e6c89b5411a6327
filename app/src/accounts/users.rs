//! The account list as admins see it.

use super::UserSummary;
use crate::components::errors::{loaded, Loaded};
use crate::components::role::role_label;
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn UserTable(users: Loaded<Vec<UserSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.users)}</h2>
            {loaded(
                users,
                move |list: Vec<UserSummary>| {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, admin.username)}</th>
                                        <th>{t!(i18n, home.name)}</th>
                                        <th>{t!(i18n, home.role)}</th>
                                        <th>{t!(i18n, home.organisation)}</th>
                                        <th>{t!(i18n, admin.active)}</th>
                                        <th>{t!(i18n, admin.created)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|u| {
                                            let role = u.role;
                                            let active = u.active;
                                            view! {
                                                <tr>
                                                    <td>{u.username}</td>
                                                    <td>{u.display_name}</td>
                                                    <td>{move || role_label(i18n, role)}</td>
                                                    <td>{u.org_name.unwrap_or_default()}</td>
                                                    <td>
                                                        {move || {
                                                            if active {
                                                                t_string!(i18n, admin.enabled)
                                                            } else {
                                                                t_string!(i18n, admin.disabled)
                                                            }
                                                        }}
                                                    </td>
                                                    <td>{format_shanghai(u.created_at)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                },
            )}
        </section>
    }
}
