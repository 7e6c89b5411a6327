//! Rule verdicts as the pages list them.

use crate::domain::citation;
use crate::domain::verdict::{Outcome, Verdict};
use crate::i18n::*;
use leptos::prelude::*;

/// Verdicts as list items, rule by rule with the citation; `data-rule`/`data-outcome` let tests
/// and styles find them.
pub fn verdict_items(i18n: leptos_i18n::I18nContext<Locale>, verdicts: Vec<Verdict>) -> impl IntoView {
    verdicts
        .into_iter()
        .map(|v| {
            let outcome = match v.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "fail",
                Outcome::Warning => "warning",
            };
            let class = if v.outcome == Outcome::Fail { "verdict-fail" } else { "verdict-pass" };
            let message = super::bilingual::localized(i18n, v.message_zh.clone(), v.message_en.clone());
            view! {
                <li class=class data-rule=v.rule.clone() data-outcome=outcome>
                    {message}
                    " （"
                    {super::bilingual::localized(i18n, citation::zh(&v.citation), citation::en(&v.citation))}
                    "）"
                </li>
            }
        })
        .collect_view()
}
