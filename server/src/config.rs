//! Typed configuration: command-line flags, each with an environment variable where a
//! deployment would set it. Test mode is a flag only — no environment variable or file can
//! switch it on.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "caiping", version, about = "采评 caiping — government purchase of social-work services")]
pub struct Cli {
    /// Database: `sqlite://path/to/file.db` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/caiping.db", global = true)]
    pub database_url: String,

    /// Directory for uploaded and generated files (content-addressed, next to the database).
    #[arg(long, env = "CAIPING_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Master key that wraps each tender's bid key (default `$XDG_CONFIG_HOME/caiping/master.key`,
    /// else `~/.config/caiping/master.key`, created on first start): apart from the data
    /// directory, so a backup of the database and files cannot decrypt a bid. Every instance
    /// sharing a database needs the same file.
    #[arg(long, env = "CAIPING_MASTER_KEY_FILE", global = true)]
    pub master_key_file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the web application (the default).
    Serve(ServeArgs),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Create an account.
    CreateUser(CreateUserArgs),
    /// Create a purchaser unit (采购人单位).
    CreateUnit(CreateUnitArgs),
    /// Load the demo data (idempotent) and print the demo logins.
    SeedDemo,
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Stored files.
    #[command(subcommand)]
    Storage(StorageCommand),
    /// Write the database and the stored files to one zip (never the master key: keep a copy
    /// of it apart). Safe while the server runs: it reads one consistent snapshot.
    Backup(BackupArgs),
    /// Restore a backup into a new, empty database and data directory (SQLite or PostgreSQL,
    /// whichever the backup came from). Needs the master key the backup's bids were sealed with.
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the backup (default `caiping-backup-<UTC time>.zip` here).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup zip to restore.
    #[arg(long)]
    pub from: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Remove stored files that no bid or attachment references (older than an hour; start-up
    /// does the same).
    Gc,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Re-compute the audit log's hash chain; exit status 1 and the first broken link if it
    /// was edited, shortened or added to outside the application.
    Verify,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Directory with the compiled site (`pkg/` with WASM, JS and CSS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Session cookies `Secure` with the `__Host-` prefix (`true`), or plain (`false`, for plain
    /// HTTP). Default: secure unless listening on a loopback address.
    #[arg(long, env = "CAIPING_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,

    /// TEST ONLY: make the application clock movable through `/api/v1/test/clock`.
    #[arg(long)]
    pub test_mode: bool,

    /// BENCHMARKS ONLY: also serve `/bench/ssr` and `/bench/json`, the bare Leptos page and the
    /// bare JSON handler that `make bench` compares the application's routes with.
    #[arg(long)]
    pub bench_baselines: bool,

    /// Storage one organisation's bids may hold at once on tenders still taking bids, in MiB.
    #[arg(long, env = "CAIPING_ORG_QUOTA_MB", default_value_t = app::server::state::ORG_QUOTA_BYTES / 1024 / 1024)]
    pub org_quota_mb: u64,
}

impl ServeArgs {
    /// Cookies are Secure unless said otherwise or served on loopback (plain HTTP on this
    /// machine only: development and tests); anywhere else the site is behind HTTPS.
    pub fn secure(&self) -> bool {
        self.secure_cookies.unwrap_or(!self.addr.ip().is_loopback())
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        Self {
            addr: std::env::var("LEPTOS_SITE_ADDR")
                .ok()
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| "127.0.0.1:3000".parse().expect("valid address")),
            site_root: std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()),
            secure_cookies: std::env::var("CAIPING_SECURE_COOKIES").ok().and_then(|v| v.parse().ok()),
            test_mode: false,
            bench_baselines: false,
            org_quota_mb: app::server::state::ORG_QUOTA_BYTES / 1024 / 1024,
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    #[arg(long)]
    pub username: String,
    /// Display name, e.g. 张三.
    #[arg(long)]
    pub name: String,
    /// officer | bidder | expert | auditor | admin
    #[arg(long)]
    pub role: String,
    /// Organisation name (bidders): created if it does not exist yet.
    #[arg(long)]
    pub org: Option<String>,
    /// Purchaser unit name (officers and supervisors); create it first with `create-unit`.
    #[arg(long)]
    pub unit: Option<String>,
    /// Password; read from CAIPING_NEW_PASSWORD when not given, so it need not appear in the shell history.
    #[arg(long, env = "CAIPING_NEW_PASSWORD", hide_env_values = true)]
    pub password: String,
}

#[derive(Debug, Args)]
pub struct CreateUnitArgs {
    /// The unit's name, e.g. 苏州市民政局.
    #[arg(long)]
    pub name: String,
    /// national | province | city | district | street | town
    #[arg(long)]
    pub level: String,
    /// GB/T 2260 region code (6 digits; 9 for a street or town), e.g. 320500.
    #[arg(long)]
    pub region_code: String,
    /// The region's name, e.g. 苏州市.
    #[arg(long)]
    pub region_name: String,
    /// Unified social credit code (optional).
    #[arg(long, default_value = "")]
    pub credit_code: String,
    /// The parent unit's name (optional).
    #[arg(long)]
    pub parent: Option<String>,
}
