//! The officer's opening record and qualification review section.

use super::{review_rows, ConcludeReview, OpenBids, ReviewBid, ReviewOutcome, ReviewRow};
use crate::components::bilingual::localized;
use crate::components::errors::{action_done, action_error};
use crate::components::verdicts::verdict_items;
use crate::domain::money::Yuan;
use crate::domain::tender::TenderStatus;
use crate::domain::time::format_shanghai;
use crate::domain::verdict::{for_review, Outcome, Verdict};
use crate::error::AppError;
use crate::i18n::*;
use crate::tenders::{tender_detail, TenderView};
use leptos::prelude::*;

/// The review section's resources and actions, made by the page itself: resources created
/// inside the role guard's children lost their owner on the server and broke hydration.
#[derive(Clone, Copy)]
pub struct ReviewState {
    rows: Resource<Result<Option<Vec<ReviewRow>>, AppError>>,
    detail: Resource<Result<TenderView, AppError>>,
    review: ServerAction<ReviewBid>,
    /// The bid whose decision was sent last: its refusal is shown in its own row.
    last: RwSignal<Option<String>>,
    /// Concluding the review; pages refresh what depends on it.
    pub conclude: ServerAction<ConcludeReview>,
}

impl ReviewState {
    /// `opened`: the page's opening action, after which the rows exist.
    pub fn new(id: impl Fn() -> String + Copy + Send + Sync + 'static, opened: ServerAction<OpenBids>) -> Self {
        let review = ServerAction::<ReviewBid>::new();
        let conclude = ServerAction::<ConcludeReview>::new();
        // Before the opening there are no rows to ask for: the server would refuse them (422),
        // so the page asks only once the tender says its bids are readable.
        let rows = Resource::new(
            move || (id(), review.version().get(), opened.version().get(), conclude.version().get()),
            |(id, _, _, _)| async move {
                let d = tender_detail(id.clone()).await?;
                if crate::domain::tender::bids_readable(d.summary.status) {
                    review_rows(id).await.map(Some)
                } else {
                    Ok(None)
                }
            },
        );
        let detail = Resource::new(
            move || (id(), opened.version().get(), conclude.version().get()),
            |(id, _, _)| tender_detail(id),
        );
        Self { rows, detail, review, last: RwSignal::new(None), conclude }
    }
}

/// The opening record and the qualification review, for the officer once the bids are open. A
/// page-level section with its own resources: nested inside another resource's Suspend, its
/// resource broke hydration.
#[component]
pub fn ReviewSection(id: String, state: ReviewState) -> impl IntoView {
    let i18n = use_i18n();
    let ReviewState { rows, detail, review, last, conclude } = state;
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    let (Ok(Some(rows)), Ok(d)) = (rows.await, detail.await) else { return ().into_any() };
                    // Decisions are offered only while the review runs: not once it is concluded.
                    let reviewing = d.summary.status == TenderStatus::Opened && !d.review_concluded;
                    let tid = id.clone();
                    // Before the opening there are no rows: nothing to show yet.
                    view! {
                        <section class="card" data-testid="review">
                            <h2>{t!(i18n, tender.opening_record)}" · "{t!(i18n, tender.review)}</h2>
                            <p>
                                <a
                                    class="btn"
                                    data-testid="opening-pdf"
                                    href=format!("/api/v1/tenders/{tid}/opening-record.pdf")
                                    download="opening-record.pdf"
                                >
                                    {t!(i18n, tender.opening_pdf)}
                                </a>
                            </p>
                            <div class="table-wrap">
                                <table data-testid="review-table">
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, tender.org)}</th>
                                            <th>{t!(i18n, tender.price)}</th>
                                            <th>{t!(i18n, tender.submitted_at)}</th>
                                            <th>{t!(i18n, tender.file)}</th>
                                            <th>{t!(i18n, tender.checks)}</th>
                                            <th>{t!(i18n, tender.decision)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {rows
                                            .into_iter()
                                            .enumerate()
                                            .map(|(i, r)| {
                                                let tid = tid.clone();
                                                let bid_id = r.bid.bid_id.clone();
                                                let this_row = bid_id.clone();
                                                view! {
                                                    <tr data-testid=format!("review-row-{i}")>
                                                        <td>{r.bid.org_name.clone()}</td>
                                                        <td>
                                                            {r
                                                                .bid
                                                                .lots
                                                                .iter()
                                                                .map(|l| {
                                                                    format!("{}：{}", l.lot, Yuan::from_fen(l.price_fen))
                                                                })
                                                                .collect::<Vec<_>>()
                                                                .join("；")}
                                                        </td>
                                                        <td>{format_shanghai(r.bid.submitted_at)}</td>
                                                        <td>
                                                            {r
                                                                .bid
                                                                .files
                                                                .iter()
                                                                .map(|f| {
                                                                    let path = f.path();
                                                                    view! {
                                                                        <div>
                                                                            <a href=format!(
                                                                                "/api/v1/tenders/{tid}/bids/{bid_id}/files/{path}",
                                                                            )>{f.file_name.clone()}</a>
                                                                            <br />
                                                                            <code class="hash">
                                                                                {f.sha256.chars().take(16).collect::<String>()}"…"
                                                                            </code>
                                                                        </div>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </td>
                                                        <td class="review-checks">{review_checks(i18n, &r.checks, i)}</td>
                                                        <td>
                                                            {r
                                                                .outcome
                                                                .map(|o| {
                                                                    view! {
                                                                        <p data-testid=format!(
                                                                            "review-outcome-{i}",
                                                                        )>
                                                                            {move || {
                                                                                if o == ReviewOutcome::Pass {
                                                                                    t_string!(i18n, tender.pass)
                                                                                } else {
                                                                                    t_string!(i18n, tender.fail)
                                                                                }
                                                                            }}" "{r.reason.clone().unwrap_or_default()}
                                                                        </p>
                                                                    }
                                                                })}
                                                            {reviewing
                                                                .then(|| {
                                                                    view! {
                                                                        <ActionForm action=review attr:class="inline-form">
                                                                            <input type="hidden" name="id" value=tid.clone() />
                                                                            <input type="hidden" name="bid_id" value=bid_id.clone() />
                                                                            <input
                                                                                type="text"
                                                                                name="reason"
                                                                                placeholder=move || t_string!(i18n, tender.reason)
                                                                                data-testid=format!("review-reason-{i}")
                                                                            />
                                                                            <button
                                                                                type="submit"
                                                                                name="outcome"
                                                                                value="pass"
                                                                                class="btn"
                                                                                data-testid=format!("review-pass-{i}")
                                                                                on:click={
                                                                                    let bid = bid_id.clone();
                                                                                    move |_| last.set(Some(bid.clone()))
                                                                                }
                                                                            >
                                                                                {t!(i18n, tender.pass)}
                                                                            </button>
                                                                            <button
                                                                                type="submit"
                                                                                name="outcome"
                                                                                value="fail"
                                                                                class="btn"
                                                                                data-testid=format!("review-fail-{i}")
                                                                                on:click={
                                                                                    let bid = bid_id.clone();
                                                                                    move |_| last.set(Some(bid.clone()))
                                                                                }
                                                                            >
                                                                                {t!(i18n, tender.fail)}
                                                                            </button>
                                                                        </ActionForm>
                                                                    }
                                                                })}
                                                            // A refusal stands beside the buttons that caused it.
                                                            {move || {
                                                                (last.get().as_deref() == Some(this_row.as_str()))
                                                                    .then(|| action_error(review.value()))
                                                            }}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {action_done(
                                i18n,
                                conclude.value(),
                                (
                                    "资格审查已完成：审查结果已记录，不合格的投标人不进入评审；下一步组建评标委员会。",
                                    "The qualification review is concluded and recorded; failed bidders are not evaluated. Next: form the panel.",
                                ),
                                "review-done",
                            )}
                            {action_error(conclude.value())}
                            {reviewing
                                .then(|| {
                                    view! {
                                        <ActionForm action=conclude>
                                            <input type="hidden" name="id" value=id.clone() />
                                            <button type="submit" class="btn btn-primary" data-testid="conclude-review">
                                                {t!(i18n, tender.conclude_review)}
                                            </button>
                                        </ActionForm>
                                    }
                                })}
                        </section>
                    }
                        .into_any()
                })
            }}
        </Suspense>
    }
}

/// One bidder's checks as the officer reviews them: the count of each outcome, the failures and
/// warnings listed (with the contract years merged where they agree), the passes folded away.
fn review_checks(i18n: leptos_i18n::I18nContext<Locale>, checks: &[Verdict], i: usize) -> impl IntoView {
    let mut shown = for_review(checks);
    let passes = shown.split_off(shown.iter().position(|v| v.outcome == Outcome::Pass).unwrap_or(shown.len()));
    let failed = shown.iter().filter(|v| v.outcome == Outcome::Fail).count();
    let warned = shown.len() - failed;
    let passed = passes.len();
    let counts = localized(
        i18n,
        format!("不符合{failed}项 · 提示{warned}项 · 符合{passed}项"),
        format!("{failed} failed · {warned} to look at · {passed} passed"),
    );
    let folded = localized(i18n, format!("符合的{passed}项（展开）"), format!("The {passed} passed (show)"));
    let class = if failed > 0 { "verdict-counts verdict-fail" } else { "verdict-counts verdict-pass" };
    view! {
        <p class=class data-testid=format!("review-counts-{i}")>{counts}</p>
        {(!shown.is_empty()).then(|| view! { <ul class="verdicts" data-testid=format!("review-faults-{i}")>{verdict_items(i18n, shown)}</ul> })}
        {(passed > 0).then(|| view! {
            <details data-testid=format!("review-passes-{i}")>
                <summary>{folded}</summary>
                <ul class="verdicts">{verdict_items(i18n, passes)}</ul>
            </details>
        })}
    }
}
