use app::server::clock::{Clock, SystemClock, TestClock};
use app::server::db::Db;
use app::server::state::{AppState, Settings};
use app::server::storage::Storage;
use app::{shell, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

/// The name cargo-leptos gives the WASM/JS/CSS bundle (`output-name` in Cargo.toml).
pub const OUTPUT_NAME: &str = "caiping";

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Connects, migrates and assembles the state. Every instance built this way against the same
/// database serves the same data.
pub async fn build_state(
    database_url: &str,
    data_dir: &Path,
    leptos_options: LeptosOptions,
    settings: Settings,
) -> anyhow::Result<AppState> {
    // The shipped scheme templates are data: refuse to start if any fails validation.
    app::domain::template::builtin().map_err(|errors| {
        anyhow::anyhow!("shipped templates are invalid: {}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))
    })?;
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    let storage = Storage::new(data_dir.join("files"))?;
    let test_clock = settings.test_mode.then(|| Arc::new(TestClock::default()));
    let clock: Arc<dyn Clock> = match &test_clock {
        Some(tc) => tc.clone(),
        None => Arc::new(SystemClock),
    };
    Ok(AppState { leptos_options, db, clock, test_clock, storage, settings: Arc::new(settings) })
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .nest("/api/v1", crate::api::router(&state))
        .leptos_routes_with_context(&state, routes, || (), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
