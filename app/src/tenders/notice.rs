//! A tender as published: its facts, lots, timeline, criteria with their guidance, and the
//! history of the notice and its amendments. Shared by the public page, the bidder's page and
//! the officer's page; plus the officer's opening record and qualification review.

use crate::components::errors::{action_error, loaded};
use crate::domain::amendment::FieldChange;
use crate::domain::money::Yuan;
use crate::domain::tender::TenderStatus;
use crate::domain::time::format_shanghai;
use crate::domain::verdict::Outcome;
use crate::i18n::*;
use crate::profiles::page::lz;
use crate::tenders::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn localized(
    i18n: leptos_i18n::I18nContext<Locale>,
    zh: String,
    en: String,
) -> impl Fn() -> String + Send + Sync + 'static {
    move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }
}

pub fn method_label(i18n: leptos_i18n::I18nContext<Locale>, m: &str) -> &'static str {
    match m {
        "open_tender" => t_string!(i18n, tender.m_open_tender),
        "competitive_consultation" => t_string!(i18n, tender.m_competitive_consultation),
        "application_review" => t_string!(i18n, tender.m_application_review),
        _ => t_string!(i18n, tender.m_expert_vote),
    }
}

fn change_line(c: &FieldChange) -> String {
    format!(
        "{}：{} → {}",
        c.field,
        if c.before.is_empty() { "—" } else { &c.before },
        if c.after.is_empty() { "—" } else { &c.after }
    )
}

/// The published facts of a tender.
#[component]
pub fn TenderFacts(d: TenderView) -> impl IntoView {
    let i18n = use_i18n();
    let spec = d.spec.clone();
    let method = crate::domain::tender::procedure_str(spec.method);
    let status = d.summary.status;
    view! {
        <section class="card">
            {d.failed_reason.clone().map(|r| view! {
                <div class="notice notice-error" data-testid="failed-notice"><strong>{t!(i18n, tender.failed_notice)}</strong>" "{r}</div>
            })}
            {(!d.lot_results.is_empty()).then(|| view! {
                <ul class="lot-results" data-testid="lot-results">
                    {d.lot_results.iter().map(|r| view! {
                        <li>
                            <strong>{r.lot.clone()}</strong>"："
                            {r.failed.clone().map(|f| view! { <span class="verdict-fail">{f}</span> })}
                            {r.winner.clone().map(|w| view! { <span>{move || lz(i18n, "中标人：", "Awarded to: ")()}{w.clone()}</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <dl class="facts">
                <dt>{t!(i18n, tender.buyer)}</dt><dd>{spec.buyer.clone()}</dd>
                <dt>{t!(i18n, tender.region)}</dt><dd data-testid="facts-region">{if spec.region.is_empty() { "—".to_string() } else { spec.region.clone() }}</dd>
                <dt>{t!(i18n, tender.method)}</dt><dd>{move || method_label(i18n, method)}</dd>
                <dt>{t!(i18n, tender.budget)}</dt><dd>{spec.budget.to_string()}</dd>
                <dt>{t!(i18n, tender.price_weight)}</dt>
                <dd>{if spec.price_scored() { spec.price_weight_pct.normalize().to_string() } else { t_string!(i18n, tender.fixed_price).to_string() }}</dd>
                <dt>{t!(i18n, tender.documents_from)}</dt><dd>{format!("{} — {}", spec.documents_from, spec.documents_until)}</dd>
                <dt>{t!(i18n, tender.clarify_until)}</dt><dd>{spec.clarify_until_ms.map(format_shanghai).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, tender.deadline)}</dt><dd data-testid="facts-deadline">{format_shanghai(spec.bid_deadline_ms)}</dd>
                <dt>{t!(i18n, tender.opening)}</dt><dd>{format_shanghai(spec.opening_ms)}</dd>
                <dt>{t!(i18n, tender.status)}</dt><dd data-testid="tender-status">{move || crate::pages::tenders::status_label(i18n, status)}</dd>
                {d.bid_count.map(|n| view! { <dt>{t!(i18n, tender.bid_count)}</dt><dd data-testid="bid-count">{n}</dd> })}
            </dl>
            {(status != TenderStatus::Draft).then(|| view! {
                <p class="actions">
                    <a class="btn" data-testid="notice-pdf" href=format!("/api/v1/tenders/{}/notice.pdf", d.summary.id) download="tender-notice.pdf">{t!(i18n, tender.notice_pdf)}</a>" "
                    <a class="btn" data-testid="document-pdf" href=format!("/api/v1/tenders/{}/document.pdf", d.summary.id) download="tender-document.pdf">{t!(i18n, tender.document_pdf)}</a>
                </p>
            })}
            {(!d.attachments.is_empty()).then(|| {
                let tid = d.summary.id.clone();
                view! {
                    <h3>{crate::profiles::page::lz(i18n, "附件", "Attachments")}</h3>
                    <ul class="plain-list" data-testid="attachments">
                        {d.attachments.iter().map(|a| view! {
                            <li><a href=format!("/api/v1/tenders/{tid}/attachments/{}", a.sha256)>{a.file_name.clone()}</a>
                                " · "{a.file_size}" B · "<code class="hash">{a.sha256.chars().take(16).collect::<String>()}"…"</code></li>
                        }).collect_view()}
                    </ul>
                }
            })}
            <h3>{t!(i18n, tender.lots)}</h3>
            <ul class="plain-list" data-testid="lots">
                {spec.lots.iter().map(|l| { let l = l.clone(); view! { <li>{move || format!("{}：{}", l.name, l.budget_summary(i18n.get_locale() == Locale::en))}</li> } }).collect_view()}
            </ul>
            {(!d.criteria.is_empty()).then(|| view! {
                <h3>{t!(i18n, tender.criteria)}</h3>
                <div class="table-wrap"><table data-testid="criteria">
                    <thead><tr><th>{t!(i18n, tender.criterion)}</th><th>{t!(i18n, tender.max_points)}</th><th>{t!(i18n, tender.objective)}</th><th>{t!(i18n, tender.guidance)}</th></tr></thead>
                    <tbody>
                        {d.criteria.iter().map(|c| view! {
                            <tr><td>{c.name.clone()}</td><td>{c.max_points.normalize().to_string()}</td><td>{if c.objective { "✓" } else { "" }}</td><td>{c.guidance.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table></div>
            })}
            {(!d.versions.is_empty()).then(|| view! {
                <h3>{t!(i18n, tender.versions)}</h3>
                <ol class="versions" data-testid="versions">
                    {d.versions.iter().map(|v| view! {
                        <li data-testid=format!("version-{}", v.version)>
                            <strong>{format!("v{} · {} · {}", v.version, format_shanghai(v.published_at), v.reason)}</strong>
                            {v.material.then(|| view! { " " <span class="tag-warn">{t!(i18n, tender.material)}</span> })}
                            {v.pushed_from.map(|p| view! { <p class="hint">{t!(i18n, tender.pushed)}" "{format_shanghai(p)}</p> })}
                            <ul>{v.changes.iter().map(|c| view! { <li>{change_line(c)}</li> }).collect_view()}</ul>
                        </li>
                    }).collect_view()}
                </ol>
            })}
        </section>
    }
}

/// The public notice page (no sign-in).
#[component]
pub fn PublicTenderPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, public_tender);
    let qa = QaState::new(id);
    view! {
        {loaded(detail, |d: TenderView| view! {
            <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
            <TenderFacts d=d />
        })}
        <Clarifications id=id() qa=qa can_ask=false can_answer=false />
    }
}

/// The opening record and the qualification review, for the officer once the bids are open.
/// A page-level section with its own resources: nested inside another resource's Suspend, its
/// resource broke hydration.
/// The review section's resources, made by the page itself: resources created inside the
/// role guard's children lost their owner on the server and broke hydration.
#[derive(Clone, Copy)]
pub struct ReviewState {
    rows: Resource<Result<Vec<ReviewRow>, crate::error::AppError>>,
    detail: Resource<Result<TenderView, crate::error::AppError>>,
    review: ServerAction<ReviewBid>,
    act: ServerAction<TenderAction>,
}

impl ReviewState {
    pub fn new(id: impl Fn() -> String + Copy + Send + Sync + 'static, act: ServerAction<TenderAction>) -> Self {
        let review = ServerAction::<ReviewBid>::new();
        let rows =
            Resource::new(move || (id(), review.version().get(), act.version().get()), |(id, _, _)| review_rows(id));
        let detail = Resource::new(move || (id(), act.version().get()), |(id, _)| tender_detail(id));
        Self { rows, detail, review, act }
    }
}

#[component]
pub fn ReviewSection(id: String, state: ReviewState) -> impl IntoView {
    let i18n = use_i18n();
    let ReviewState { rows, detail, review, act } = state;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    // Before the opening the rows are refused: there is nothing to show yet.
                    let (Ok(rows), Ok(d)) = (rows.await, detail.await) else { return ().into_any() };
                    let status = d.summary.status;
                    let tid = id.clone();
                    view! {
                        <section class="card" data-testid="review">
                            <h2>{t!(i18n, tender.opening_record)}" · "{t!(i18n, tender.review)}</h2>
                            <p><a class="btn" data-testid="opening-pdf" href=format!("/api/v1/tenders/{tid}/opening-record.pdf") download="opening-record.pdf">{t!(i18n, tender.opening_pdf)}</a></p>
                            <div class="table-wrap"><table data-testid="review-table">
                                <thead><tr>
                                    <th>{t!(i18n, tender.org)}</th><th>{t!(i18n, tender.price)}</th><th>{t!(i18n, tender.submitted_at)}</th>
                                    <th>{t!(i18n, tender.file)}</th><th>{t!(i18n, tender.checks)}</th><th>{t!(i18n, tender.decision)}</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().enumerate().map(|(i, r)| {
                                        let tid = tid.clone();
                                        let bid_id = r.bid.bid_id.clone();
                                        view! { <tr data-testid=format!("review-row-{i}")>
                                            <td>{r.bid.org_name.clone()}</td>
                                            <td>{r.bid.lots.iter().map(|(l, f)| format!("{l}：{}", Yuan::from_fen(*f))).collect::<Vec<_>>().join("；")}</td>
                                            <td>{format_shanghai(r.bid.submitted_at)}</td>
                                            <td>{r.bid.files.iter().map(|f| {
                                                let kind = f.kind.clone();
                                                view! { <div><a href=format!("/api/v1/tenders/{tid}/bids/{bid_id}/files/{kind}")>{f.file_name.clone()}</a>
                                                    <br /><code class="hash">{f.sha256.chars().take(16).collect::<String>()}"…"</code></div> }
                                            }).collect_view()}</td>
                                            <td><ul class="verdicts">{r.checks.into_iter().map(|c| {
                                                let class = if c.outcome == Outcome::Fail { "verdict-fail" } else { "verdict-pass" };
                                                view! { <li class=class>{localized(i18n, c.message_zh, c.message_en)}" （"{c.citation}"）"</li> }
                                            }).collect_view()}</ul></td>
                                            <td>
                                                {r.outcome.clone().map(|o| view! { <p data-testid=format!("review-outcome-{i}")>{if o == "pass" { t_string!(i18n, tender.pass) } else { t_string!(i18n, tender.fail) }}" "{r.reason.clone().unwrap_or_default()}</p> })}
                                                {(status == TenderStatus::Opened).then(|| view! {
                                                    <ActionForm action=review attr:class="inline-form">
                                                        <input type="hidden" name="id" value=tid.clone() />
                                                        <input type="hidden" name="bid_id" value=bid_id.clone() />
                                                        <input type="text" name="reason" placeholder=move || t_string!(i18n, tender.reason) data-testid=format!("review-reason-{i}") />
                                                        <button type="submit" name="pass" value="true" class="btn" data-testid=format!("review-pass-{i}")>{t!(i18n, tender.pass)}</button>
                                                        <button type="submit" name="pass" value="false" class="btn" data-testid=format!("review-fail-{i}")>{t!(i18n, tender.fail)}</button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                        </tr> }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            {action_error(review.value())}
                            {(status == TenderStatus::Opened).then(|| view! {
                                <ActionForm action=act>
                                    <input type="hidden" name="id" value=id.clone() />
                                    <input type="hidden" name="action" value="conclude_review" />
                                    <button type="submit" class="btn btn-primary" data-testid="conclude-review">{t!(i18n, tender.conclude_review)}</button>
                                </ActionForm>
                            })}
                        </section>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

/// Questions and published answers; bidders may ask (`can_ask`), officers answer (`can_answer`).
/// The Q&A section's resource and actions, made by the page (see [`ReviewState`]).
#[derive(Clone, Copy)]
pub struct QaState {
    list: Resource<Result<Vec<ClarificationView>, crate::error::AppError>>,
    ask: ServerAction<AskQuestion>,
    reply: ServerAction<AnswerQuestion>,
}

impl QaState {
    pub fn new(id: impl Fn() -> String + Copy + Send + Sync + 'static) -> Self {
        let ask = ServerAction::<AskQuestion>::new();
        let reply = ServerAction::<AnswerQuestion>::new();
        let list =
            Resource::new(move || (id(), ask.version().get(), reply.version().get()), |(id, _, _)| clarifications(id));
        Self { list, ask, reply }
    }
}

#[component]
pub fn Clarifications(id: String, qa: QaState, can_ask: bool, can_answer: bool) -> impl IntoView {
    let i18n = use_i18n();
    let QaState { list, ask, reply } = qa;
    view! {
        <section class="card" data-testid="clarifications">
            <h2>{t!(i18n, tender.clarifications)}</h2>
            {loaded(list, move |items: Vec<ClarificationView>| {
                if items.is_empty() {
                    return view! { <p>{t!(i18n, tender.no_questions)}</p> }.into_any();
                }
                view! {
                    <ol class="qa">
                        {items.into_iter().enumerate().map(|(i, q)| {
                            let qid = q.id.clone();
                            view! {
                                <li data-testid=format!("qa-{i}")>
                                    <p><strong>{t!(i18n, tender.question)}"："</strong>{q.question.clone()}" "
                                        <span class="hint">{format_shanghai(q.asked_at)}{q.mine.then(|| view! { " · " {t!(i18n, tender.mine)} })}</span></p>
                                    {match q.answer.clone() {
                                        Some(a) => view! { <p><strong>{t!(i18n, tender.answer)}"："</strong>{a}</p> }.into_any(),
                                        None if can_answer => view! {
                                            <ActionForm action=reply attr:class="inline-form">
                                                <input type="hidden" name="question_id" value=qid.clone() />
                                                <textarea name="answer" rows="2" data-testid=format!("qa-answer-{i}")></textarea>
                                                <button type="submit" class="btn" data-testid=format!("qa-submit-{i}")>{t!(i18n, tender.submit_answer)}</button>
                                            </ActionForm>
                                        }.into_any(),
                                        None => view! { <p class="hint">{t!(i18n, tender.pending)}</p> }.into_any(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            })}
            {action_error(reply.value())}
            {can_ask.then(|| view! {
                <ActionForm action=ask attr:class="form">
                    <input type="hidden" name="id" value=id.clone() />
                    <label><span>{t!(i18n, tender.ask)}</span><textarea name="question" rows="3" data-testid="qa-question"></textarea></label>
                    <button type="submit" class="btn" data-testid="qa-ask">{t!(i18n, tender.question)}</button>
                </ActionForm>
            })}
            {action_error(ask.value())}
        </section>
    }
}
