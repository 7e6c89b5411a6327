//! The officer's tender workspace: the notice with its attachments and amendments, publication,
//! the opening and qualification review, the Q&A, and the ranking with the award of each lot.
//! It composes the capabilities' sections, so it lives with the pages.

use crate::clarifications::qa::{Clarifications, QaState};
use crate::components::bilingual::{localized, lz};
use crate::components::confirm::confirm_first;
use crate::components::errors::{action_done, action_error, ErrorNote};
use crate::components::guard::RequireRole;
use crate::components::params::param_id;
use crate::contracts::Award;
use crate::domain::money::Yuan;
use crate::domain::scoring::display;
use crate::domain::tender::{TenderPhase, TenderStatus};
use crate::evaluation::overview::OverviewSection;
use crate::evaluation::{ranking, DrawTie, StartRereview};
use crate::i18n::*;
use crate::identity::Role;
use crate::opening::review::{ReviewSection, ReviewState};
use crate::opening::OpenBids;
use crate::panels::views::{PanelActions, PanelSection};
use crate::tenders::notice::TenderFacts;
use crate::tenders::{tender_detail, PublishTender};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The review the page shows: the tender's one, or, where each lot has its own panel, the lot
/// the `panel` query names (from 1; the first by default).
fn review_shown(id: &str, spec: &crate::domain::tender::ValidTender, panel: Option<i64>) -> String {
    let lots = spec.lots.len() as i64;
    let lot = panel.filter(|n| (1..=lots).contains(n)).unwrap_or(1) - 1;
    if spec.panels_per_lot {
        crate::panels::ReviewId::of_lot(id, lot).to_string()
    } else {
        crate::panels::ReviewId::joint(id).to_string()
    }
}

#[component]
pub fn OfficerTenderPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let publish = ServerAction::<PublishTender>::new();
    let open = ServerAction::<OpenBids>::new();
    let award_action = ServerAction::<Award>::new();
    let review_state = ReviewState::new(id, open);
    let conclude = review_state.conclude;
    let panel_actions = PanelActions::new();
    let draw_tie = ServerAction::<DrawTie>::new();
    let rereview = ServerAction::<StartRereview>::new();
    // Everything the page shows changes with any of its actions.
    let changes = move || {
        (
            (publish.version().get(), open.version().get(), conclude.version().get(), award_action.version().get()),
            panel_actions.version(),
            (draw_tie.version().get(), rereview.version().get()),
        )
    };
    let detail = Resource::new(move || (id(), changes()), |(id, _)| tender_detail(id));
    // The ranking exists only once the bids are opened; before that it is not asked for (the
    // server would answer 422). It, and the panel's and evaluation's sections, wait for the
    // detail rather than asking the server for it again.
    let rank = Resource::new(
        move || (id(), changes()),
        move |(id, _)| async move {
            let d = detail.await?;
            if crate::domain::tender::bids_readable(d.summary.status) {
                ranking(id).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let query = use_query_map();
    let panel_no = move || query.read().get("panel").and_then(|n| n.parse::<i64>().ok());
    let panel = Resource::new(
        move || (id(), panel_no(), changes()),
        move |(id, n, _)| async move {
            let d = detail.await?;
            crate::panels::panel(review_shown(&id, &d.spec, n)).await
        },
    );
    let overview = Resource::new(
        move || (id(), panel_no(), changes()),
        move |(id, n, _)| async move {
            let d = detail.await?;
            crate::evaluation::evaluation_overview(review_shown(&id, &d.spec, n)).await
        },
    );
    let qa = QaState::new(id);
    view! {
        <RequireRole roles=&[Role::Officer]>
            {action_done(
                i18n,
                publish.value(),
                (
                    "招标公告已发布：投标人现在可以看到本项目并递交投标文件；发布后的修改须以更正公告进行。",
                    "The notice is published: bidders can now see the tender and bid; later changes are made by correction notices.",
                ),
                "publish-done",
            )}
            {action_done(
                i18n,
                open.value(),
                (
                    "已开标：投标文件已解密，开标一览表可以下载；下一步对各投标人进行资格审查。",
                    "The bids are opened and decrypted; the opening record can be downloaded. Next: the qualification review.",
                ),
                "open-done",
            )}
            {action_done(
                i18n,
                award_action.value(),
                (
                    "已确定中标人：中标通知书可以下载，投标人在工作台看到各自的结果。",
                    "The award is made: the award notice can be downloaded and each bidder sees its outcome.",
                ),
                "award-done",
            )}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let d = match detail.await {
                        Ok(d) => d,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let status = d.summary.status;
                    // Documents and corrections only until the bid deadline (O87 art. 27): past
                    // it, neither form is offered.
                    let editable = matches!(d.summary.phase, TenderPhase::Draft | TenderPhase::TakingBids);
                    let tid = d.summary.id.clone();
                    view! {
                        <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
                        <TenderFacts d=d.clone() />
                        // Once opened (or failed) nothing is left to do here: no empty card.
                        {(!matches!(status, TenderStatus::Opened | TenderStatus::Failed)).then(move || view! {
                        <section class="card">
                            {
                                let tid = tid.clone();
                                editable
                                    .then(move || {
                                        view! {
                                            <form
                                                class="inline-form"
                                                method="post"
                                                enctype="multipart/form-data"
                                                action=format!("/api/v1/tenders/{tid}/attachments")
                                                data-testid="attach-form"
                                            >
                                                {(status == TenderStatus::Published)
                                                    .then(|| {
                                                        view! {
                                                            <label>
                                                                <span>
                                                                    {lz(
                                                                        i18n,
                                                                        "更正理由（发布后增加附件即为更正公告）",
                                                                        "Reason (a document added after publication is an amendment)",
                                                                    )}
                                                                </span>
                                                                <textarea
                                                                    name="reason"
                                                                    rows="2"
                                                                    required
                                                                    minlength="4"
                                                                    maxlength="2000"
                                                                    data-testid="attach-reason"
                                                                ></textarea>
                                                            </label>
                                                        }
                                                    })}
                                                <label>
                                                    <span>
                                                        {lz(
                                                            i18n,
                                                            "上传附件（PDF或zip）",
                                                            "Attach a document (PDF or zip)",
                                                        )}
                                                    </span>
                                                    <input
                                                        type="file"
                                                        name="file"
                                                        accept="application/pdf,.pdf,application/zip,.zip"
                                                        required
                                                        data-testid="attach-file"
                                                    />
                                                </label>
                                                <button type="submit" class="btn" data-testid="attach-submit">
                                                    {lz(i18n, "上传", "Upload")}
                                                </button>
                                            </form>
                                        }
                                    })
                            }
                            {
                                let tid = tid.clone();
                                editable
                                    .then(move || {
                                        view! {
                                            <p>
                                                <A
                                                    href=format!("/officer/tenders/{tid}/amend")
                                                    attr:class="btn"
                                                    attr:data-testid="amend"
                                                >
                                                    // A draft is simply edited; only a published
                                                    // notice is corrected (更正公告).
                                                    {if status == TenderStatus::Draft {
                                                        lz(i18n, "编辑草稿", "Edit the draft").into_any()
                                                    } else {
                                                        lz(i18n, "发布更正公告", "Publish a correction").into_any()
                                                    }}
                                                </A>
                                            </p>
                                        }
                                    })
                            }
                            {match status {
                                TenderStatus::Draft => {
                                    view! {
                                        <ActionForm action=publish>
                                            <input type="hidden" name="id" value=tid.clone() />
                                            <button
                                                type="submit"
                                                class="btn btn-primary"
                                                data-testid="publish"
                                                on:click=confirm_first(
                                                    i18n,
                                                    "发布后招标公告即公开，投标截止前只能以更正公告修改。确定发布？",
                                                    "Once published the notice is public and can change only by a correction notice before the deadline. Publish?",
                                                )
                                            >
                                                {t!(i18n, tender.publish)}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                TenderStatus::Published => {
                                    view! {
                                        <p class="lead">{t!(i18n, tender.open_hint)}</p>
                                        <ActionForm action=open>
                                            <input type="hidden" name="id" value=tid.clone() />
                                            <button
                                                type="submit"
                                                class="btn btn-primary"
                                                data-testid="open-bids"
                                                on:click=confirm_first(
                                                    i18n,
                                                    "开标后全部投标文件解密，投标截止后才可开标，且不可撤销。确定开标？",
                                                    "Opening decrypts every bid and cannot be undone. Open the bids?",
                                                )
                                            >
                                                {t!(i18n, tender.open)}
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                TenderStatus::Opened | TenderStatus::Failed => ().into_any(),
                                TenderStatus::Awarded => {
                                    view! {
                                        <a
                                            class="btn btn-primary"
                                            data-testid="award-notice"
                                            href=format!("/api/v1/tenders/{tid}/award-notice.pdf")
                                            download="award-notice.pdf"
                                        >
                                            {t!(i18n, tender.award_notice)}
                                        </a>
                                    }
                                        .into_any()
                                }
                            }} {action_error(publish.value())} {action_error(open.value())}
                        </section>
                        })}
                    }
                        .into_any()
                })}
            </Suspense>
            // Outside the detail's Suspense: a nested resource there broke hydration.
            <ReviewSection id=id() state=review_state />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(d) = detail.await else { return ().into_any() };
                    if !d.spec.panels_per_lot {
                        return ().into_any();
                    }
                    let shown = review_shown(&id(), &d.spec, panel_no());
                    view! {
                        <nav class="card tabs" data-testid="panel-lots" aria-label="分标段评审委员会">
                            <span>{lz(i18n, "各标段评审委员会：", "Each lot's panel: ")}</span>
                            {d
                                .spec
                                .lots
                                .iter()
                                .enumerate()
                                .map(|(i, lot)| {
                                    let n = i as i64 + 1;
                                    let current = shown == crate::panels::ReviewId::of_lot(&id(), i as i64).to_string();
                                    let label = localized(i18n, format!("第{n}包 {}", lot.name), format!("Lot {n}: {}", lot.name));
                                    view! {
                                        " "
                                        <A
                                            href=format!("?panel={n}")
                                            attr:class=if current { "btn btn-primary" } else { "btn" }
                                            attr:aria-current=current.then_some("page")
                                            attr:data-testid=format!("panel-lot-{n}")
                                        >
                                            {label}
                                        </A>
                                    }
                                })
                                .collect_view()}
                        </nav>
                    }
                        .into_any()
                })}
            </Suspense>
            <PanelSection panel=panel actions=panel_actions />
            <OverviewSection overview=overview draw=draw_tie rereview=rereview />
            <Clarifications id=id() qa=qa can_ask=false can_answer=true />
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let Ok(Some(r)) = rank.await else { return ().into_any() };
                    let tid = id();
                    view! {
                        <section class="card">
                            <h2>{t!(i18n, tender.ranking)}</h2>
                            <p>
                                {t!(i18n, tender.sheets)}{lz(i18n, "：", ": ")}
                                <span data-testid="sheets">{format!("{}/{}", r.sheets_submitted, r.experts)}</span>
                            </p>
                            {r
                                .lots
                                .into_iter()
                                .map(|lot| {
                                    let tid = tid.clone();
                                    let signed = lot.report_signed;
                                    let position = lot.position;
                                    view! {
                                        <h3>{lot.lot.clone()}</h3>
                                        {match (lot.failed.clone(), lot.awarded_bid_id.clone()) {
                                            (Some(reason), _) => {
                                                view! {
                                                    <p
                                                        class="notice notice-error"
                                                        data-testid=format!("lot-failed-{position}")
                                                    >
                                                        {reason}
                                                    </p>
                                                }
                                                    .into_any()
                                            }
                                            (None, awarded) => {
                                                view! {
                                                    <div class="table-wrap">
                                                        <table data-testid=format!("ranking-{position}")>
                                                            <thead>
                                                                <tr>
                                                                    <th>{t!(i18n, tender.rank)}</th>
                                                                    <th>{t!(i18n, tender.alias)}</th>
                                                                    <th>{t!(i18n, tender.org)}</th>
                                                                    <th>{t!(i18n, tender.price)}</th>
                                                                    <th>{t!(i18n, tender.technical)}</th>
                                                                    <th>{t!(i18n, tender.price_points)}</th>
                                                                    <th>{t!(i18n, tender.total)}</th>
                                                                    <th>{t!(i18n, tender.file)}</th>
                                                                    <th></th>
                                                                </tr>
                                                            </thead>
                                                            <tbody>
                                                                {lot
                                                                    .rows
                                                                    .into_iter()
                                                                    .map(|row| {
                                                                        // O87 art. 68: the purchaser confirms the winner from the signed report.
                                                                        let can_award = row.rank == 1 && !row.tied && signed
                                                                            && awarded.is_none();
                                                                        let won = awarded.as_deref() == Some(row.bid_id.as_str());
                                                                        let tid2 = tid.clone();
                                                                        view! {
                                                                            <tr>
                                                                                <td>{row.rank}{if row.tied { " *" } else { "" }}</td>
                                                                                <td>{row.alias.clone()}</td>
                                                                                <td>{row.org_name.clone()}</td>
                                                                                <td>
                                                                                    {Yuan::round_from(row.price)
                                                                                        .map(|y| y.to_string())
                                                                                        .unwrap_or_default()}
                                                                                </td>
                                                                                <td>{format!("{:.2}", display(row.technical))}</td>
                                                                                <td>{format!("{:.2}", display(row.price_points))}</td>
                                                                                <td data-testid=format!(
                                                                                    "total-{position}-{}",
                                                                                    row.alias,
                                                                                )>{format!("{:.2}", display(row.total))}</td>
                                                                                <td>
                                                                                    <a href=format!(
                                                                                        "/api/v1/tenders/{tid}/bids/{}/files/technical/{position}",
                                                                                        row.bid_id,
                                                                                    )>{t!(i18n, tender.view)}</a>
                                                                                </td>
                                                                                <td>
                                                                                    {won
                                                                                        .then(|| {
                                                                                            view! {
                                                                                                <strong data-testid=format!(
                                                                                                    "awarded-{position}",
                                                                                                )>{t!(i18n, tender.st_awarded)}</strong>
                                                                                            }
                                                                                        })}
                                                                                    {can_award
                                                                                        .then(|| {
                                                                                            view! {
                                                                                                <ActionForm action=award_action>
                                                                                                    <input type="hidden" name="id" value=tid2.clone() />
                                                                                                    <input
                                                                                                        type="hidden"
                                                                                                        name="lot"
                                                                                                        value=position.to_string()
                                                                                                    />
                                                                                                    <input
                                                                                                        type="hidden"
                                                                                                        name="bid_id"
                                                                                                        value=row.bid_id.clone()
                                                                                                    />
                                                                                                    <button
                                                                                                        type="submit"
                                                                                                        class="btn btn-primary"
                                                                                                        data-testid=format!("award-{position}-{}", row.alias)
                                                                                                        on:click=confirm_first(
                                                                                                            i18n,
                                                                                                            "确定该投标人为本标段中标人？确定后将生成合同并可发布中标公告，不可撤销。",
                                                                                                            "Award this lot to this bidder? A contract is created and the award can be announced; this cannot be undone.",
                                                                                                        )
                                                                                                    >
                                                                                                        {t!(i18n, tender.award)}
                                                                                                    </button>
                                                                                                </ActionForm>
                                                                                            }
                                                                                        })}
                                                                                </td>
                                                                            </tr>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </tbody>
                                                        </table>
                                                    </div>
                                                }
                                                    .into_any()
                                            }
                                        }}
                                    }
                                })
                                .collect_view()}
                            {action_error(award_action.value())}
                        </section>
                    }
                        .into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}
