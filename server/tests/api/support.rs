//! `spawn_app()`: each test gets its own server on a free port and its own fresh database.

use app::identity::Role;
use app::server::state::{AppState, Settings};
use server::startup;
use sqlx::Connection;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// SQLite always; PostgreSQL when `CAIPING_TEST_PG_URL` names a server. Under CI a missing
/// PostgreSQL is an error, not a skip.
pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if std::env::var("CAIPING_TEST_PG_URL").is_ok() {
        list.push(Backend::Postgres);
    } else if std::env::var("CI").is_ok() {
        panic!("CI runs every test on PostgreSQL too: set CAIPING_TEST_PG_URL (make test does)");
    }
    list
}

pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("caiping-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A database nobody else uses: a new SQLite file, or a new database on the PostgreSQL server.
pub async fn fresh_database_url(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/caiping.db", temp_dir().display()),
        Backend::Postgres => {
            let admin_url = std::env::var("CAIPING_TEST_PG_URL").expect("CAIPING_TEST_PG_URL");
            let name = format!("caiping_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            let (base, _) = admin_url.rsplit_once('/').expect("URL ends with /database");
            // Keep query parameters (e.g. host=/socket/dir) after the database name.
            let params = admin_url.split_once('?').map(|(_, p)| format!("?{p}")).unwrap_or_default();
            format!("{base}/{name}{params}")
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub db_url: String,
}

/// The head of a request must arrive within this (short here, so the slow-client test is quick).
pub fn header_read_timeout() -> Duration {
    Duration::from_secs(2)
}

pub async fn spawn_app(backend: Backend, test_mode: bool) -> TestApp {
    spawn_app_with(backend, Settings { test_mode, ..Settings::default() }).await
}

pub async fn spawn_app_with(backend: Backend, mut settings: Settings) -> TestApp {
    let db_url = fresh_database_url(backend).await;
    // Each test its own key, as each its own database.
    settings.master_key_file.get_or_insert_with(|| temp_dir().join("master.key"));
    let app = serve_database(&db_url, &temp_dir(), settings).await;
    server::demo::seed(&app.state).await.expect("demo data");
    app
}

/// A server on an existing database and data directory, as they are.
pub async fn serve_database(db_url: &str, data_dir: &std::path::Path, settings: Settings) -> TestApp {
    serve_site(db_url, data_dir, settings, "target/site").await
}

/// [`serve_database`] with the browser bundle from `site_root`.
pub async fn serve_site(db_url: &str, data_dir: &std::path::Path, settings: Settings, site_root: &str) -> TestApp {
    let db_url = db_url.to_string();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let options = startup::leptos_options(site_root, addr);
    let state = startup::build_state(&db_url, data_dir, options, settings).await.expect("state");
    let router = startup::router(state.clone());
    let header_timeout = header_read_timeout();
    tokio::spawn(async move {
        server::serving::serve(listener, router, header_timeout, std::future::pending()).await.unwrap()
    });
    TestApp { base: format!("http://{addr}"), state, db_url }
}

impl TestApp {
    /// A client with its own cookie jar and no redirect following, so tests see 302s.
    pub fn anon(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            // A hung request fails the test instead of stalling the suite.
            .timeout(Duration::from_secs(60))
            // The test server closes a keep-alive connection that stays idle for its short
            // header-read timeout; a client reusing one just as it closes saw the request fail
            // (IncompleteMessage) under load. Idle connections are dropped before that.
            .pool_idle_timeout(header_read_timeout() / 2)
            .build()
            .unwrap()
    }

    pub async fn sign_in_as(&self, username: &str, password: &str) -> reqwest::Client {
        let client = self.anon();
        let res = client
            .post(format!("{}/api/v1/session", self.base))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "sign in as {username}: {}", res.status());
        client
    }

    /// The latest audit-log entries, as the auditor reads them.
    pub async fn audit(&self) -> serde_json::Value {
        let auditor = self.signed_in(Role::Auditor).await;
        auditor.get(format!("{}/api/v1/audit", self.base)).send().await.unwrap().json().await.unwrap()
    }

    pub async fn signed_in(&self, role: Role) -> reqwest::Client {
        let username = match role {
            Role::Officer => "officer",
            Role::Bidder => "ngo-yangguang",
            Role::Expert => "expert-zhou",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        };
        self.sign_in_as(username, server::demo::DEMO_PASSWORD).await
    }
}

/// The real `caiping` binary, serving on a free port until dropped.
pub struct ServerProcess {
    pub base: String,
    child: Child,
}

impl ServerProcess {
    pub async fn start(db_url: &str, data_dir: &std::path::Path) -> ServerProcess {
        Self::start_with(db_url, data_dir, &[]).await
    }

    /// [`start`](Self::start) with more global flags (`--master-key-file …`).
    pub async fn start_with(db_url: &str, data_dir: &std::path::Path, flags: &[&str]) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_caiping"))
            .args(flags)
            .args([
                "--database-url",
                db_url,
                "--data-dir",
                data_dir.to_str().unwrap(),
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start caiping");
        // Owned from here on, so a failed start still kills the process (Drop).
        let server = ServerProcess { base: format!("http://127.0.0.1:{port}"), child };
        for _ in 0..200 {
            if reqwest::get(format!("{}/api/v1/health", server.base)).await.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("caiping did not start on port {port}");
    }
}

impl ServerProcess {
    /// SIGKILL, as a power cut or the OOM killer would end it: no shutdown runs.
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
