//! A published tender's public page: the notice and the published Q&A (no sign-in).

use crate::clarifications::qa::{Clarifications, QaState};
use crate::components::errors::loaded;
use crate::components::params::param_id;
use crate::tenders::notice::TenderFacts;
use crate::tenders::{public_tender, TenderView};
use leptos::prelude::*;

/// The public notice page (no sign-in).
#[component]
pub fn PublicTenderPage() -> impl IntoView {
    let id = param_id();
    let detail = Resource::new(id, public_tender);
    let qa = QaState::new(id);
    view! {
        {loaded(
            detail,
            |d: TenderView| {
                view! {
                    <h1 data-testid="tender-title">{d.summary.title.clone()}</h1>
                    <TenderFacts d=d />
                }
            },
        )}
        <Clarifications id=id() qa=qa can_ask=false can_answer=false />
    }
}
