//! The compliance review on the member's review page: a sheet of every alias against every item
//! (each preset to "complies", so a member changes only what fails), then the panel's findings.

use super::{ComplianceView, SubmitCompliance};
use crate::components::bilingual::lz;
use crate::components::confirm::confirm_first;
use crate::components::errors::action_error;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn ComplianceSection(id: String, view: ComplianceView, action: ServerAction<SubmitCompliance>) -> impl IntoView {
    let i18n = use_i18n();
    if view.items.is_empty() {
        return ().into_any();
    }
    let progress = format!("已提交 {}/{}", view.in_count, view.seats);
    let body = if let Some(findings) = view.findings.clone() {
        let failed: Vec<_> = findings.iter().filter(|f| !f.pass).collect();
        view! {
            <div data-testid="compliance-findings">
                {if failed.is_empty() {
                    view! { <p class="notice notice-ok">"全部投标通过符合性审查，进入详细评审。"</p> }.into_any()
                } else {
                    view! {
                        <p class="notice notice-error">
                            {format!(
                                "未通过符合性审查（不再评分）：{}",
                                failed.iter().map(|f| f.alias.clone()).collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>().join("、"),
                            )}
                        </p>
                    }
                        .into_any()
                }}
                <ul>
                    {findings
                        .into_iter()
                        .map(|f| {
                            view! {
                                <li data-testid=format!("compliance-finding-{}", f.alias)>
                                    {format!(
                                        "投标人{}“{}”：{}（{}票不符合，{}票符合）{}{}",
                                        f.alias,
                                        f.item,
                                        if f.pass { "符合" } else { "不符合" },
                                        f.fails,
                                        f.passes,
                                        if f.reasons.is_empty() { String::new() } else { format!("；理由：{}", f.reasons.join("；")) },
                                        if f.dissent.is_empty() { String::new() } else { format!("；不同意见：{}", f.dissent.join("；")) },
                                    )}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
            .into_any()
    } else if view.submitted {
        let fails: Vec<String> = view
            .mine
            .iter()
            .filter(|v| !v.pass)
            .map(|v| {
                let item =
                    view.items.iter().find(|(i, _, _)| *i == v.item).map(|(_, n, _)| n.clone()).unwrap_or_default();
                format!("投标人{}“{}”不符合：{}", v.alias, item, v.reason.clone().unwrap_or_default())
            })
            .collect();
        view! {
            <p class="notice notice-ok" data-testid="compliance-submitted">
                {if fails.is_empty() {
                    "您的意见已提交：全部符合。等待其他成员提交。".to_string()
                } else {
                    format!("您的意见已提交：{}。等待其他成员提交。", fails.join("；"))
                }}
            </p>
        }
        .into_any()
    } else {
        let items = view.items.clone();
        let n = items.len();
        view! {
            <ActionForm action=action attr:class="form" attr:data-testid="compliance-form">
                <input type="hidden" name="id" value=id />
                {view
                    .aliases
                    .iter()
                    .enumerate()
                    .map(|(a, alias)| {
                        view! {
                            <fieldset>
                                <legend>{format!("投标人{alias}")}</legend>
                                {items
                                    .iter()
                                    .enumerate()
                                    .map(|(i, (item, name, basis))| {
                                        let k = a * n + i;
                                        let testid = format!("compliance-{alias}-{item}");
                                        view! {
                                            <div class="compliance-item" data-testid=testid.clone()>
                                                <input type="hidden" name=format!("votes[{k}][alias]") value=alias.clone() />
                                                <input type="hidden" name=format!("votes[{k}][item]") value=item.clone() />
                                                <span title=basis.clone()>{name.clone()}</span>
                                                " "
                                                <label>
                                                    <input type="radio" name=format!("votes[{k}][pass]") value="true" checked />
                                                    "符合"
                                                </label>
                                                <label>
                                                    <input type="radio" name=format!("votes[{k}][pass]") value="false" data-testid=format!("{testid}-fail") />
                                                    "不符合"
                                                </label>
                                                <input
                                                    type="text"
                                                    name=format!("votes[{k}][reason]")
                                                    placeholder="不符合的理由"
                                                    aria-label=format!("投标人{alias}“{name}”不符合的理由")
                                                    data-testid=format!("{testid}-reason")
                                                />
                                            </div>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                        }
                    })
                    .collect_view()}
                <button
                    type="submit"
                    class="btn btn-primary"
                    data-testid="compliance-submit"
                    on:click=confirm_first(
                        i18n,
                        "符合性审查意见提交后不能修改。确定提交？",
                        "The compliance review cannot be changed once submitted. Submit?",
                    )
                >
                    {lz(i18n, "提交符合性审查意见", "Submit the compliance review")}
                </button>
            </ActionForm>
        }
            .into_any()
    };
    view! {
        <section class="card" data-testid="compliance">
            <h2>{lz(i18n, "符合性审查", "Compliance review")}</h2>
            <p class="hint">
                {lz(
                    i18n,
                    "评审委员会对通过资格审查的投标逐项审查是否实质性响应招标文件（《政府采购货物和服务招标投标管理办法》第六十三条）。各成员独立判断，判定不符合的须写明理由；按多数意见认定，少数意见记录在案（第六十一条）。未通过的投标不进入详细评审。",
                    "The panel checks each qualified bid against the tender's substantive requirements (O87 art. 63). Members judge independently and give a reason for each failure; the majority decides and the minority's views are recorded (art. 61). Bids that fail are not scored.",
                )}
            </p>
            <p data-testid="compliance-progress">{progress}</p>
            {body}
            {action_error(action.value())}
        </section>
    }
    .into_any()
}
