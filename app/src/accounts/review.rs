//! The platform's review of self-registered organisations: the admin's queue with approve and
//! refuse, and the notice an organisation reads while it may not bid.

use super::{OrgKind, OrgReview, OrgStanding, ReviewOrganisation};
use crate::components::bilingual::lz;
use crate::components::errors::{action_done, action_error, loaded, Loaded};
use crate::domain::registration::{Standing, REASON_MAX_CHARS, REASON_MIN_CHARS};
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;

fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, kind: OrgKind) -> &'static str {
    match kind {
        OrgKind::Ngo => lz(i18n, "社会工作服务机构", "Social-work organisation")(),
        OrgKind::ResidentsCommittee => lz(i18n, "社区居民委员会", "Residents' committee")(),
        OrgKind::CountyGovernment => lz(i18n, "县级人民政府", "County government")(),
    }
}

/// The admin's queue: organisations waiting for review first, then refused ones (which may
/// still be approved once they have put right what the reason names).
#[component]
pub fn ReviewQueue(list: Loaded<Vec<OrgReview>>, review: ServerAction<ReviewOrganisation>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="org-reviews">
            <h2>{lz(i18n, "机构注册审核", "Organisation registrations")}</h2>
            <p class="hint">
                {lz(
                    i18n,
                    "自行注册的机构经平台审核通过后方可投标或申报。请核对统一社会信用代码与登记证书；不予通过须写明理由，机构在工作台可见。",
                    "Self-registered organisations may bid or apply once approved. Check the credit code against the registration certificate; a refusal states its reason, which the organisation reads.",
                )}
            </p>
            {action_done(
                i18n,
                review.value(),
                (
                    "审核结果已保存，机构下次打开页面即可看到。",
                    "Decision saved; the organisation sees it on its next page.",
                ),
                "org-review-done",
            )}
            {action_error(review.value())}
            {loaded(
                list,
                move |list: Vec<OrgReview>| {
                    if list.is_empty() {
                        return view! {
                            <p data-testid="org-reviews-empty">{lz(i18n, "没有待审核的机构。", "No registrations to review.")}</p>
                        }
                            .into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table data-testid="org-review-table">
                                <thead>
                                    <tr>
                                        <th>{lz(i18n, "机构", "Organisation")}</th>
                                        <th>{lz(i18n, "类型", "Kind")}</th>
                                        <th>{lz(i18n, "统一社会信用代码", "Credit code")}</th>
                                        <th>{lz(i18n, "注册人", "Registered by")}</th>
                                        <th>{lz(i18n, "注册时间", "Registered")}</th>
                                        <th>{lz(i18n, "状态", "State")}</th>
                                        <th>{lz(i18n, "审核", "Decision")}</th>
                                    </tr>
                                </thead>
                                <tbody>{list.into_iter().map(|o| review_row(i18n, o, review)).collect_view()}</tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

fn review_row(
    i18n: leptos_i18n::I18nContext<Locale>,
    o: OrgReview,
    review: ServerAction<ReviewOrganisation>,
) -> impl IntoView {
    let testid = format!("org-review-{}", o.name);
    let refused = o.standing == Standing::Refused;
    let reason = o.reason.clone().unwrap_or_default();
    let kind = o.kind;
    let org_id = o.id.clone();
    view! {
        <tr data-testid=testid data-standing=o.standing.as_str()>
            <td>{o.name.clone()}</td>
            <td>{move || kind_label(i18n, kind)}</td>
            <td>
                <code>{o.credit_code.clone().unwrap_or_default()}</code>
            </td>
            <td>{o.first_member.clone().unwrap_or_default()}</td>
            <td>{format_shanghai(o.created_at)}</td>
            <td>
                {move || {
                    if refused {
                        format!("{}：{}", lz(i18n, "不予通过", "Refused")(), reason)
                    } else {
                        lz(i18n, "待审核", "Awaiting review")().to_string()
                    }
                }}
            </td>
            <td class="review-actions">
                <ActionForm action=review attr:class="inline-form">
                    <input type="hidden" name="org_id" value=o.id.clone() />
                    <input type="hidden" name="approve" value="true" />
                    <button type="submit" class="btn btn-primary" data-testid="org-approve">
                        {lz(i18n, "审核通过", "Approve")}
                    </button>
                </ActionForm>
                {(!refused)
                    .then(|| {
                        view! {
                            <ActionForm action=review attr:class="inline-form">
                                <input type="hidden" name="org_id" value=org_id />
                                <input type="hidden" name="approve" value="false" />
                                <label>
                                    <span>{lz(i18n, "不予通过的理由", "Reason for refusal")}</span>
                                    <textarea
                                        name="reason"
                                        rows="2"
                                        required
                                        minlength=REASON_MIN_CHARS.to_string()
                                        maxlength=REASON_MAX_CHARS.to_string()
                                        data-testid="org-refuse-reason"
                                    ></textarea>
                                </label>
                                <button type="submit" class="btn btn-quiet" data-testid="org-refuse">
                                    {lz(i18n, "不予通过", "Refuse")}
                                </button>
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}

/// What an organisation not approved (yet) reads where it would otherwise bid.
#[component]
pub fn StandingNotice(standing: OrgStanding) -> impl IntoView {
    let i18n = use_i18n();
    match standing.standing {
        Standing::Approved => ().into_any(),
        Standing::Pending => view! {
            <p class="notice" role="status" data-testid="org-standing" data-standing="pending">
                {lz(
                    i18n,
                    "贵机构的注册正在等待平台管理员审核。审核通过前可以完善机构档案和人员名册，但不能投标、申报或提问。",
                    "Your organisation's registration awaits the platform's review. Until it is approved you can complete your profile and roster, but not bid, apply or ask questions.",
                )}
            </p>
        }
        .into_any(),
        Standing::Refused => {
            let reason = standing.reason.unwrap_or_default();
            view! {
                <div class="notice notice-error" role="status" data-testid="org-standing" data-standing="refused">
                    <p>
                        {lz(
                            i18n,
                            "贵机构的注册未通过平台审核，不能投标或申报。理由：",
                            "Your organisation's registration was refused; it cannot bid or apply. Reason: ",
                        )} <span data-testid="org-standing-reason">{reason}</span>
                    </p>
                    <p class="hint">
                        {lz(
                            i18n,
                            "更正后请联系平台管理员重新审核。",
                            "Once corrected, ask the platform's administrators to review it again.",
                        )}
                    </p>
                </div>
            }
            .into_any()
        }
    }
}

/// The workbench's notice: shown only while the organisation may not bid.
#[component]
pub fn StandingBanner(standing: Loaded<OrgStanding>) -> impl IntoView {
    loaded(standing, |s: OrgStanding| view! { <StandingNotice standing=s /> })
}
