//! The officer's tender form: a new tender from a scheme template (its criteria, guidance and
//! price weight as defaults), and the same form to change a draft or publish an amendment.
//! Plain named inputs: the form also works before (or without) hydration.

use super::notice::method_label;
use super::{tender_detail, tender_form, AmendTender, CreateTender, TenderFormView};
use crate::components::bilingual::{localized, lz};
use crate::components::errors::{action_error, field_messages, focus_first_invalid, ErrorNote};
use crate::components::guard::RequireRole;
use crate::components::params::param_id;
use crate::domain::citation;
use crate::domain::template::Procedure;
use crate::domain::tender::{procedure_str, to_input, TenderInput, TenderStatus};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use crate::i18n::*;
use crate::identity::Role;
use crate::schemes::tender_templates;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The template linter's warnings and the override the officer must write.
#[component]
fn LintBox(lint: Vec<Verdict>, value: String) -> impl IntoView {
    let i18n = use_i18n();
    if lint.is_empty() {
        return ().into_any();
    }
    view! {
        <fieldset class="lint notice" data-testid="lint">
            <legend>{t!(i18n, tender.lint)}</legend>
            <ul>
                {lint
                    .into_iter()
                    .map(|v| view! { <li>{localized(i18n, v.message_zh, v.message_en)}" （"{localized(i18n, citation::zh(&v.citation), citation::en(&v.citation))}"）"</li> })
                    .collect_view()}
            </ul>
            <label>
                <span>{t!(i18n, tender.lint_override)}</span>
                <textarea name="input[lint_override]" rows="2" data-testid="tender-lint_override">
                    {value}
                </textarea>
            </label>
        </fieldset>
    }
    .into_any()
}

/// Every field of a tender, named `input[...]`, filled from `v`.
#[component]
fn TenderFields(
    v: TenderInput,
    lint: Vec<Verdict>,
    /// The last refused submission: its messages go beside their fields.
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // `field` is the parser's name for a control (`lots[0].budget`, `contact.phone`).
    let invalid =
        move |field: String| move || (!field_messages(i18n, error.get().as_ref(), &field).is_empty()).to_string();
    let messages = move |field: String| {
        move || {
            field_messages(i18n, error.get().as_ref(), &field)
                .into_iter()
                .map(|m| view! { <span class="field-error">{m}</span> })
                .collect_view()
        }
    };
    // Dates and times are picked, not typed: the browser's pickers give the `2026-12-22T09:30`
    // form the server reads as Beijing time (the hint under the fields says so).
    let field = move |kind: &'static str, name: &'static str, label: String, value: String, hint: &'static str| {
        view! {
            <label>
                <span>{label}</span>
                <input
                    type=kind
                    name=format!("input[{name}]")
                    data-testid=format!("tender-{name}")
                    value=value
                    placeholder=hint
                    aria-invalid=invalid(name.to_string())
                />
                {messages(name.to_string())}
            </label>
        }
    };
    let text = move |name, label, value, hint| field("text", name, label, value, hint);
    // A yes/no choice, sent as `true` when ticked; a refusal of it is shown beneath.
    let check = move |name: &'static str, label: String, checked: bool| {
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    name=format!("input[{name}]")
                    value="true"
                    checked=checked
                    prop:checked=checked
                    data-testid=format!("tender-{name}")
                    aria-invalid=invalid(name.to_string())
                />
                <span>{label}</span>
                {messages(name.to_string())}
            </label>
        }
    };
    let mut lots = v.lots.clone();
    lots.resize(lots.len() + 3, Default::default());
    let mut criteria = v.criteria.clone();
    criteria.resize(criteria.len() + 2, Default::default());
    let method = v.method.clone();
    let methods = [
        Procedure::OpenTender,
        Procedure::CompetitiveConsultation,
        Procedure::ApplicationReview,
        Procedure::ExpertVote,
    ];
    view! {
        <input type="hidden" name="input[template_id]" value=v.template_id.clone() />
        {text("title", t_string!(i18n, tender.title).into(), v.title.clone(), "")}
        {text("buyer", t_string!(i18n, tender.buyer).into(), v.buyer.clone(), "")}
        {text("region", t_string!(i18n, tender.region).into(), v.region.clone(), "苏州市 / 深圳市福田区")}
        // O87 art. 13: the notice names whom bidders call, at which number and address.
        <fieldset class="contact">
            <legend>{lz(i18n, "联系方式（随公告发布）", "Contact (published with the notice)")}</legend>
            {[
                ("person", ("项目联系人", "Contact person"), v.contact.person.clone(), "王老师"),
                ("phone", ("联系电话", "Telephone"), v.contact.phone.clone(), "0512-65221234"),
                ("address", ("采购人地址", "Purchaser's address"), v.contact.address.clone(), "苏州市姑苏区××路×号"),
                ("agency", ("采购代理机构（如有）", "Procurement agency (if any)"), v.contact.agency.clone(), ""),
                ("agency_phone", ("代理机构电话", "Agency telephone"), v.contact.agency_phone.clone(), ""),
            ]
                .into_iter()
                .map(|(key, (zh, en), value, hint)| {
                    view! {
                        <label>
                            <span>{lz(i18n, zh, en)}</span>
                            <input
                                type=if key.ends_with("phone") { "tel" } else { "text" }
                                name=format!("input[contact][{key}]")
                                data-testid=format!("tender-contact-{key}")
                                value=value
                                placeholder=hint
                                aria-invalid=invalid(format!("contact.{key}"))
                            />
                            {messages(format!("contact.{key}"))}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
        <label>
            <span>{t!(i18n, tender.method)}</span>
            <select name="input[method]" data-testid="tender-method">
                {methods
                    .into_iter()
                    .map(|m| {
                        let value = procedure_str(m);
                        view! {
                            <option value=value selected=method == value>
                                {move || method_label(i18n, m)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
        {check("fixed_price", t_string!(i18n, tender.fixed_price).into(), v.fixed_price)}
        {check("proposals_per_lot", t_string!(i18n, tender.proposals_per_lot).into(), v.proposals_per_lot)}
        {check("panels_per_lot", t_string!(i18n, tender.panels_per_lot).into(), v.panels_per_lot)}
        {text("price_weight_pct", t_string!(i18n, tender.price_weight).into(), v.price_weight_pct.clone(), "10–30")}
        {text(
            "budget",
            t_string!(i18n, tender.budget_hint).into(),
            if v.lots.is_empty() { v.budget.clone() } else { String::new() },
            "600000 / 60万",
        )}
        <fieldset class="lots">
            <legend>{t!(i18n, tender.lots_input)}</legend>
            {lots
                .into_iter()
                .enumerate()
                .map(|(i, l)| {
                    view! {
                        <div class="criterion-row">
                            <input
                                type="text"
                                name=format!("input[lots][{i}][name]")
                                value=l.name
                                data-testid=format!("lot-name-{i}")
                                aria-invalid=invalid(format!("lots[{i}].name"))
                                aria-label=move || format!("{} {}", t_string!(i18n, tender.lot_name), i + 1)
                                placeholder=move || t_string!(i18n, tender.lot_name)
                            />
                            <input
                                type="text"
                                inputmode="decimal"
                                name=format!("input[lots][{i}][budget]")
                                value=l.budget
                                data-testid=format!("lot-budget-{i}")
                                aria-invalid=invalid(format!("lots[{i}].budget"))
                                aria-label=move || format!("{} {}", t_string!(i18n, tender.lot_budget), i + 1)
                                placeholder=move || t_string!(i18n, tender.lot_budget)
                            />
                        </div>
                        {messages(format!("lots[{i}].name"))}
                        {messages(format!("lots[{i}].budget"))}
                    }
                })
                .collect_view()}
        </fieldset>
        {field("date", "documents_from", t_string!(i18n, tender.documents_from).into(), v.documents_from.clone(), "2026-12-01")}
        {field(
            "date",
            "documents_until",
            t_string!(i18n, tender.documents_until).into(),
            v.documents_until.clone(),
            "2026-12-21",
        )}
        {field(
            "datetime-local",
            "clarify_until",
            t_string!(i18n, tender.clarify_until).into(),
            v.clarify_until.clone(),
            "2026-12-10T17:00",
        )}
        {field("datetime-local", "bid_deadline", t_string!(i18n, tender.deadline).into(), v.bid_deadline.clone(), "2026-12-22T09:30")}
        {field("datetime-local", "opening_time", t_string!(i18n, tender.opening).into(), v.opening_time.clone(), "2026-12-22T09:30")}
        <p class="hint">{t!(i18n, tender.time_hint)}" · "{t!(i18n, tender.date_hint)}</p>
        <fieldset class="criteria">
            <legend>{t!(i18n, tender.criteria)}</legend>
            {criteria
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    // A template switch re-renders these rows in place: `prop:` sets what the
                    // browser shows even where the officer typed, so nothing of the previous
                    // template's rows survives into the new one (the attributes serve SSR).
                    let (name, points, guidance) = (c.name.clone(), c.max_points.clone(), c.guidance.clone());
                    view! {
                        <div class="criterion-row">
                            <input
                                type="text"
                                name=format!("input[criteria][{i}][name]")
                                value=c.name
                                prop:value=name
                                data-testid=format!("criterion-name-{i}")
                                aria-invalid=invalid(format!("criteria[{i}].name"))
                                aria-label=move || format!("{} {}", t_string!(i18n, tender.criterion), i + 1)
                                placeholder=move || t_string!(i18n, tender.criterion)
                            />
                            <input
                                type="text"
                                inputmode="decimal"
                                name=format!("input[criteria][{i}][max_points]")
                                value=c.max_points
                                prop:value=points
                                data-testid=format!("criterion-points-{i}")
                                aria-invalid=invalid(format!("criteria[{i}].max_points"))
                                aria-label=move || format!("{} {}", t_string!(i18n, tender.max_points), i + 1)
                                placeholder=move || t_string!(i18n, tender.max_points)
                            />
                            <label class="check">
                                <input
                                    type="checkbox"
                                    name=format!("input[criteria][{i}][objective]")
                                    value="true"
                                    checked=c.objective
                                    prop:checked=c.objective
                                />
                                <span>{t!(i18n, tender.objective)}</span>
                            </label>
                            <textarea
                                name=format!("input[criteria][{i}][guidance]")
                                rows="2"
                                placeholder=move || t_string!(i18n, tender.guidance)
                                data-testid=format!("criterion-guidance-{i}")
                                aria-invalid=invalid(format!("criteria[{i}].guidance"))
                                aria-label=move || format!("{} {}", t_string!(i18n, tender.guidance), i + 1)
                                prop:value=guidance
                            >
                                {c.guidance}
                            </textarea>
                        </div>
                        {messages(format!("criteria[{i}].name"))}
                        {messages(format!("criteria[{i}].max_points"))}
                        {messages(format!("criteria[{i}].guidance"))}
                    }
                })
                .collect_view()}
        </fieldset>
        <LintBox lint=lint value=v.lint_override.clone() />
    }
}

#[component]
pub fn NewTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateTender>::new();
    let refused = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(action.value(), "[data-testid=tender-form]");
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&format!("/officer/tenders/{id}"), Default::default());
        }
    });
    let templates = Resource::new(|| (), |_| tender_templates());
    let (template, set_template) = signal(String::from("suzhou-street-4plus1"));
    let form = Resource::new(move || template.get(), tender_form);
    view! {
        <RequireRole roles=&[Role::Officer]>
            <h1>{t!(i18n, tender.new)}</h1>
            <section class="card form">
                <label>
                    <span>{t!(i18n, tender.template)}</span>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let list = templates.await.unwrap_or_default();
                            view! {
                                <select
                                    data-testid="tender-template"
                                    on:change=move |ev| set_template.set(event_target_value(&ev))
                                >
                                    {list
                                        .into_iter()
                                        .map(|s| {
                                            let selected = s.id == template.get_untracked();
                                            view! {
                                                <option value=s.id.clone() selected=selected>
                                                    {localized(i18n, s.zh, s.en)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            }
                        })}
                    </Suspense>
                </label>
            </section>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(TenderFormView { input, lint }) => {
                            view! {
                                <ActionForm action=action attr:class="form card" attr:data-testid="tender-form">
                                    <TenderFields v=input lint=lint error=refused />
                                    <button type="submit" class="btn btn-primary" data-testid="tender-save">
                                        {t!(i18n, tender.create)}
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })}
            </Transition>
            {action_error(action.value())}
        </RequireRole>
    }
}

/// Changes a draft, or (once published) publishes an amendment with its reason.
#[component]
pub fn AmendTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let action = ServerAction::<AmendTender>::new();
    let refused = Signal::derive(move || action.value().get().and_then(Result::err));
    focus_first_invalid(action.value(), "[data-testid=amend-form]");
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            navigate(&format!("/officer/tenders/{}", id()), Default::default());
        }
    });
    let detail = Resource::new(id, tender_detail);
    view! {
        <RequireRole roles=&[Role::Officer]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let d = match detail.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let draft = d.summary.status == TenderStatus::Draft;
                    view! {
                        <h1 data-testid="amend-heading">
                            {if draft {
                                lz(i18n, "编辑草稿", "Edit the draft").into_any()
                            } else {
                                lz(i18n, "发布更正公告", "Publish a correction").into_any()
                            }}
                        </h1>
                        <ActionForm action=action attr:class="form card" attr:data-testid="amend-form">
                            <input type="hidden" name="id" value=d.summary.id.clone() />
                            <TenderFields v=to_input(&d.spec) lint=d.lint.clone() error=refused />
                            {if draft {
                                view! { <input type="hidden" name="reason" value="" /> }.into_any()
                            } else {
                                view! {
                                    <label>
                                        <span>{t!(i18n, tender.amend_reason)}</span>
                                        <textarea name="reason" rows="3" data-testid="amend-reason"></textarea>
                                    </label>
                                }
                                    .into_any()
                            }}
                            <button type="submit" class="btn btn-primary" data-testid="amend-save">
                                {move || {
                                    if draft {
                                        t_string!(i18n, tender.save_draft)
                                    } else {
                                        t_string!(i18n, tender.save_amendment)
                                    }
                                }}
                            </button>
                        </ActionForm>
                    }
                        .into_any()
                })}
            </Suspense>
            {action_error(action.value())}
        </RequireRole>
    }
}
