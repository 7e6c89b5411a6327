//! The member's review workspace (`/review/:id`): the proposals by alias, the score sheet with
//! drafts, the panel's progress, then the diagnostics, the conflict confirmation and the report
//! to sign.

use super::{review, AnswerFlag, ConfirmNoConflict, FlagView, ReportView, ReviewView, SignReport, SubmitSheet};
use crate::components::bilingual::lz;
use crate::components::confirm::confirm_first;
use crate::components::errors::{action_error, field_messages, focus_first_invalid, successes, ErrorNote};
use crate::components::guard::RequireRole;
use crate::components::params::param_id;
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use crate::identity::Role;
use leptos::prelude::*;

/// The report's result per lot and its record, as members and the purchaser side read it.
#[component]
pub fn ReportSummary(report: ReportView) -> impl IntoView {
    let i18n = use_i18n();
    let c = report.content.clone();
    view! {
        <div class="report" data-testid="report">
            <h3>{format!("评审报告（第{}版）", report.version)}</h3>
            {c.version_reason.clone().map(|r| view! { <p class="hint">{r}</p> })}
            <p class="hint">
                {lz(i18n, "内容哈希（签名所绑定）：", "Content hash (what the signatures bind): ")}
                <code class="hash" data-testid="report-hash">{report.content_hash.clone()}</code>
            </p>
            <p>{format!("评审委员会：{}", c.panel.iter().map(|m| format!("{}（{}{}）", m.name, m.role_zh, if m.leader { "，组长" } else { "" })).collect::<Vec<_>>().join("、"))}</p>
            {c
                .lots
                .iter()
                .map(|l| {
                    view! {
                        <h4>{l.lot.clone()}</h4>
                        {l.failed.clone().map(|f| view! { <p class="notice notice-error">{f}</p> })}
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th>"排名"</th>
                                        <th>"代号"</th>
                                        <th>"投标人"</th>
                                        <th>"报价（元）"</th>
                                        <th>"技术得分"</th>
                                        <th>"价格得分"</th>
                                        <th>"总分"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {l
                                        .ranking
                                        .iter()
                                        .map(|r| {
                                            view! {
                                                <tr>
                                                    <td>{r.rank}</td>
                                                    <td>{r.alias.clone()}</td>
                                                    <td>{r.name.clone()}</td>
                                                    <td>{r.price.clone()}</td>
                                                    <td>{r.technical.clone()}</td>
                                                    <td>{r.price_points.clone()}</td>
                                                    <td>{r.total.clone()}</td>
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
            {(!c.notes.is_empty())
                .then(|| {
                    view! {
                        <h4>"评审过程说明"</h4>
                        <ul>{c.notes.iter().map(|n| view! { <li>{format!("【{}】{}", n.kind_zh, n.text)}</li> }).collect_view()}</ul>
                    }
                })}
            <h4>"签署"</h4>
            <ul data-testid="report-signatures">
                {report
                    .signatures
                    .iter()
                    .map(|s| {
                        view! {
                            <li>
                                {s.member.clone()}
                                " · "
                                {s.signed_at.map(format_shanghai).unwrap_or_else(|| "未签署".into())}
                                {s.dissent.clone().map(|d| format!(" · 不同意见：{d}"))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

fn flag_kind_zh(kind: &str) -> &'static str {
    match kind {
        "outlier" => "评分畸高畸低",
        "objective_inconsistent" => "客观评审因素评分不一致",
        _ => "超出分值范围",
    }
}

/// One of the member's flags, with the form to correct or confirm it.
fn flag_item(
    i18n: leptos_i18n::I18nContext<Locale>,
    id: String,
    f: FlagView,
    answer: ServerAction<AnswerFlag>,
) -> impl IntoView {
    let reason = match f.kind.as_str() {
        "outlier" => "abnormally_high_or_low",
        "objective_inconsistent" => "inconsistent_objective_scoring",
        _ => "out_of_range",
    };
    let testid = format!("flag-{}-{}", f.alias, f.criterion);
    let may_confirm = f.kind == "outlier";
    let (id2, alias2) = (id.clone(), f.alias.clone());
    view! {
        <li data-testid=testid data-kind=f.kind.clone()>
            {format!(
                "投标人{}“{}”：{}（您的评分 {}{}）",
                f.alias,
                f.criterion_name,
                flag_kind_zh(&f.kind),
                f.value.normalize(),
                f.reference.map(|r| format!("，参照 {}", crate::domain::scoring::display(r).normalize())).unwrap_or_default(),
            )}
            {match f.confirmed.clone() {
                Some(note) => view! { <p class="hint">{format!("已书面说明：{note}")}</p> }.into_any(),
                None => {
                    view! {
                        <ActionForm action=answer attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="alias" value=f.alias.clone() />
                            <input type="hidden" name="criterion" value=f.criterion.to_string() />
                            <input type="hidden" name="answer[kind]" value="correct" />
                            <input type="hidden" name="answer[reason]" value=reason />
                            <input type="text" inputmode="decimal" name="answer[value]" size="5" placeholder="修改为" aria-label="修改后的分值" data-testid="flag-value" />
                            <input type="text" name="answer[note]" placeholder="修改理由（至少10字）" aria-label="修改理由（至少10字）" data-testid="flag-note" />
                            <button type="submit" class="btn" data-testid="flag-correct">{lz(i18n, "修改评分", "Correct")}</button>
                        </ActionForm>
                        {may_confirm
                            .then(|| {
                                view! {
                                    <ActionForm action=answer attr:class="inline-form">
                                        <input type="hidden" name="id" value=id2 />
                                        <input type="hidden" name="alias" value=alias2 />
                                        <input type="hidden" name="criterion" value=f.criterion.to_string() />
                                        <input type="hidden" name="answer[kind]" value="confirm" />
                                        <input type="text" name="answer[explanation]" placeholder="坚持原评分的书面说明（至少10字）" aria-label="坚持原评分的书面说明（至少10字）" data-testid="flag-explanation" />
                                        <button type="submit" class="btn" data-testid="flag-confirm">{lz(i18n, "坚持原评分", "Keep the score")}</button>
                                    </ActionForm>
                                }
                            })}
                    }
                        .into_any()
                }
            }}
        </li>
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let submit = ServerAction::<SubmitSheet>::new();
    let answer = ServerAction::<AnswerFlag>::new();
    let confirm = ServerAction::<ConfirmNoConflict>::new();
    let sign = ServerAction::<SignReport>::new();
    let request_explanation = ServerAction::<crate::low_price::RequestPriceExplanation>::new();
    let decide_low_price = ServerAction::<crate::low_price::DecideLowPrice>::new();
    let comply = ServerAction::<crate::compliance::SubmitCompliance>::new();
    // A refused sheet stays on the page as typed, its faults marked; only a saved one reloads.
    let saved = successes(submit.value());
    focus_first_invalid(submit.value(), "[data-testid=score-form]");
    let fault =
        move |field: String| move || field_messages(i18n, submit.value().get().and_then(|r| r.err()).as_ref(), &field);
    let data = Resource::new(
        move || {
            (
                id(),
                saved.get(),
                answer.version().get(),
                confirm.version().get(),
                sign.version().get(),
                request_explanation.version().get(),
                decide_low_price.version().get(),
                comply.version().get(),
            )
        },
        |(id, ..)| review(id),
    );
    view! {
        <RequireRole roles=&[Role::Expert, Role::Officer]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let v: ReviewView = match data.await {
                        Ok(v) => v,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let tid = v.review_id.clone();
                    let form_tid = tid.clone();
                    let criteria = v.criteria.clone();
                    let scoring_waits = !v.compliance.items.is_empty() && v.compliance.findings.is_none();
                    view! {
                        <h1 data-testid="review-title">
                            {match &v.lot {
                                Some(lot) => format!("在线评审 · {}（{lot}）", v.title),
                                None => format!("在线评审 · {}", v.title),
                            }}
                        </h1>
                        <p class="lead">
                            {lz(
                                i18n,
                                "投标人以代号出现；独立评分，提交前看不到其他成员的评分。全部评分表提交后显示评分统计和投标人名称。",
                                "Bidders appear by alias; you score independently and see no other member's scores before submitting. Statistics and bidders' names appear once every sheet is in.",
                            )}
                        </p>
                        <section class="card" data-testid="progress">
                            <h2>{lz(i18n, "评审进度", "Progress")}</h2>
                            <ul class="plain-list">
                                {v
                                    .progress
                                    .iter()
                                    .map(|p| {
                                        view! {
                                            <li>
                                                {p.label.clone()}
                                                {p.you.then_some("（本人）")}
                                                {if p.submitted { " · 已提交" } else { " · 评分中" }}
                                                {p.confirmed.then_some(" · 已确认回避")}
                                                {p.signed.then_some(" · 已签署")}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                        <section class="card" data-testid="proposals">
                            <h2>{lz(i18n, "技术方案（暗标）", "Technical proposals (anonymous)")}</h2>
                            <ul class="plain-list">
                                {v
                                    .proposals
                                    .iter()
                                    .map(|p| {
                                        view! {
                                            <li>
                                                <a
                                                    href=format!("/api/v1/tenders/{}/review/{}/proposal", tid, p.alias)
                                                    target="_blank"
                                                    data-testid=format!("proposal-{}", p.alias)
                                                >
                                                    {match &p.lot {
                                                        Some(lot) => format!("投标人{} 技术方案（标段：{lot}）", p.alias),
                                                        None => format!("投标人{} 技术方案", p.alias),
                                                    }}
                                                </a>
                                                {(p.content_type == "application/zip").then_some("（文件包）")}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                        {v
                            .rereview
                            .clone()
                            .map(|rr| {
                                let tid = tid.clone();
                                let aliases: Vec<String> = v.rows.iter().map(|r| r.alias.clone()).collect();
                                let names: Vec<String> = criteria.iter().map(|c| c.name.clone()).collect();
                                view! {
                                    <section class="card" data-testid="rereview-member">
                                        <h2>{lz(i18n, "重新评审", "Re-review")}</h2>
                                        <p class="notice">
                                            {format!(
                                                "采购人组织原评审委员会重新评审（《政府采购货物和服务招标投标管理办法》第六十四条）：{}。{}",
                                                rr.reason_zh,
                                                rr.finding,
                                            )}
                                        </p>
                                        <p class="hint">
                                            {lz(
                                                i18n,
                                                "只能因上述情形修改本人评分，每项修改须写明理由；修改后评审报告重新形成，全体成员重新签署。",
                                                "Correct your own scores for this reason only, each with a note; the report is formed again and every member signs it again.",
                                            )}
                                        </p>
                                        <ActionForm action=answer attr:class="inline-form">
                                            <input type="hidden" name="id" value=tid />
                                            <input type="hidden" name="answer[kind]" value="correct" />
                                            <input type="hidden" name="answer[reason]" value=rr.reason.as_str() />
                                            <select name="alias" aria-label="投标人代号" data-testid="rereview-alias">
                                                {aliases.into_iter().map(|a| view! { <option value=a.clone()>{a.clone()}</option> }).collect_view()}
                                            </select>
                                            <select name="criterion" aria-label="评分因素" data-testid="rereview-criterion">
                                                {names
                                                    .into_iter()
                                                    .enumerate()
                                                    .map(|(j, name)| view! { <option value=j.to_string()>{name}</option> })
                                                    .collect_view()}
                                            </select>
                                            <input type="text" inputmode="decimal" name="answer[value]" size="5" placeholder="修改为" aria-label="修改后的分值" data-testid="rereview-value" />
                                            <input type="text" name="answer[note]" placeholder="修改理由（至少10字）" aria-label="修改理由（至少10字）" data-testid="rereview-note" />
                                            <button type="submit" class="btn" data-testid="rereview-correct">{lz(i18n, "修改评分", "Correct")}</button>
                                        </ActionForm>
                                        {action_error(answer.value())}
                                    </section>
                                }
                            })}
                        <crate::compliance::views::ComplianceSection id=tid.clone() view=v.compliance.clone() action=comply />
                        {if scoring_waits {
                            view! {
                                <p class="notice" data-testid="scoring-waits">
                                    {lz(
                                        i18n,
                                        "全体成员提交符合性审查意见后开始评分；未通过符合性审查的投标不评分。",
                                        "Scoring starts once every member has submitted the compliance review; bids that fail it are not scored.",
                                    )}
                                </p>
                            }
                                .into_any()
                        } else {
                            view! {
                        <ActionForm action=submit attr:class="card" attr:data-testid="score-form">
                            <h2>{lz(i18n, "评分表", "Score sheet")}</h2>
                            <input type="hidden" name="id" value=form_tid.clone() />
                            <div class="table-wrap">
                                <table>
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, tender.alias)}</th>
                                            {criteria
                                                .iter()
                                                .map(|c| {
                                                    view! {
                                                        <th title=c.guidance.clone()>
                                                            {format!("{}（0–{}{}）", c.name, c.max_points.normalize(), if c.objective { "，客观" } else { "" })}
                                                        </th>
                                                    }
                                                })
                                                .collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {v
                                            .rows
                                            .iter()
                                            .enumerate()
                                            .map(|(i, row)| {
                                                let alias = row.alias.clone();
                                                let lot = v
                                                    .proposals
                                                    .iter()
                                                    .find(|p| p.alias == alias)
                                                    .and_then(|p| p.lot.clone());
                                                view! {
                                                    <tr>
                                                        <td data-testid=format!("alias-{alias}")>
                                                            {alias.clone()}
                                                            {lot.map(|l| view! { <span class="hint">" "{l}</span> })}
                                                            <input type="hidden" name=format!("rows[{i}][alias]") value=alias.clone() />
                                                        </td>
                                                        {criteria
                                                            .iter()
                                                            .enumerate()
                                                            .map(|(j, c)| {
                                                                let points = row.points.get(j).cloned().unwrap_or_default();
                                                                let reason = row.reasons.get(j).cloned().unwrap_or_default();
                                                                let score_fault = fault(format!("scores[{alias}][{j}]"));
                                                                let reason_fault = fault(format!("scores[{alias}][{j}].reason"));
                                                                let score_bad = {
                                                                    let f = score_fault.clone();
                                                                    move || (!f().is_empty()).to_string()
                                                                };
                                                                let reason_bad = {
                                                                    let f = reason_fault.clone();
                                                                    move || (!f().is_empty()).to_string()
                                                                };
                                                                let messages = move || {
                                                                    let mut all = score_fault();
                                                                    all.extend(reason_fault());
                                                                    all.into_iter()
                                                                        .map(|m| view! { <span class="field-error">{m}</span> })
                                                                        .collect_view()
                                                                };
                                                                view! {
                                                                    <td>
                                                                        <input
                                                                            type="text"
                                                                            inputmode="decimal"
                                                                            size="5"
                                                                            name=format!("rows[{i}][points][{j}]")
                                                                            value=points
                                                                            aria-invalid=score_bad
                                                                            aria-label=format!("{alias} · {}：得分", c.name)
                                                                            data-testid=format!("score-{alias}-{j}")
                                                                            disabled=v.submitted
                                                                        />
                                                                        // Every criterion sends a reason (empty for objective ones), so the
                                                                        // form's indices stay dense and line up with the criteria.
                                                                        {if c.objective {
                                                                            view! {
                                                                                <input type="hidden" name=format!("rows[{i}][reasons][{j}]") value="" />
                                                                            }
                                                                                .into_any()
                                                                        } else {
                                                                            view! {
                                                                                <textarea
                                                                                    name=format!("rows[{i}][reasons][{j}]")
                                                                                    rows="2"
                                                                                    placeholder="评分理由"
                                                                                    aria-invalid=reason_bad
                                                                                    aria-label=format!("{alias} · {}：评分理由", c.name)
                                                                                    data-testid=format!("reason-{alias}-{j}")
                                                                                    disabled=v.submitted
                                                                                >
                                                                                    {reason}
                                                                                </textarea>
                                                                            }
                                                                                .into_any()
                                                                        }}
                                                                        {messages}
                                                                    </td>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {if v.submitted {
                                view! {
                                    <p class="notice notice-ok" data-testid="sheet-submitted">{t!(i18n, tender.submitted)}</p>
                                }
                                    .into_any()
                            } else {
                                view! {
                                    <p class="hint">
                                        {lz(
                                            i18n,
                                            "提交后评分表即锁定，只能因《政府采购货物和服务招标投标管理办法》第六十四条规定的情形修改。",
                                            "Once submitted the sheet is locked; scores change only for the reasons of O87 art. 64.",
                                        )}
                                    </p>
                                    <button type="submit" name="submit" value="false" class="btn" data-testid="save-draft">
                                        {lz(i18n, "保存草稿", "Save draft")}
                                    </button>
                                    " "
                                    <button
                                        type="submit"
                                        name="submit"
                                        value="true"
                                        class="btn btn-primary"
                                        data-testid="submit-scores"
                                        on:click=confirm_first(
                                            i18n,
                                            "提交后评分表即锁定，不能再修改（仅可因法定情形更正）。确定提交？",
                                            "Once submitted the sheet is locked and cannot be edited (only corrected for the legal reasons). Submit?",
                                        )
                                    >
                                        {t!(i18n, tender.submit_scores)}
                                    </button>
                                }
                                    .into_any()
                            }}
                        </ActionForm>
                        {action_error(submit.value())}
                            }
                                .into_any()
                        }}
                        <crate::low_price::views::LowPriceSection
                            id=tid.clone()
                            view=v.low_price.clone()
                            actions=Some((request_explanation, decide_low_price))
                        />
                        {v
                            .all_in
                            .then(|| {
                                let tid = tid.clone();
                                let (tid2, tid3, tid4) = (tid.clone(), tid.clone(), tid.clone());
                                view! {
                                    <section class="card" data-testid="diagnostics">
                                        <h2>{lz(i18n, "评分统计与提示", "Statistics and flags")}</h2>
                                        <div class="table-wrap">
                                            <table>
                                                <thead>
                                                    <tr>
                                                        <th>"代号"</th>
                                                        <th>"评分因素"</th>
                                                        <th>"平均"</th>
                                                        <th>"最低"</th>
                                                        <th>"最高"</th>
                                                        <th>"极差"</th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {v
                                                        .stats
                                                        .iter()
                                                        .map(|s| {
                                                            view! {
                                                                <tr>
                                                                    <td>{s.alias.clone()}</td>
                                                                    <td>{s.criterion_name.clone()}</td>
                                                                    <td>{s.mean.normalize().to_string()}</td>
                                                                    <td>{s.min.normalize().to_string()}</td>
                                                                    <td>{s.max.normalize().to_string()}</td>
                                                                    <td>{s.spread.normalize().to_string()}</td>
                                                                </tr>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tbody>
                                            </table>
                                        </div>
                                        <ul class="flags" data-testid="my-flags">
                                            {v.flags.iter().cloned().map(|f| flag_item(i18n, tid.clone(), f, answer)).collect_view()}
                                        </ul>
                                        {action_error(answer.value())}
                                    </section>
                                    {if v.bidders.is_empty() {
                                        view! {
                                            <p class="notice" data-testid="names-pending">
                                                {lz(
                                                    i18n,
                                                    "评分异常全部更正或说明后，显示各代号对应的投标人并进行回避确认。",
                                                    "Once every flagged score is corrected or explained, the bidders behind the aliases are shown for the conflict check.",
                                                )}
                                            </p>
                                        }
                                            .into_any()
                                    } else {
                                        view! {
                                            <section class="card" data-testid="conflict-check">
                                                <h2>{lz(i18n, "回避确认", "Conflict check")}</h2>
                                                <p>
                                                    {format!(
                                                        "评分表已锁定。各代号对应的投标人：{}",
                                                        v.bidders.iter().map(|(a, n)| format!("{a}＝{n}")).collect::<Vec<_>>().join("；"),
                                                    )}
                                                </p>
                                                {if v.confirmed {
                                                    view! { <p class="notice notice-ok">"已确认与上述投标人无应当回避的关系"</p> }.into_any()
                                                } else {
                                                    view! {
                                                        <ActionForm action=confirm attr:class="inline-form">
                                                            <input type="hidden" name="id" value=tid2 />
                                                            <input type="hidden" name="conflict" value="false" />
                                                            <button type="submit" class="btn btn-primary" data-testid="confirm-no-conflict">
                                                                {lz(i18n, "确认无应当回避的关系", "Confirm: no conflict")}
                                                            </button>
                                                        </ActionForm>
                                                        <ActionForm action=confirm attr:class="inline-form">
                                                            <input type="hidden" name="id" value=tid3 />
                                                            <input type="hidden" name="conflict" value="true" />
                                                            <input type="text" name="note" placeholder="应当回避的情形" />
                                                            <button type="submit" class="btn" data-testid="declare-conflict">
                                                                {lz(i18n, "申请回避（本人评分作废）", "Step aside (my sheet is void)")}
                                                            </button>
                                                        </ActionForm>
                                                    }
                                                        .into_any()
                                                }}
                                                {action_error(confirm.value())}
                                            </section>
                                        }
                                            .into_any()
                                    }}
                                    <section class="card" data-testid="report-section">
                                        <h2>{lz(i18n, "评审报告", "Evaluation report")}</h2>
                                        <ul class="verdicts" data-testid="blockers">
                                            {v
                                                .blockers
                                                .iter()
                                                .map(|b| view! { <li class="verdict-fail" data-blocker=b.code()>{b.message_zh()}</li> })
                                                .collect_view()}
                                        </ul>
                                        {v.report.clone().map(|r| view! { <ReportSummary report=r /> })}
                                        {(v.blockers.is_empty() && !v.signed)
                                            .then(|| {
                                                view! {
                                                    <ActionForm action=sign attr:class="form" attr:data-testid="sign-form">
                                                        <input type="hidden" name="id" value=tid4 />
                                                        <label>
                                                            <span>{lz(i18n, "不同意见及理由（同意则留空）", "Dissent and its reasons (empty if you agree)")}</span>
                                                            <textarea name="dissent" rows="2" data-testid="sign-dissent"></textarea>
                                                        </label>
                                                        <label>
                                                            <span>{lz(i18n, "请再次输入登录密码以签署", "Enter your password to sign")}</span>
                                                            <input type="password" name="password" required data-testid="sign-password" />
                                                        </label>
                                                        <button type="submit" class="btn btn-primary" data-testid="sign-report">
                                                            {lz(i18n, "签署评审报告", "Sign the report")}
                                                        </button>
                                                    </ActionForm>
                                                }
                                            })}
                                        {v.signed.then(|| view! { <p class="notice notice-ok" data-testid="report-signed">"您已签署评审报告"</p> })}
                                        {action_error(sign.value())}
                                    </section>
                                }
                            })}
                    }
                        .into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}
