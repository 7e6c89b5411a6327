//! The officer's panel section of the tender workspace, and the member's list of panels.

use super::{
    AnswerInvitation, DeclareNoConflict, DrawPanel, Invitation, MemberKind, PanelView, PlanPanel, ReplaceMember,
    SelfSelectExpert, SetLeader, Source,
};
use crate::components::bilingual::{localized, lz};
use crate::components::errors::{action_error, loaded, Loaded};
use crate::components::verdicts::verdict_items;
use crate::domain::evaluation::panel::MemberStatus;
use crate::domain::evaluation::Category;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// The panel's actions, made by the page (resources created inside the role guard's children
/// lose their owner on the server).
#[derive(Clone, Copy)]
pub struct PanelActions {
    pub plan: ServerAction<PlanPanel>,
    pub draw: ServerAction<DrawPanel>,
    pub leader: ServerAction<SetLeader>,
    pub replace: ServerAction<ReplaceMember>,
    pub choose: ServerAction<SelfSelectExpert>,
}

impl PanelActions {
    pub fn new() -> Self {
        Self {
            plan: ServerAction::new(),
            draw: ServerAction::new(),
            leader: ServerAction::new(),
            replace: ServerAction::new(),
            choose: ServerAction::new(),
        }
    }

    /// Changes whenever one of them ran: what depends on the panel reloads.
    pub fn version(&self) -> (usize, usize, usize, usize, usize) {
        (
            self.plan.version().get(),
            self.draw.version().get(),
            self.leader.version().get(),
            self.replace.version().get(),
            self.choose.version().get(),
        )
    }
}

impl Default for PanelActions {
    fn default() -> Self {
        Self::new()
    }
}

fn source_zh(s: Source) -> &'static str {
    match s {
        Source::Drawn => "随机抽取",
        Source::Alternate => "候补递补",
        Source::SelfSelected => "自行选定",
        Source::Appointed => "采购人代表",
        Source::Legacy => "原有指派",
    }
}

/// The plan form (until the draw), the draw, the seats and the draw records.
#[component]
pub fn PanelSection(panel: Loaded<PanelView>, actions: PanelActions) -> impl IntoView {
    let i18n = use_i18n();
    let PanelActions { plan, draw, leader, replace, choose } = actions;
    view! {
        <section class="card" data-testid="panel">
            <h2>{lz(i18n, "评审委员会", "Evaluation panel")}</h2>
            {loaded(
                panel,
                move |p: PanelView| {
                    let tid = p.review_id.clone();
                    let lot = p.lot.clone().map(|l| view! { <p class="lead" data-testid="panel-lot">{localized(i18n, format!("本评审委员会评审：{l}"), format!("This panel reviews lot {l}"))}</p> });
                    let drawn = !p.draws.is_empty();
                    let plan_view = p.plan.clone();
                    view! {
                        {lot}
                        {plan_view
                            .as_ref()
                            .map(|pl| {
                                view! {
                                    <p data-testid="panel-plan">
                                        {format!(
                                            "{}人（评审专家{}人、采购人代表{}人），候补{}人，{}，评审日期{}",
                                            pl.size,
                                            pl.experts(),
                                            pl.purchaser_representatives,
                                            pl.alternates,
                                            pl.category.name_zh(),
                                            pl.review_date,
                                        )}
                                    </p>
                                    <ul class="verdicts">{verdict_items(i18n, p.plan_verdicts.clone())}</ul>
                                }
                            })}
                        {p.earliest_draw.clone().map(|d| view! { <p class="hint">{format!("最早抽取日期：{d}")}</p> })}
                        {(!drawn)
                            .then(|| {
                                let reps = p.representatives.clone();
                                let tid = tid.clone();
                                view! {
                                    <ActionForm action=plan attr:class="form" attr:data-testid="panel-form">
                                        <input type="hidden" name="id" value=tid />
                                        <label>
                                            <span>{lz(i18n, "评审委员会人数（单数）", "Panel size (odd)")}</span>
                                            <input type="text" inputmode="numeric" name="plan[size]" value="5" data-testid="panel-size" />
                                        </label>
                                        <label>
                                            <span>{lz(i18n, "采购人代表人数", "Purchaser representatives")}</span>
                                            <input
                                                type="text"
                                                inputmode="numeric"
                                                name="plan[purchaser_representatives]"
                                                value="1"
                                                data-testid="panel-reps"
                                            />
                                        </label>
                                        <fieldset>
                                            <legend>{lz(i18n, "采购人代表（本单位人员）", "Representatives (own unit)")}</legend>
                                            {reps
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, (uid, name))| {
                                                    view! {
                                                        <label class="check">
                                                            <input
                                                                type="checkbox"
                                                                name=format!("representatives[{i}]")
                                                                value=uid
                                                                data-testid=format!("panel-rep-{i}")
                                                            />
                                                            <span>{name}</span>
                                                        </label>
                                                    }
                                                })
                                                .collect_view()}
                                        </fieldset>
                                        <label>
                                            <span>{lz(i18n, "候补专家人数", "Alternates")}</span>
                                            <input type="text" inputmode="numeric" name="plan[alternates]" value="2" data-testid="panel-alternates" />
                                        </label>
                                        <label>
                                            <span>{lz(i18n, "专家专业类别", "Experts' category")}</span>
                                            <select name="plan[category]" data-testid="panel-category">
                                                {Category::ALL
                                                    .into_iter()
                                                    .map(|c| view! { <option value=c.as_str()>{c.name_zh()}</option> })
                                                    .collect_view()}
                                            </select>
                                        </label>
                                        <label>
                                            <span>{lz(i18n, "抽取地区（区划代码，可空）", "Region to draw from (code, optional)")}</span>
                                            <input type="text" name="plan[region]" data-testid="panel-region" />
                                        </label>
                                        <label>
                                            <span>{lz(i18n, "评审日期（YYYY-MM-DD）", "Review date (YYYY-MM-DD)")}</span>
                                            <input type="text" name="plan[review_date]" data-testid="panel-review_date" />
                                        </label>
                                        <label>
                                            <span>{lz(i18n, "畸高畸低提示阈值（分值的%）", "Outlier threshold (% of points)")}</span>
                                            <input type="text" inputmode="numeric" name="plan[outlier_pct]" value="20" data-testid="panel-outlier" />
                                        </label>
                                        <label class="check">
                                            <input type="checkbox" name="plan[complex]" value="true" />
                                            <span>{lz(i18n, "技术复杂或社会影响较大", "Technically complex or of large social impact")}</span>
                                        </label>
                                        <button type="submit" class="btn" data-testid="panel-save">
                                            {lz(i18n, "确定评审委员会组成", "Set the panel")}
                                        </button>
                                    </ActionForm>
                                }
                            })}
                        {action_error(plan.value())}
                        {(plan_view.is_some() && p.short > 0)
                            .then(|| {
                                let tid = tid.clone();
                                view! {
                                    <ActionForm action=draw attr:class="inline-form">
                                        <input type="hidden" name="id" value=tid />
                                        <button type="submit" class="btn btn-primary" data-testid="panel-draw">
                                            {move || {
                                                if drawn { lz(i18n, "补充抽取", "Draw again for the missing seats")() } else { lz(i18n, "随机抽取专家", "Draw the experts")() }
                                            }}
                                        </button>
                                    </ActionForm>
                                }
                            })}
                        {action_error(draw.value())}
                        {(!p.choosable.is_empty())
                            .then(|| {
                                let tid = tid.clone();
                                view! {
                                    <details class="self-select" data-testid="self-select">
                                        <summary>{lz(i18n, "自行选定专家（须经主管预算单位同意）", "Choose an expert (with the budget unit's approval)")}</summary>
                                        <p class="hint">
                                            {lz(
                                                i18n,
                                                "技术复杂、专业性强的采购项目，通过随机方式难以确定合适的评审专家的，经主管预算单位同意，可以自行选定相应专业领域的评审专家（《政府采购货物和服务招标投标管理办法》第四十八条）。自行选定的专家在评审结果公告中予以标注。",
                                                "For a technically complex, specialised project that random drawing cannot staff, an expert of the field may be chosen with the competent budget unit's approval (O87 art. 48); the published result marks the expert as chosen.",
                                            )}
                                        </p>
                                        <ActionForm action=choose attr:class="form">
                                            <input type="hidden" name="id" value=tid />
                                            <label>
                                                <span>{lz(i18n, "专家", "Expert")}</span>
                                                <select name="user_id" data-testid="self-select-expert">
                                                    {p
                                                        .choosable
                                                        .iter()
                                                        .map(|(id, name, excluded)| {
                                                            view! {
                                                                <option value=id.clone() disabled=excluded.is_some()>
                                                                    {match excluded {
                                                                        Some(why) => format!("{name}（{why}）"),
                                                                        None => name.clone(),
                                                                    }}
                                                                </option>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </select>
                                            </label>
                                            <label>
                                                <span>{lz(i18n, "理由（随机抽取难以确定合适专家的原因）", "Reason (why random drawing cannot staff the panel)")}</span>
                                                <textarea name="reason" rows="2" data-testid="self-select-reason"></textarea>
                                            </label>
                                            <label>
                                                <span>{lz(i18n, "主管预算单位同意文件（文号或说明）", "The budget unit's approval (reference)")}</span>
                                                <input type="text" name="approval" data-testid="self-select-approval" />
                                            </label>
                                            <button type="submit" class="btn" data-testid="self-select-submit">
                                                {lz(i18n, "自行选定并邀请", "Choose and invite")}
                                            </button>
                                        </ActionForm>
                                        {action_error(choose.value())}
                                    </details>
                                }
                            })}
                        <div class="table-wrap">
                            <table data-testid="panel-members">
                                <thead>
                                    <tr>
                                        <th>{lz(i18n, "成员", "Member")}</th>
                                        <th>{lz(i18n, "身份", "Role")}</th>
                                        <th>{lz(i18n, "产生方式", "How")}</th>
                                        <th>{lz(i18n, "状态", "Status")}</th>
                                        <th>{lz(i18n, "回避申明", "Declared")}</th>
                                        <th></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p
                                        .members
                                        .iter()
                                        .map(|m| {
                                            let can_lead = m.kind == MemberKind::Expert && m.status == MemberStatus::Accepted && !m.leader;
                                            let can_leave = m.status == MemberStatus::Accepted;
                                            let (tid, uid, uid2) = (tid.clone(), m.user_id.clone(), m.user_id.clone());
                                            let tid2 = tid.clone();
                                            view! {
                                                <tr data-testid=format!("member-{}", m.seat) data-status=m.status.as_str()>
                                                    <td>
                                                        {m.name.clone()}
                                                        {m.leader.then_some("（组长）")}
                                                    </td>
                                                    <td>{if m.kind == MemberKind::Expert { "评审专家" } else { "采购人代表" }}</td>
                                                    <td>{source_zh(m.source)}</td>
                                                    <td>
                                                        {m.status.name_zh()}
                                                        {m.reason.clone().map(|r| format!("（{r}）"))}
                                                    </td>
                                                    <td>{if m.declared { "✓" } else { "—" }}</td>
                                                    <td>
                                                        {can_lead
                                                            .then(|| {
                                                                view! {
                                                                    <ActionForm action=leader attr:class="inline-form">
                                                                        <input type="hidden" name="id" value=tid />
                                                                        <input type="hidden" name="user_id" value=uid />
                                                                        <button type="submit" class="btn btn-quiet" data-testid="member-make-leader">
                                                                            {lz(i18n, "设为组长", "Make leader")}
                                                                        </button>
                                                                    </ActionForm>
                                                                }
                                                            })}
                                                        {can_leave
                                                            .then(|| {
                                                                view! {
                                                                    <ActionForm action=replace attr:class="inline-form">
                                                                        <input type="hidden" name="id" value=tid2 />
                                                                        <input type="hidden" name="user_id" value=uid2 />
                                                                        <input type="text" name="reason" placeholder="更换理由" />
                                                                        <button type="submit" class="btn btn-quiet">
                                                                            {lz(i18n, "更换", "Replace")}
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
                        {action_error(leader.value())}
                        {action_error(replace.value())}
                        {(!p.draws.is_empty())
                            .then(|| {
                                view! {
                                    <details data-testid="draw-records">
                                        <summary>{lz(i18n, "抽取记录（可复核）", "Draw records (verifiable)")}</summary>
                                        {p
                                            .draws
                                            .iter()
                                            .enumerate()
                                            .map(|(n, d)| {
                                                let verified = p.draws_verified.get(n).copied().unwrap_or(false);
                                                view! {
                                                    <dl class="facts">
                                                        <dt>{lz(i18n, "复核", "Re-run")}</dt>
                                                        <dd
                                                            data-testid=format!("draw-verified-{n}")
                                                            data-verified=verified.to_string()
                                                            class=if verified { "verdict-pass" } else { "verdict-fail" }
                                                        >
                                                            {if verified {
                                                                lz(
                                                                    i18n,
                                                                    "✓ 已按记录的种子和专家库快照重新抽取，名单与记录一致",
                                                                    "✓ Re-run from the recorded seed and pool snapshot: the same panel and alternates",
                                                                )
                                                            } else {
                                                                lz(
                                                                    i18n,
                                                                    "✗ 重新抽取的结果与记录不一致，记录或专家库快照可能被改动",
                                                                    "✗ Re-running does not give the recorded result: the record or the pool snapshot may have been altered",
                                                                )
                                                            }}
                                                        </dd>
                                                        <dt>{lz(i18n, "随机种子", "Seed")}</dt>
                                                        <dd><code class="hash">{d.seed.clone()}</code></dd>
                                                        <dt>{lz(i18n, "专家库快照哈希", "Pool hash")}</dt>
                                                        <dd><code class="hash">{d.pool_hash.clone()}</code></dd>
                                                        <dt>{lz(i18n, "排除", "Excluded")}</dt>
                                                        <dd>
                                                            {format!("{}名", d.exclusions.len())}
                                                            <ul>
                                                                {d
                                                                    .exclusions
                                                                    .iter()
                                                                    .map(|(_, e)| view! { <li>{e.message_zh()}</li> })
                                                                    .collect_view()}
                                                            </ul>
                                                        </dd>
                                                    </dl>
                                                }
                                            })
                                            .collect_view()}
                                        <p class="hint">
                                            {lz(
                                                i18n,
                                                "复核方法：对每名符合条件的专家计算 SHA-256(种子 + \":\" + 专家编号)，按结果升序排列，前若干名为入选专家，其后为候补。",
                                                "To verify: for each eligible expert compute SHA-256(seed + \":\" + expert id), sort ascending; the first are drawn, the next are alternates.",
                                            )}
                                        </p>
                                    </details>
                                }
                            })}
                    }
                },
            )}
        </section>
    }
}

/// The member's actions on its invitations.
#[derive(Clone, Copy)]
pub struct InvitationActions {
    pub answer: ServerAction<AnswerInvitation>,
    pub declare: ServerAction<DeclareNoConflict>,
}

impl InvitationActions {
    pub fn new() -> Self {
        Self { answer: ServerAction::new(), declare: ServerAction::new() }
    }
}

impl Default for InvitationActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The panels the member sits on: accept or decline, sign the declaration, then review.
#[component]
pub fn MyPanels(list: Loaded<Vec<Invitation>>, actions: InvitationActions) -> impl IntoView {
    let i18n = use_i18n();
    let InvitationActions { answer, declare } = actions;
    view! {
        <section class="card" data-testid="my-panels">
            <h2>{lz(i18n, "评审任务", "Reviews")}</h2>
            <p class="hint">
                {lz(
                    i18n,
                    "评审委员会成员名单在结果公告前保密；投标人以代号出现，直至评审报告签署。",
                    "Panel members stay confidential until the result is published; bidders appear by alias until the report is signed.",
                )}
            </p>
            {loaded(
                list,
                move |items: Vec<Invitation>| {
                    if items.is_empty() {
                        return view! { <p>{lz(i18n, "暂无评审任务", "No reviews")}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain-list">
                            {items
                                .into_iter()
                                .map(|inv| {
                                    let (t1, t2, t3) = (inv.review_id.clone(), inv.review_id.clone(), inv.review_id.clone());
                                    view! {
                                        <li data-testid=format!("invitation-{}", inv.review_id) data-status=inv.status.as_str()>
                                            <strong>{inv.title.clone()}</strong>
                                            {inv.lot.clone().map(|l| format!("（{l}）"))}
                                            {inv.review_date.clone().map(|d| format!(" · 评审日期 {d}"))}
                                            " · "
                                            {inv.status.name_zh()}
                                            {inv.leader.then_some(" · 组长")}
                                            {(inv.status == MemberStatus::Invited)
                                                .then(|| {
                                                    view! {
                                                        <ActionForm action=answer attr:class="inline-form">
                                                            <input type="hidden" name="id" value=t1 />
                                                            <input type="hidden" name="accept" value="true" />
                                                            <button type="submit" class="btn btn-primary" data-testid="invitation-accept">
                                                                {lz(i18n, "接受邀请", "Accept")}
                                                            </button>
                                                        </ActionForm>
                                                        <ActionForm action=answer attr:class="inline-form">
                                                            <input type="hidden" name="id" value=t2 />
                                                            <input type="hidden" name="accept" value="false" />
                                                            <input type="text" name="reason" placeholder="谢绝理由" />
                                                            <button type="submit" class="btn" data-testid="invitation-decline">
                                                                {lz(i18n, "谢绝", "Decline")}
                                                            </button>
                                                        </ActionForm>
                                                    }
                                                })}
                                            {(inv.status == MemberStatus::Accepted && !inv.declared)
                                                .then(|| {
                                                    view! {
                                                        <ActionForm action=declare attr:class="form">
                                                            <input type="hidden" name="id" value=t3 />
                                                            <p class="hint">
                                                                {lz(
                                                                    i18n,
                                                                    "本人承诺：近三年内未在投标人任职，未担任其董事、监事或为其控股股东、实际控制人；与投标人法定代表人或负责人无夫妻、直系血亲、三代以内旁系血亲或近姻亲关系；无其他可能影响公正评审的关系（《政府采购法实施条例》第九条）。专家信息中的申明真实完整。发现上述情形将立即申请回避。",
                                                                    "I declare none of the grounds of Reg. art. 9 applies to me with any bidder, my profile's declarations are true and complete, and I will step aside at once if one does.",
                                                                )}
                                                            </p>
                                                            <button type="submit" class="btn btn-primary" data-testid="invitation-declare">
                                                                {lz(i18n, "签署回避申明", "Sign the declaration")}
                                                            </button>
                                                        </ActionForm>
                                                    }
                                                })}
                                            {(inv.status == MemberStatus::Accepted && inv.declared)
                                                .then(|| {
                                                    view! {
                                                        " "
                                                        <A href=format!("/review/{}", inv.review_id) attr:class="btn" attr:data-testid="invitation-review">
                                                            {lz(i18n, "进入评审", "Open the review")}
                                                        </A>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                },
            )}
            {action_error(answer.value())}
            {move || {
                declare
                    .value()
                    .get()
                    .map(|r| match r {
                        Ok(super::Declared::Recused) => {
                            view! {
                                <p class="notice notice-error" data-testid="declare-recused">
                                    {localized(
                                        i18n,
                                        "系统核查发现您与本项目某投标人存在应当回避的情形，已自动回避并由候补专家递补（不显示投标人）。".into(),
                                        "The system found a ground of recusal with one of the bidders (not named): you stepped aside and an alternate takes the seat.".into(),
                                    )}
                                </p>
                            }
                                .into_any()
                        }
                        Ok(super::Declared::Unlocked) => {
                            view! {
                                <p class="notice notice-ok" data-testid="declare-unlocked">
                                    {lz(i18n, "已签署回避申明，可以进入评审。", "Declaration signed: the review is open to you.")}
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <crate::components::errors::ErrorNote error=e /> }.into_any(),
                    })
            }}
        </section>
    }
}
