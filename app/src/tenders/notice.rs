//! A tender as published: its facts, lots, timeline, criteria with their guidance, and the
//! history of the notice and its amendments. Shared by the public page, the bidder's page and
//! the officer's page.

use super::board::phase_label;
use super::TenderView;
use crate::components::bilingual::lz;
use crate::domain::amendment::FieldChange;
use crate::domain::evaluation::ties::TieBreak;
use crate::domain::template::Procedure;
use crate::domain::tender::TenderStatus;
use crate::domain::time::format_shanghai;
use crate::i18n::*;
use leptos::prelude::*;

/// A procurement method in the user's language.
pub fn method_label(i18n: leptos_i18n::I18nContext<Locale>, m: Procedure) -> &'static str {
    match m {
        Procedure::OpenTender => t_string!(i18n, tender.m_open_tender),
        Procedure::CompetitiveConsultation => t_string!(i18n, tender.m_competitive_consultation),
        Procedure::ApplicationReview => t_string!(i18n, tender.m_application_review),
        Procedure::ExpertVote => t_string!(i18n, tender.m_expert_vote),
    }
}

/// One changed field of an amendment, named as the reader knows it.
fn change_line(c: &FieldChange, en: bool) -> String {
    let (zh, en_label) = c.label();
    format!(
        "{}{} {} → {}",
        if en { en_label } else { zh },
        if en { ":" } else { "：" },
        if c.before.is_empty() { "—" } else { &c.before },
        if c.after.is_empty() { "—" } else { &c.after }
    )
}

/// The published facts of a tender.
#[component]
pub fn TenderFacts(d: TenderView) -> impl IntoView {
    let i18n = use_i18n();
    let spec = d.spec.clone();
    let method = spec.method;
    let status = d.summary.status;
    let phase = d.summary.phase;
    view! {
        <section class="card">
            {d
                .failed_reason
                .clone()
                .map(|r| {
                    view! {
                        <div class="notice notice-error" data-testid="failed-notice">
                            <strong>{t!(i18n, tender.failed_notice)}</strong>
                            " "
                            {r}
                        </div>
                    }
                })}
            {(!d.lot_results.is_empty())
                .then(|| {
                    view! {
                        <ul class="lot-results" data-testid="lot-results">
                            {d
                                .lot_results
                                .iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <strong>{r.lot.clone()}</strong>
                                            "："
                                            {r.failed.clone().map(|f| view! { <span class="verdict-fail">{f}</span> })}
                                            {r
                                                .winner
                                                .clone()
                                                .map(|w| {
                                                    view! {
                                                        <span>
                                                            {move || lz(i18n, "中标人：", "Awarded to: ")()}
                                                            {w.clone()}
                                                        </span>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {(!d.panel_experts.is_empty())
                .then(|| {
                    view! {
                        <p data-testid="panel-experts">
                            {move || lz(i18n, "评审专家：", "Experts: ")()}
                            {d.panel_experts.join("、")}
                        </p>
                    }
                })} <dl class="facts">
                <dt>{lz(i18n, "项目编号", "Project number")}</dt>
                <dd data-testid="project-no">{d.summary.project_no.clone()}</dd>
                <dt>{t!(i18n, tender.buyer)}</dt>
                <dd>{spec.buyer.clone()}</dd>
                {spec
                    .contact
                    .clone()
                    .map(|c| {
                        view! {
                            <dt>{lz(i18n, "联系人", "Contact")}</dt>
                            <dd data-testid="facts-contact">
                                {format!("{}　{}", c.person, c.phone.as_str())}
                                <br />
                                {c.address.clone()}
                            </dd>
                            {c
                                .agency
                                .map(|a| {
                                    view! {
                                        <dt>{lz(i18n, "采购代理机构", "Agency")}</dt>
                                        <dd>{format!("{}　{}", a.name, a.phone.as_str())}</dd>
                                    }
                                })}
                        }
                    })}
                <dt>{t!(i18n, tender.region)}</dt>
                <dd data-testid="facts-region">
                    {if spec.region.is_empty() { "—".to_string() } else { spec.region.clone() }}
                </dd>
                <dt>{t!(i18n, tender.method)}</dt>
                <dd>{move || method_label(i18n, method)}</dd>
                <dt>{t!(i18n, tender.budget)}</dt>
                <dd>{spec.budget.to_string()}</dd>
                <dt>{t!(i18n, tender.price_weight)}</dt>
                <dd>
                    {if spec.price_scored() {
                        spec.price_weight_pct.normalize().to_string()
                    } else {
                        t_string!(i18n, tender.fixed_price).to_string()
                    }}
                </dd>
                {spec
                    .proposals_per_lot
                    .then(|| {
                        view! {
                            <dt>{t!(i18n, tender.proposals_label)}</dt>
                            <dd data-testid="facts-proposals-per-lot">
                                {t!(i18n, tender.proposals_per_lot_fact)}
                            </dd>
                        }
                    })}
                {spec
                    .panels_per_lot
                    .then(|| {
                        view! {
                            <dt>{t!(i18n, tender.panels_label)}</dt>
                            <dd data-testid="facts-panels-per-lot">{t!(i18n, tender.panels_per_lot_fact)}</dd>
                        }
                    })}
                <dt>{t!(i18n, tender.documents_from)}</dt>
                <dd>{format!("{} — {}", spec.documents_from, spec.documents_until)}</dd>
                <dt>{t!(i18n, tender.clarify_until)}</dt>
                <dd>{spec.clarify_until_ms.map(format_shanghai).unwrap_or_else(|| "—".into())}</dd>
                <dt>{t!(i18n, tender.deadline)}</dt>
                <dd data-testid="facts-deadline">{format_shanghai(spec.bid_deadline_ms)}</dd>
                <dt>{t!(i18n, tender.opening)}</dt>
                <dd>{format_shanghai(spec.opening_ms)}</dd>
                <dt>{t!(i18n, tender.status)}</dt>
                <dd data-testid="tender-status">{move || phase_label(i18n, phase)}</dd>
                {d
                    .bid_count
                    .map(|n| {
                        view! {
                            <dt>{t!(i18n, tender.bid_count)}</dt>
                            <dd data-testid="bid-count">{n}</dd>
                        }
                    })}
                {d
                    .tie_commitment
                    .clone()
                    .map(|c| {
                        view! {
                            <dt>{lz(i18n, "并列处理", "Ties")}</dt>
                            <dd data-testid="tie-commitment">
                                {TieBreak::DrawLots.description_zh()}
                                <br />
                                <code class="hash">{c}</code>
                            </dd>
                        }
                    })}
            </dl>
            {
                // A draft's notice and document are previewed by its purchaser before 发布; the
                // same files become the public ones once published.
                let draft = status == TenderStatus::Draft;
                let notice = if draft {
                    lz(i18n, "预览招标公告（草稿）", "Preview the notice (draft)").into_any()
                } else {
                    t!(i18n, tender.notice_pdf).into_any()
                };
                let document = if draft {
                    lz(i18n, "预览招标文件（草稿）", "Preview the tender document (draft)").into_any()
                } else {
                    t!(i18n, tender.document_pdf).into_any()
                };
                view! {
                    <p class="actions">
                        <a
                            class="btn"
                            data-testid=if draft { "notice-preview" } else { "notice-pdf" }
                            href=format!("/api/v1/tenders/{}/notice.pdf", d.summary.id)
                            download="tender-notice.pdf"
                        >
                            {notice}
                        </a>
                        " "
                        <a
                            class="btn"
                            data-testid=if draft { "document-preview" } else { "document-pdf" }
                            href=format!("/api/v1/tenders/{}/document.pdf", d.summary.id)
                            download="tender-document.pdf"
                        >
                            {document}
                        </a>
                    </p>
                }
            }
            {(!d.attachments.is_empty())
                .then(|| {
                    let tid = d.summary.id.clone();
                    view! {
                        <h3>{lz(i18n, "附件", "Attachments")}</h3>
                        <ul class="plain-list" data-testid="attachments">
                            {d
                                .attachments
                                .iter()
                                .map(|a| {
                                    view! {
                                        <li>
                                            <a href=format!(
                                                "/api/v1/tenders/{tid}/attachments/{}",
                                                a.sha256,
                                            )>{a.file_name.clone()}</a>
                                            " · "
                                            {a.file_size}
                                            " B · "
                                            <code class="hash">
                                                {a.sha256.chars().take(16).collect::<String>()}"…"
                                            </code>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })} <h3>{t!(i18n, tender.lots)}</h3> <ul class="plain-list" data-testid="lots">
                {spec
                    .lots
                    .iter()
                    .map(|l| {
                        let l = l.clone();
                        view! {
                            <li>
                                {move || format!("{}：{}", l.name, l.budget_summary(i18n.get_locale() == Locale::en))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!d.criteria.is_empty())
                .then(|| {
                    view! {
                        <h3>{t!(i18n, tender.criteria)}</h3>
                        <div class="table-wrap">
                            <table data-testid="criteria">
                                <thead>
                                    <tr>
                                        <th>{t!(i18n, tender.criterion)}</th>
                                        <th>{t!(i18n, tender.max_points)}</th>
                                        <th>{t!(i18n, tender.objective)}</th>
                                        <th>{t!(i18n, tender.guidance)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {d
                                        .criteria
                                        .iter()
                                        .map(|c| {
                                            view! {
                                                <tr>
                                                    <td>{c.name.clone()}</td>
                                                    <td>{c.max_points.normalize().to_string()}</td>
                                                    <td>{if c.objective { "✓" } else { "" }}</td>
                                                    <td>{c.guidance.clone()}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })}
            {(!d.versions.is_empty())
                .then(|| {
                    view! {
                        <h3>{t!(i18n, tender.versions)}</h3>
                        <ol class="versions" data-testid="versions">
                            {d
                                .versions
                                .iter()
                                .map(|v| {
                                    view! {
                                        <li data-testid=format!("version-{}", v.version)>
                                            <strong>
                                                {format!(
                                                    "v{} · {} · {}",
                                                    v.version,
                                                    format_shanghai(v.published_at),
                                                    v.reason,
                                                )}
                                            </strong>
                                            {v
                                                .material
                                                .then(|| {
                                                    view! {
                                                        " "
                                                        <span class="tag-warn">{t!(i18n, tender.material)}</span>
                                                    }
                                                })}
                                            {v
                                                .pushed_from
                                                .map(|p| {
                                                    view! {
                                                        <p class="hint">
                                                            {t!(i18n, tender.pushed)}" "{format_shanghai(p)}
                                                        </p>
                                                    }
                                                })}
                                            <ul>
                                                {v
                                                    .changes
                                                    .iter()
                                                    .map(|c| {
                                                        let c = c.clone();
                                                        view! { <li>{move || change_line(&c, i18n.get_locale() == Locale::en)}</li> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                })}
        </section>
    }
}
