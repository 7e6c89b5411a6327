//! Each role's home page ("workbench").

use crate::accounts::list_users;
use crate::audit::audit_log;
use crate::components::errors::loaded;
use crate::components::guard::RequireRole;
use crate::components::layout::role_label;
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use crate::identity::{Role, SessionUser};
use leptos::prelude::*;

#[component]
fn AccountCard() -> impl IntoView {
    let i18n = use_i18n();
    let user = expect_context::<SessionUser>();
    let role = user.role;
    let org = user.org_name.clone();
    view! {
        <section class="card">
            <h2>{t!(i18n, home.account)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, home.name)}</dt>
                <dd data-testid="account-name">{user.display_name.clone()}</dd>
                <dt>{t!(i18n, home.role)}</dt>
                <dd data-testid="account-role">{move || role_label(i18n, role)}</dd>
                <dt>{t!(i18n, home.organisation)}</dt>
                <dd>{move || org.clone().unwrap_or_else(|| t_string!(i18n, home.none).to_string())}</dd>
            </dl>
        </section>
    }
}

/// Heading and introduction of a role's workbench.
fn heading(i18n: leptos_i18n::I18nContext<Locale>, role: Role) -> (&'static str, Option<&'static str>) {
    match role {
        Role::Officer => (t_string!(i18n, officer.title), Some(t_string!(i18n, officer.intro))),
        Role::Bidder => (t_string!(i18n, bidder.title), Some(t_string!(i18n, bidder.intro))),
        Role::Expert => (t_string!(i18n, expert.title), Some(t_string!(i18n, expert.intro))),
        Role::Auditor => (t_string!(i18n, auditor.title), Some(t_string!(i18n, auditor.intro))),
        Role::Admin => (t_string!(i18n, admin.title), None),
    }
}

/// One role's workbench: only that role may open it.
#[component]
fn RoleHome(role: Role, #[prop(optional)] children: Option<ChildrenFn>) -> impl IntoView {
    let i18n = use_i18n();
    let only: &'static [Role] = match role {
        Role::Officer => &[Role::Officer],
        Role::Bidder => &[Role::Bidder],
        Role::Expert => &[Role::Expert],
        Role::Auditor => &[Role::Auditor],
        Role::Admin => &[Role::Admin],
    };
    let children = StoredValue::new(children);
    view! {
        <RequireRole roles=only>
            <h1 data-testid="workbench-title">{move || heading(i18n, role).0}</h1>
            {move || heading(i18n, role).1.map(|intro| view! { <p class="lead">{intro}</p> })}
            <AccountCard />
            {children.read_value().as_ref().map(|c| c())}
        </RequireRole>
    }
}

#[component]
pub fn OfficerHome() -> impl IntoView {
    let i18n = use_i18n();
    let tenders = Resource::new(|| (), |_| crate::tenders::officer_tenders());
    view! {
        <RoleHome role=Role::Officer>
            <crate::pages::tenders::OfficerTenders tenders=tenders />
            <section class="card">
                <a href="/officer/calculators" class="btn btn-quiet" data-testid="open-calculators">{t!(i18n, calc.open)}</a>
            </section>
        </RoleHome>
    }
}

#[component]
pub fn BidderHome() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::tenders::open_tenders());
    let record = ServerAction::<crate::tenders::RecordObligation>::new();
    let contracts = Resource::new(move || record.version().get(), |_| crate::tenders::my_contracts());
    view! {
        <RoleHome role=Role::Bidder>
            <ProfileLink />
            <crate::pages::tenders::BidderTenders list=list />
            <crate::pages::tenders::BidderContracts contracts=contracts record=record />
        </RoleHome>
    }
}

#[component]
fn ProfileLink() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p><leptos_router::components::A href="/bidder/profile" attr:class="btn" attr:data-testid="profile-link">{t!(i18n, common.profile_link)}</leptos_router::components::A></p> }
}

#[component]
pub fn ExpertHome() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::tenders::expert_tenders());
    view! {
        <RoleHome role=Role::Expert>
            <crate::pages::tenders::ExpertAssignments list=list />
        </RoleHome>
    }
}

#[component]
pub fn AuditorHome() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_log());
    view! {
        <RoleHome role=Role::Auditor>
            <AuditTable entries=entries />
        </RoleHome>
    }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    let entries = Resource::new(|| (), |_| audit_log());
    view! {
        <RoleHome role=Role::Admin>
            <UserTable users=users />
            <AuditTable entries=entries />
        </RoleHome>
    }
}

#[component]
fn UserTable(users: crate::pages::tenders::Loaded<Vec<crate::accounts::UserSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, admin.users)}</h2>
            {loaded(users, move |list: Vec<crate::accounts::UserSummary>| match list {
                        list => view! {
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
                                        {list.into_iter().map(|u| {
                                            let role = u.role;
                                            let active = u.active;
                                            view! {
                                                <tr>
                                                    <td>{u.username}</td>
                                                    <td>{u.display_name}</td>
                                                    <td>{move || role_label(i18n, role)}</td>
                                                    <td>{u.org_name.unwrap_or_default()}</td>
                                                    <td>{move || if active { t_string!(i18n, admin.enabled) } else { t_string!(i18n, admin.disabled) }}</td>
                                                    <td>{format_shanghai(u.created_at)}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
            })}
        </section>
    }
}

#[component]
fn AuditTable(entries: crate::pages::tenders::Loaded<Vec<crate::audit::AuditRecord>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, audit.title)}</h2>
            {loaded(entries, move |list: Vec<crate::audit::AuditRecord>| match list {
                        list if list.is_empty() => view! { <p>{t!(i18n, audit.empty)}</p> }.into_any(),
                        list => view! {
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
                                        {list.into_iter().map(|e| view! {
                                            <tr>
                                                <td>{format_shanghai(e.at)}</td>
                                                <td>{e.actor}</td>
                                                <td><code>{e.action}</code></td>
                                                <td>{format!("{} {}", e.entity, e.entity_id)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
            })}
        </section>
    }
}
