//! The walking skeleton's pages: public notices, the officer's tenders, the bidder's bid and
//! contract, the expert's anonymous score sheet.

use crate::tenders::notice::{Clarifications, QaState, ReviewSection, ReviewState, TenderFacts};
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
use leptos_router::hooks::use_params_map;

pub fn status_label(i18n: leptos_i18n::I18nContext<Locale>, s: TenderStatus) -> &'static str {
    match s {
        TenderStatus::Draft => t_string!(i18n, tender.st_draft),
        TenderStatus::Published => t_string!(i18n, tender.st_published),
        TenderStatus::Opened => t_string!(i18n, tender.st_opened),
        TenderStatus::Awarded => t_string!(i18n, tender.st_awarded),
        TenderStatus::Failed => t_string!(i18n, tender.st_failed),
    }
}

fn param_id() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").unwrap_or_default()
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
            <div class="filters">
                <input type="search" data-testid="notice-search" placeholder=move || t_string!(i18n, tender.search) on:input=move |ev| set_query.set(event_target_value(&ev)) />
                <select data-testid="notice-status" on:change=move |ev| set_status_filter.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, tender.all)}</option>
                    {statuses.into_iter().map(|st| view! { <option value=st.as_str()>{move || status_label(i18n, st)}</option> }).collect_view()}
                </select>
            </div>
            {loaded(notices, move |list: Vec<TenderSummary>| {
                if list.is_empty() {
                    return view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any();
                }
                let mut schemes: Vec<(String, String, String)> = list.iter().map(|t| t.scheme.clone()).collect();
                schemes.sort();
                schemes.dedup();
                let mut regions: Vec<String> = list.iter().map(|t| t.region.clone()).filter(|r| !r.is_empty()).collect();
                regions.sort();
                regions.dedup();
                view! {
                    <div class="filters">
                        <select data-testid="notice-region" on:change=move |ev| set_region_filter.set(event_target_value(&ev))>
                            <option value="">{crate::profiles::page::lz(i18n, "全部地区", "All regions")}</option>
                            {regions.into_iter().map(|r| view! { <option value=r.clone()>{r.clone()}</option> }).collect_view()}
                        </select>
                        <select data-testid="notice-scheme" on:change=move |ev| set_scheme_filter.set(event_target_value(&ev))>
                            <option value="">{crate::profiles::page::lz(i18n, "全部方案", "All schemes")}</option>
                            {schemes.into_iter().map(|(id, zh, en)| view! { <option value=id>{move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="table-wrap">
                        <table data-testid="notices">
                            <thead><tr>
                                <th>{t!(i18n, tender.title)}</th><th>{t!(i18n, tender.buyer)}</th><th>{t!(i18n, tender.budget)}</th>
                                <th>{t!(i18n, tender.deadline)}</th><th>{t!(i18n, tender.status)}</th><th>{t!(i18n, tender.winner)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|t| {
                                    let status = t.status;
                                    let haystack = format!("{} {} {} {}", t.title, t.buyer, t.scheme.1, t.region);
                                    let scheme = t.scheme.0.clone();
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
                                    view! { <tr style:display=move || if shown() { "" } else { "none" }>
                                        <td><A href=format!("/tenders/{}", t.id)>{t.title}</A></td><td>{t.buyer}</td><td>{Yuan::from_fen(t.budget_fen).to_string()}</td>
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

/// Workbench sections take their resources from the page: made inside the role guard's
/// children they ran without the request context on the server (see `RequireRole`).
pub type Loaded<T> = Resource<Result<T, crate::error::AppError>>;

#[component]
pub fn OfficerTenders(tenders: Loaded<Vec<TenderSummary>>) -> impl IntoView {
    let i18n = use_i18n();
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
pub fn OfficerTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let act = ServerAction::<TenderAction>::new();
    let award_action = ServerAction::<Award>::new();
    let detail = Resource::new(
        move || (id(), act.version().get(), award_action.version().get()),
        |(id, _, _)| tender_detail(id),
    );
    let rank =
        Resource::new(move || (id(), act.version().get(), award_action.version().get()), |(id, _, _)| ranking(id));
    let review_state = ReviewState::new(id, act);
    let qa = QaState::new(id);
    let refused = crate::bids::upload::refused_in_query();
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
                        <TenderFacts d=d.clone() />
                        <section class="card">
                            {let tid = tid.clone(); matches!(status, TenderStatus::Draft | TenderStatus::Published).then(move || view! {
                                <form class="inline-form" method="post" enctype="multipart/form-data" action=format!("/api/v1/tenders/{tid}/attachments") data-testid="attach-form">
                                    {(status == TenderStatus::Published).then(|| view! {
                                        <label><span>{crate::profiles::page::lz(i18n, "更正理由（发布后增加附件即为更正公告）", "Reason (a document added after publication is an amendment)")}</span>
                                            <textarea name="reason" rows="2" required minlength="4" maxlength="2000" data-testid="attach-reason"></textarea></label>
                                    })}
                                    <label><span>{crate::profiles::page::lz(i18n, "上传附件（PDF或zip）", "Attach a document (PDF or zip)")}</span>
                                        <input type="file" name="file" accept="application/pdf,.pdf,application/zip,.zip" required data-testid="attach-file" /></label>
                                    <button type="submit" class="btn" data-testid="attach-submit">{crate::profiles::page::lz(i18n, "上传", "Upload")}</button>
                                </form>
                                {move || refused().map(|error| view! { <div data-testid="upload-error"><ErrorNote error=error /></div> })}
                            })}
                            {let tid = tid.clone(); matches!(status, TenderStatus::Draft | TenderStatus::Published).then(move || view! {
                                <p><A href=format!("/officer/tenders/{tid}/amend") attr:class="btn" attr:data-testid="amend">{t!(i18n, tender.amend)}</A></p>
                            })}
                            {match status {
                                TenderStatus::Draft => view! { <ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="publish" /><button type="submit" class="btn btn-primary" data-testid="publish">{t!(i18n, tender.publish)}</button></ActionForm> }.into_any(),
                                TenderStatus::Published => view! { <p class="lead">{t!(i18n, tender.open_hint)}</p><ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="open" /><button type="submit" class="btn btn-primary" data-testid="open-bids">{t!(i18n, tender.open)}</button></ActionForm> }.into_any(),
                                TenderStatus::Opened | TenderStatus::Failed => ().into_any(),
                                TenderStatus::Awarded => view! { <a class="btn btn-primary" data-testid="award-notice" href=format!("/api/v1/tenders/{tid}/award-notice.pdf") download="award-notice.pdf">{t!(i18n, tender.award_notice)}</a> }.into_any(),
                            }}
                            {action_error(act.value())}
                        </section>
                    }.into_any()
                })}
            </Suspense>
            // Outside the detail's Suspense: a nested resource there broke hydration.
            <ReviewSection id=id() state=review_state />
            <Clarifications id=id() qa=qa can_ask=false can_answer=true />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(r) = rank.await else { return ().into_any() };
                    let tid = id();
                    view! {
                        <section class="card">
                            <h2>{t!(i18n, tender.ranking)}</h2>
                            <p>{t!(i18n, tender.sheets)}": "<span data-testid="sheets">{format!("{}/{}", r.sheets_submitted, r.experts)}</span></p>
                            {r.lots.into_iter().map(|lot| {
                                let tid = tid.clone();
                                let all_in = r.sheets_submitted == r.experts;
                                let position = lot.position;
                                view! {
                                    <h3>{lot.lot.clone()}</h3>
                                    {match (lot.failed.clone(), lot.awarded_bid_id.clone()) {
                                        (Some(reason), _) => view! { <p class="notice notice-error" data-testid=format!("lot-failed-{position}")>{reason}</p> }.into_any(),
                                        (None, awarded) => view! {
                                            <div class="table-wrap"><table data-testid=format!("ranking-{position}")>
                                                <thead><tr>
                                                    <th>{t!(i18n, tender.rank)}</th><th>{t!(i18n, tender.alias)}</th><th>{t!(i18n, tender.org)}</th><th>{t!(i18n, tender.price)}</th>
                                                    <th>{t!(i18n, tender.technical)}</th><th>{t!(i18n, tender.price_points)}</th><th>{t!(i18n, tender.total)}</th><th>{t!(i18n, tender.file)}</th><th></th>
                                                </tr></thead>
                                                <tbody>
                                                    {lot.rows.into_iter().map(|row| {
                                                        let can_award = row.rank == 1 && all_in && awarded.is_none();
                                                        let won = awarded.as_deref() == Some(row.bid_id.as_str());
                                                        let tid2 = tid.clone();
                                                        view! { <tr>
                                                            <td>{row.rank}{if row.tied { " *" } else { "" }}</td><td>{row.alias.clone()}</td><td>{row.org_name.clone()}</td>
                                                            <td>{Yuan::round_from(row.price).map(|y| y.to_string()).unwrap_or_default()}</td>
                                                            <td>{format!("{:.2}", display(row.technical))}</td><td>{format!("{:.2}", display(row.price_points))}</td>
                                                            <td data-testid=format!("total-{position}-{}", row.alias)>{format!("{:.2}", display(row.total))}</td>
                                                            <td><a href=format!("/api/v1/tenders/{tid}/bids/{}/files/technical", row.bid_id)>{t!(i18n, tender.view)}</a></td>
                                                            <td>
                                                                {won.then(|| view! { <strong data-testid=format!("awarded-{position}")>{t!(i18n, tender.st_awarded)}</strong> })}
                                                                {can_award.then(|| view! {
                                                                    <ActionForm action=award_action>
                                                                        <input type="hidden" name="id" value=tid2.clone() />
                                                                        <input type="hidden" name="lot" value=position.to_string() />
                                                                        <input type="hidden" name="bid_id" value=row.bid_id.clone() />
                                                                        <button type="submit" class="btn btn-primary" data-testid=format!("award-{position}-{}", row.alias)>{t!(i18n, tender.award)}</button>
                                                                    </ActionForm>
                                                                })}
                                                            </td>
                                                        </tr> }
                                                    }).collect_view()}
                                                </tbody>
                                            </table></div>
                                        }.into_any(),
                                    }}
                                }
                            }).collect_view()}
                            {action_error(award_action.value())}
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}

#[component]
pub fn BidderTenders(list: Loaded<Vec<(TenderSummary, Option<BidReceipt>)>>) -> impl IntoView {
    let i18n = use_i18n();
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
    let act = ServerAction::<BidAction>::new();
    // One resource for the page: a second one nested in its Suspend would break hydration.
    let qa = QaState::new(id);
    let data = Resource::new(
        move || (id(), act.version().get()),
        |(id, _)| async move {
            let (view, receipt) = my_bid(id.clone()).await?;
            Ok::<_, crate::error::AppError>((view, receipt, bid_form(id).await.ok()))
        },
    );
    // A refused upload: from the browser's upload (XMLHttpRequest, with progress), or back here
    // in the query when the form posted without JavaScript.
    let progress: crate::bids::upload::Progress = RwSignal::new(None);
    let xhr_error = RwSignal::new(None::<crate::error::AppError>);
    let refused = crate::bids::upload::refused_in_query();
    let upload_error = move || {
        xhr_error
            .get()
            .or_else(refused)
            .map(|error| view! { <div data-testid="upload-error"><ErrorNote error=error /></div> })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                ev.prevent_default();
                if crate::bids::upload::send(form, progress, xhr_error).is_err() {
                    xhr_error.set(Some(crate::error::AppError::Internal));
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <RequireRole roles=&[Role::Bidder]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (d, receipt, form) = match data.await {
                        Ok(x) => x,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let open = d.summary.status == TenderStatus::Published;
                    let opened = matches!(d.summary.status, TenderStatus::Opened | TenderStatus::Awarded | TenderStatus::Failed);
                    let tid = d.summary.id.clone();
                    let spec = d.spec.clone();
                    let priced = spec.price_scored();
                    // A call for applications: its plan is presented by the applicant, not judged blind.
                    let call = spec.method.procurement_method().is_none();
                    // The lots ticked in the form: each gets its own team.
                    let chosen_lots = RwSignal::new(if spec.lots.len() == 1 { vec![0] } else { vec![] });
                    let lot_names: Vec<String> = spec.lots.iter().map(|l| l.name.clone()).collect();
                    view! {
                        <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
                        <TenderFacts d=d.clone() />
                        {let tid = tid.clone(); receipt.clone().map(move |r| view! {
                            <section class="card" data-testid="receipt">
                                <h2>{t!(i18n, tender.receipt)}</h2>
                                {if r.needs_reconfirmation {
                                    view! { <p class="notice notice-error" data-testid="needs-reconfirm">{t!(i18n, tender.needs_reconfirm)}</p> }.into_any()
                                } else {
                                    view! { <p class="notice notice-ok">{t!(i18n, tender.sealed)}</p> }.into_any()
                                }}
                                <dl class="facts">
                                    <dt>{t!(i18n, tender.lot)}</dt><dd data-testid="receipt-lots">{r.lots.join("、")}</dd>
                                    <dt>{t!(i18n, tender.submitted_at)}</dt><dd>{format_shanghai(r.submitted_at)}</dd>
                                    <dt>{crate::profiles::page::lz(i18n, "投标团队", "Team")}</dt><dd data-testid="receipt-team">{if r.team.is_empty() { "—".to_string() } else { r.team.iter().map(|(n, id)| format!("{n}（{id}）")).collect::<Vec<_>>().join("、") }}</dd>
                                </dl>
                                {(!r.flags.is_empty()).then(|| view! {
                                    <ul class="notice notice-error" data-testid="receipt-flags">
                                        {r.flags.iter().map(|v| {
                                            let (zh, en) = (v.message_zh.clone(), v.message_en.clone());
                                            view! { <li>{move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}</li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                                <div class="table-wrap"><table>
                                    <thead><tr><th>{t!(i18n, tender.file)}</th><th>{t!(i18n, tender.size)}</th><th>{t!(i18n, tender.entries)}</th><th>{t!(i18n, tender.sha256)}</th></tr></thead>
                                    <tbody>{r.files.iter().map(|f| view! {
                                        <tr><td>{f.file_name.clone()}</td><td>{f.file_size}" B"</td><td>{f.entries}</td><td><code data-testid=format!("receipt-sha256-{}", f.kind)>{f.sha256.clone()}</code></td></tr>
                                    }).collect_view()}</tbody>
                                </table></div>
                                {let tid = tid.clone(); open.then(move || view! {
                                    <div class="actions">
                                        {let tid = tid.clone(); r.needs_reconfirmation.then(move || view! {
                                            <ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="reconfirm" />
                                                <button type="submit" class="btn btn-primary" data-testid="reconfirm">{t!(i18n, tender.reconfirm)}</button></ActionForm>
                                        })}
                                        <ActionForm action=act><input type="hidden" name="id" value=tid.clone() /><input type="hidden" name="action" value="withdraw" />
                                            <button type="submit" class="btn" data-testid="withdraw">{t!(i18n, tender.withdraw)}</button></ActionForm>
                                    </div>
                                })}
                                {opened.then(|| view! {
                                    <p><a class="btn" data-testid="opening-pdf" href=format!("/api/v1/tenders/{tid}/opening-record.pdf") download="opening-record.pdf">{t!(i18n, tender.opening_pdf)}</a></p>
                                })}
                            </section>
                        })}
                        {action_error(act.value())}
                        {upload_error}
                        {if open {
                            view! {
                                <form class="form card" method="post" enctype="multipart/form-data" action=format!("/api/v1/tenders/{}/bids", tid) data-testid="bid-form" on:submit=submit>
                                    <fieldset class="lots">
                                        <legend>{t!(i18n, tender.lot)}</legend>
                                        {spec.lots.iter().enumerate().map(|(i, l)| view! {
                                            <div class="criterion-row">
                                                <label class="check"><input type="checkbox" name="lot" value=i.to_string() checked=spec.lots.len() == 1 data-testid=format!("bid-lot-{i}")
                                                    on:change=move |ev| { let on = event_target_checked(&ev); chosen_lots.update(|c| { c.retain(|x| *x != i); if on { c.push(i); c.sort(); } }) } />
                                                    <span>{let l = l.clone(); move || format!("{}（{}）", l.name, l.budget_summary(i18n.get_locale() == Locale::en))}</span></label>
                                                {if priced {
                                                    view! { <input type="text" inputmode="decimal" name=format!("price_{i}") placeholder=move || t_string!(i18n, tender.bid_price) data-testid=format!("bid-price-{i}") /> }.into_any()
                                                } else {
                                                    view! { <span class="hint">{t!(i18n, tender.accept_fixed)}</span> }.into_any()
                                                }}
                                            </div>
                                        }).collect_view()}
                                    </fieldset>
                                    {form.clone().and_then(|f| f.application.clone()).map(|t| view! { <crate::bids::application::Application template=t /> })}
                                    {form.clone().filter(|f| !(f.qualification.is_empty() && f.team_rules.is_empty())).map(|f| view! { <crate::profiles::page::TeamPicker form=f lots=lot_names.clone() chosen=chosen_lots /> })}
                                    <label><span>{move || if call { t_string!(i18n, tender.plan_file) } else { t_string!(i18n, tender.technical_file) }}</span><input type="file" name="technical" accept="application/pdf,.pdf,application/zip,.zip" required data-testid="bid-technical" /></label>
                                    <label><span>{t!(i18n, tender.qualification_file)}</span><input type="file" name="qualification" accept="application/pdf,.pdf,application/zip,.zip" required data-testid="bid-qualification" /></label>
                                    <crate::bids::upload::UploadProgress progress=progress />
                                    <button type="submit" class="btn btn-primary" data-testid="bid-submit">{move || match (receipt.is_some(), call) { (true, _) => t_string!(i18n, tender.resubmit), (false, true) => t_string!(i18n, tender.submit_application), (false, false) => t_string!(i18n, tender.submit_bid) }}</button>
                                </form>
                            }.into_any()
                        } else {
                            view! { <p class="lead">{t!(i18n, tender.closed)}</p> }.into_any()
                        }}
                    }.into_any()
                })}
            </Suspense>
            <Clarifications id=id() qa=qa can_ask=true can_answer=false />
        </RequireRole>
    }
}

#[component]
pub fn BidderContracts(contracts: Loaded<Vec<ContractView>>, record: ServerAction<RecordObligation>) -> impl IntoView {
    let i18n = use_i18n();
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
                                    <p>{c.lot.clone()}" · "{c.buyer.clone()}" · "{Yuan::from_fen(c.price_fen).to_string()}" · "{format_shanghai(c.awarded_at)}</p>
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
pub fn ExpertAssignments(list: Loaded<Vec<TenderSummary>>) -> impl IntoView {
    let i18n = use_i18n();
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
