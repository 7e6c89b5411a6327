//! caiping's web application, laid out by capability: each folder (`tenders`, `bids`,
//! `opening`, `panels`, `evaluation`, `contracts`, …) holds its view types and server functions (`mod.rs`),
//! its SSR-only queries (`server.rs`) and its pages. `pages` composes capabilities into whole
//! pages, `components` and `server` (feature `ssr`) are shared infrastructure, and `domain` is
//! the pure core that the server and the browser both run. Imports point one way: pages →
//! capability → infrastructure → domain.

#![recursion_limit = "256"]

// The macro reads locales/*.json at compile time. Its build.rs replacement (leptos_i18n_build)
// pulls ICU data-generation crates into every build; the macro gives the same module without them.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;

pub mod accounts;
pub mod audit;
pub mod bids;
pub mod clarifications;
pub mod compliance;
pub mod components;
pub mod contracts;
pub mod domain;
pub mod error;
pub mod evaluation;
pub mod experts;
pub mod identity;
pub mod low_price;
pub mod opening;
pub mod pages;
pub mod panels;
pub mod profiles;
pub mod purchasers;
pub mod schemes;
#[cfg(feature = "ssr")]
pub mod server;
pub mod tenders;

use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // Named here, browsers do not ask for /favicon.ico (a 404 on every page).
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                // The bundle's versioned directory (see the server's `leptos_options`).
                <link rel="stylesheet" id="leptos" href=format!("/{}/caiping.css", options.site_pkg_dir) />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // Marks the page as interactive; browser tests wait for it before clicking.
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    #[cfg(feature = "ssr")]
    provide_quiet_i18n_context();

    view! {
        <I18nContextProvider ssr_lang_header_getter=no_header_language()>
            <AppTitle />
            <Router>
                <pages::layout::Layout>
                    <AppRoutes />
                </pages::layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// The language follows the user's explicit choice (cookie) and otherwise defaults to
/// Simplified Chinese; the browser's Accept-Language is deliberately not consulted.
fn no_header_language() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

/// On the server, the i18n context is made here, in an owner whose effects are paused, and
/// `I18nContextProvider` adopts it. leptos_i18n 0.6 starts an isomorphic effect that reads its
/// locale signal; the response's owner is disposed when the stream ends, sometimes before that
/// effect was first polled, and it then panicked reading the disposed signal. On the server the
/// effect would only echo the language cookie back; the browser runs it as before.
#[cfg(feature = "ssr")]
fn provide_quiet_i18n_context() {
    let quiet = Owner::current().expect("the app renders inside an owner").child();
    let i18n = quiet.with(|| {
        let options =
            leptos_i18n::context::I18nContextOptions::<Locale>::default().ssr_lang_header_getter(no_header_language());
        leptos_i18n::context::init_i18n_context_with_options(options)
    });
    quiet.pause();
    provide_context(i18n);
    // Children are held weakly: keep this owner (and the signal it owns) for the response's life.
    on_cleanup(move || drop(quiet));
}

/// Every page of the site; shared by [`App`] and [`RouteTable`].
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::not_found::NotFound>
            <Route path=path!("/") view=pages::public::PublicHome />
            <Route path=path!("/login") view=accounts::login::LoginPage />
            <Route path=path!("/register") view=accounts::register::RegisterPage />
            <Route path=path!("/officer") view=pages::workbench::OfficerHome />
            <Route path=path!("/officer/calculators") view=schemes::calculators::CalculatorsPage />
            <Route path=path!("/officer/tenders/new") view=tenders::form::NewTenderPage />
            <Route path=path!("/officer/tenders/:id/amend") view=tenders::form::AmendTenderPage />
            <Route path=path!("/tenders/:id") view=pages::public_tender::PublicTenderPage />
            <Route path=path!("/officer/tenders/:id") view=pages::officer_tender::OfficerTenderPage />
            <Route path=path!("/bidder/tenders/:id") view=bids::page::BidPage />
            <Route path=path!("/review/:id") view=evaluation::sheet::ReviewPage />
            <Route path=path!("/bidder") view=pages::workbench::BidderHome />
            <Route path=path!("/bidder/profile") view=profiles::page::ProfilePage />
            <Route path=path!("/expert") view=pages::workbench::ExpertHome />
            <Route path=path!("/auditor") view=pages::workbench::AuditorHome />
            <Route path=path!("/admin") view=pages::workbench::AdminHome />
        </Routes>
    }
}

/// The routes alone, for the server to list them (`generate_route_list`). Rendering the whole
/// [`App`] for that would start the i18n provider's effects in an owner that is disposed at
/// once, and they panic when they run (leptos_i18n 0.6 reads its locale signal in an isomorphic
/// effect).
#[component]
pub fn RouteTable() -> impl IntoView {
    view! {
        <Router>
            <AppRoutes />
        </Router>
    }
}

#[component]
fn AppTitle() -> impl IntoView {
    let i18n = use_i18n();
    view! { <Title text=move || format!("{} · {}", t_string!(i18n, app.name), t_string!(i18n, app.tagline)) /> }
}

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
