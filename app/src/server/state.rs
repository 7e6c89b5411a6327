use super::clock::{Clock, TestClock};
use super::db::Db;
use super::sealing::Sealer;
use super::storage::Storage;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Settings that change behaviour at run time, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Mark cookies `Secure` (on whenever the site is served over HTTPS).
    pub secure_cookies: bool,
    /// Started with `serve --test-mode`: the clock can be moved through the test API.
    pub test_mode: bool,
    pub session_hours: i64,
    /// Where the master key that wraps tender keys lives; `<data-dir>/master.key` when unset.
    /// Instances sharing a database must share this key.
    pub master_key_file: Option<std::path::PathBuf>,
    /// Started with `serve --bench-baselines`: the bare pages `make bench` measures against.
    pub bench_baselines: bool,
    /// What one organisation's bids on tenders still taking bids may hold in storage, in bytes.
    pub org_quota_bytes: u64,
}

/// 25 bids of the largest size at once.
pub const ORG_QUOTA_BYTES: u64 = 1024 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            test_mode: false,
            session_hours: 12,
            master_key_file: None,
            bench_baselines: false,
            org_quota_bytes: ORG_QUOTA_BYTES,
        }
    }
}

/// Everything a request handler or server function needs. It holds no per-user state: every
/// instance pointed at the same database serves the same data, sessions included.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// Present only in test mode; the test API moves it.
    pub test_clock: Option<Arc<TestClock>>,
    pub storage: Storage,
    pub sealer: Arc<Sealer>,
    pub settings: Arc<Settings>,
}

impl AppState {
    pub fn now_ms(&self) -> i64 {
        self.clock.now().timestamp_millis()
    }
}
