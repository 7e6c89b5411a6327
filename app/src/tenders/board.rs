//! The public notice board and the officer's list of tenders.

use super::{public_tenders, BoardPage, TenderPage};
use crate::components::bilingual::lz;
use crate::components::errors::{loaded, Loaded};
use crate::domain::money::Yuan;
use crate::domain::tender::{TenderPhase, TenderStatus};
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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

/// The public notice board (no sign-in needed), a page at a time: search by project number,
/// title, buyer, scheme or region; filter by status, region and scheme. The filters are the
/// page's query string, so a filtered board can be linked and works without JavaScript; the
/// server filters and pages (keyset) in SQL.
#[component]
pub fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |key: &str| query.with(|q| q.get(key).filter(|v| !v.is_empty()));
    let page = Resource::new(
        move || (param("q"), param("status"), param("region"), param("scheme"), param("after")),
        |(q, status, region, scheme, after)| public_tenders(q, status, region, scheme, after),
    );
    let navigate = leptos_router::hooks::use_navigate();
    // A changed filter starts again from the first page.
    let set_filter = move |key: &'static str, value: String| {
        let mut q = query.get_untracked();
        q.remove("after");
        q.remove(key);
        if !value.is_empty() {
            q.insert(key, value);
        }
        navigate(&format!("/{}", q.to_query_string()), Default::default());
    };
    let statuses = [TenderStatus::Published, TenderStatus::Opened, TenderStatus::Awarded, TenderStatus::Failed];
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.notices)}</h2>
            {loaded(
                page,
                move |page: BoardPage| {
                    let filtered = ["q", "status", "region", "scheme"].iter().any(|k| param(k).is_some());
                    if page.rows.is_empty() && !filtered && param("after").is_none() {
                        return view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any();
                    }
                    let (status_now, region_now, scheme_now) = (
                        param("status").unwrap_or_default(),
                        param("region").unwrap_or_default(),
                        param("scheme").unwrap_or_default(),
                    );
                    let next_href = page.next.clone().map(|next| {
                        let mut q = query.get_untracked();
                        q.remove("after");
                        q.insert("after", next);
                        format!("/{}", q.to_query_string())
                    });
                    let first_href = param("after").map(|_| {
                        let mut q = query.get_untracked();
                        q.remove("after");
                        format!("/{}", q.to_query_string())
                    });
                    let set_filter = set_filter.clone();
                    let (on_status, on_region, on_scheme) = (set_filter.clone(), set_filter.clone(), set_filter);
                    view! {
                        // One row of labelled filters (wrapping as a whole on narrow screens).
                        <leptos_router::components::Form method="get" action="/">
                            <div class="filters">
                                <label class="filter filter-search">
                                    <span>{lz(i18n, "搜索", "Search")}</span>
                                    <input
                                        type="search"
                                        name="q"
                                        data-testid="notice-search"
                                        value=param("q").unwrap_or_default()
                                        placeholder=move || t_string!(i18n, tender.search)
                                    />
                                </label>
                                <label class="filter">
                                    <span>{t!(i18n, tender.status)}</span>
                                    <select
                                        name="status"
                                        data-testid="notice-status"
                                        on:change=move |ev| on_status("status", event_target_value(&ev))
                                    >
                                        <option value="">{t!(i18n, tender.all)}</option>
                                        {statuses
                                            .into_iter()
                                            .map(|st| {
                                                view! {
                                                    <option value=st.as_str() selected=status_now == st.as_str()>
                                                        {move || status_label(i18n, st)}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                                <label class="filter">
                                    <span>{lz(i18n, "地区", "Region")}</span>
                                    <select
                                        name="region"
                                        data-testid="notice-region"
                                        on:change=move |ev| on_region("region", event_target_value(&ev))
                                    >
                                        <option value="">{lz(i18n, "全部地区", "All regions")}</option>
                                        {page
                                            .regions
                                            .into_iter()
                                            .map(|r| {
                                                let selected = r == region_now;
                                                view! { <option value=r.clone() selected=selected>{r.clone()}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                                <label class="filter">
                                    <span>{lz(i18n, "方案", "Scheme")}</span>
                                    <select
                                        name="scheme"
                                        data-testid="notice-scheme"
                                        on:change=move |ev| on_scheme("scheme", event_target_value(&ev))
                                    >
                                        <option value="">{lz(i18n, "全部方案", "All schemes")}</option>
                                        {page
                                            .schemes
                                            .into_iter()
                                            .map(|s| {
                                                let id = s.id.clone();
                                                let selected = id == scheme_now;
                                                view! {
                                                    <option value=id selected=selected>
                                                        {move || s.localized(i18n.get_locale() == Locale::en).to_string()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                                <button type="submit" class="filter-submit" data-testid="notice-search-submit">
                                    {lz(i18n, "查询", "Search")}
                                </button>
                            </div>
                        </leptos_router::components::Form>
                        {if page.rows.is_empty() {
                            view! {
                                <p data-testid="notices-none">
                                    {lz(i18n, "没有符合条件的公告。", "No notice matches.")} " "
                                    <A href="/">{lz(i18n, "清除筛选", "Clear the filters")}</A>
                                </p>
                            }
                                .into_any()
                        } else {
                            view! {
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
                                            {page
                                                .rows
                                                .into_iter()
                                                .map(|t| {
                                                    let phase = t.phase;
                                                    view! {
                                                        <tr>
                                                            <td>
                                                                <A href=format!("/tenders/{}", t.id)>{t.title}</A>
                                                                <span class="project-no">{t.project_no}</span>
                                                            </td>
                                                            <td>{t.buyer}</td>
                                                            <td>{Yuan::from_fen(t.budget_fen).to_string()}</td>
                                                            <td>{format_shanghai(t.bid_deadline)}</td>
                                                            <td data-testid="notice-phase">
                                                                {move || phase_label(i18n, phase)}
                                                            </td>
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
                        }}
                        <Pager first=first_href next=next_href testid="notices" />
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

#[component]
pub fn OfficerTenders(tenders: Loaded<TenderPage>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
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
                move |page: TenderPage| {
                    let deeper = query.with_untracked(|q| q.get("after").is_some());
                    view! {
                        <ul class="plain-list">
                            {page
                                .rows
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
                        <Pager
                            first=deeper.then(|| "/officer".to_string())
                            next=page.next.map(|next| format!("/officer?after={next}"))
                            testid="my-tenders"
                        />
                    }
                },
            )}
        </section>
    }
}

/// The links of a list paged newest first: back to the first page, on to the next.
#[component]
fn Pager(first: Option<String>, next: Option<String>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || lz(i18n, "翻页", "Pages")()>
            {first
                .map(|href| {
                    view! {
                        <A href=href attr:data-testid=format!("{testid}-first")>
                            {lz(i18n, "« 第一页", "« First page")}
                        </A>
                    }
                })}
            {next
                .map(|href| {
                    view! {
                        <A href=href attr:data-testid=format!("{testid}-next")>
                            {lz(i18n, "下一页 »", "Next page »")}
                        </A>
                    }
                })}
        </nav>
    }
}
