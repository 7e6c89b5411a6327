use crate::accounts::RegisterOrganisation;
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, field_messages, focus_first_invalid};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// What registering means for each kind of applicant the platform accepts: (value, name, what
/// the account is for), in both languages.
type Bilingual = (&'static str, &'static str);

const KINDS: [(&str, Bilingual, Bilingual); 3] = [
    (
        "ngo",
        ("社会工作服务机构", "Social-work organisation (NGO)"),
        (
            "社会工作服务机构注册后，可参加政府购买社会工作服务项目的投标，管理本机构资料和人员名册。",
            "A social-work organisation registers to bid for government-funded social-work services and keeps its profile and staff roster.",
        ),
    ),
    (
        "residents_committee",
        ("社区居民委员会", "Residents' committee"),
        (
            "社区居民委员会注册后，可申报社区民生示范点等项目（填写申报表，不参加投标）。",
            "A residents' committee registers to apply for community demonstration-site calls (an application form, not a bid).",
        ),
    ),
    (
        "county_government",
        ("县级人民政府", "County-level government"),
        (
            "县级人民政府（含市辖区、县级市）注册后，可申报城乡社区治理和服务创新实验区等项目。",
            "A county-level government (district or county-level city) registers to apply for experimental-zone calls.",
        ),
    ),
];

/// An organisation registers itself and its first member: an NGO to bid, a residents'
/// committee or a county government to apply to calls. The platform approves it before it
/// takes part.
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
    focus_first_invalid(action.value(), "[data-testid=register-form]");
    let (kind, set_kind) = signal(String::from("ngo"));
    let en = move || i18n.get_locale() == Locale::en;
    let about = move || {
        let k = kind.get();
        let (_, _, (zh, en_text)) = KINDS.iter().find(|(v, ..)| *v == k).copied().unwrap_or(KINDS[0]);
        if en() {
            en_text
        } else {
            zh
        }
    };
    let name_label = move || match (kind.get().as_str(), en()) {
        ("residents_committee", false) => "居民委员会名称",
        ("county_government", false) => "人民政府名称",
        (_, false) => "机构名称",
        ("residents_committee", true) => "Committee's name",
        ("county_government", true) => "Government's name",
        (_, true) => "Organisation's name",
    };
    // Each control with its label and, after a refused attempt, its messages beside it.
    let field = move |name: &'static str, label: Box<dyn Fn() -> String + Send + Sync>, kind: &'static str| {
        let refused = move || field_messages(i18n, action.value().get().and_then(Result::err).as_ref(), name);
        view! {
            <label>
                <span>{label}</span>
                <input
                    type=kind
                    name=name
                    data-testid=format!("register-{name}")
                    autocomplete=match name {
                        "password" => "new-password",
                        "username" => "username",
                        "display_name" => "name",
                        "org_name" => "organization",
                        _ => "off",
                    }
                    required
                    aria-invalid=move || (!refused().is_empty()).to_string()
                />
                {move || refused().into_iter().map(|m| view! { <span class="field-error">{m}</span> }).collect_view()}
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
                    <select
                        name="org_kind"
                        data-testid="register-org_kind"
                        on:change=move |ev| set_kind.set(event_target_value(&ev))
                    >
                        {KINDS
                            .iter()
                            .map(|(value, (zh, en_name), _)| {
                                view! { <option value=*value>{lz(i18n, zh, en_name)}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <p class="hint" data-testid="register-about">
                    {about}
                </p>
                {field("org_name", Box::new(move || name_label().to_string()), "text")}
                {field("credit_code", Box::new(move || t_string!(i18n, register.credit_code).to_string()), "text")}
                {field("display_name", Box::new(move || t_string!(i18n, register.display_name).to_string()), "text")}
                {field("username", Box::new(move || t_string!(i18n, login.username).to_string()), "text")}
                {field("password", Box::new(move || t_string!(i18n, login.password).to_string()), "password")}
                <p class="hint">
                    {lz(
                        i18n,
                        "注册后由平台管理员审核，审核通过前可以登录、完善资料，但不能投标或申报。",
                        "The platform's administrator reviews each registration; until approved you may sign in and complete your profile, but not bid or apply.",
                    )}
                </p>
                <button type="submit" class="btn btn-primary" data-testid="register-submit">
                    {t!(i18n, register.submit)}
                </button>
            </ActionForm>
            {action_error(action.value())}
        </section>
    }
}
