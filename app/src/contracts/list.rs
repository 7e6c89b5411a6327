//! The operator's contracts with their obligations, and the form to record a figure.

use super::{ContractView, RecordObligation};
use crate::components::errors::{action_error, ErrorNote, Loaded};
use crate::domain::money::Yuan;
use crate::domain::time::format_shanghai;
use crate::domain::verdict::Outcome;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn BidderContracts(contracts: Loaded<Vec<ContractView>>, record: ServerAction<RecordObligation>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, tender.contracts)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match contracts.await {
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p>{t!(i18n, tender.no_contracts)}</p> }.into_any(),
                        Ok(list) => {
                            list.into_iter()
                                .map(|c| {
                                    let cid = c.id.clone();
                                    view! {
                                        <article class="contract" data-testid="contract">
                                            <h3>{c.tender_title.clone()}</h3>
                                            <p>
                                                {c.lot.clone()}" · "{c.buyer.clone()}" · "
                                                {Yuan::from_fen(c.price_fen).to_string()}" · "
                                                {format_shanghai(c.awarded_at)}
                                            </p>
                                            <div class="table-wrap">
                                                <table>
                                                    <thead>
                                                        <tr>
                                                            <th>{t!(i18n, tender.obligations)}</th>
                                                            <th>{t!(i18n, tender.year)}</th>
                                                            <th>{t!(i18n, tender.minimum)}</th>
                                                            <th>{t!(i18n, tender.current)}</th>
                                                            <th></th>
                                                        </tr>
                                                    </thead>
                                                    <tbody>
                                                        {c
                                                            .obligations
                                                            .into_iter()
                                                            .map(|o| {
                                                                let cid = cid.clone();
                                                                let ok = o.verdict.outcome != Outcome::Fail;
                                                                let (zh, en) = (o.name_zh.clone(), o.name_en.clone());
                                                                let testid = format!(
                                                                    "obligation-{}-{}",
                                                                    o.metric,
                                                                    o.contract_year,
                                                                );
                                                                let (value_id, record_id) = (
                                                                    format!("{testid}-value"),
                                                                    format!("{testid}-record"),
                                                                );
                                                                view! {
                                                                    <tr
                                                                        data-testid=testid
                                                                        data-outcome=if ok { "pass" } else { "fail" }
                                                                    >
                                                                        <td>
                                                                            {move || {
                                                                                if i18n.get_locale() == Locale::en {
                                                                                    en.clone()
                                                                                } else {
                                                                                    zh.clone()
                                                                                }
                                                                            }}
                                                                        </td>
                                                                        <td>{o.contract_year}</td>
                                                                        <td>{o.minimum.normalize().to_string()}</td>
                                                                        <td class=if ok {
                                                                            "ok"
                                                                        } else {
                                                                            "bad"
                                                                        }>
                                                                            {o
                                                                                .current
                                                                                .map(|v| v.normalize().to_string())
                                                                                .unwrap_or_else(|| "—".into())}
                                                                        </td>
                                                                        <td>
                                                                            <ActionForm action=record attr:class="inline-form">
                                                                                <input type="hidden" name="contract_id" value=cid.clone() />
                                                                                <input type="hidden" name="metric" value=o.metric.clone() />
                                                                                <input
                                                                                    type="hidden"
                                                                                    name="contract_year"
                                                                                    value=o.contract_year.to_string()
                                                                                />
                                                                                <input
                                                                                    type="text"
                                                                                    name="value"
                                                                                    inputmode="decimal"
                                                                                    size="4"
                                                                                    data-testid=value_id
                                                                                />
                                                                                <button
                                                                                    type="submit"
                                                                                    class="btn btn-quiet"
                                                                                    data-testid=record_id
                                                                                >
                                                                                    {t!(i18n, tender.record)}
                                                                                </button>
                                                                            </ActionForm>
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        </article>
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }
                    }
                })}
            </Suspense>
            {action_error(record.value())}
        </section>
    }
}
