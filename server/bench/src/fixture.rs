//! The data a run measures: the demo data, plus one NGO and one member per rush bidder, written
//! through the application's own functions before the server starts.

use app::accounts::server as accounts;
use app::accounts::{NewUser, OrgKind};
use app::identity::Role;
use app::server::audit::Actor;
use app::server::state::Settings;
use std::path::{Path, PathBuf};

pub const RUSH_PASSWORD: &str = "rush-bench-password-2026";

pub struct Fixture {
    pub db_url: String,
    pub data_dir: PathBuf,
    pub key_file: PathBuf,
    /// The demo tender that accepts bids: the rush bids on its first lot.
    pub open_tender: String,
    pub bidders: Vec<String>,
}

pub async fn prepare(db_url: &str, data_dir: &Path, bidders: usize) -> anyhow::Result<Fixture> {
    let key_file = data_dir.join("keys").join("master.key");
    std::fs::create_dir_all(key_file.parent().expect("has a parent"))?;
    let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse()?);
    let settings = Settings { master_key_file: Some(key_file.clone()), ..Settings::default() };
    let state = server::startup::build_state(db_url, data_dir, options, settings).await?;
    server::demo::seed(&state).await?;
    server::demo::seed_tenders(&state).await?;
    let open_tender: String = sqlx::query_scalar("SELECT id FROM tenders WHERE title = $1")
        .bind(server::demo::DEMO_TENDER_OPEN)
        .fetch_one(&state.db.pool)
        .await?;
    let now = state.now_ms();
    let mut names = Vec::with_capacity(bidders);
    for i in 0..bidders {
        let org = format!("压力测试第{:04}社会工作服务中心", i + 1);
        let org_id = accounts::create_organisation(&state.db, Actor::Console, &org, OrgKind::Ngo, None, now).await?;
        let username = format!("rush-{:04}", i + 1);
        let new = NewUser {
            username: username.clone(),
            display_name: format!("社工{}", i + 1),
            role: Role::Bidder,
            org_id: Some(org_id),
            purchaser_id: None,
            password: RUSH_PASSWORD.into(),
        };
        accounts::create_user(&state.db, Actor::Console, &new, now).await?;
        names.push(username);
    }
    state.db.pool.close().await;
    Ok(Fixture { db_url: db_url.into(), data_dir: data_dir.into(), key_file, open_tender, bidders: names })
}

/// A fresh database for one run: a SQLite file in `dir`, or a new database on the PostgreSQL
/// server that `admin_url` reaches.
pub async fn fresh_database(dir: &Path, postgres_admin_url: Option<&str>) -> anyhow::Result<String> {
    use sqlx::Connection;
    match postgres_admin_url {
        None => Ok(format!("sqlite://{}/caiping.db", dir.display())),
        Some(admin) => {
            let name = format!("caiping_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(admin).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await?;
            let (base, _) = admin.rsplit_once('/').ok_or_else(|| anyhow::anyhow!("the URL ends with /database"))?;
            let params = admin.split_once('?').map(|(_, p)| format!("?{p}")).unwrap_or_default();
            Ok(format!("{base}/{name}{params}"))
        }
    }
}

/// The regions generated tenders are spread over, so the region filter has something to do.
const SCALE_REGIONS: &[&str] =
    &["苏州市", "深圳市", "东莞市", "郑州市", "济南市", "青岛市", "南京市", "无锡市", "洛阳市", "佛山市"];

/// Scale: `tenders` more published notices (copies of the demo's open tender, each with its own
/// id, number, title, region and publication time, a third of them opened) and `bids_per` bids
/// on each from the rush bidders, inserted in bulk. Returns a word that occurs in one title and
/// a board cursor half-way down.
pub async fn scale(db_url: &str, source: &str, tenders: usize, bids_per: usize) -> anyhow::Result<(String, String)> {
    let db = app::server::db::Db::connect(db_url).await?;
    let bidders: Vec<(String, String)> =
        sqlx::query_as("SELECT id, org_id FROM users WHERE username LIKE 'rush-%' ORDER BY username")
            .fetch_all(&db.pool)
            .await?;
    anyhow::ensure!(bidders.len() >= bids_per, "--scale-bids needs as many rush bidders ({})", bidders.len());
    let now = chrono::Utc::now().timestamp_millis();
    let buyer: String =
        sqlx::query_scalar("SELECT buyer FROM tenders WHERE id = $1").bind(source).fetch_one(&db.pool).await?;
    let mut terms: Vec<(String, String)> = Vec::new();
    let mut tx = db.pool.begin().await?;
    for chunk_start in (0..tenders).step_by(1_000) {
        for i in chunk_start..(chunk_start + 1_000).min(tenders) {
            let region = SCALE_REGIONS[i % SCALE_REGIONS.len()];
            let id = uuid::Uuid::new_v4().simple().to_string();
            let status = if i % 3 == 0 { "opened" } else { "published" };
            let title = format!("{region}第{i:06}号社区服务项目（规模测试）");
            let number = format!("S-{i:08}");
            sqlx::query(
                "INSERT INTO tenders (id, title, buyer, template_id, method, budget_fen, price_weight_centi, bid_deadline, \
                 opening_at, status, created_by, created_at, published_at, spec_json, version, clarify_until, sealing_key, \
                 purchaser_id, project_no, region) \
                 SELECT $1, $2, buyer, template_id, method, budget_fen, price_weight_centi, bid_deadline, opening_at, $3, \
                 created_by, $4, $5, spec_json, version, clarify_until, sealing_key, purchaser_id, $6, $7 \
                 FROM tenders WHERE id = $8",
            )
            .bind(&id)
            .bind(&title)
            .bind(status)
            // Drafted a day before publication, as officers do.
            .bind(now - 1_000 * (tenders - i) as i64 - 86_400_000)
            .bind(now - 1_000 * (tenders - i) as i64)
            .bind(&number)
            .bind(region)
            .bind(source)
            .execute(&mut *tx)
            .await?;
            // Into the board's search index, with the bigrams the application writes with a
            // tender (app::tenders::search::terms), many tenders to a statement.
            for term in app::tenders::search::terms([title.as_str(), buyer.as_str(), number.as_str(), region]) {
                terms.push((term, id.clone()));
            }
            if terms.len() >= 2_000 {
                insert_terms(&mut tx, &mut terms).await?;
            }
            // Bids in statements of up to 100 rows.
            for batch in bidders[..bids_per].chunks(100) {
                let mut sql = String::from(
                    "INSERT INTO bids (id, tender_id, org_id, price_fen, file_sha256, file_name, file_size, submitted_by, submitted_at) VALUES ",
                );
                for (n, _) in batch.iter().enumerate() {
                    let b = n * 5;
                    if n > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!(
                        "(${}, '{id}', ${}, 29000000, ${}, 'proposal.pdf', 1024, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5
                    ));
                }
                let mut q = sqlx::query(&sql);
                for (user, org) in batch {
                    q = q
                        .bind(uuid::Uuid::new_v4().simple().to_string())
                        .bind(org.as_str())
                        .bind("0".repeat(64))
                        .bind(user.as_str())
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
        }
    }
    insert_terms(&mut tx, &mut terms).await?;
    tx.commit().await?;
    // The tables as a running installation has them: statistics (PostgreSQL's autovacuum,
    // SQLite's `PRAGMA optimize`), so the planner knows the tables are large, and on PostgreSQL
    // the visibility map autovacuum sets after bulk inserts, without which an index-only scan
    // (the search's bigram counts) reads every row's heap page as well.
    let tidy = match db.backend {
        app::server::db::Backend::Postgres => "VACUUM ANALYZE",
        app::server::db::Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(tidy).execute(&db.pool).await?;
    db.pool.close().await;
    Ok((format!("第{:06}号", tenders / 2), format!("{}.0", now - 1_000 * (tenders / 2) as i64)))
}

/// Writes and empties `terms` (`(term, tender id)`) with the application's own writer.
async fn insert_terms(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    terms: &mut Vec<(String, String)>,
) -> anyhow::Result<()> {
    app::tenders::server::insert_terms(tx, terms).await?;
    terms.clear();
    Ok(())
}
