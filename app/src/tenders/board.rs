//! The public notice board and the officer's list of tenders.

use super::{public_tenders, TenderSummary};
use crate::components::bilingual::lz;
use crate::components::errors::{loaded, Loaded};
use crate::domain::money::Yuan;
use crate::domain::tender::{TenderPhase, TenderStatus};
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use crate::schemes::SchemeName;
use leptos::prelude::*;
use leptos_router::components::A;

/// A stored tender status in the user's language (the board's filter); a published tender
/// reads as taking bids.
pub fn status_label(i18n: leptos_i18n::I18nContext<Locale>, s: TenderStatus) -> &'static str {
    phase_label(i18n, TenderPhase::of(s, i64::MIN, i64::MAX))
}

/// What a reader is told of a tender now: a published tender past its deadline reads closed.
pub fn phase_label(i18n: leptos_i18n::I18nContext<Locale>, p: TenderPhase) -> &'static str {
    match p {
        TenderPhase::Draft => t_string!(i18n, tender.st_draft),
        TenderPhase::TakingBids => t_string!(i18n, tender.st_published),
        TenderPhase::AwaitingOpening => t_string!(i18n, tender.st_closed),
        TenderPhase::Opened => t_string!(i18n, tender.st_opened),
        TenderPhase::Awarded => t_string!(i18n, tender.st_awarded),
        TenderPhase::Failed => t_string!(i18n, tender.st_failed),
    }
}

/// The public notice board (no sign-in needed): search by title, buyer, scheme or region; filter
/// by region, scheme and status.
#[component]
pub fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let notices = Resource::new(|| (), |_| public_tenders());
    let (query, set_query) = signal(String::new());
    let (status_filter, set_status_filter) = signal(String::new());
    let (scheme_filter, set_scheme_filter) = signal(String::new());
    let (region_filter, set_region_filter) = signal(String::new());
    let statuses = [TenderStatus::Published, TenderStatus::Opened, TenderStatus::Awarded, TenderStatus::Failed];
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.notices)}</h2>
            {loaded(
                notices,
                move |list: Vec<TenderSummary>| {
                    if list.is_empty() {
                        return view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any();
                    }
                    let mut schemes: Vec<SchemeName> = list.iter().map(|t| t.scheme.clone()).collect();
                    schemes.sort();
                    schemes.dedup();
                    let mut regions: Vec<String> = list
                        .iter()
                        .map(|t| t.region.clone())
                        .filter(|r| !r.is_empty())
                        .collect();
                    regions.sort();
                    regions.dedup();
                    view! {
                        // One row of labelled filters (wrapping as a whole on narrow screens).
                        <div class="filters">
                            <label class="filter filter-search">
                                <span>{lz(i18n, "搜索", "Search")}</span>
                                <input
                                    type="search"
                                    data-testid="notice-search"
                                    placeholder=move || t_string!(i18n, tender.search)
                                    on:input=move |ev| set_query.set(event_target_value(&ev))
                                />
                            </label>
                            <label class="filter">
                                <span>{t!(i18n, tender.status)}</span>
                                <select
                                    data-testid="notice-status"
                                    on:change=move |ev| set_status_filter.set(event_target_value(&ev))
                                >
                                    <option value="">{t!(i18n, tender.all)}</option>
                                    {statuses
                                        .into_iter()
                                        .map(|st| view! { <option value=st.as_str()>{move || status_label(i18n, st)}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="filter">
                                <span>{lz(i18n, "地区", "Region")}</span>
                                <select
                                    data-testid="notice-region"
                                    on:change=move |ev| set_region_filter.set(event_target_value(&ev))
                                >
                                    <option value="">{lz(i18n, "全部地区", "All regions")}</option>
                                    {regions
                                        .into_iter()
                                        .map(|r| view! { <option value=r.clone()>{r.clone()}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label class="filter">
                                <span>{lz(i18n, "方案", "Scheme")}</span>
                                <select
                                    data-testid="notice-scheme"
                                    on:change=move |ev| set_scheme_filter.set(event_target_value(&ev))
                                >
                                    <option value="">{lz(i18n, "全部方案", "All schemes")}</option>
                                    {schemes
                                        .into_iter()
                                        .map(|s| {
                                            let id = s.id.clone();
                                            view! {
                                                <option value=id>
                                                    {move || s.localized(i18n.get_locale() == Locale::en).to_string()}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </label>
                        </div>
                        <div class="table-wrap">
                            <table data-testid="notices">
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, tender.title)}</th>
                                        <th>{t!(i18n, tender.buyer)}</th>
                                        <th>{t!(i18n, tender.budget)}</th>
                                        <th>{t!(i18n, tender.deadline)}</th>
                                        <th>{t!(i18n, tender.status)}</th>
                                        <th>{t!(i18n, tender.winner)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|t| {
                                            let status = t.status;
                                            let phase = t.phase;
                                            let haystack = format!(
                                                "{} {} {} {} {}",
                                                t.project_no,
                                                t.title,
                                                t.buyer,
                                                t.scheme.zh,
                                                t.region,
                                            );
                                            let scheme = t.scheme.id.clone();
                                            let region = t.region.clone();
                                            let shown = move || {
                                                let q = query.get();
                                                let f = status_filter.get();
                                                let sch = scheme_filter.get();
                                                let reg = region_filter.get();
                                                (q.trim().is_empty() || haystack.contains(q.trim()))
                                                    && (f.is_empty() || f == status.as_str())
                                                    && (sch.is_empty() || sch == scheme)
                                                    && (reg.is_empty() || reg == region)
                                            };
                                            view! {
                                                <tr class:filtered-out=move || !shown()>
                                                    <td>
                                                        <A href=format!("/tenders/{}", t.id)>{t.title}</A>
                                                        <span class="project-no">{t.project_no}</span>
                                                    </td>
                                                    <td>{t.buyer}</td>
                                                    <td>{Yuan::from_fen(t.budget_fen).to_string()}</td>
                                                    <td>{format_shanghai(t.bid_deadline)}</td>
                                                    <td data-testid="notice-phase">{move || phase_label(i18n, phase)}</td>
                                                    <td>{t.winner.unwrap_or_default()}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

#[component]
pub fn OfficerTenders(tenders: Loaded<Vec<TenderSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.my_tenders)}</h2>
            <p>
                <A href="/officer/tenders/new" attr:class="btn btn-primary" attr:data-testid="new-tender">
                    {t!(i18n, tender.new)}
                </A>
            </p>
            {loaded(
                tenders,
                move |list: Vec<TenderSummary>| {
                    view! {
                        <ul class="plain-list">
                            {list
                                .into_iter()
                                .map(|t| {
                                    let phase = t.phase;
                                    view! {
                                        <li>
                                            <A href=format!("/officer/tenders/{}", t.id)>{t.title}</A>
                                            " "
                                            <span class="project-no inline">{t.project_no}</span>
                                            " · "
                                            {move || phase_label(i18n, phase)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                },
            )}
        </section>
    }
}
