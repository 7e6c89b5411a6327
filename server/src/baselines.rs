//! The bare handlers `make bench` measures the application against in the same run (the machine
//! is shared and noisy, so figures are ratios, not absolutes): a Leptos page rendered by the same
//! SSR stack and middleware with no data and no context, and an axum JSON handler that does no
//! work. Mounted only by `serve --bench-baselines`.

use app::server::state::AppState;
use axum::extract::Request;
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::*;

pub fn router() -> Router<AppState> {
    Router::new()
        // Built per request: the handler leptos_axum returns is not `Sync`, and building it is
        // only a few clones.
        .route("/bench/ssr", get(|req: Request| leptos_axum::render_app_to_stream(bare_page)(req)))
        .route("/bench/json", get(|| async { Json(serde_json::json!({"ok": true})) }))
}

fn bare_page() -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <title>"采评 caiping"</title>
            </head>
            <body>
                <main>
                    <h1>"采评"</h1>
                    <p>"基准页面 · baseline page"</p>
                </main>
            </body>
        </html>
    }
}
