//! Accounts as admins manage them (officers, supervisors, experts and admins; an NGO's accounts
//! are its own), and an organisation's members as its colleagues manage them.

use super::{AddColleague, CreateUser, SetAccountActive, UserSummary};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, loaded, Loaded};
use crate::components::role::role_label;
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use crate::identity::Role;
use crate::purchasers::PurchaserView;
use leptos::prelude::*;

/// One account's row: who, where, since when, and the switch to deactivate or reactivate it.
fn account_rows(
    i18n: leptos_i18n::I18nContext<Locale>,
    list: Vec<UserSummary>,
    toggle: ServerAction<SetAccountActive>,
    me: String,
) -> impl IntoView {
    list.into_iter()
        .map(|u| {
            let role = u.role;
            let active = u.active;
            let unit = u.purchaser_name.or(u.org_name).unwrap_or_default();
            let mine = u.id == me;
            let testid = format!("account-{}", u.username);
            let toggle_testid = format!("{testid}-toggle");
            view! {
                <tr data-testid=testid data-active=if active { "true" } else { "false" }>
                    <td>{u.username}</td>
                    <td>{u.display_name}</td>
                    <td>{move || role_label(i18n, role)}</td>
                    <td>{unit}</td>
                    <td>
                        {move || if active { t_string!(i18n, admin.enabled) } else { t_string!(i18n, admin.disabled) }}
                    </td>
                    <td>{format_shanghai(u.created_at)}</td>
                    <td>
                        {(!mine)
                            .then(|| {
                                view! {
                                    <ActionForm action=toggle attr:class="inline-form">
                                        <input type="hidden" name="user_id" value=u.id.clone() />
                                        <input type="hidden" name="active" value=if active { "false" } else { "true" } />
                                        <button type="submit" class="btn btn-quiet" data-testid=toggle_testid>
                                            {move || {
                                                if active { lz(i18n, "停用", "Deactivate")() } else { lz(i18n, "启用", "Reactivate")() }
                                            }}
                                        </button>
                                    </ActionForm>
                                }
                            })}
                    </td>
                </tr>
            }
        })
        .collect_view()
}

fn table_head(i18n: leptos_i18n::I18nContext<Locale>) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th>{t!(i18n, admin.username)}</th>
                <th>{t!(i18n, home.name)}</th>
                <th>{t!(i18n, home.role)}</th>
                <th>{t!(i18n, home.organisation)}</th>
                <th>{t!(i18n, admin.active)}</th>
                <th>{t!(i18n, admin.created)}</th>
                <th></th>
            </tr>
        </thead>
    }
}

/// The admin's accounts: the list with (de)activation, and a form for officers, supervisors,
/// experts and admins. NGO accounts are not created here.
#[component]
pub fn UserTable(
    users: Loaded<Vec<UserSummary>>,
    units: Loaded<Vec<PurchaserView>>,
    create: ServerAction<CreateUser>,
    toggle: ServerAction<SetAccountActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<crate::identity::SessionUser>().id;
    let roles = [Role::Officer, Role::Auditor, Role::Expert, Role::Admin];
    view! {
        <section class="card" data-testid="accounts">
            <h2>{t!(i18n, admin.users)}</h2>
            {loaded(
                users,
                move |list: Vec<UserSummary>| {
                    view! {
                        <div class="table-wrap">
                            <table data-testid="account-table">
                                {table_head(i18n)}
                                <tbody>{account_rows(i18n, list, toggle, me.clone())}</tbody>
                            </table>
                        </div>
                    }
                },
            )}
            {action_error(toggle.value())}
            <h3>{lz(i18n, "新建账号", "New account")}</h3>
            <p class="hint">
                {lz(
                    i18n,
                    "社工机构的账号由机构自行注册和添加；采购人和监督人员须选择所属单位。",
                    "NGOs register and add their own accounts; officers and supervisors belong to a unit.",
                )}
            </p>
            <ActionForm action=create attr:class="form" attr:data-testid="account-form">
                <label>
                    <span>{t!(i18n, admin.username)}</span>
                    <input type="text" name="new_user[username]" required data-testid="new-account-username" />
                </label>
                <label>
                    <span>{t!(i18n, home.name)}</span>
                    <input type="text" name="new_user[display_name]" required data-testid="new-account-display_name" />
                </label>
                <label>
                    <span>{t!(i18n, home.role)}</span>
                    <select name="new_user[role]" data-testid="new-account-role">
                        {roles
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str()>{move || role_label(i18n, r)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>{lz(i18n, "所属单位（采购人、监督人员）", "Unit (officers and supervisors)")}</span>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = units.await.unwrap_or_default();
                            view! {
                                <select name="new_user[purchaser_id]" data-testid="new-account-unit">
                                    <option value="">"—"</option>
                                    {list
                                        .into_iter()
                                        .map(|u| view! { <option value=u.id>{u.name}</option> })
                                        .collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                </label>
                <label>
                    <span>{lz(i18n, "初始密码（至少10位）", "Initial password (10 characters or more)")}</span>
                    <input type="password" name="new_user[password]" required minlength="10" data-testid="new-account-password" />
                </label>
                <button type="submit" class="btn btn-primary" data-testid="new-account-save">
                    {lz(i18n, "创建账号", "Create account")}
                </button>
            </ActionForm>
            {action_error(create.value())}
        </section>
    }
}

/// An organisation's own accounts: its members add colleagues and deactivate them.
#[component]
pub fn Colleagues(
    list: Loaded<Vec<UserSummary>>,
    add: ServerAction<AddColleague>,
    toggle: ServerAction<SetAccountActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    let me = expect_context::<crate::identity::SessionUser>().id;
    view! {
        <section class="card" data-testid="colleagues">
            <h2>{lz(i18n, "本机构账号", "Our organisation's accounts")}</h2>
            {loaded(
                list,
                move |list: Vec<UserSummary>| {
                    view! {
                        <div class="table-wrap">
                            <table>
                                {table_head(i18n)}
                                <tbody>{account_rows(i18n, list, toggle, me.clone())}</tbody>
                            </table>
                        </div>
                    }
                },
            )}
            {action_error(toggle.value())}
            <ActionForm action=add attr:class="form" attr:data-testid="colleague-form">
                <label>
                    <span>{t!(i18n, admin.username)}</span>
                    <input type="text" name="username" required data-testid="colleague-username" />
                </label>
                <label>
                    <span>{t!(i18n, home.name)}</span>
                    <input type="text" name="display_name" required data-testid="colleague-display_name" />
                </label>
                <label>
                    <span>{lz(i18n, "初始密码（至少10位）", "Initial password (10 characters or more)")}</span>
                    <input type="password" name="password" required minlength="10" data-testid="colleague-password" />
                </label>
                <button type="submit" class="btn" data-testid="colleague-save">
                    {lz(i18n, "添加同事", "Add a colleague")}
                </button>
            </ActionForm>
            {action_error(add.value())}
        </section>
    }
}
