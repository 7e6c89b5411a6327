//! Each role's home page ("workbench").

use crate::accounts::list_users;
use crate::audit::audit_log;
use crate::components::guard::RequireRole;
use crate::components::role::role_label;
use crate::i18n::*;
use crate::identity::{Role, SessionUser};
use leptos::prelude::*;

#[component]
fn AccountCard() -> impl IntoView {
    let i18n = use_i18n();
    let user = expect_context::<SessionUser>();
    let role = user.role;
    // An NGO member's organisation, or an officer's or supervisor's unit.
    let org = user.org_name.clone().or(user.purchaser_name.clone());
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
    let query = leptos_router::hooks::use_query_map();
    let tenders = Resource::new(move || query.with(|q| q.get("after")), crate::tenders::officer_tenders);
    // An officer may sit on a panel as the purchaser's representative.
    let actions = crate::panels::views::InvitationActions::new();
    let panels = Resource::new(
        move || (actions.answer.version().get(), actions.declare.version().get()),
        |_| crate::panels::my_panels(),
    );
    view! {
        <RoleHome role=Role::Officer>
            <crate::tenders::board::OfficerTenders tenders=tenders />
            <crate::panels::views::MyPanels list=panels actions=actions />
            <section class="card">
                <a href="/officer/calculators" class="btn btn-quiet" data-testid="open-calculators">
                    {t!(i18n, calc.open)}
                </a>
            </section>
        </RoleHome>
    }
}

#[component]
pub fn BidderHome() -> impl IntoView {
    let list = Resource::new(|| (), |_| crate::bids::open_tenders());
    let record = ServerAction::<crate::contracts::RecordObligation>::new();
    let contracts = Resource::new(move || record.version().get(), |_| crate::contracts::my_contracts());
    let add = ServerAction::<crate::accounts::AddColleague>::new();
    let toggle = ServerAction::<crate::accounts::SetAccountActive>::new();
    let colleagues =
        Resource::new(move || (add.version().get(), toggle.version().get()), |_| crate::accounts::colleagues());
    let standing = Resource::new(|| (), |_| crate::accounts::my_standing());
    view! {
        <RoleHome role=Role::Bidder>
            <crate::accounts::review::StandingBanner standing=standing />
            <ProfileLink />
            <crate::bids::list::BidderTenders list=list />
            <crate::contracts::list::BidderContracts contracts=contracts record=record />
            <crate::accounts::users::Colleagues list=colleagues add=add toggle=toggle />
        </RoleHome>
    }
}

#[component]
fn ProfileLink() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>
            <leptos_router::components::A href="/bidder/profile" attr:class="btn" attr:data-testid="profile-link">
                {t!(i18n, common.profile_link)}
            </leptos_router::components::A>
        </p>
    }
}

#[component]
pub fn ExpertHome() -> impl IntoView {
    let actions = crate::panels::views::InvitationActions::new();
    let panels = Resource::new(
        move || (actions.answer.version().get(), actions.declare.version().get()),
        |_| crate::panels::my_panels(),
    );
    let save = ServerAction::<crate::experts::SaveExpertProfile>::new();
    let profile = Resource::new(move || save.version().get(), |_| crate::experts::my_expert_profile());
    view! {
        <RoleHome role=Role::Expert>
            <crate::panels::views::MyPanels list=panels actions=actions />
            <crate::experts::page::ExpertProfileForm profile=profile save=save />
        </RoleHome>
    }
}

#[component]
pub fn AuditorHome() -> impl IntoView {
    let entries = Resource::new(|| (), |_| audit_log());
    view! {
        <RoleHome role=Role::Auditor>
            <crate::audit::table::AuditTable entries=entries />
        </RoleHome>
    }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let create_user = ServerAction::<crate::accounts::CreateUser>::new();
    let toggle = ServerAction::<crate::accounts::SetAccountActive>::new();
    let create_unit = ServerAction::<crate::purchasers::CreatePurchaser>::new();
    let users = Resource::new(move || (create_user.version().get(), toggle.version().get()), |_| list_users());
    let units = Resource::new(move || create_unit.version().get(), |_| crate::purchasers::purchasers());
    let import = ServerAction::<crate::experts::ImportExperts>::new();
    let file_import: crate::experts::page::FileImport = RwSignal::new(None);
    let pool = Resource::new(
        move || (import.version().get(), file_import.with(|f| f.as_ref().map(|(n, _)| *n))),
        |_| crate::experts::expert_pool(),
    );
    let review = ServerAction::<crate::accounts::ReviewOrganisation>::new();
    let reviews = Resource::new(move || review.version().get(), |_| crate::accounts::organisation_reviews());
    let entries = Resource::new(
        move || {
            (create_user.version().get(), toggle.version().get(), create_unit.version().get(), review.version().get())
        },
        |_| audit_log(),
    );
    view! {
        <RoleHome role=Role::Admin>
            <crate::accounts::review::ReviewQueue list=reviews review=review />
            <crate::accounts::users::UserTable users=users units=units create=create_user toggle=toggle />
            <crate::purchasers::units::UnitTable units=units create=create_unit />
            <crate::experts::page::PoolSection pool=pool import=import file_import=file_import />
            <crate::audit::table::AuditTable entries=entries />
        </RoleHome>
    }
}
