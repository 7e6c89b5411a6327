//! The bidder's tender page: the notice, the bid form (lots, prices, team, files) with its live
//! verdicts, the receipt, and the Q&A.

use super::{bid_form, my_bid, BidAction, BidPageView};
use crate::clarifications::qa::{Clarifications, QaState};
use crate::components::bilingual::lz;
use crate::components::confirm::confirm_first;
use crate::components::errors::{action_done, action_error, ErrorNote};
use crate::components::guard::RequireRole;
use crate::components::params::param_id;
use crate::domain::tender::TenderStatus;
use crate::domain::time::format_shanghai;
use crate::error::AppError;
use crate::i18n::*;
use crate::identity::Role;
use crate::tenders::notice::TenderFacts;
use leptos::prelude::*;

/// The declared team on the receipt: each person with the roles promised, lot by lot.
fn team_line(team: &[super::TeamMemberView], en: bool) -> String {
    if team.is_empty() {
        return "—".to_string();
    }
    team.iter()
        .map(|m| {
            let roles: Vec<String> = m
                .roles
                .iter()
                .map(|(lot, role)| {
                    let (zh, en_label) = role.label();
                    if en {
                        format!("{en_label}, {lot}")
                    } else {
                        format!("{lot}{zh}")
                    }
                })
                .collect();
            if en {
                format!("{} ({}): {}", m.name, m.masked_id, roles.join("; "))
            } else {
                format!("{}（{}）：{}", m.name, m.masked_id, roles.join("，"))
            }
        })
        .collect::<Vec<_>>()
        .join(if en { "; " } else { "；" })
}

#[component]
pub fn BidPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let act = ServerAction::<BidAction>::new();
    let recusal = ServerAction::<crate::panels::RequestRecusal>::new();
    // One resource for the page: a second one nested in its Suspend would break hydration.
    let qa = QaState::new(id);
    let data = Resource::new(
        move || (id(), act.version().get()),
        |(id, _)| async move {
            let BidPageView { tender, receipt } = my_bid(id.clone()).await?;
            let standing = crate::accounts::my_standing().await?;
            let price_requests = crate::low_price::my_low_price(id.clone()).await?;
            Ok::<_, AppError>((tender, receipt, bid_form(id).await.ok(), standing, price_requests))
        },
    );
    // A refused upload, as the browser's upload (XMLHttpRequest, with progress) was answered.
    let progress: crate::components::upload::Progress = RwSignal::new(None);
    let xhr_error = RwSignal::new(None::<AppError>);
    let upload_error = move || {
        xhr_error.get().map(|error| {
            view! {
                <div data-testid="upload-error">
                    <ErrorNote error=error />
                </div>
            }
        })
    };
    // Rules the chosen team fails, as the team picker judges them in the browser.
    let failing = RwSignal::new(0usize);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let n = failing.get_untracked();
            if n > 0 {
                // A bid that fails a hard rule may still be sent (the purchaser decides at the
                // review), but never by accident.
                let message = if i18n.get_locale_untracked() == Locale::en {
                    format!("{n} qualification or team rule(s) are not met (marked ✗ above); the purchaser may find the bid unqualified at review. Submit anyway?")
                } else {
                    format!("有{n}项资格或团队要求未满足（见上方✗），资格审查时可能被判为不合格。仍要提交？")
                };
                let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&message).ok()).unwrap_or(true);
                if !confirmed {
                    ev.prevent_default();
                    return;
                }
            }
            if let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) {
                ev.prevent_default();
                if crate::components::upload::send(form, progress, xhr_error).is_err() {
                    xhr_error.set(Some(AppError::Internal));
                }
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, failing);
    };
    view! {
        <RequireRole roles=&[Role::Bidder]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (d, receipt, form, standing, price_requests) = match data.await {
                        Ok(x) => x,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    // An organisation the platform has not approved reads why instead of the form.
                    let may_bid = standing.standing.may_take_part();
                    let open = d.summary.status == TenderStatus::Published && may_bid;
                    let opened = matches!(
                        d.summary.status,
                        TenderStatus::Opened | TenderStatus::Awarded | TenderStatus::Failed
                    );
                    let tid = d.summary.id.clone();
                    let spec = d.spec.clone();
                    let priced = spec.price_scored();
                    let call = spec.method.procurement_method().is_none();
                    // A resubmission starts from the standing bid's lots (and, in the team
                    // picker, its teams).
                    let current = form.as_ref().and_then(|f| f.current.clone());
                    let chosen_lots = RwSignal::new(match &current {
                        Some(c) => c.lots.clone(),
                        None if spec.lots.len() == 1 => vec![0],
                        None => vec![],
                    });
                    let lot_names: Vec<String> = spec.lots.iter().map(|l| l.name.clone()).collect();
                    // A call for applications: its plan is presented by the applicant, not judged blind.
                    // The lots ticked in the form: each gets its own team.
                    view! {
                        <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
                        <TenderFacts d=d.clone() />
                        {
                            let tid = tid.clone();
                            let receipt_lots = lot_names.clone();
                            receipt
                                .clone()
                                .map(move |r| {
                                    view! {
                                        <section class="card" data-testid="receipt">
                                            <h2>{t!(i18n, tender.receipt)}</h2>
                                            {if r.needs_reconfirmation {
                                                view! {
                                                    <p class="notice notice-error" data-testid="needs-reconfirm">
                                                        {t!(i18n, tender.needs_reconfirm)}
                                                    </p>
                                                }
                                                    .into_any()
                                            } else if opened {
                                                view! {
                                                    <p class="notice notice-ok" data-testid="receipt-opened">
                                                        {lz(
                                                            i18n,
                                                            "已开标：投标文件已在开标时解密，供资格审查和评审使用；以下摘要与开标一览表一致。",
                                                            "Opened: the bid was decrypted at the opening for the review; the digests below match the opening record.",
                                                        )}
                                                    </p>
                                                }
                                                    .into_any()
                                            } else {
                                                view! { <p class="notice notice-ok">{t!(i18n, tender.sealed)}</p> }
                                                    .into_any()
                                            }}
                                            <dl class="facts">
                                                <dt>{t!(i18n, tender.lot)}</dt>
                                                <dd data-testid="receipt-lots">{r.lots.join("、")}</dd>
                                                <dt>{t!(i18n, tender.submitted_at)}</dt>
                                                <dd>{format_shanghai(r.submitted_at)}</dd>
                                                <dt>{lz(i18n, "投标团队", "Team")}</dt>
                                                <dd data-testid="receipt-team">
                                                    {
                                                        let team = r.team.clone();
                                                        move || team_line(&team, i18n.get_locale() == Locale::en)
                                                    }
                                                </dd>
                                            </dl>
                                            {(!r.flags.is_empty())
                                                .then(|| {
                                                    view! {
                                                        <ul class="notice notice-error" data-testid="receipt-flags">
                                                            {r
                                                                .flags
                                                                .iter()
                                                                .map(|v| {
                                                                    let (zh, en) = (v.message_zh.clone(), v.message_en.clone());
                                                                    view! {
                                                                        <li>
                                                                            {move || {
                                                                                if i18n.get_locale() == Locale::en {
                                                                                    en.clone()
                                                                                } else {
                                                                                    zh.clone()
                                                                                }
                                                                            }}
                                                                        </li>
                                                                    }
                                                                })
                                                                .collect_view()}
                                                        </ul>
                                                    }
                                                })}
                                            {
                                                // The same file sent as both parts is almost always a slip.
                                                let same = r.files.len() > 1
                                                    && r.files.iter().all(|f| f.sha256 == r.files[0].sha256);
                                                same.then(|| {
                                                    view! {
                                                        <p class="notice notice-error" data-testid="receipt-same-files">
                                                            {lz(
                                                                i18n,
                                                                "技术方案与资格证明文件内容完全相同（SHA-256一致），请确认是否上传错了文件；截止前可重新递交。",
                                                                "The technical and qualification files are identical (same SHA-256): check you sent the right files; you may resubmit before the deadline.",
                                                            )}
                                                        </p>
                                                    }
                                                })
                                            }
                                            <div class="table-wrap">
                                                <table>
                                                    <thead>
                                                        <tr>
                                                            <th>{t!(i18n, tender.file)}</th>
                                                            <th>{t!(i18n, tender.size)}</th>
                                                            <th>{t!(i18n, tender.entries)}</th>
                                                            <th>{t!(i18n, tender.sha256)}</th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {r
                                                            .files
                                                            .iter()
                                                            .map(|f| {
                                                                view! {
                                                                    <tr>
                                                                        <td>
                                                                            {f.file_name.clone()}
                                                                            {f
                                                                                .lot
                                                                                .and_then(|l| receipt_lots.get(l as usize))
                                                                                .map(|l| {
                                                                                    view! {
                                                                                        <span class="hint">
                                                                                            {format!("（{l}）")}
                                                                                        </span>
                                                                                    }
                                                                                })}
                                                                        </td>
                                                                        <td>{f.file_size}" B"</td>
                                                                        <td>{f.entries}</td>
                                                                        <td>
                                                                            <code data-testid=format!(
                                                                                "receipt-sha256-{}",
                                                                                f.field(),
                                                                            )>{f.sha256.clone()}</code>
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                            {
                                                let tid = tid.clone();
                                                open.then(move || {
                                                    view! {
                                                        <div class="actions">
                                                            {
                                                                let tid = tid.clone();
                                                                r.needs_reconfirmation
                                                                    .then(move || {
                                                                        view! {
                                                                            <ActionForm action=act>
                                                                                <input type="hidden" name="id" value=tid.clone() />
                                                                                <input type="hidden" name="action" value="reconfirm" />
                                                                                <button
                                                                                    type="submit"
                                                                                    class="btn btn-primary"
                                                                                    data-testid="reconfirm"
                                                                                >
                                                                                    {t!(i18n, tender.reconfirm)}
                                                                                </button>
                                                                            </ActionForm>
                                                                        }
                                                                    })
                                                            } <ActionForm action=act>
                                                                <input type="hidden" name="id" value=tid.clone() />
                                                                <input type="hidden" name="action" value="withdraw" />
                                                                <button
                                                                    type="submit"
                                                                    class="btn"
                                                                    data-testid="withdraw"
                                                                    on:click=confirm_first(
                                                                        i18n,
                                                                        "撤回后，本次投标（报价与文件）作废，不可恢复；截止前可重新投标。确定撤回？",
                                                                        "Withdrawing voids this bid (prices and files) for good; you may bid again before the deadline. Withdraw?",
                                                                    )
                                                                >
                                                                    {t!(i18n, tender.withdraw)}
                                                                </button>
                                                            </ActionForm>
                                                        </div>
                                                    }
                                                })
                                            }
                                            {opened
                                                .then(|| {
                                                    view! {
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
                                                    }
                                                })}
                                        </section>
                                    }
                                })
                        }
                        {action_error(act.value())}
                        // The page has reloaded by now: no receipt means the bid was withdrawn.
                        {action_done(
                            i18n,
                            act.value(),
                            if receipt.is_none() {
                                (
                                    "投标已撤回：它不再参加开标；投标截止前可以重新递交。",
                                    "The bid is withdrawn and takes no part in the opening; you may bid again before the deadline.",
                                )
                            } else {
                                (
                                    "已确认投标：更正后的招标文件下，您的投标继续有效。",
                                    "Bid reconfirmed: it stands under the amended tender documents.",
                                )
                            },
                            "bid-action-done",
                        )}
                        {upload_error}
                        {if open {
                            view! {
                                <form
                                    class="form card"
                                    method="post"
                                    enctype="multipart/form-data"
                                    action=format!("/api/v1/tenders/{}/bids", tid)
                                    data-testid="bid-form"
                                    on:submit=submit
                                >
                                    <fieldset class="lots">
                                        <legend>{t!(i18n, tender.lot)}</legend>
                                        {spec
                                            .lots
                                            .iter()
                                            .enumerate()
                                            .map(|(i, l)| {
                                                view! {
                                                    <div class="criterion-row">
                                                        <label class="check">
                                                            <input
                                                                type="checkbox"
                                                                name="lot"
                                                                value=i.to_string()
                                                                checked=chosen_lots.get_untracked().contains(&i)
                                                                data-testid=format!("bid-lot-{i}")
                                                                on:change=move |ev| {
                                                                    let on = event_target_checked(&ev);
                                                                    chosen_lots
                                                                        .update(|c| {
                                                                            c.retain(|x| *x != i);
                                                                            if on {
                                                                                c.push(i);
                                                                                c.sort();
                                                                            }
                                                                        })
                                                                }
                                                            />
                                                            <span>
                                                                {
                                                                    let l = l.clone();
                                                                    move || {
                                                                        format!(
                                                                            "{}（{}）",
                                                                            l.name,
                                                                            l.budget_summary(i18n.get_locale() == Locale::en),
                                                                        )
                                                                    }
                                                                }
                                                            </span>
                                                        </label>
                                                        {if priced {
                                                            view! {
                                                                <input
                                                                    type="text"
                                                                    inputmode="decimal"
                                                                    name=format!("price_{i}")
                                                                    placeholder=move || t_string!(i18n, tender.bid_price)
                                                                    data-testid=format!("bid-price-{i}")
                                                                />
                                                            }
                                                                .into_any()
                                                        } else {
                                                            view! {
                                                                <span class="hint">{t!(i18n, tender.accept_fixed)}</span>
                                                            }
                                                                .into_any()
                                                        }}
                                                    </div>
                                                }
                                            })
                                            .collect_view()}
                                    </fieldset>
                                    {form
                                        .clone()
                                        .and_then(|f| f.application.clone())
                                        .map(|t| view! { <super::application::Application template=t /> })}
                                    {form
                                        .clone()
                                        .filter(|f| !(f.qualification.is_empty() && f.team_rules.is_empty()))
                                        .map(|f| {
                                            view! {
                                                <super::team::TeamPicker
                                                    form=f
                                                    lots=lot_names.clone()
                                                    chosen=chosen_lots
                                                    failing=failing
                                                />
                                            }
                                        })}
                                    {current
                                        .clone()
                                        .map(|c| {
                                            view! {
                                                <div class="notice" data-testid="resubmit-from">
                                                    <p>
                                                        {lz(
                                                            i18n,
                                                            "重新递交：标段和团队已按现有投标填好。现有投标的报价和文件已密封，开标前任何人都无法取出，请重新填写报价并重新选择文件：",
                                                            "Resubmitting: lots and teams are filled in from the standing bid. Its prices and files are sealed until the opening, so enter the prices and choose the files again:",
                                                        )}
                                                    </p>
                                                    <ul class="plain-list">
                                                        {c
                                                            .files
                                                            .iter()
                                                            .map(|f| {
                                                                let lot = f
                                                                    .lot
                                                                    .and_then(|l| spec.lots.get(l as usize))
                                                                    .map(|l| format!("（{}）", l.name))
                                                                    .unwrap_or_default();
                                                                let kind = if f.kind == super::FileKind::Technical {
                                                                    lz(i18n, "技术方案", "Technical proposal")
                                                                } else {
                                                                    lz(i18n, "资格证明", "Qualification")
                                                                };
                                                                view! {
                                                                    <li>
                                                                        {kind}{lot}"："{f.file_name.clone()}" · SHA-256 "
                                                                        <code class="hash">
                                                                            {f.sha256.chars().take(16).collect::<String>()}"…"
                                                                        </code>
                                                                    </li>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </ul>
                                                </div>
                                            }
                                        })}
                                    {if spec.proposals_per_lot {
                                        // One proposal for each lot chosen above, each judged on its own.
                                        spec.lots
                                            .iter()
                                            .enumerate()
                                            .map(|(i, l)| {
                                                let name = l.name.clone();
                                                view! {
                                                    <Show when=move || chosen_lots.get().contains(&i)>
                                                        <label>
                                                            <span>
                                                                {
                                                                    let name = name.clone();
                                                                    move || {
                                                                        format!(
                                                                            "{}（{}）",
                                                                            t_string!(i18n, tender.technical_file),
                                                                            name,
                                                                        )
                                                                    }
                                                                }
                                                            </span>
                                                            <input
                                                                type="file"
                                                                name=format!("technical_{i}")
                                                                accept="application/pdf,.pdf,application/zip,.zip"
                                                                required
                                                                data-testid=format!("bid-technical-{i}")
                                                            />
                                                        </label>
                                                    </Show>
                                                }
                                            })
                                            .collect_view()
                                            .into_any()
                                    } else {
                                        view! {
                                            <label>
                                                <span>
                                                    {move || {
                                                        if call {
                                                            t_string!(i18n, tender.plan_file)
                                                        } else {
                                                            t_string!(i18n, tender.technical_file)
                                                        }
                                                    }}
                                                </span>
                                                <input
                                                    type="file"
                                                    name="technical"
                                                    accept="application/pdf,.pdf,application/zip,.zip"
                                                    required
                                                    data-testid="bid-technical"
                                                />
                                            </label>
                                        }
                                            .into_any()
                                    }}
                                    <label>
                                        <span>{t!(i18n, tender.qualification_file)}</span>
                                        <input
                                            type="file"
                                            name="qualification"
                                            accept="application/pdf,.pdf,application/zip,.zip"
                                            required
                                            data-testid="bid-qualification"
                                        />
                                    </label>
                                    <crate::components::upload::UploadProgress progress=progress />
                                    <button type="submit" class="btn btn-primary" data-testid="bid-submit">
                                        {move || match (receipt.is_some(), call) {
                                            (true, _) => t_string!(i18n, tender.resubmit),
                                            (false, true) => t_string!(i18n, tender.submit_application),
                                            (false, false) => t_string!(i18n, tender.submit_bid),
                                        }}
                                    </button>
                                </form>
                            }
                                .into_any()
                        } else if !may_bid {
                            view! { <crate::accounts::review::StandingNotice standing=standing.clone() /> }.into_any()
                        } else {
                            view! { <p class="lead">{t!(i18n, tender.closed)}</p> }.into_any()
                        }}
                        <crate::low_price::views::LowPriceRequests id=id() cases=price_requests />
                    }
                        .into_any()
                })}
            </Suspense>
            <Clarifications id=id() qa=qa can_ask=true can_answer=false />
            <section class="card" data-testid="recusal-request">
                <h2>{lz(i18n, "申请评审人员回避", "Ask for a recusal")}</h2>
                <p class="hint">
                    {lz(
                        i18n,
                        "投标人认为评审人员与其存在利害关系的，可以申请其回避（《政府采购货物和服务招标投标管理办法》第四十二条）。系统在不公开评审委员会名单的前提下自动核对；是否涉及评审委员会成员不予告知。",
                        "A bidder may ask that a person with an interest be recused (O87 art. 42). The system checks privately; whether the person sits on the panel is not disclosed.",
                    )}
                </p>
                <ActionForm action=recusal attr:class="form">
                    <input type="hidden" name="id" value=id() />
                    <label>
                        <span>{lz(i18n, "姓名", "Name")}</span>
                        <input type="text" name="name" required data-testid="recusal-name" />
                    </label>
                    <label>
                        <span>{lz(i18n, "身份证号码（如知道）", "Citizen ID number (if known)")}</span>
                        <input type="text" name="id_number" data-testid="recusal-id_number" />
                    </label>
                    <button type="submit" class="btn" data-testid="recusal-submit">
                        {lz(i18n, "提交回避申请", "Submit")}
                    </button>
                </ActionForm>
                {move || {
                    recusal
                        .value()
                        .get()
                        .map(|r| match r {
                            Ok(()) => {
                                view! {
                                    <p class="notice notice-ok" data-testid="recusal-recorded">
                                        {lz(i18n, "回避申请已记录。", "The request is recorded.")}
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                        })
                }}
            </section>
        </RequireRole>
    }
}
