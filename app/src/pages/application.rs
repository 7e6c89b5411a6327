//! A call for applications with a project library (Shenzhen demonstration sites): the applying
//! community states its conditions and picks projects; the seed's rules are judged in the
//! browser as it fills the form. The inputs belong to the surrounding bid form.

use crate::domain::shenzhen::{application_verdicts, parse_application, ApplicationInput};
use crate::domain::template::{SchemeTemplate, Selection};
use crate::i18n::*;
use crate::pages::profile::{lz, verdict_items};
use leptos::prelude::*;

#[component]
pub fn ApplicationPicker(template: SchemeTemplate) -> impl IntoView {
    let i18n = use_i18n();
    let Some(Selection::ProjectLibrary { projects, min_selected, .. }) = template.selection.clone() else {
        return ().into_any();
    };
    let input = RwSignal::new(ApplicationInput::default());
    let judged = Memo::new(move |_| match parse_application(&input.get()) {
        Ok(a) => application_verdicts(&template, &a),
        Err(_) => vec![],
    });
    let number = move |name: &'static str, label: (&'static str, &'static str), set: fn(&mut ApplicationInput, String)| view! {
        <label><span>{lz(i18n, label.0, label.1)}</span>
            <input type="text" inputmode="numeric" name=name data-testid=format!("app-{name}") on:input=move |ev| { let v = event_target_value(&ev); input.update(|a| set(a, v)) } /></label>
    };
    view! {
        <fieldset class="application" data-testid="application">
            <legend>{lz(i18n, "申报条件", "Conditions")}</legend>
            <label class="check"><input type="checkbox" name="premises_available" value="true" data-testid="app-premises"
                on:change=move |ev| { let on = event_target_checked(&ev); input.update(|a| a.premises_available = on) } />
                <span>{lz(i18n, "具备开展项目的场地及硬件条件", "Premises and hardware available")}</span></label>
            {number("residents_consulted", ("征求意见的居民（代表）人数", "Residents consulted"), |a, v| a.residents_consulted = v)}
            {number("residents_agreeing", ("其中同意人数", "Of whom agree"), |a, v| a.residents_agreeing = v)}
            {number("centre_operating_months", ("社区服务中心已运营月数", "Months the service centre has operated"), |a, v| a.centre_operating_months = v)}
            <label class="check"><input type="checkbox" name="district_matches" value="true"
                on:change=move |ev| { let on = event_target_checked(&ev); input.update(|a| a.district_matches = on) } />
                <span>{lz(i18n, "区级财政按1:1配套", "The district matches the grant 1:1")}</span></label>
        </fieldset>
        <fieldset class="projects" data-testid="projects">
            <legend>{move || format!("{}（{}）", lz(i18n, "选择项目", "Choose projects")(), if i18n.get_locale() == Locale::en { format!("at least {min_selected}") } else { format!("至少{min_selected}个") })}</legend>
            {projects.into_iter().enumerate().map(|(i, p)| {
                let (id, id2) = (p.id.clone(), p.id.clone());
                let (zh, en) = (p.name.zh.clone(), p.name.en.clone());
                view! {
                    <div class="criterion-row">
                        <label class="check"><input type="checkbox" name="project" value=p.id.clone() data-testid=format!("app-project-{i}")
                            on:change=move |ev| { let on = event_target_checked(&ev); let id = id.clone(); input.update(|a| { a.selected.retain(|x| *x != id); if on { a.selected.push(id) } }) } />
                            <span>{move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}{p.expected.then(|| view! { " ★" })}{p.commercial.then(|| view! { " ¥" })}</span></label>
                        {p.expected.then(|| view! {
                            <input type="text" name=format!("omission_{}", p.id) placeholder=move || lz(i18n, "不选时须写明理由", "Reason if left out")()
                                on:input=move |ev| { let v = event_target_value(&ev); let id = id2.clone(); input.update(|a| { a.omissions.retain(|(x, _)| *x != id); a.omissions.push((id, v)) }) } />
                        })}
                    </div>
                }
            }).collect_view()}
            <p class="hint">{lz(i18n, "★ 原则上应纳入的项目；¥ 商业性项目（不使用彩票公益金）", "★ expected projects; ¥ commercial projects (no lottery funds)")}</p>
        </fieldset>
        <section class="verdicts" data-testid="application-verdicts">
            <ul class="verdicts">
                {move || verdict_items(i18n, judged.get())}
            </ul>
        </section>
    }
    .into_any()
}
