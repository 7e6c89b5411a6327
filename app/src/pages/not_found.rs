use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, not_found.title)}</h1>
            <A href="/">{t!(i18n, not_found.back)}</A>
        </section>
    }
}
