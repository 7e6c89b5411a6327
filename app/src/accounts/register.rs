use crate::accounts::RegisterOrganisation;
use crate::components::bilingual::lz;
use crate::components::errors::action_error;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// An NGO registers itself and its first member (bidder).
#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RegisterOrganisation>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            navigate(user.role.home_path(), Default::default());
        }
    });
    let field = move |name: &'static str, label: &'static str, kind: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input type=kind name=name data-testid=format!("register-{name}") required />
            </label>
        }
    };
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, register.title)}</h1>
            <p class="lead">{t!(i18n, register.intro)}</p>
            <ActionForm action=action attr:class="form" attr:data-testid="register-form">
                <label>
                    <span>{lz(i18n, "机构类型", "Kind of organisation")}</span>
                    <select name="org_kind" data-testid="register-org_kind">
                        <option value="ngo">
                            {lz(i18n, "社会工作服务机构", "Social-work organisation (NGO)")}
                        </option>
                        <option value="residents_committee">
                            {lz(i18n, "社区居民委员会", "Residents' committee")}
                        </option>
                        <option value="county_government">
                            {lz(i18n, "县级人民政府", "County-level government")}
                        </option>
                    </select>
                </label>
                {move || field("org_name", t_string!(i18n, register.org_name), "text")}
                {move || field("credit_code", t_string!(i18n, register.credit_code), "text")}
                {move || field("display_name", t_string!(i18n, register.display_name), "text")}
                {move || field("username", t_string!(i18n, login.username), "text")}
                {move || field("password", t_string!(i18n, login.password), "password")}
                <button type="submit" class="btn btn-primary" data-testid="register-submit">
                    {t!(i18n, register.submit)}
                </button>
            </ActionForm>
            {action_error(action.value())}
        </section>
    }
}
