use app::server::clock::{Clock, SystemClock, TestClock};
use app::server::db::Db;
use app::server::sealing::Sealer;
use app::server::state::{AppState, Settings};
use app::server::storage::Storage;
use app::shell;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, LazyLock};
use tower::Layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;

/// The name cargo-leptos gives the WASM/JS/CSS bundle (`output-name` in Cargo.toml).
pub const OUTPUT_NAME: &str = "caiping";

/// Where the site build writes the bundle, below the site root.
pub const PKG_DIR: &str = "pkg";

/// The options of the Leptos app. When the site root holds a bundle, its pages link it under
/// `/v/<content hash>/pkg/`, a URL that changes with every change of the bundle, so browsers
/// keep it for a year without asking; `/pkg/` serves the same files, revalidated.
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    let pkg = match bundle_version(Path::new(site_root)) {
        Some(version) => format!("v/{version}/{PKG_DIR}"),
        None => PKG_DIR.to_string(),
    };
    LeptosOptions::builder().output_name(OUTPUT_NAME).site_root(site_root).site_pkg_dir(pkg).site_addr(addr).build()
}

/// The first 16 hex digits of the SHA-256 of the bundle (JS glue, WASM, CSS), or `None` when
/// the site root holds none.
pub fn bundle_version(site_root: &Path) -> Option<String> {
    use sha2::Digest;
    let dir = site_root.join(PKG_DIR);
    let mut hash = sha2::Sha256::new();
    let mut found = false;
    // The WASM is `caiping.wasm` from the site build, `caiping_bg.wasm` from cargo-leptos.
    let names = [".js", ".wasm", "_bg.wasm", ".css"].map(|ext| format!("{OUTPUT_NAME}{ext}"));
    for name in names {
        if let Ok(bytes) = std::fs::read(dir.join(&name)) {
            hash.update(name.as_bytes());
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(&bytes);
            found = true;
        }
    }
    found.then(|| hex::encode(hash.finalize())[..16].to_string())
}

/// Connects, migrates and assembles the state. Every instance built this way against the same
/// database serves the same data.
/// Where the master key lives unless configured: the user's configuration directory, apart from
/// the data directory. An installation from before keeps its `<data-dir>/master.key` (moving it
/// silently would orphan every sealed bid) and is told to move it.
pub fn default_key_file(data_dir: &Path) -> std::path::PathBuf {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| Path::new(&h).join(".config")));
    let legacy = data_dir.join("master.key");
    match config.map(|c| c.join("caiping").join("master.key")) {
        Some(key) if key.exists() || !legacy.exists() => key,
        _ => legacy,
    }
}

pub async fn build_state(
    database_url: &str,
    data_dir: &Path,
    leptos_options: LeptosOptions,
    settings: Settings,
) -> anyhow::Result<AppState> {
    // The shipped scheme templates are data: refuse to start if any fails validation.
    app::domain::template::builtin().map_err(|errors| {
        anyhow::anyhow!(
            "shipped templates are invalid: {}",
            errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
        )
    })?;
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    let chained = app::server::audit::chain_legacy(&db).await.map_err(|e| anyhow::anyhow!("audit chain: {e:?}"))?;
    if chained > 0 {
        tracing::info!(chained, "audit entries from before the hash chain were chained");
    }
    let filled = app::tenders::server::fill_regions(&db).await.map_err(|e| anyhow::anyhow!("tender regions: {e:?}"))?;
    if filled > 0 {
        tracing::info!(filled, "tenders from before the region column got their region");
    }
    let indexed = app::tenders::server::fill_search_terms(&db)
        .await
        .map_err(|e| anyhow::anyhow!("tender search index: {e:?}"))?;
    if indexed > 0 {
        tracing::info!(indexed, "tenders entered into the search index");
    }
    let storage = Storage::new(data_dir.join("files"))?;
    // Plaintext spools of interrupted uploads must not outlive the process that made them.
    let cleared = storage.clear_temp()?;
    if cleared > 0 {
        tracing::info!(cleared, "removed temporary upload files left by an earlier process");
    }
    let key_file = settings.master_key_file.clone().unwrap_or_else(|| default_key_file(data_dir));
    if key_file.starts_with(data_dir) {
        tracing::warn!(
            key = %key_file.display(),
            "the master key lies inside the data directory: a backup of it decrypts every sealed bid; \
             keep the key elsewhere (--master-key-file)"
        );
    } else {
        tracing::info!(key = %key_file.display(), "master key (keep it out of backups of {})", data_dir.display());
    }
    let sealer = Arc::new(
        Sealer::load_or_create(&key_file).map_err(|e| anyhow::anyhow!("master key {}: {e}", key_file.display()))?,
    );
    let test_clock = settings.test_mode.then(|| Arc::new(TestClock::default()));
    let clock: Arc<dyn Clock> = match &test_clock {
        Some(tc) => tc.clone(),
        None => Arc::new(SystemClock),
    };
    Ok(AppState { leptos_options, db, clock, test_clock, storage, sealer, settings: Arc::new(settings) })
}

/// The application's page routes, generated once per process: while Leptos generates a route
/// list it suppresses resource loading process-wide, and a resource first polled in that window
/// never loads, so a page rendering then would stall mid-body for ever (leptos #4773). Tests
/// start many servers in one process while others serve.
pub fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(app::RouteTable));
    ROUTES.clone()
}

pub fn router(state: AppState) -> Router {
    let routes = page_routes();
    let options = state.leptos_options.clone();
    let mut router = Router::new()
        .nest_service(&format!("/{PKG_DIR}"), assets(&options, "no-cache"))
        .nest("/api/v1", crate::api::router(&state));
    if *options.site_pkg_dir != *PKG_DIR {
        router = router.nest_service(
            &format!("/{}", options.site_pkg_dir),
            assets(&options, "public, max-age=31536000, immutable"),
        );
    }
    if state.settings.bench_baselines {
        router = router.merge(crate::baselines::router());
    }
    router
        .leptos_routes_with_context(&state, routes, crate::security::page_policy, move || shell(options.clone()))
        // Unknown paths render the app's not-found page, which reads the session like any page.
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || {
                    leptos::prelude::provide_context(state.clone());
                    crate::security::page_policy();
                }
            },
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), page_guard))
        .layer(axum::middleware::from_fn(crate::security::server_fn_limits))
        .layer(axum::middleware::from_fn(crate::security::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::security::headers))
        .layer(CatchPanicLayer::custom(crate::security::panic_response))
        .layer(axum::middleware::from_fn(crate::security::timeouts))
        .layer(compression())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The browser bundle (`pkg/`: WASM, JS, CSS), sent as the `.br` or `.gz` copy the site build
/// wrote beside each file when the browser accepts it. Under its versioned URL it is cached for
/// good (`immutable`); under `/pkg/` it is revalidated (`no-cache` with Last-Modified: a 304
/// costs no transfer).
fn assets(options: &LeptosOptions, cache: &'static str) -> SetResponseHeader<ServeDir, HeaderValue> {
    let dir = Path::new(&*options.site_root).join(PKG_DIR);
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(cache))
        .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

/// Pages and JSON compressed on the fly with gzip at a level that costs little CPU. Not brotli:
/// its encoder allocates and clears large match tables for every response, which took a third
/// of the server's time on the board (perf, `make bench`) for a few hundred bytes less than
/// gzip on a page of a few kilobytes; the bundle, compressed once, is sent as brotli. Not PDFs,
/// zips, spreadsheets or bid documents: compressed already, or not worth the work; not what
/// already carries an encoding (the precompressed bundle).
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::const_new("application/pdf"))
        .and(NotForContentType::const_new("application/zip"))
        .and(NotForContentType::const_new("application/vnd.openxmlformats"))
        .and(NotForContentType::const_new("application/octet-stream"));
    CompressionLayer::new().no_br().quality(CompressionLevel::Precise(4)).compress_when(predicate)
}

/// Role-guarded pages are decided here, before rendering: anonymous visitors are sent to the
/// sign-in page, other roles get the page's 403 message with a 403 status. Every request gets
/// its [`RequestUser`](app::server::auth::RequestUser) here, so the session is read once for the
/// guard and the page's server functions together.
async fn page_guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let caller = app::server::auth::RequestUser::default();
    req.extensions_mut().insert(caller.clone());
    let Some(roles) = app::identity::page_roles(req.uri().path()) else {
        return next.run(req).await;
    };
    match caller.get(&state, req.headers()).await {
        Ok(Some(user)) if roles.contains(&user.role) => next.run(req).await,
        Ok(Some(_)) => {
            let mut res = next.run(req).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        Ok(None) => Redirect::to("/login").into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_lives_apart_from_the_data_unless_an_older_install_keeps_it_there() {
        let root = std::env::temp_dir().join(format!("caiping-keyfile-{}", uuid::Uuid::new_v4().simple()));
        let data = root.join("data");
        std::fs::create_dir_all(&data).unwrap();
        // SAFETY: this test alone reads XDG_CONFIG_HOME in this binary.
        unsafe { std::env::set_var("XDG_CONFIG_HOME", root.join("config")) };
        assert_eq!(default_key_file(&data), root.join("config/caiping/master.key"));
        std::fs::write(data.join("master.key"), "00").unwrap();
        assert_eq!(default_key_file(&data), data.join("master.key"), "an existing install keeps its key");
        std::fs::create_dir_all(root.join("config/caiping")).unwrap();
        std::fs::write(root.join("config/caiping/master.key"), "00").unwrap();
        assert_eq!(default_key_file(&data), root.join("config/caiping/master.key"), "once moved, the moved one");
    }
}
