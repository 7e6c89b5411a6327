//! The walking skeleton's pages: public notices, the officer's tenders, the bidder's bid and
//! contract, the expert's anonymous score sheet.

use crate::components::errors::{action_error, loaded, ErrorNote};
use crate::components::guard::RequireRole;
use crate::domain::money::Yuan;
use crate::domain::scoring::display;
use crate::domain::tender::TenderStatus;
use crate::domain::time::format_shanghai;
use crate::domain::verdict::Outcome;
use crate::i18n::*;
use crate::identity::Role;
use crate::tenders::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

fn status_label(i18n: leptos_i18n::I18nContext<Locale>, s: TenderStatus) -> &'static str {
    match s {
        TenderStatus::Draft => t_string!(i18n, tender.st_draft),
        TenderStatus::Published => t_string!(i18n, tender.st_published),
        TenderStatus::Opened => t_string!(i18n, tender.st_opened),
        TenderStatus::Awarded => t_string!(i18n, tender.st_awarded),
    }
}

fn param_id() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").unwrap_or_default()
}

/// The public notice board (no sign-in needed).
#[component]
pub fn NoticeList() -> impl IntoView {
    let i18n = use_i18n();
    let notices = Resource::new(|| (), |_| public_tenders());
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.notices)}</h2>
            {loaded(notices, move |list: Vec<TenderSummary>| {
                if list.is_empty() {
                    return view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any();
                }
                view! {
                    <div class="table-wrap">
                        <table data-testid="notices">
                            <thead><tr>
                                <th>{t!(i18n, tender.title)}</th><th>{t!(i18n, tender.buyer)}</th><th>{t!(i18n, tender.budget)}</th>
                                <th>{t!(i18n, tender.deadline)}</th><th>{t!(i18n, tender.status)}</th><th>{t!(i18n, tender.winner)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| {
                                    let status = t.status;
                                    view! { <tr>
                                        <td>{t.title}</td><td>{t.buyer}</td><td>{Yuan::from_fen(t.budget_fen).to_string()}</td>
                                        <td>{format_shanghai(t.bid_deadline)}</td><td>{move || status_label(i18n, status)}</td>
                                        <td>{t.winner.unwrap_or_default()}</td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            })}
        </section>
    }
}

#[component]
pub fn OfficerTenders() -> impl IntoView {
    let i18n = use_i18n();
    let tenders = Resource::new(|| (), |_| officer_tenders());
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.my_tenders)}</h2>
            <p><A href="/officer/tenders/new" attr:class="btn btn-primary" attr:data-testid="new-tender">{t!(i18n, tender.new)}</A></p>
            {loaded(tenders, move |list: Vec<TenderSummary>| view! {
                <ul class="plain-list">
                    {list.into_iter().map(|t| {
                        let status = t.status;
                        view! { <li><A href=format!("/officer/tenders/{}", t.id)>{t.title}</A>" · "{move || status_label(i18n, status)}</li> }
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
pub fn NewTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CreateTender>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = action.value().get() {
            navigate(&format!("/officer/tenders/{id}"), Default::default());
        }
    });
    let text = |name: &'static str, label: &'static str, hint: Option<&'static str>| view! {
        <label>
            <span>{label}</span>
            <input type="text" name=format!("input[{name}]") data-testid=format!("tender-{name}") placeholder=hint.unwrap_or_default() />
        </label>
    };
    view! {
        <RequireRole roles=&[Role::Officer]>
            <h1>{t!(i18n, tender.new)}</h1>
            <ActionForm action=action attr:class="form card" attr:data-testid="tender-form">
                {move || text("title", t_string!(i18n, tender.title), None)}
                {move || text("buyer", t_string!(i18n, tender.buyer), None)}
                {move || text("budget", t_string!(i18n, tender.budget), Some("600000 / 60万"))}
                {move || text("bid_deadline", t_string!(i18n, tender.deadline), Some(t_string!(i18n, tender.time_hint)))}
                {move || text("opening_time", t_string!(i18n, tender.opening), Some(t_string!(i18n, tender.time_hint)))}
                {move || text("price_weight_pct", t_string!(i18n, tender.price_weight), Some("20"))}
                <fieldset class="criteria">
                    <legend>{t!(i18n, tender.criteria)}</legend>
                    {(0..3).map(|i| view! {
                        <div class="criterion-row">
                            <input type="text" name=format!("input[criteria][{i}][name]") data-testid=format!("criterion-name-{i}") placeholder=move || t_string!(i18n, tender.criterion) />
                            <input type="text" inputmode="decimal" name=format!("input[criteria][{i}][max_points]") data-testid=format!("criterion-points-{i}") placeholder=move || t_string!(i18n, tender.max_points) />
                        </div>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="btn btn-primary" data-testid="tender-save">{t!(i18n, tender.create)}</button>
            </ActionForm>
            {action_error(action.value())}
        </RequireRole>
    }
}

#[component]
pub fn OfficerTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let act = ServerAction::<TenderAction>::new();
    let award_action = ServerAction::<Award>::new();
    let detail = Resource::new(move || (id(), act.version().get(), award_action.version().get()), |(id, _, _)| tender_detail(id));
    let rank = Resource::new(move || (id(), act.version().get(), award_action.version().get()), |(id, _, _)| ranking(id));
    view! {
        <RequireRole roles=&[Role::Officer]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let d = match detail.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let status = d.summary.status;
                    let tid = d.summary.id.clone();
                    view! {
                        <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
                        <section class="card">
                            <dl class="facts">
                                <dt>{t!(i18n, tender.buyer)}</dt><dd>{d.summary.buyer.clone()}</dd>
                                <dt>{t!(i18n, tender.budget)}</dt><dd>{Yuan::from_fen(d.summary.budget_fen).to_string()}</dd>
                                <dt>{t!(i18n, tender.deadline)}</dt><dd>{format_shanghai(d.summary.bid_deadline)}</dd>
                                <dt>{t!(i18n, tender.opening)}</dt><dd>{format_shanghai(d.summary.opening_at)}</dd>
                                <dt>{t!(i18n, tender.price_weight)}</dt><dd>{d.price_weight_pct.normalize().to_string()}</dd>
                                <dt>{t!(i18n, tender.criteria)}</dt>
                                <dd>{d.criteria.iter().map(|c| format!("{}（{}）", c.name, c.max_points.normalize())).collect::<Vec<_>>().join("；")}</dd>
                                <dt>{t!(i18n, tender.status)}</dt><dd data-testid="tender-status">{move || status_label(i18n, status)}</dd>
                                <dt>{t!(i18n, tender.bid_count)}</dt><dd data-testid="bid-count">{d.bid_count}</dd>
                            </dl>
                            {match status {
                                TenderStatus::Draft => view! { <ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="publish" /><button type="submit" class="btn btn-primary" data-testid="publish">{t!(i18n, tender.publish)}</button></ActionForm> }.into_any(),
                                TenderStatus::Published => view! { <p class="lead">{t!(i18n, tender.open_hint)}</p><ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="open" /><button type="submit" class="btn btn-primary" data-testid="open-bids">{t!(i18n, tender.open)}</button></ActionForm> }.into_any(),
                                TenderStatus::Opened => ().into_any(),
                                TenderStatus::Awarded => view! { <a class="btn btn-primary" data-testid="award-notice" href=format!("/api/v1/tenders/{tid}/award-notice.pdf") download="award-notice.pdf">{t!(i18n, tender.award_notice)}</a> }.into_any(),
                            }}
                            {action_error(act.value())}
                        </section>
                    }.into_any()
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(r) = rank.await else { return ().into_any() };
                    let tid = id();
                    view! {
                        <section class="card">
                            <h2>{t!(i18n, tender.ranking)}</h2>
                            <p>{t!(i18n, tender.sheets)}": "<span data-testid="sheets">{format!("{}/{}", r.sheets_submitted, r.experts)}</span></p>
                            <div class="table-wrap"><table data-testid="ranking">
                                <thead><tr>
                                    <th>{t!(i18n, tender.rank)}</th><th>{t!(i18n, tender.alias)}</th><th>{t!(i18n, tender.org)}</th><th>{t!(i18n, tender.price)}</th>
                                    <th>{t!(i18n, tender.technical)}</th><th>{t!(i18n, tender.price_points)}</th><th>{t!(i18n, tender.total)}</th><th>{t!(i18n, tender.file)}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {r.rows.into_iter().map(|row| {
                                        let can_award = row.rank == 1 && r.sheets_submitted == r.experts;
                                        let tid2 = tid.clone();
                                        view! { <tr>
                                            <td>{row.rank}{if row.tied { " *" } else { "" }}</td><td>{row.alias.clone()}</td><td>{row.org_name.clone()}</td>
                                            <td>{Yuan::round_from(row.price).map(|y| y.to_string()).unwrap_or_default()}</td>
                                            <td>{format!("{:.2}", display(row.technical))}</td><td>{format!("{:.2}", display(row.price_points))}</td>
                                            <td data-testid=format!("total-{}", row.alias)>{format!("{:.2}", display(row.total))}</td>
                                            <td><a href=format!("/api/v1/tenders/{tid}/bids/{}/file", row.bid_id)>{t!(i18n, tender.view)}</a></td>
                                            <td>{can_award.then(|| view! {
                                                <ActionForm action=award_action>
                                                    <input type="hidden" name="id" value=tid2.clone() />
                                                    <input type="hidden" name="bid_id" value=row.bid_id.clone() />
                                                    <button type="submit" class="btn btn-primary" data-testid=format!("award-{}", row.alias)>{t!(i18n, tender.award)}</button>
                                                </ActionForm>
                                            })}</td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {action_error(award_action.value())}
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}

#[component]
pub fn BidderTenders() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| open_tenders());
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.open_tenders)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="plain-list">
                                {items.into_iter().map(|(t, receipt)| {
                                    let status = t.status;
                                    view! { <li>
                                        <A href=format!("/bidder/tenders/{}", t.id)>{t.title}</A>" · "{move || status_label(i18n, status)}" · "
                                        {match receipt { Some(_) => view! { <span class="tag-ok">{t!(i18n, tender.my_bid)}" ✓"</span> }.into_any(), None => view! { <span>{t!(i18n, tender.not_bid)}</span> }.into_any() }}
                                    </li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn BidPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let list = Resource::new(move || id(), |_| open_tenders());
    view! {
        <RequireRole roles=&[Role::Bidder]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let items = match list.await {
                        Ok(items) => items,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let Some((t, receipt)) = items.into_iter().find(|(t, _)| t.id == id()) else {
                        return view! { <ErrorNote error=crate::error::AppError::NotFound /> }.into_any();
                    };
                    let open = t.status == TenderStatus::Published;
                    view! {
                        <h1>{t.title.clone()}</h1>
                        <section class="card">
                            <dl class="facts">
                                <dt>{t!(i18n, tender.buyer)}</dt><dd>{t.buyer.clone()}</dd>
                                <dt>{t!(i18n, tender.budget)}</dt><dd>{Yuan::from_fen(t.budget_fen).to_string()}</dd>
                                <dt>{t!(i18n, tender.deadline)}</dt><dd>{format_shanghai(t.bid_deadline)}</dd>
                                <dt>{t!(i18n, tender.opening)}</dt><dd>{format_shanghai(t.opening_at)}</dd>
                            </dl>
                        </section>
                        {receipt.map(|r| view! {
                            <section class="card" data-testid="receipt">
                                <h2>{t!(i18n, tender.receipt)}</h2>
                                <p class="notice notice-ok">{t!(i18n, tender.sealed)}</p>
                                <dl class="facts">
                                    <dt>{t!(i18n, tender.file)}</dt><dd>{r.file_name.clone()}" ("{r.file_size}" B)"</dd>
                                    <dt>{t!(i18n, tender.sha256)}</dt><dd><code data-testid="receipt-sha256">{r.file_sha256.clone()}</code></dd>
                                    <dt>{t!(i18n, tender.submitted_at)}</dt><dd>{format_shanghai(r.submitted_at)}</dd>
                                </dl>
                            </section>
                        })}
                        {if open {
                            view! {
                                <form class="form card" method="post" enctype="multipart/form-data" action=format!("/api/v1/tenders/{}/bids", t.id) data-testid="bid-form">
                                    <label><span>{t!(i18n, tender.bid_price)}</span><input type="text" name="price" inputmode="decimal" required data-testid="bid-price" /></label>
                                    <label><span>{t!(i18n, tender.bid_file)}</span><input type="file" name="file" accept="application/pdf,.pdf" required data-testid="bid-file" /></label>
                                    <button type="submit" class="btn btn-primary" data-testid="bid-submit">{t!(i18n, tender.submit_bid)}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! { <p class="lead">{t!(i18n, tender.closed)}</p> }.into_any()
                        }}
                    }.into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}

#[component]
pub fn BidderContracts() -> impl IntoView {
    let i18n = use_i18n();
    let record = ServerAction::<RecordObligation>::new();
    let contracts = Resource::new(move || record.version().get(), |_| my_contracts());
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.contracts)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match contracts.await {
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{t!(i18n, tender.no_contracts)}</p> }.into_any(),
                        Ok(list) => list.into_iter().map(|c| {
                            let cid = c.id.clone();
                            view! {
                                <article class="contract" data-testid="contract">
                                    <h3>{c.tender_title.clone()}</h3>
                                    <p>{c.buyer.clone()}" · "{Yuan::from_fen(c.price_fen).to_string()}" · "{format_shanghai(c.awarded_at)}</p>
                                    <div class="table-wrap"><table>
                                        <thead><tr><th>{t!(i18n, tender.obligations)}</th><th>{t!(i18n, tender.year)}</th><th>{t!(i18n, tender.minimum)}</th><th>{t!(i18n, tender.current)}</th><th></th></tr></thead>
                                        <tbody>
                                            {c.obligations.into_iter().map(|o| {
                                                let cid = cid.clone();
                                                let ok = o.verdict.outcome != Outcome::Fail;
                                                let (zh, en) = (o.name_zh.clone(), o.name_en.clone());
                                                let testid = format!("obligation-{}-{}", o.metric, o.contract_year);
                                                let (value_id, record_id) = (format!("{testid}-value"), format!("{testid}-record"));
                                                view! { <tr data-testid=testid data-outcome=if ok { "pass" } else { "fail" }>
                                                    <td>{move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}</td>
                                                    <td>{o.contract_year}</td>
                                                    <td>{o.minimum.normalize().to_string()}</td>
                                                    <td class=if ok { "ok" } else { "bad" }>{o.current.map(|v| v.normalize().to_string()).unwrap_or_else(|| "—".into())}</td>
                                                    <td>
                                                        <ActionForm action=record attr:class="inline-form">
                                                            <input type="hidden" name="contract_id" value=cid.clone() />
                                                            <input type="hidden" name="metric" value=o.metric.clone() />
                                                            <input type="hidden" name="contract_year" value=o.contract_year.to_string() />
                                                            <input type="text" name="value" inputmode="decimal" size="4" data-testid=value_id />
                                                            <button type="submit" class="btn btn-quiet" data-testid=record_id>{t!(i18n, tender.record)}</button>
                                                        </ActionForm>
                                                    </td>
                                                </tr> }
                                            }).collect_view()}
                                        </tbody>
                                    </table></div>
                                </article>
                            }
                        }).collect_view().into_any(),
                    }
                })}
            </Suspense>
            {action_error(record.value())}
        </section>
    }
}

#[component]
pub fn ExpertAssignments() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| expert_tenders());
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.assignments)}</h2>
            {loaded(list, move |items: Vec<TenderSummary>| {
                if items.is_empty() {
                    return view! { <p>{t!(i18n, tender.no_assignments)}</p> }.into_any();
                }
                view! {
                    <ul class="plain-list">
                        {items.into_iter().map(|t| view! { <li><A href=format!("/expert/tenders/{}", t.id)>{t.title}</A></li> }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </section>
    }
}

#[component]
pub fn ScoreSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let submit = ServerAction::<SubmitScores>::new();
    let sheet = Resource::new(move || (id(), submit.version().get()), |(id, _)| score_sheet(id));
    view! {
        <RequireRole roles=&[Role::Expert]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = match sheet.await {
                        Ok(s) => s,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let criteria = s.criteria.clone();
                    view! {
                        <h1>{t!(i18n, tender.score_sheet)}" · "{s.title.clone()}</h1>
                        <p class="lead">{t!(i18n, tender.anonymous_note)}</p>
                        {s.submitted.then(|| view! { <p class="notice notice-ok" data-testid="sheet-submitted">{t!(i18n, tender.submitted)}</p> })}
                        <ActionForm action=submit attr:class="card" attr:data-testid="score-form">
                            <input type="hidden" name="id" value=s.tender_id.clone() />
                            <div class="table-wrap"><table>
                                <thead><tr>
                                    <th>{t!(i18n, tender.alias)}</th>
                                    {criteria.iter().map(|c| view! { <th>{format!("{}（0–{}）", c.name, c.max_points.normalize())}</th> }).collect_view()}
                                </tr></thead>
                                <tbody>
                                    {s.bids.iter().enumerate().map(|(i, (alias, scores))| {
                                        let alias = alias.clone();
                                        view! { <tr>
                                            <td data-testid=format!("alias-{alias}")>
                                                {let a = alias.clone(); move || format!("{} {a}", t_string!(i18n, tender.alias))}
                                                <input type="hidden" name=format!("scores[{i}][0]") value=alias.clone() />
                                            </td>
                                            {criteria.iter().enumerate().map(|(j, _)| view! {
                                                <td><input type="text" inputmode="decimal" size="5" name=format!("scores[{i}][1][{j}]")
                                                    data-testid=format!("score-{alias}-{j}") prop:value=scores.get(j).map(|v| v.normalize().to_string()).unwrap_or_default()
                                                    disabled=s.submitted /></td>
                                            }).collect_view()}
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {(!s.submitted).then(|| view! { <button type="submit" class="btn btn-primary" data-testid="submit-scores">{t!(i18n, tender.submit_scores)}</button> })}
                        </ActionForm>
                        {action_error(submit.value())}
                    }.into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}
