//! The bidder's list of published tenders, with its own bids marked.

use super::OpenTender;
use crate::components::errors::{ErrorNote, Loaded};
use crate::i18n::*;
use crate::tenders::board::phase_label;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn BidderTenders(list: Loaded<Vec<OpenTender>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.open_tenders)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                        Ok(items) if items.is_empty() => view! { <p>{t!(i18n, tender.no_notices)}</p> }.into_any(),
                        Ok(items) => {
                            view! {
                                <ul class="plain-list">
                                    {items
                                        .into_iter()
                                        .map(|OpenTender { tender: t, has_bid, won }| {
                                            let phase = t.phase;
                                            let outcome = move || match won {
                                                Some(true) => t_string!(i18n, tender.won),
                                                Some(false) => t_string!(i18n, tender.lost),
                                                None => phase_label(i18n, phase),
                                            };
                                            view! {
                                                <li>
                                                    <A href=format!("/bidder/tenders/{}", t.id)>{t.title}</A>
                                                    " "
                                                    <span class="project-no inline">{t.project_no}</span>
                                                    " · "
                                                    <span data-testid="bid-outcome">{outcome}</span>
                                                    " · "
                                                    {match has_bid {
                                                        true => {
                                                            view! {
                                                                <span class="tag-ok">{t!(i18n, tender.my_bid)}" ✓"</span>
                                                            }
                                                                .into_any()
                                                        }
                                                        false => {
                                                            view! { <span>{t!(i18n, tender.not_bid)}</span> }.into_any()
                                                        }
                                                    }}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}
