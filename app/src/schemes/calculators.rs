//! The officers' rule calculators: the domain core running in the browser (WASM), recomputed on
//! every keystroke. The server's JSON API answers the same questions with the same functions.

use crate::components::errors::ErrorNote;
use crate::components::guard::RequireRole;
use crate::domain::calendar::HolidayCalendar;
use crate::domain::dongguan::{self, AnnualEvaluation, Stars, SubsidyRequest};
use crate::domain::henan::{self, CentreKind, CommunityFacts};
use crate::domain::money::Yuan;
use crate::domain::national::{self, Step};
use crate::domain::scoring;
use crate::i18n::*;
use crate::identity::Role;
use chrono::NaiveDate;
use leptos::prelude::*;
use rust_decimal::Decimal;

fn num(s: &str) -> Option<Decimal> {
    s.trim().parse::<Decimal>().ok()
}

fn yuan(d: Decimal) -> String {
    Yuan::round_from(d).map(|y| y.to_string()).unwrap_or_else(|_| "—".into())
}

/// A labelled number input bound to a signal.
#[component]
fn Field(label: Signal<String>, value: RwSignal<String>, #[prop(into)] testid: String) -> impl IntoView {
    view! {
        <label>
            <span>{label}</span>
            <input
                type="text"
                inputmode="decimal"
                data-testid=testid
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}

#[component]
pub fn CalculatorsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <RequireRole roles=&[Role::Officer, Role::Admin]>
            <h1>{t!(i18n, calc.title)}</h1>
            <p class="lead">{t!(i18n, calc.intro)}</p>
            <div class="calc-grid">
                <DongguanComposite />
                <DongguanSubsidy />
                <PricePoints />
                <HenanNorms />
                <Deadline />
            </div>
        </RequireRole>
    }
}

#[component]
fn DongguanComposite() -> impl IntoView {
    let i18n = use_i18n();
    let indicator = RwSignal::new("90".to_string());
    let times = RwSignal::new("2500".to_string());
    let residents = RwSignal::new("10000".to_string());
    let satisfaction = RwSignal::new("80".to_string());
    let result = move || {
        let e = AnnualEvaluation {
            indicator_score: num(&indicator.get())?,
            service_person_times: num(&times.get())?,
            resident_population: num(&residents.get())?,
            satisfaction_pct: num(&satisfaction.get())?,
        };
        dongguan::composite(&e).ok()
    };
    view! {
        <section class="card calc">
            <h2>{t!(i18n, calc.dongguan_title)}</h2>
            <div class="form">
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.indicator).to_string())
                    value=indicator
                    testid="dg-indicator"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.person_times).to_string())
                    value=times
                    testid="dg-times"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.residents).to_string())
                    value=residents
                    testid="dg-residents"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.satisfaction).to_string())
                    value=satisfaction
                    testid="dg-satisfaction"
                />
            </div>
            {move || match result() {
                None => view! { <p class="notice notice-error">{t!(i18n, calc.invalid)}</p> }.into_any(),
                Some(c) => {
                    let stars = match c.stars {
                        Stars::Five => t_string!(i18n, calc.five),
                        Stars::Four => t_string!(i18n, calc.four),
                        Stars::Three => t_string!(i18n, calc.three),
                        Stars::BelowThree => t_string!(i18n, calc.below),
                    };
                    view! {
                        <dl class="facts result">
                            <dt>{t!(i18n, calc.composite)}</dt>
                            <dd data-testid="dg-total">{format!("{:.2}", scoring::display(c.total))}</dd>
                            <dt>{t!(i18n, calc.stars)}</dt>
                            <dd data-testid="dg-stars">{stars}</dd>
                        </dl>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn DongguanSubsidy() -> impl IntoView {
    let i18n = use_i18n();
    let area = RwSignal::new("1500".to_string());
    let operator = RwSignal::new("700000".to_string());
    let result = move || {
        dongguan::subsidy(&SubsidyRequest {
            renovated_area_m2: num(&area.get())?,
            operator_cost_yuan: num(&operator.get())?,
        })
        .ok()
    };
    view! {
        <section class="card calc">
            <h2>{t!(i18n, calc.subsidy_title)}</h2>
            <div class="form">
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.area).to_string())
                    value=area
                    testid="sub-area"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.operator_cost).to_string())
                    value=operator
                    testid="sub-operator"
                />
            </div>
            {move || match result() {
                None => view! { <p class="notice notice-error">{t!(i18n, calc.invalid)}</p> }.into_any(),
                Some(s) => {
                    view! {
                        <dl class="facts result">
                            <dt>{t!(i18n, calc.renovation_city)}</dt>
                            <dd>{yuan(s.renovation_city_yuan)}</dd>
                            <dt>{t!(i18n, calc.renovation_town)}</dt>
                            <dd>{yuan(s.renovation_town_yuan)}</dd>
                            <dt>{t!(i18n, calc.equipment)}</dt>
                            <dd>{yuan(s.equipment_city_yuan)}</dd>
                            <dt>{t!(i18n, calc.operator)}</dt>
                            <dd>{yuan(s.operator_city_yuan)}</dd>
                            <dt>{t!(i18n, calc.city_total)}</dt>
                            <dd data-testid="sub-total">{yuan(s.city_total_yuan)}</dd>
                            <dt>{t!(i18n, calc.matching)}</dt>
                            <dd>{yuan(s.minimum_matching_yuan)}</dd>
                        </dl>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn PricePoints() -> impl IntoView {
    let i18n = use_i18n();
    let weight = RwSignal::new("20".to_string());
    let prices =
        [RwSignal::new("600000".to_string()), RwSignal::new("630000".to_string()), RwSignal::new("650000".to_string())];
    let points = move || -> Option<Vec<Decimal>> {
        let w = num(&weight.get())?;
        let ps: Vec<Decimal> = prices.iter().map(|p| num(&p.get())).collect::<Option<_>>()?;
        let base = scoring::base_price(&ps).ok()?;
        ps.iter().map(|p| scoring::price_points(base, *p, w).ok()).collect()
    };
    view! {
        <section class="card calc">
            <h2>{t!(i18n, calc.price_title)}</h2>
            <div class="form">
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.weight).to_string())
                    value=weight
                    testid="pp-weight"
                />
                {prices
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let letter = ["A", "B", "C"][i];
                        view! {
                            <Field
                                label=Signal::derive(move || format!("{} {letter}", t_string!(i18n, calc.price)))
                                value=p
                                testid=format!("pp-price-{i}")
                            />
                        }
                    })
                    .collect_view()}
            </div>
            {move || match points() {
                None => view! { <p class="notice notice-error">{t!(i18n, calc.invalid)}</p> }.into_any(),
                Some(pts) => {
                    view! {
                        <dl class="facts result">
                            {pts
                                .into_iter()
                                .enumerate()
                                .map(|(i, p)| {
                                    view! {
                                        <dt>
                                            {move || format!("{} {}", t_string!(i18n, calc.points), ["A", "B", "C"][i])}
                                        </dt>
                                        <dd data-testid=format!(
                                            "pp-points-{i}",
                                        )>{format!("{:.2}", scoring::display(p))}</dd>
                                    }
                                })
                                .collect_view()}
                        </dl>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn HenanNorms() -> impl IntoView {
    let i18n = use_i18n();
    let households = RwSignal::new("1500".to_string());
    let temporary = RwSignal::new("1000".to_string());
    let residents = RwSignal::new("4500".to_string());
    let result = move || {
        let n = |s: RwSignal<String>| s.get().trim().parse::<u64>().ok();
        Some(henan::norms(&CommunityFacts {
            households: n(households)?,
            temporary_residents: n(temporary)?,
            residents: n(residents)?,
            kind: CentreKind::UrbanCommunity,
        }))
    };
    view! {
        <section class="card calc">
            <h2>{t!(i18n, calc.henan_title)}</h2>
            <div class="form">
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.households).to_string())
                    value=households
                    testid="hn-households"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.temporary).to_string())
                    value=temporary
                    testid="hn-temporary"
                />
                <Field
                    label=Signal::derive(move || t_string!(i18n, calc.residents).to_string())
                    value=residents
                    testid="hn-residents"
                />
            </div>
            {move || match result() {
                None => view! { <p class="notice notice-error">{t!(i18n, calc.invalid)}</p> }.into_any(),
                Some(n) => {
                    view! {
                        <dl class="facts result">
                            <dt>{t!(i18n, calc.workers)}</dt>
                            <dd data-testid="hn-workers">{n.full_time_workers}</dd>
                            <dt>{t!(i18n, calc.facility)}</dt>
                            <dd>{n.facility_area_m2.to_string()}</dd>
                            <dt>{t!(i18n, calc.volunteers)}</dt>
                            <dd>{n.registered_volunteers}</dd>
                        </dl>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Deadline() -> impl IntoView {
    let i18n = use_i18n();
    // The calendar in force, from the server: an admin may have added years since this bundle
    // was built, and the shipped file is not worth its TOML parser in the browser.
    let calendar = Resource::new(|| (), |_| super::working_calendar());
    let step = RwSignal::new("objection".to_string());
    let from = RwSignal::new("2026-11-23".to_string());
    let steps = [
        ("evaluation_report", Step::EvaluationReport),
        ("confirm_winner", Step::ConfirmWinner),
        ("publish_result", Step::PublishResult),
        ("objection", Step::Objection),
        ("objection_answer", Step::ObjectionAnswer),
        ("complaint", Step::Complaint),
        ("contract_signed", Step::ContractSigned),
    ];
    let label = move |key: &str| match key {
        "evaluation_report" => t_string!(i18n, calc.step_evaluation_report),
        "confirm_winner" => t_string!(i18n, calc.step_confirm_winner),
        "publish_result" => t_string!(i18n, calc.step_publish_result),
        "objection" => t_string!(i18n, calc.step_objection),
        "objection_answer" => t_string!(i18n, calc.step_objection_answer),
        "complaint" => t_string!(i18n, calc.step_complaint),
        _ => t_string!(i18n, calc.step_contract_signed),
    };
    let due = move |cal: StoredValue<HolidayCalendar>| {
        let s = steps.iter().find(|(k, _)| *k == step.get())?.1;
        let d = NaiveDate::parse_from_str(from.get().trim(), "%Y-%m-%d").ok()?;
        Some(cal.with_value(|cal| national::deadline(s, d, cal)))
    };
    view! {
        <section class="card calc">
            <h2>{t!(i18n, calc.deadline_title)}</h2>
            <div class="form">
                <label>
                    <span>{t!(i18n, calc.step)}</span>
                    <select data-testid="dl-step" prop:value=step on:change=move |ev| step.set(event_target_value(&ev))>
                        {steps
                            .into_iter()
                            .map(|(k, _)| view! { <option value=k>{move || label(k)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>{t!(i18n, calc.from)}</span>
                    <input
                        type="date"
                        data-testid="dl-from"
                        prop:value=from
                        on:input=move |ev| from.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match calendar.await {
                        Ok(cal) => {
                            let cal = StoredValue::new(cal);
                            view! {
                                {move || match due(cal) {
                                    None => {
                                        view! { <p class="notice notice-error">{t!(i18n, calc.invalid)}</p> }
                                            .into_any()
                                    }
                                    Some(d) => {
                                        view! {
                                            <dl class="facts result">
                                                <dt>{t!(i18n, calc.due)}</dt>
                                                <dd data-testid="dl-due">{d.to_string()}</dd>
                                            </dl>
                                        }
                                            .into_any()
                                    }
                                }}
                            }
                                .into_any()
                        }
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
