//! `make bench`: caiping's speed goals (issue 14), measured against bare handlers in the same run
//! because the machine is shared and noisy. It prepares a database with the demo data, starts the
//! real `caiping` binary with `--bench-baselines` on loopback, and measures:
//! the deadline rush (acknowledged = stored, peak server memory), SSR and JSON throughput as a
//! share of the bare page and handler, and in process the review's diagnostics and ranking and
//! the award and report PDFs. The table goes to standard output and to a results file.
//!
//! A figure that misses its goal is reported, not failed: timings are not pass/fail tests. A lost
//! bid, a refused upload or an error answer fails the run.

mod fixture;
mod inprocess;
mod load;
mod report;
mod rush;

use clap::Parser;
use report::{Goal, Row, Table};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::Duration;

#[derive(Parser)]
#[command(about = "caiping's benchmark suite (make bench)")]
struct Args {
    /// The `caiping` binary to measure (a release build for real figures).
    #[arg(long)]
    bin: PathBuf,
    /// The compiled site (for the pages' links to the bundle).
    #[arg(long, default_value = "target/site")]
    site_root: String,
    /// Also run the HTTP part on PostgreSQL: a server URL whose user may create databases.
    #[arg(long)]
    postgres_admin_url: Option<String>,
    /// Seconds per throughput target.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Concurrent connections per throughput target.
    #[arg(long, default_value_t = 16)]
    connections: usize,
    /// Bidders in the deadline rush.
    #[arg(long, default_value_t = 200)]
    rush_bidders: usize,
    /// Size of each rush bidder's proposal, in MiB (at most the 20 MiB per-file limit).
    #[arg(long, default_value_t = 5)]
    rush_mb: u64,
    /// Timed repetitions of the in-process measurements (the median is reported).
    #[arg(long, default_value_t = 21)]
    runs: usize,
    /// Scale: this many more published tenders generated into the database before the list
    /// latencies are measured (100000 for the scale run).
    #[arg(long, default_value_t = 0)]
    scale: usize,
    /// Bids generated on each scale tender (at most --rush-bidders).
    #[arg(long, default_value_t = 10)]
    scale_bids: usize,
    /// Where the results table is written.
    #[arg(long, default_value = "target/bench/results.md")]
    out: PathBuf,
    /// The small run `make test` does, so the suite keeps compiling and working.
    #[arg(long)]
    quick: bool,
}

/// The server under test, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// An instance on the fixture's database and data directory, logging to `<data dir>/<log>`.
    async fn start(args: &Args, fx: &fixture::Fixture, log: &str) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log_path = fx.data_dir.join(log);
        let log = std::fs::File::create(&log_path)?;
        let child = Command::new(&args.bin)
            .args(["--database-url", &fx.db_url, "--data-dir"])
            .arg(&fx.data_dir)
            .arg("--master-key-file")
            .arg(&fx.key_file)
            .args([
                "serve",
                "--bench-baselines",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--site-root",
                &args.site_root,
            ])
            .env("RUST_LOG", "warn")
            // The server logs to stdout: its errors (a 500's cause) belong in the log too.
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting {}: {e}", args.bin.display()))?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        for _ in 0..600 {
            if reqwest::get(format!("{}/api/v1/health", server.base)).await.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("caiping did not start; see {}", log_path.display())
    }

    /// Kibibytes of a `/proc/<pid>/status` field: `VmRSS` now, `VmHWM` the peak so far.
    fn memory_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with(field))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map(|k| format!("{:.0} MB", k as f64 / 1024.0)).unwrap_or_else(|| "n/a".into())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if args.quick {
        (args.seconds, args.connections, args.rush_bidders, args.rush_mb, args.runs) = (0.5, 4, 4, 1, 3);
        (args.scale, args.scale_bids) = (120, 2);
    }
    let mut table = Table::new(&format!(
        "caiping bench, {} UTC, {} (connections {}, {} s per target, rush {} × {} MiB)",
        chrono::Utc::now().format("%Y-%m-%d %H:%M"),
        args.bin.display(),
        args.connections,
        args.seconds,
        args.rush_bidders,
        args.rush_mb
    ));
    let mut failures: Vec<String> = Vec::new();

    in_process(&args, &mut table);

    let mut backends = vec![("SQLite", None)];
    if let Some(url) = &args.postgres_admin_url {
        backends.push(("PostgreSQL", Some(url.clone())));
    }
    for (backend, admin) in backends {
        let dir = std::env::temp_dir().join(format!("caiping-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let db_url = fixture::fresh_database(&dir, admin.as_deref()).await?;
        eprintln!("{backend}: preparing the demo data and {} bidders in {}", args.rush_bidders, dir.display());
        let fx = fixture::prepare(&db_url, &dir, args.rush_bidders).await?;
        let server = Server::start(&args, &fx, "server.log").await?;
        over_http(&args, backend, &fx, &server, &mut table, &mut failures).await?;
        // The scale-out the design card promises: several stateless instances on one PostgreSQL.
        if admin.is_some() {
            let second = Server::start(&args, &fx, "server-2.log").await?;
            two_instances(&args, backend, &fx, [&server, &second], &mut table, &mut failures).await?;
        }
        drop(server);
        if failures.is_empty() {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    let text = table.render(&failures);
    println!("{text}");
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&args.out, &text)?;
    eprintln!("written to {}", args.out.display());
    anyhow::ensure!(failures.is_empty(), "{} failure(s): {}", failures.len(), failures.join("; "));
    Ok(())
}

fn in_process(args: &Args, table: &mut Table) {
    let s = inprocess::scoring(15, 200, 30, args.runs);
    table.push(Row::timed(
        "domain",
        &format!(
            "diagnostics + ranking, {} experts × {} bids × {} criteria ({} flags)",
            s.experts, s.bids, s.criteria, s.flags
        ),
        s.time,
        Goal::AtMostMs(10.0),
    ));
    for pdf in inprocess::pdfs(args.runs) {
        table.push(Row::timed("pdf", &format!("{} ({})", pdf.name, pdf.pages_of), pdf.time, Goal::AtMostMs(50.0)));
        table.push(Row::size("pdf", &format!("{} size", pdf.name), pdf.bytes, Goal::AtMostKb(300)));
    }
}

async fn over_http(
    args: &Args,
    backend: &str,
    fx: &fixture::Fixture,
    server: &Server,
    table: &mut Table,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let base = &server.base;
    // The rush first, on a fresh process, so the peak memory is the rush's.
    let idle = server.memory_kib("VmRSS");
    let clients = rush::sign_in_all(base, &fx.bidders, fixture::RUSH_PASSWORD).await?;
    let db = app::server::db::Db::connect(&fx.db_url).await?;
    let storage = app::server::storage::Storage::new(fx.data_dir.join("files"))?;
    let r = rush::run(&[base], &fx.open_tender, &clients, args.rush_mb, 0, &db, &storage).await?;
    drop(clients);
    let peak = server.memory_kib("VmHWM");
    record_rush(backend, "at once", &r, table, failures);
    let peak_ok = peak.is_some_and(|k| k <= 300 * 1024);
    table.push(Row::text(
        backend,
        "server memory through the rush",
        format!("idle {}, peak {}", mib(idle), mib(peak)),
        "peak ≤ 300 MB",
        peak_ok,
    ));

    let anon = reqwest::Client::builder().pool_max_idle_per_host(args.connections).build()?;
    let officer = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(args.connections).build()?;
    let res = officer
        .post(format!("{base}/api/v1/session"))
        .json(&serde_json::json!({"username": "officer", "password": server::demo::DEMO_PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "officer sign-in: {}", res.status());
    let get = |name, client: &reqwest::Client, path: &str| load::Target {
        name,
        method: reqwest::Method::GET,
        url: format!("{base}{path}"),
        body: None,
        client: client.clone(),
    };
    let post = |name, client: &reqwest::Client, path: &str, body| load::Target {
        name,
        method: reqwest::Method::POST,
        url: format!("{base}{path}"),
        body: Some(body),
        client: client.clone(),
    };
    let calc_example = server::api::ROUTES
        .iter()
        .find(|r| r.path == "/calc/scores")
        .and_then(|r| r.example)
        .expect("the scores calculator has an example");
    let groups = [
        (
            get("bare Leptos SSR page", &anon, "/bench/ssr"),
            vec![
                get("public board /", &anon, "/"),
                get("tender page /tenders/{id}", &anon, &format!("/tenders/{}", fx.open_tender)),
                get("officer workbench /officer", &officer, "/officer"),
            ],
            60.0,
        ),
        (
            get("bare axum JSON handler", &anon, "/bench/json"),
            vec![
                get("public tender list /api/v1/tenders", &anon, "/api/v1/tenders"),
                post("calculator /api/v1/calc/scores", &officer, "/api/v1/calc/scores", calc_example),
            ],
            50.0,
        ),
    ];
    let duration = Duration::from_secs_f64(args.seconds);
    for (bare, targets, goal) in groups {
        // The bare handler before and after its targets, averaged: the machine drifts.
        let before = load::measure(&bare, args.connections, duration).await;
        let mut measured = Vec::new();
        for t in &targets {
            measured.push((t.name, load::measure(t, args.connections, duration).await));
        }
        let after = load::measure(&bare, args.connections, duration).await;
        let base_rps = (before.per_second + after.per_second) / 2.0;
        table.push(Row::throughput(backend, bare.name, &before, base_rps, None));
        for (name, s) in &measured {
            table.push(Row::throughput(backend, name, s, base_rps, Some(goal)));
            if s.errors > 0 {
                failures.push(format!("{backend}: {name}: {} error answers", s.errors));
            }
        }
        if before.errors + after.errors > 0 {
            failures.push(format!("{backend}: {}: error answers", bare.name));
        }
    }
    db.pool.close().await;
    if args.scale > 0 {
        scale(args, backend, base, fx, &anon, &officer, table, failures).await?;
    }
    Ok(())
}

/// A rush's row in the table; a lost bid and each distinct reason for refused uploads (with how
/// many it refused and when they ended) as failures.
fn record_rush(group: &str, how: &str, r: &rush::RushRun, table: &mut Table, failures: &mut Vec<String>) {
    table.push(Row::text(
        group,
        &format!("deadline rush: {} bidders × {} MiB, {how}", r.bidders, r.mb),
        format!(
            "{} acknowledged, {} stored, {} lost; wall {:.1} s, p50 {:.0} ms, p99 {:.0} ms",
            r.acknowledged,
            r.stored,
            r.lost,
            r.wall.as_secs_f64(),
            r.p50_ms,
            r.p99_ms
        ),
        "0 lost",
        r.lost == 0 && r.refused.is_empty(),
    ));
    if r.lost > 0 {
        failures.push(format!("{group}: {} acknowledged bids were not stored intact", r.lost));
    }
    let mut reasons: std::collections::BTreeMap<&str, (usize, f64, f64)> = Default::default();
    for e in &r.refused {
        let why = e.split_once(": ").map_or(e.as_str(), |(_, why)| why);
        let (why, after) = why.rsplit_once(" [after ").unwrap_or((why, ""));
        let secs: f64 = after.trim_end_matches(" s]").parse().unwrap_or(f64::NAN);
        let entry = reasons.entry(why).or_insert((0, f64::INFINITY, 0.0));
        *entry = (entry.0 + 1, entry.1.min(secs), entry.2.max(secs));
    }
    failures.extend(
        reasons
            .iter()
            .map(|(why, (n, first, last))| format!("{group}: {n} uploads refused after {first:.0}–{last:.0} s: {why}")),
    );
}

/// Two instances on one database and data directory: bidders signed in on the first upload to
/// both in turn (one rush, half to each), and the public board is read from both at once,
/// against the first alone just before.
async fn two_instances(
    args: &Args,
    backend: &str,
    fx: &fixture::Fixture,
    servers: [&Server; 2],
    table: &mut Table,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let group = format!("{backend}, 2 instances");
    let bases = servers.map(|s| s.base.as_str());
    let clients = rush::sign_in_all(bases[0], &fx.bidders, fixture::RUSH_PASSWORD).await?;
    let db = app::server::db::Db::connect(&fx.db_url).await?;
    let storage = app::server::storage::Storage::new(fx.data_dir.join("files"))?;
    let r = rush::run(&bases, &fx.open_tender, &clients, args.rush_mb, 1, &db, &storage).await?;
    drop(clients);
    db.pool.close().await;
    record_rush(&group, "half to each instance", &r, table, failures);

    let anon = reqwest::Client::builder().pool_max_idle_per_host(args.connections).build()?;
    let board = |base: &str| load::Target {
        name: "public board /",
        method: reqwest::Method::GET,
        url: format!("{base}/"),
        body: None,
        client: anon.clone(),
    };
    let duration = Duration::from_secs_f64(args.seconds);
    let one = load::measure(&board(bases[0]), args.connections, duration).await;
    // The same connections in all, half to each instance.
    let half = (args.connections / 2).max(1);
    let (first, second) = (board(bases[0]), board(bases[1]));
    let (a, b) = tokio::join!(load::measure(&first, half, duration), load::measure(&second, half, duration));
    let errors = one.errors + a.errors + b.errors;
    table.push(Row::text(
        &group,
        "public board / from both at once, against one instance alone",
        format!(
            "{:.0} + {:.0} = {:.0} req/s, one alone {:.0} req/s ({:.0} %); p99 {:.0} / {:.0} ms",
            a.per_second,
            b.per_second,
            a.per_second + b.per_second,
            one.per_second,
            100.0 * (a.per_second + b.per_second) / one.per_second.max(f64::MIN_POSITIVE),
            a.p99_ms,
            b.p99_ms
        ),
        "both serve, no error",
        errors == 0 && a.requests > 0 && b.requests > 0,
    ));
    if errors > 0 {
        failures.push(format!("{group}: public board: {errors} error answers"));
    }
    Ok(())
}

/// The lists at scale: p99 latency of the board's pages, search and filters and of the officer's
/// workbench, a few connections at a time (latency, not throughput).
#[allow(clippy::too_many_arguments)]
async fn scale(
    args: &Args,
    backend: &str,
    base: &str,
    fx: &fixture::Fixture,
    anon: &reqwest::Client,
    officer: &reqwest::Client,
    table: &mut Table,
    failures: &mut Vec<String>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (word, deep) = fixture::scale(&fx.db_url, &fx.open_tender, args.scale, args.scale_bids).await?;
    let bids = args.scale * args.scale_bids;
    eprintln!(
        "{backend}: {} tenders and {bids} bids generated in {:.1} s",
        args.scale,
        started.elapsed().as_secs_f64()
    );
    let get = |name: &'static str, client: &reqwest::Client, path: String| load::Target {
        name,
        method: reqwest::Method::GET,
        url: format!("{base}{path}"),
        body: None,
        client: client.clone(),
    };
    // A bidder that bid on every generated tender: its list is the longest there is.
    let bidder = reqwest::Client::builder().cookie_store(true).build()?;
    let res = bidder
        .post(format!("{base}/api/v1/session"))
        .header("x-forwarded-for", "10.250.0.1")
        .json(&serde_json::json!({"username": fx.bidders[0], "password": fixture::RUSH_PASSWORD}))
        .send()
        .await?;
    anyhow::ensure!(res.status().is_success(), "bidder sign-in: {}", res.status());
    let targets = [
        get("board, first page", anon, "/".into()),
        get("board, search one title", anon, format!("/?q={word}")),
        get("board, region and status", anon, "/?region=深圳市&status=opened".into()),
        get("board JSON, a page half-way down", anon, format!("/api/v1/tenders?after={deep}")),
        get("board JSON, search one title", anon, format!("/api/v1/tenders?q={word}")),
        get("officer workbench (its unit's tenders)", officer, "/officer".into()),
        get("bidder workbench (open and its own bids)", &bidder, "/bidder".into()),
    ];
    let duration = Duration::from_secs_f64(args.seconds);
    let connections = args.connections.min(2);
    for t in &targets {
        let s = load::measure(t, connections, duration).await;
        table.push(Row::latency(backend, &format!("{} tenders, {bids} bids: {}", args.scale, t.name), &s, 30.0));
        if s.errors > 0 {
            failures.push(format!("{backend}: at scale, {}: {} error answers", t.name, s.errors));
        }
    }
    Ok(())
}
