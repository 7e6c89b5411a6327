//! The evaluation as the tender's purchaser side follows it: the members' progress, the flags and
//! how they were answered, ties to draw, and the report with its signatures.

use super::sheet::ReportSummary;
use super::{DrawTie, OverviewView, StartRereview};
use crate::components::bilingual::{localized, lz};
use crate::components::errors::{action_error, loaded, Loaded};
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn OverviewSection(
    overview: Loaded<OverviewView>,
    draw: ServerAction<DrawTie>,
    rereview: ServerAction<StartRereview>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="evaluation">
            <h2>{lz(i18n, "评审情况", "The review")}</h2>
            {loaded(
                overview,
                move |o: OverviewView| {
                    let tid = o.review_id.clone();
                    view! {
                        {o.lot.clone().map(|l| view! { <p class="lead" data-testid="evaluation-lot">{localized(i18n, format!("本评审委员会评审：{l}"), format!("This panel reviews lot {l}"))}</p> })}
                        <ul class="plain-list" data-testid="evaluation-progress">
                            {o
                                .progress
                                .iter()
                                .map(|p| {
                                    view! {
                                        <li>
                                            {p.label.clone()}
                                            {if p.submitted { " · 已提交评分表" } else { " · 评分中" }}
                                            {p.confirmed.then_some(" · 已确认回避")}
                                            {p.signed.then_some(" · 已签署报告")}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        {(!o.flags.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{lz(i18n, "评分提示", "Flags")}</h3>
                                    <ul data-testid="evaluation-flags">
                                        {o
                                            .flags
                                            .iter()
                                            .map(|f| {
                                                view! {
                                                    <li data-kind=f.kind.clone()>
                                                        {format!(
                                                            "{}：投标人{}“{}”{}（{}）{}",
                                                            f.member,
                                                            f.alias,
                                                            f.criterion_name,
                                                            match f.kind.as_str() {
                                                                "outlier" => "评分畸高畸低",
                                                                "objective_inconsistent" => "客观评分不一致",
                                                                _ => "超出分值范围",
                                                            },
                                                            f.value.normalize(),
                                                            f.confirmed.as_ref().map(|c| format!("，书面说明：{c}")).unwrap_or_default(),
                                                        )}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })}
                        {(!o.answers.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{lz(i18n, "评分修改与说明记录", "Corrections and confirmations")}</h3>
                                    <ul data-testid="evaluation-answers">
                                        {o
                                            .answers
                                            .iter()
                                            .map(|a| {
                                                view! {
                                                    <li>
                                                        {format!(
                                                            "{} {} 投标人{}“{}”：{} → {} {} {}",
                                                            format_shanghai(a.at),
                                                            a.member,
                                                            a.alias,
                                                            a.criterion_name,
                                                            a.from.normalize(),
                                                            a.to.normalize(),
                                                            a.reason.clone().unwrap_or_default(),
                                                            a.note,
                                                        )}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })}
                        <crate::low_price::views::LowPriceSection id=tid.clone() view=o.low_price.clone() actions=None />
                        {o
                            .ties_to_draw
                            .clone()
                            .into_iter()
                            .map(|lot| {
                                let tid = tid.clone();
                                view! {
                                    <ActionForm action=draw attr:class="inline-form">
                                        <input type="hidden" name="id" value=tid />
                                        <input type="hidden" name="lot" value=lot.to_string() />
                                        <button type="submit" class="btn btn-primary" data-testid=format!("draw-tie-{lot}")>
                                            {lz(i18n, "并列第一：当场抽签", "Tied first place: draw lots")}
                                        </button>
                                    </ActionForm>
                                }
                            })
                            .collect_view()}
                        {(!o.drawings.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{lz(i18n, "抽签记录（可复核）", "Drawings of lots (verifiable)")}</h3>
                                    <ul data-testid="drawings">
                                        {o
                                            .drawings
                                            .iter()
                                            .map(|d| {
                                                view! {
                                                    <li>
                                                        {format!(
                                                            "标段{}：种子 {}（招标公告公示的承诺 {}），抽签顺序 {}",
                                                            d.lot + 1,
                                                            d.seed,
                                                            d.commitment,
                                                            d.order.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>().join(" > "),
                                                        )}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                    <p class="hint">
                                        {lz(
                                            i18n,
                                            "复核方法：SHA-256(种子)应等于承诺；各投标人的签值为 SHA-256(种子 + \":\" + 标段序号 + \":\" + 代号)，小者在前。",
                                            "To verify: SHA-256(seed) equals the commitment; each bid's key is SHA-256(seed + \":\" + lot + \":\" + alias), lowest first.",
                                        )}
                                    </p>
                                }
                            })}
                        <ul class="verdicts" data-testid="evaluation-blockers">
                            {o
                                .blockers
                                .iter()
                                .map(|b| view! { <li class="verdict-fail" data-blocker=b.code()>{b.message_zh()}</li> })
                                .collect_view()}
                        </ul>
                        {o
                            .report
                            .clone()
                            .map(|r| {
                                let complete = r.complete;
                                view! {
                                    <ReportSummary report=r />
                                    {complete
                                        .then(|| {
                                            view! {
                                                <p class="actions">
                                                    <a class="btn" data-testid="report-pdf" href=format!("/api/v1/tenders/{tid}/report.pdf") download="evaluation-report.pdf">
                                                        {lz(i18n, "下载评审报告（PDF）", "Download the report (PDF)")}
                                                    </a>
                                                    " "
                                                    <a class="btn" data-testid="scores-xlsx" href=format!("/api/v1/tenders/{tid}/scores.xlsx") download="score-summary.xlsx">
                                                        {lz(i18n, "下载评分汇总表（XLSX）", "Download the score summary (XLSX)")}
                                                    </a>
                                                </p>
                                            }
                                        })}
                                }
                            })}
                        {(!o.rereviews.is_empty())
                            .then(|| {
                                view! {
                                    <h3>{lz(i18n, "重新评审", "Re-reviews")}</h3>
                                    <ul data-testid="rereviews">
                                        {o
                                            .rereviews
                                            .iter()
                                            .map(|rr| {
                                                view! {
                                                    <li>
                                                        {format!(
                                                            "第{}次 · {} · {}：{}{}",
                                                            rr.round,
                                                            format_shanghai(rr.started_at),
                                                            rr.reason_zh,
                                                            rr.finding,
                                                            rr.closed_at.map(|c| format!(" · {}重新签署完毕", format_shanghai(c))).unwrap_or_else(|| " · 进行中".into()),
                                                        )}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                            })}
                        {o
                            .may_rereview
                            .then(|| {
                                let tid = tid.clone();
                                view! {
                                    <details data-testid="rereview">
                                        <summary>{lz(i18n, "组织原评审委员会重新评审", "Convene the panel for a re-review")}</summary>
                                        <p class="hint">
                                            {lz(
                                                i18n,
                                                "评审报告签署后，发现分值汇总计算错误、分项评分超出分值范围、客观评审因素评分不一致或评分畸高畸低的，应当组织原评审委员会重新评审（《政府采购货物和服务招标投标管理办法》第六十四条）；改变评审结果的，书面报告本级财政部门。重新评审期间不能确定中标人。",
                                                "After signing, a summation error, a score out of range, inconsistent objective scores or abnormal scores call for a re-review by the original panel (O87 art. 64); a changed result is reported to the finance department. No award while it runs.",
                                            )}
                                        </p>
                                        <ActionForm action=rereview attr:class="form">
                                            <input type="hidden" name="id" value=tid />
                                            <label>
                                                <span>{lz(i18n, "情形", "Reason")}</span>
                                                <select name="reason" data-testid="rereview-reason">
                                                    {crate::domain::national::CorrectionReason::ALL
                                                        .into_iter()
                                                        .map(|r| view! { <option value=r.as_str()>{r.name_zh()}</option> })
                                                        .collect_view()}
                                                </select>
                                            </label>
                                            <label>
                                                <span>{lz(i18n, "发现的情况（至少10字）", "What was found (10 characters or more)")}</span>
                                                <textarea name="finding" rows="2" data-testid="rereview-finding"></textarea>
                                            </label>
                                            <button type="submit" class="btn" data-testid="rereview-start">
                                                {lz(i18n, "组织重新评审", "Start the re-review")}
                                            </button>
                                        </ActionForm>
                                    </details>
                                }
                            })}
                    }
                },
            )}
            {action_error(draw.value())}
            {action_error(rereview.value())}
        </section>
    }
}
