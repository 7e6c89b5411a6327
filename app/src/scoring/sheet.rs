//! The expert's pages: assigned reviews, and the anonymous score sheet.

use super::{score_sheet, AliasScores, SubmitScores};
use crate::components::errors::{action_error, loaded, ErrorNote, Loaded};
use crate::components::guard::RequireRole;
use crate::components::params::param_id;
use crate::i18n::*;
use crate::identity::Role;
use crate::tenders::TenderSummary;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ExpertAssignments(list: Loaded<Vec<TenderSummary>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.assignments)}</h2>
            {loaded(
                list,
                move |items: Vec<TenderSummary>| {
                    if items.is_empty() {
                        return view! { <p>{t!(i18n, tender.no_assignments)}</p> }.into_any();
                    }
                    view! {
                        <ul class="plain-list">
                            {items
                                .into_iter()
                                .map(|t| {
                                    view! {
                                        <li>
                                            <A href=format!("/expert/tenders/{}", t.id)>{t.title}</A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                },
            )}
        </section>
    }
}

#[component]
pub fn ScoreSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param_id();
    let submit = ServerAction::<SubmitScores>::new();
    let sheet = Resource::new(move || (id(), submit.version().get()), |(id, _)| score_sheet(id));
    view! {
        <RequireRole roles=&[Role::Expert]>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let s = match sheet.await {
                        Ok(s) => s,
                        Err(e) => return view! { <ErrorNote error=e /> }.into_any(),
                    };
                    let criteria = s.criteria.clone();
                    view! {
                        <h1>{t!(i18n, tender.score_sheet)}" · "{s.title.clone()}</h1>
                        <p class="lead">{t!(i18n, tender.anonymous_note)}</p>
                        {s
                            .submitted
                            .then(|| {
                                view! {
                                    <p class="notice notice-ok" data-testid="sheet-submitted">
                                        {t!(i18n, tender.submitted)}
                                    </p>
                                }
                            })}
                        <ActionForm action=submit attr:class="card" attr:data-testid="score-form">
                            <input type="hidden" name="id" value=s.tender_id.clone() />
                            <div class="table-wrap">
                                <table>
                                    <thead>
                                        <tr>
                                            <th>{t!(i18n, tender.alias)}</th>
                                            {criteria
                                                .iter()
                                                .map(|c| {
                                                    view! {
                                                        <th>
                                                            {format!(
                                                                "{}（0–{}）",
                                                                c.name,
                                                                c.max_points.normalize(),
                                                            )}
                                                        </th>
                                                    }
                                                })
                                                .collect_view()}
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {s
                                            .bids
                                            .iter()
                                            .enumerate()
                                            .map(|(i, AliasScores { alias, scores })| {
                                                let alias = alias.clone();
                                                view! {
                                                    <tr>
                                                        <td data-testid=format!(
                                                            "alias-{alias}",
                                                        )>
                                                            {
                                                                let a = alias.clone();
                                                                move || format!("{} {a}", t_string!(i18n, tender.alias))
                                                            }
                                                            <input
                                                                type="hidden"
                                                                name=format!("scores[{i}][alias]")
                                                                value=alias.clone()
                                                            />
                                                        </td>
                                                        {criteria
                                                            .iter()
                                                            .enumerate()
                                                            .map(|(j, _)| {
                                                                view! {
                                                                    <td>
                                                                        <input
                                                                            type="text"
                                                                            inputmode="decimal"
                                                                            size="5"
                                                                            name=format!("scores[{i}][points][{j}]")
                                                                            data-testid=format!("score-{alias}-{j}")
                                                                            prop:value=scores
                                                                                .get(j)
                                                                                .map(|v| v.normalize().to_string())
                                                                                .unwrap_or_default()
                                                                            disabled=s.submitted
                                                                        />
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
                            {(!s.submitted)
                                .then(|| {
                                    view! {
                                        <button type="submit" class="btn btn-primary" data-testid="submit-scores">
                                            {t!(i18n, tender.submit_scores)}
                                        </button>
                                    }
                                })}
                        </ActionForm>
                        {action_error(submit.value())}
                    }
                        .into_any()
                })}
            </Suspense>
        </RequireRole>
    }
}
