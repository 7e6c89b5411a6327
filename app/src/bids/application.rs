//! A call for applications: a community picks projects from a library (Shenzhen demonstration
//! sites), or a county-level unit fills in the 申报表 (Shandong experimental zones). The seed's
//! rules are judged in the browser as the form is filled. The inputs belong to the surrounding
//! bid form.

use crate::components::bilingual::lz;
use crate::components::verdicts::verdict_items;
use crate::domain::shandong::{form_verdicts, parse_form, ApplicationForm};
use crate::domain::shenzhen::{application_verdicts, parse_application, ApplicationInput};
use crate::domain::template::{ApplicationKind, SchemeTemplate, Selection};
use crate::i18n::*;
use leptos::prelude::*;

/// The form the call's template asks for.
#[component]
pub fn Application(template: SchemeTemplate) -> impl IntoView {
    match template.application_kind() {
        Some(ApplicationKind::ProjectLibrary) => view! { <ApplicationPicker template=template /> }.into_any(),
        Some(ApplicationKind::ZoneForm) => view! { <ZoneApplication template=template /> }.into_any(),
        None => ().into_any(),
    }
}

/// Seed 001 申报表: the zone's category and the form's fields, each required.
#[component]
fn ZoneApplication(template: SchemeTemplate) -> impl IntoView {
    let i18n = use_i18n();
    let Some(Selection::ZoneQuota { quotas }) = template.selection.clone() else {
        return ().into_any();
    };
    let input = RwSignal::new(ApplicationForm::default());
    let judged = Memo::new(move |_| match parse_form(&input.get()) {
        Ok(f) => form_verdicts(&template, &f),
        Err(_) => vec![],
    });
    let field = move |name: &'static str,
                      label: (&'static str, &'static str),
                      long: bool,
                      set: fn(&mut ApplicationForm, String)| {
        let on_input = move |ev| {
            let v = event_target_value(&ev);
            input.update(|f| set(f, v))
        };
        let testid = format!("app-{name}");
        let name = format!("zone_{name}");
        view! {
            <label>
                <span>{lz(i18n, label.0, label.1)}</span>
                {if long {
                    view! {
                        <textarea name=name data-testid=testid rows="3" maxlength="2000" on:input=on_input></textarea>
                    }
                        .into_any()
                } else {
                    view! { <input type="text" name=name data-testid=testid maxlength="2000" on:input=on_input /> }
                        .into_any()
                }}
            </label>
        }
    };
    view! {
        <fieldset class="application" data-testid="application">
            <legend>{lz(i18n, "实验区申报表", "Experimental-zone application form")}</legend>
            <div class="choices" role="radiogroup">
                {quotas
                    .into_iter()
                    .map(|q| {
                        let (value, chosen) = (q.name.clone(), q.name.clone());
                        let label = match q.name.as_str() {
                            "urban" => lz(i18n, "城市社区治理和服务创新实验区", "Urban community zone"),
                            "rural" => lz(i18n, "农村社区治理和服务创新实验区", "Rural community zone"),
                            _ => lz(i18n, "其他类别", "Other category"),
                        };
                        view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="zone_category"
                                    value=value
                                    data-testid=format!("app-category-{}", q.name)
                                    on:change=move |_| {
                                        let c = chosen.clone();
                                        input.update(|f| f.category = c)
                                    }
                                />
                                <span>{label}{format!("（{}）", q.count)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            {field("unit", ("申报单位", "Applying unit"), false, |f, v| f.unit = v)}
            {field("party_secretary", ("党委书记", "Party secretary"), false, |f, v| f.party_secretary = v)}
            {field("contacts", ("联系人及电话", "Contacts"), false, |f, v| f.contacts = v)}
            {field(
                "background",
                ("实验背景（发展状况、存在问题等）", "Background"),
                true,
                |f, v| f.background = v,
            )}
            {field("theme", ("实验主题（主要目标、基本任务等）", "Theme"), true, |f, v| f.theme = v)}
            {field(
                "content",
                ("实验内容（具体举措、工作安排等）", "Content"),
                true,
                |f, v| f.content = v,
            )}
            {field(
                "guarantees",
                ("实验保障（组织领导、资金投入等）", "Guarantees"),
                true,
                |f, v| f.guarantees = v,
            )}
            {field(
                "city_opinion",
                (
                    "市级民政部门审核意见（审核文件放入资格材料）",
                    "City civil-affairs opinion (its letter goes in the qualification documents)",
                ),
                true,
                |f, v| f.city_opinion = v,
            )}
            <p class="hint">
                {lz(
                    i18n,
                    "完整的实验方案请作为技术文件上传；每栏不超过2000字。",
                    "Upload the full plan as the technical document; each field takes at most 2,000 characters.",
                )}
            </p>
        </fieldset>
        <ApplicationVerdicts judged=judged />
    }
    .into_any()
}

#[component]
fn ApplicationPicker(template: SchemeTemplate) -> impl IntoView {
    let i18n = use_i18n();
    let Some(Selection::ProjectLibrary { projects, min_selected, .. }) = template.selection.clone() else {
        return ().into_any();
    };
    let input = RwSignal::new(ApplicationInput::default());
    let judged = Memo::new(move |_| match parse_application(&input.get()) {
        Ok(a) => application_verdicts(&template, &a),
        Err(_) => vec![],
    });
    let number =
        move |name: &'static str, label: (&'static str, &'static str), set: fn(&mut ApplicationInput, String)| {
            view! {
                <label>
                    <span>{lz(i18n, label.0, label.1)}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        name=name
                        data-testid=format!("app-{name}")
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            input.update(|a| set(a, v))
                        }
                    />
                </label>
            }
        };
    view! {
        <fieldset class="application" data-testid="application">
            <legend>{lz(i18n, "申报条件", "Conditions")}</legend>
            <label class="check">
                <input
                    type="checkbox"
                    name="premises_available"
                    value="true"
                    data-testid="app-premises"
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        input.update(|a| a.premises_available = on)
                    }
                />
                <span>{lz(i18n, "具备开展项目的场地及硬件条件", "Premises and hardware available")}</span>
            </label>
            {number(
                "residents_consulted",
                ("征求意见的居民（代表）人数", "Residents consulted"),
                |a, v| a.residents_consulted = v,
            )}
            {number("residents_agreeing", ("其中同意人数", "Of whom agree"), |a, v| a.residents_agreeing = v)}
            {number(
                "centre_operating_months",
                ("社区服务中心已运营月数", "Months the service centre has operated"),
                |a, v| a.centre_operating_months = v,
            )}
            <label class="check">
                <input
                    type="checkbox"
                    name="district_matches"
                    value="true"
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        input.update(|a| a.district_matches = on)
                    }
                />
                <span>{lz(i18n, "区级财政按1:1配套", "The district matches the grant 1:1")}</span>
            </label>
        </fieldset>
        <fieldset class="projects" data-testid="projects">
            <legend>
                {move || {
                    format!(
                        "{}（{}）",
                        lz(i18n, "选择项目", "Choose projects")(),
                        if i18n.get_locale() == Locale::en {
                            format!("at least {min_selected}")
                        } else {
                            format!("至少{min_selected}个")
                        },
                    )
                }}
            </legend>
            {projects
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    let (id, id2) = (p.id.clone(), p.id.clone());
                    let (zh, en) = (p.name.zh.clone(), p.name.en.clone());
                    view! {
                        <div class="criterion-row">
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name="project"
                                    value=p.id.clone()
                                    data-testid=format!("app-project-{i}")
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let id = id.clone();
                                        input
                                            .update(|a| {
                                                a.selected.retain(|x| *x != id);
                                                if on {
                                                    a.selected.push(id)
                                                }
                                            })
                                    }
                                />
                                <span>
                                    {move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}
                                    {p.expected.then_some(" ★")}{p.commercial.then_some(" ¥")}
                                </span>
                            </label>
                            {p
                                .expected
                                .then(|| {
                                    view! {
                                        <input
                                            type="text"
                                            name=format!("omission_{}", p.id)
                                            placeholder=move || lz(
                                                i18n,
                                                "不选时须写明理由",
                                                "Reason if left out",
                                            )()
                                            on:input=move |ev| {
                                                let v = event_target_value(&ev);
                                                let id = id2.clone();
                                                input
                                                    .update(|a| {
                                                        a.omissions.retain(|(x, _)| *x != id);
                                                        a.omissions.push((id, v))
                                                    })
                                            }
                                        />
                                    }
                                })}
                        </div>
                    }
                })
                .collect_view()}
            <p class="hint">
                {lz(
                    i18n,
                    "★ 原则上应纳入的项目；¥ 商业性项目（不使用彩票公益金）",
                    "★ expected projects; ¥ commercial projects (no lottery funds)",
                )}
            </p>
        </fieldset>
        <ApplicationVerdicts judged=judged />
    }
    .into_any()
}

/// The seed's rules on the application as it is being filled in.
#[component]
fn ApplicationVerdicts(judged: Memo<Vec<crate::domain::verdict::Verdict>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="verdicts" data-testid="application-verdicts">
            <ul class="verdicts">{move || verdict_items(i18n, judged.get())}</ul>
        </section>
    }
}
