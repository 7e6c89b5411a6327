//! The low-price review on the panel's review page and the purchaser's overview (by alias), and
//! the panel's requests on the bidder's own bid page.

use super::{BidderCase, DecideLowPrice, EvidenceDoc, LowPriceCase, LowPriceView, RequestPriceExplanation};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, ErrorNote};
use crate::components::upload::{Progress, UploadProgress};
use crate::domain::evaluation::low_price::{Decision, Stage};
use crate::domain::time::format_shanghai;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

fn stage_zh(stage: Option<Stage>) -> String {
    match stage {
        None => "未触发".into(),
        Some(Stage::Flagged) => "须审查，尚未要求说明".into(),
        Some(Stage::Requested { due_at }) => format!("已要求说明，期限 {}", format_shanghai(due_at)),
        Some(Stage::Answered { .. }) => "投标人已说明，待评审委员会结论".into(),
        Some(Stage::Decided { decision }) => decision.name_zh().into(),
    }
}

/// The leader's forms for one case: ask for an explanation, or conclude.
fn case_forms(
    i18n: leptos_i18n::I18nContext<Locale>,
    id: String,
    lot: i64,
    c: &LowPriceCase,
    request: ServerAction<RequestPriceExplanation>,
    decide: ServerAction<DecideLowPrice>,
) -> impl IntoView {
    let alias = c.alias.clone();
    let testid = format!("low-price-{}-{}", lot, c.alias);
    match c.stage {
        None | Some(Stage::Flagged) => {
            let must = c.stage.is_some();
            view! {
                <ActionForm action=request attr:class="inline-form" attr:data-testid=format!("{testid}-request")>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="alias" value=alias />
                    <input type="hidden" name="lot" value=lot.to_string() />
                    <label>
                        <span>{lz(i18n, "说明期限（小时）", "Hours to explain")}</span>
                        <input type="number" name="hours" min="1" max="72" value="24" required data-testid="low-price-hours" />
                    </label>
                    {(!must)
                        .then(|| {
                            view! {
                                <input
                                    type="text"
                                    name="grounds"
                                    placeholder="评审委员会启动审查的理由（至少10字）"
                                    aria-label="评审委员会启动审查的理由"
                                    data-testid="low-price-grounds"
                                />
                            }
                        })}
                    <button type="submit" class="btn" data-testid="low-price-request">
                        {if must {
                            lz(i18n, "要求投标人书面说明", "Ask for a written explanation")
                        } else {
                            lz(i18n, "启动异常低价审查", "Start a low-price review")
                        }}
                    </button>
                </ActionForm>
            }
                .into_any()
        }
        Some(Stage::Requested { .. }) | Some(Stage::Answered { .. }) => view! {
            <ActionForm action=decide attr:class="inline-form" attr:data-testid=format!("{testid}-decide")>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="alias" value=alias />
                <input type="hidden" name="lot" value=lot.to_string() />
                <select name="decision" aria-label="评审委员会结论" data-testid="low-price-decision">
                    <option value=Decision::Accepted.as_str()>{Decision::Accepted.name_zh()}</option>
                    <option value=Decision::Rejected.as_str()>{Decision::Rejected.name_zh()}</option>
                </select>
                <input
                    type="text"
                    name="basis"
                    placeholder="结论依据（至少10字）"
                    aria-label="结论依据"
                    data-testid="low-price-basis"
                />
                <button type="submit" class="btn" data-testid="low-price-decide">
                    {lz(i18n, "记录评审委员会结论", "Record the panel's conclusion")}
                </button>
            </ActionForm>
        }
        .into_any(),
        Some(Stage::Decided { .. }) => ().into_any(),
    }
}

/// The cases of every lot. `actions` are the leader's, when the caller may act.
#[component]
pub fn LowPriceSection(
    id: String,
    view: LowPriceView,
    actions: Option<(ServerAction<RequestPriceExplanation>, ServerAction<DecideLowPrice>)>,
) -> impl IntoView {
    let i18n = use_i18n();
    if !view.applies {
        return ().into_any();
    }
    let actions = actions.filter(|_| view.may_act);
    // Readers see the cases under review; the leader also sees every price, to start one.
    let mut view = view;
    if actions.is_none() {
        for l in &mut view.lots {
            l.cases.retain(|c| c.stage.is_some());
        }
        view.lots.retain(|l| !l.cases.is_empty());
        if view.lots.is_empty() {
            return ().into_any();
        }
    }
    view! {
        <section class="card" data-testid="low-price">
            <h2>{lz(i18n, "异常低价审查", "Abnormally low prices")}</h2>
            <p class="hint">
                {lz(
                    i18n,
                    "报价低于全部有效投标报价平均值的50%、低于其他有效投标中最低报价的55%或低于最高限价的45%的，评审委员会须要求投标人在规定期限内书面说明并提供证明材料；不能证明报价合理性的，作为无效投标处理（《政府采购货物和服务招标投标管理办法》第六十条、财库〔2026〕2号）。评审委员会也可自行启动审查。",
                    "A price below 50 % of the mean of the valid bids, 55 % of the next-lowest or 45 % of the ceiling must be explained in writing, with evidence, within the time the panel sets; a price not justified makes the bid invalid (O87 art. 60, 财库〔2026〕2号). The panel may also start a review on its own grounds.",
                )}
            </p>
            {(view.leader && !view.may_act)
                .then(|| view! { <p class="hint">"评审报告已开始签署，异常低价审查记录不再变更。"</p> })}
            {view
                .lots
                .into_iter()
                .map(|l| {
                    let id = id.clone();
                    view! {
                        <h3>{l.name.clone()}</h3>
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th>"代号"</th>
                                        <th>"报价（元）"</th>
                                        <th>"触发情形"</th>
                                        <th>"状态"</th>
                                        <th>"说明与结论"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {l
                                        .cases
                                        .iter()
                                        .map(|c| {
                                            let forms = actions
                                                .map(|(request, decide)| {
                                                    case_forms(i18n, id.clone(), l.position, c, request, decide)
                                                });
                                            view! {
                                                <tr data-testid=format!("low-price-{}-{}", l.position, c.alias)>
                                                    <td>{c.alias.clone()}</td>
                                                    <td>{c.price.clone()}</td>
                                                    <td>
                                                        {if c.triggers.is_empty() { "—".to_string() } else { c.triggers.join("；") }}
                                                        {(!c.grounds.is_empty()).then(|| format!("（评审委员会自行启动：{}）", c.grounds))}
                                                    </td>
                                                    <td data-testid="low-price-stage">{stage_zh(c.stage)}</td>
                                                    <td>
                                                        {c.explanation.clone().map(|e| view! { <p>{format!("说明：{e}")}</p> })}
                                                        {(!c.evidence.is_empty()).then(|| view! { <p>{format!("证明材料：{}", c.evidence)}</p> })}
                                                        {evidence_links(&id, l.position, &c.alias, &c.evidence_files)}
                                                        {c.basis.clone().map(|b| view! { <p>{format!("结论依据：{b}")}</p> })}
                                                        {forms}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })
                .collect_view()}
            {actions.map(|(request, decide)| view! { {action_error(request.value())} {action_error(decide.value())} })}
        </section>
    }
    .into_any()
}

/// The evidence PDFs of a case, each opening inline by alias (the panel and the purchaser side).
fn evidence_links(id: &str, lot: i64, alias: &str, files: &[EvidenceDoc]) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .iter()
            .map(|f| {
                let href = format!("/api/v1/tenders/{id}/low-price/{alias}/{lot}/evidence/{}", f.seq);
                view! {
                    <li>
                        <a href=href target="_blank" rel="noopener" data-testid=format!("low-price-evidence-{}", f.seq)>
                            {format!("证明材料{}（PDF，{} KB）", f.seq + 1, (f.file_size + 1023) / 1024)}
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="plain-list">{items}</ul> }
    })
}

/// The bidder's own evidence files as received, with their SHA-256 for its records.
fn own_files(files: &[EvidenceDoc]) -> impl IntoView {
    (!files.is_empty()).then(|| {
        let items = files
            .iter()
            .map(|f| view! { <li><code>{f.sha256.clone()}</code>" "{f.file_name.clone()}</li> })
            .collect_view();
        view! { <ul class="plain-list" data-testid="price-evidence-files">{items}</ul> }
    })
}

fn request_item(
    i18n: leptos_i18n::I18nContext<Locale>,
    id: String,
    c: BidderCase,
    progress: Progress,
    error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let why = if c.triggers.is_empty() { c.grounds.clone() } else { c.triggers.join("；") };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                ev.prevent_default();
                if crate::components::upload::send(form, progress, error).is_err() {
                    error.set(Some(AppError::Internal));
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, progress, error);
    };
    view! {
        <li data-testid=format!("price-request-{}", c.lot)>
            <p>
                {format!(
                    "{}：您的报价 {} 元。评审委员会要求在 {} 前书面说明报价的合理性并提交证明材料（{}）。",
                    c.lot_name,
                    c.price,
                    format_shanghai(c.due_at),
                    why,
                )}
            </p>
            {match (c.explanation.clone(), c.decision) {
                (_, Some(d)) => {
                    view! {
                        <p class="notice" data-testid="price-decision">
                            {format!("评审委员会结论：{}。依据：{}", d.name_zh(), c.basis.clone().unwrap_or_default())}
                        </p>
                    }
                        .into_any()
                }
                (Some(e), None) => {
                    view! {
                        <p class="notice notice-ok" data-testid="price-explained">{format!("已提交说明：{e}")}</p>
                        {own_files(&c.evidence_files)}
                    }
                        .into_any()
                }
                (None, None) => {
                    view! {
                        <form
                            method="post"
                            enctype="multipart/form-data"
                            action=format!("/api/v1/tenders/{id}/low-price/{}/explanation", c.lot)
                            class="form"
                            on:submit=submit
                        >
                            <label>
                                <span>{lz(i18n, "书面说明（20–5000字；不得出现本机构名称或人员姓名）", "Written explanation (20–5,000 characters; no names)")}</span>
                                <textarea name="explanation" rows="5" required data-testid="price-explanation"></textarea>
                            </label>
                            <label>
                                <span>{lz(i18n, "证明材料清单（名称与要点）", "List of evidence (titles and key points)")}</span>
                                <textarea name="evidence" rows="3" data-testid="price-evidence"></textarea>
                            </label>
                            <label>
                                <span>
                                    {lz(
                                        i18n,
                                        "证明材料文件（PDF，最多5个，合计不超过40 MB；评审委员会以代号审阅，请遮盖机构名称与人员姓名）",
                                        "Evidence files (PDF, up to 5, 40 MB in all; the panel reads them by alias, so redact names)",
                                    )}
                                </span>
                                <input type="file" name="file" accept="application/pdf,.pdf" multiple data-testid="price-evidence-files-input" />
                            </label>
                            <button type="submit" class="btn btn-primary" data-testid="price-explain">
                                {lz(i18n, "提交说明", "Submit the explanation")}
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </li>
    }
}

/// The panel's requests for a price explanation, on the bidder's bid page; nothing when none.
/// `cases` come with the page's own data (one resource per page keeps hydration whole).
#[component]
pub fn LowPriceRequests(id: String, cases: Vec<BidderCase>) -> impl IntoView {
    let i18n = use_i18n();
    // Sent by the browser's upload (with progress); the page reloads once it is received.
    let progress: Progress = RwSignal::new(None);
    let error = RwSignal::new(None::<AppError>);
    (!cases.is_empty()).then(|| {
        view! {
            <section class="card" data-testid="price-requests">
                <h2>{lz(i18n, "异常低价说明", "Price explanation")}</h2>
                <ul class="plain-list">
                    {cases.into_iter().map(|c| request_item(i18n, id.clone(), c, progress, error)).collect_view()}
                </ul>
                <UploadProgress progress=progress />
                {move || {
                    error.get().map(|e| view! { <div data-testid="price-explain-error"><ErrorNote error=e /></div> })
                }}
            </section>
        }
    })
}
