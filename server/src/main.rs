use app::accounts::server as accounts;
use app::accounts::{NewUser, OrgKind};
use app::identity::Role;
use app::purchasers::server as purchasers;
use app::server::audit::Actor;
use app::server::state::Settings;
use clap::Parser;
use server::config::{
    AuditCommand, BackupArgs, Cli, Command, CreateUnitArgs, CreateUserArgs, RestoreArgs, ServeArgs, StorageCommand,
};
use server::{demo, startup};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    return_large_blocks_to_the_system();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    let mut cli = Cli::parse();
    match cli.command.take().unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(&cli, args).await,
        Command::Migrate => {
            let state = console_state(&cli).await?;
            println!("database migrated ({})", state.db.backend.as_str());
            Ok(())
        }
        Command::CreateUser(args) => create_user(&cli, args).await,
        Command::CreateUnit(args) => create_unit(&cli, args).await,
        Command::SeedDemo => {
            let state = console_state(&cli).await?;
            demo::seed(&state).await?;
            demo::seed_tenders(&state).await?;
            demo::print_logins();
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => audit_verify(&cli).await,
        Command::Storage(StorageCommand::Gc) => {
            let state = console_state(&cli).await?;
            let removed = server::blobs::collect(&state, server::blobs::GRACE).await?;
            let kept = server::blobs::referenced(&state).await?.len();
            println!("storage: {removed} unreferenced files removed, {kept} referenced kept");
            Ok(())
        }
        Command::Backup(args) => backup(&cli, args).await,
        Command::Restore(args) => restore(&cli, args).await,
    }
}

async fn backup(cli: &Cli, args: BackupArgs) -> anyhow::Result<()> {
    let state = console_state(cli).await?;
    let out = args.out.unwrap_or_else(|| server::backup::default_name(chrono::Utc::now()));
    let manifest = server::backup::create(&state.db, &state.storage, &out).await?;
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "backup written to {}: {} tables, {rows} rows, {} files (schema {}). The master key is not in it: \
         keep a copy of the key file apart from the backups.",
        out.display(),
        manifest.tables.len(),
        manifest.files.len(),
        manifest.schema_version
    );
    Ok(())
}

async fn restore(cli: &Cli, args: RestoreArgs) -> anyhow::Result<()> {
    let key_file = cli.master_key_file.clone().unwrap_or_else(|| startup::default_key_file(&cli.data_dir));
    // A new key would open none of the backup's bids: the key must be the one kept apart.
    anyhow::ensure!(
        key_file.exists(),
        "no master key at {}: copy the installation's key file there or pass --master-key-file",
        key_file.display()
    );
    let sealer = app::server::sealing::Sealer::load_or_create(&key_file)?;
    let db = app::server::db::Db::connect(&cli.database_url).await?;
    db.migrate().await?;
    let storage = app::server::storage::Storage::new(cli.data_dir.join("files"))?;
    let restored = server::backup::restore(&db, &storage, &sealer, &args.from).await?;
    println!(
        "restored {} rows and {} files from a {} backup of {}",
        restored.rows,
        restored.files,
        restored.manifest.source_backend,
        restored.manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC")
    );
    audit_verify(cli).await
}

async fn audit_verify(cli: &Cli) -> anyhow::Result<()> {
    let state = console_state(cli).await?;
    let report = app::server::audit::verify(&state.db).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    match report.first_break {
        None => {
            println!("audit chain intact: {} entries, head {}", report.entries, report.head_hash);
            Ok(())
        }
        Some(b) => {
            println!(
                "audit chain BROKEN at entry {} ({}): {:?}; {} entries before it verify",
                b.seq,
                b.entry_id.as_deref().unwrap_or("no row"),
                b.reason,
                report.entries
            );
            std::process::exit(1);
        }
    }
}

async fn console_state(cli: &Cli) -> anyhow::Result<app::server::state::AppState> {
    let options = startup::leptos_options("target/site", "127.0.0.1:0".parse()?);
    let settings = Settings { master_key_file: cli.master_key_file.clone(), ..Settings::default() };
    startup::build_state(&cli.database_url, &cli.data_dir, options, settings).await
}

async fn serve(cli: &Cli, args: ServeArgs) -> anyhow::Result<()> {
    if args.test_mode {
        tracing::warn!(
            "TEST MODE: the application clock can be moved through /api/v1/test/clock — never use this in production"
        );
    }
    let options = startup::leptos_options(&args.site_root, args.addr);
    let secure = args.secure();
    if secure {
        tracing::info!("session cookies are Secure (__Host-): serve this site over HTTPS");
    } else if !args.addr.ip().is_loopback() {
        tracing::warn!("session cookies are NOT Secure on a non-loopback address (CAIPING_SECURE_COOKIES=false)");
    }
    let settings = Settings {
        secure_cookies: secure,
        test_mode: args.test_mode,
        bench_baselines: args.bench_baselines,
        master_key_file: cli.master_key_file.clone(),
        org_quota_bytes: args.org_quota_mb.saturating_mul(1024 * 1024),
        ..Settings::default()
    };
    let state = startup::build_state(&cli.database_url, &cli.data_dir, options, settings).await?;
    let collected = server::blobs::collect(&state, server::blobs::GRACE).await?;
    if collected > 0 {
        tracing::info!(collected, "removed stored files no bid or attachment references");
    }
    let backend = state.db.backend;
    let app = startup::router(state);
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!("caiping listening on http://{} ({})", args.addr, backend.as_str());
    server::serving::serve(listener, app, server::serving::HEADER_READ_TIMEOUT, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

async fn create_user(cli: &Cli, args: CreateUserArgs) -> anyhow::Result<()> {
    let state = console_state(cli).await?;
    let role: Role = args.role.parse()?;
    let now = state.now_ms();
    let org_id = match &args.org {
        Some(name) => Some(
            match accounts::find_organisation_by_name(&state.db, name).await.map_err(|e| anyhow::anyhow!("{e:?}"))? {
                Some(id) => id,
                None => accounts::create_organisation(&state.db, Actor::Console, name, OrgKind::Ngo, None, now)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            },
        ),
        None => None,
    };
    let purchaser_id = match &args.unit {
        Some(name) => Some(
            purchasers::by_name(&state.db, name)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .ok_or_else(|| anyhow::anyhow!("no unit named {name}; create it with create-unit"))?
                .id,
        ),
        None => None,
    };
    let new = NewUser {
        username: args.username.clone(),
        display_name: args.name,
        role,
        org_id,
        purchaser_id,
        password: args.password,
    };
    let id = refused_fields(accounts::create_user(&state.db, Actor::Console, &new, now).await, "account")?;
    println!("created {} ({}) id={id}", args.username, role.as_str());
    Ok(())
}

async fn create_unit(cli: &Cli, args: CreateUnitArgs) -> anyhow::Result<()> {
    let state = console_state(cli).await?;
    let parent_id = match &args.parent {
        Some(name) => Some(
            purchasers::by_name(&state.db, name)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?
                .ok_or_else(|| anyhow::anyhow!("no unit named {name}"))?
                .id,
        ),
        None => None,
    };
    let new = app::purchasers::NewPurchaser {
        name: args.name.clone(),
        credit_code: args.credit_code,
        level: args.level,
        region_code: args.region_code,
        region_name: args.region_name,
        parent_id,
    };
    let id = refused_fields(purchasers::create(&state.db, Actor::Console, &new, state.now_ms()).await, "unit")?;
    println!("created unit {} id={id}", args.name);
    Ok(())
}

/// A console command's result: validation errors printed field by field in both languages.
fn refused_fields<T>(result: Result<T, app::error::AppError>, what: &str) -> anyhow::Result<T> {
    match result {
        Ok(v) => Ok(v),
        Err(app::error::AppError::Validation(fields)) => {
            for f in fields {
                eprintln!("{}: {} / {}", f.field, f.message_zh, f.message_en);
            }
            anyhow::bail!("{what} not created")
        }
        Err(e) => anyhow::bail!("{what} not created: {e}"),
    }
}

/// Blocks of 256 KiB and more (upload buffers, a proposal's PDF parsed for the blind scan) are
/// mapped on their own and unmapped when freed. glibc otherwise raises that threshold to the
/// largest block freed so far, after which such blocks come from per-thread arenas that keep
/// the memory: a rush of 200 × 5 MiB bids peaked at 254–265 MB of RSS, with this at 119–124 MB
/// (`caiping-bench`, 2026-12-04), at the same page throughput.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is safe to call at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
