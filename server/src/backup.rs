//! `caiping backup` and `caiping restore`: every table (as portable rows, so a SQLite backup
//! restores into PostgreSQL and back) and every stored file a row names, in one zip with a
//! manifest of counts and hashes. The master key is never in it: sealed bids in a stolen
//! backup stay sealed, and a restore needs the key kept apart.

use anyhow::{bail, ensure, Context, Result};
use app::server::db::{Backend, Db};
use app::server::sealing::Sealer;
use app::server::storage::Storage;
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Any, AnyConnection, Row, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

const FORMAT: &str = "caiping-backup";
const FORMAT_VERSION: u32 = 1;
const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The newest migration applied to the source database; a restore needs the same.
    pub schema_version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub source_backend: String,
    pub tables: Vec<TableEntry>,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
    /// SHA-256 of the table's entry (`tables/<name>.jsonl`, one JSON array per row).
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// The schema holds only these two column types (see `app::server::db`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Text,
    Bigint,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub sha256: String,
    pub size: u64,
}

/// Writes a backup of `db` and the files its rows name to `out`, read from one consistent
/// snapshot. The zip is written beside `out` under a temporary name and renamed when complete,
/// so an interrupted backup never leaves a file that looks whole.
pub async fn create(db: &Db, storage: &Storage, out: &Path) -> Result<Manifest> {
    let partial = out.with_extension("partial");
    let result = write_zip(db, storage, &partial).await;
    match result {
        Ok(manifest) => {
            std::fs::rename(&partial, out).with_context(|| format!("renaming the backup to {}", out.display()))?;
            Ok(manifest)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

async fn write_zip(db: &Db, storage: &Storage, path: &Path) -> Result<Manifest> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let mut tx = db.pool.begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
    }
    let schema_version = schema_version(&mut tx).await?;
    let mut tables = Vec::new();
    for name in table_names(&mut tx, db.backend).await? {
        let columns = columns(&mut tx, db.backend, &name).await?;
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).large_file(true);
        zip.start_file(format!("tables/{name}.jsonl"), options)?;
        let mut hasher = Sha256::new();
        let mut rows = 0u64;
        let select = format!("SELECT {} FROM \"{name}\"", column_list(&columns));
        let mut stream = sqlx::query(&select).fetch(&mut *tx);
        while let Some(row) = stream.try_next().await? {
            let values = columns
                .iter()
                .enumerate()
                .map(|(i, c)| -> Result<Value> {
                    Ok(match c.kind {
                        Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::String),
                        Kind::Bigint => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let mut line = serde_json::to_vec(&values)?;
            line.push(b'\n');
            hasher.update(&line);
            zip.write_all(&line)?;
            rows += 1;
        }
        drop(stream);
        tables.push(TableEntry { name, columns, rows, sha256: hex::encode(hasher.finalize()) });
    }
    let referenced = referenced_files(&mut tx).await?;
    tx.commit().await?;

    let mut files = Vec::new();
    for sha256 in referenced {
        let Ok(source) = storage.path_of(&sha256) else { continue };
        // A bid row of the first schema names its plain hash, not a stored file.
        let Ok(mut src) = std::fs::File::open(&source) else { continue };
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored).large_file(true);
        zip.start_file(format!("files/{sha256}"), options)?;
        let size = std::io::copy(&mut src, &mut zip)?;
        files.push(FileEntry { sha256, size });
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version,
        created_at: chrono::Utc::now(),
        source_backend: db.backend.as_str().into(),
        tables,
        files,
    };
    zip.start_file(MANIFEST, SimpleFileOptions::default())?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest)?)?;
    let file = zip.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(manifest)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub rows: u64,
    pub files: usize,
}

/// Restores the backup at `from` into `db` (migrated to the backup's schema and holding no
/// accounts or tenders) and `storage`. Refuses before writing anything if the backup is
/// damaged, from another schema, or `sealer` does not hold the key its tenders were sealed with;
/// the rows land in one transaction, so a failed restore leaves the database as it was.
pub async fn restore(db: &Db, storage: &Storage, sealer: &Sealer, from: &Path) -> Result<Restored> {
    let file = std::fs::File::open(from).with_context(|| format!("opening {}", from.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).context("not a zip file")?;
    let manifest: Manifest =
        serde_json::from_reader(zip.by_name(MANIFEST).context("no manifest: not a caiping backup")?)
            .context("unreadable manifest")?;
    ensure!(manifest.format == FORMAT, "not a caiping backup (format {:?})", manifest.format);
    ensure!(manifest.format_version == FORMAT_VERSION, "backup format {} is not supported", manifest.format_version);

    let mut tx = db.begin_write().await?;
    let target_schema = schema_version(&mut tx).await?;
    ensure!(
        target_schema == manifest.schema_version,
        "the backup has schema {} and this database {}: restore with the caiping version that made the backup",
        manifest.schema_version,
        target_schema
    );
    for table in ["users", "tenders"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *tx).await?;
        ensure!(n == 0, "the target database already holds {table}: restore only into a new, empty database");
    }

    // Every table's rows, checked against the manifest before anything is written.
    let mut contents = BTreeMap::new();
    for entry in &manifest.tables {
        let mut bytes = Vec::new();
        zip.by_name(&format!("tables/{}.jsonl", entry.name))
            .with_context(|| format!("table {} missing from the backup", entry.name))?
            .read_to_end(&mut bytes)?;
        ensure!(hex::encode(Sha256::digest(&bytes)) == entry.sha256, "table {} is damaged (hash differs)", entry.name);
        let rows = bytes
            .as_slice()
            .lines()
            .map(|l| Ok(serde_json::from_str::<Vec<Value>>(&l?)?))
            .collect::<Result<Vec<_>>>()
            .with_context(|| format!("table {} is unreadable", entry.name))?;
        ensure!(
            rows.len() as u64 == entry.rows,
            "table {} has {} rows, the manifest {}",
            entry.name,
            rows.len(),
            entry.rows
        );
        ensure!(
            rows.iter().all(|r| r.len() == entry.columns.len()),
            "table {} has rows of the wrong width",
            entry.name
        );
        contents.insert(entry.name.clone(), (entry, rows));
    }
    check_key(sealer, &contents)?;

    let target_tables = table_names(&mut tx, db.backend).await?;
    let backup_tables: BTreeSet<&str> = contents.keys().map(String::as_str).collect();
    ensure!(
        target_tables.iter().map(String::as_str).collect::<BTreeSet<_>>() == backup_tables,
        "the backup's tables differ from this database's"
    );
    let mut target_columns = BTreeMap::new();
    let mut keys = BTreeMap::new();
    for name in &target_tables {
        let cols = columns(&mut tx, db.backend, name).await?;
        let (entry, _) = &contents[name];
        let mut mine: Vec<_> = cols.clone();
        let mut theirs = entry.columns.clone();
        mine.sort_by(|a, b| a.name.cmp(&b.name));
        theirs.sort_by(|a, b| a.name.cmp(&b.name));
        ensure!(mine == theirs, "table {name}: the backup's columns differ from this database's");
        target_columns.insert(name.clone(), cols);
        keys.insert(name.clone(), foreign_keys(&mut tx, db.backend, name).await?);
    }

    // Files first: content-addressed, so a restore that fails later leaves only files that
    // nothing names, which storage collection removes.
    let mut files = 0;
    for f in &manifest.files {
        let tmp = storage.temp_path();
        {
            let mut src =
                zip.by_name(&format!("files/{}", f.sha256)).with_context(|| format!("file {} missing", f.sha256))?;
            let mut dst = std::fs::File::create(&tmp)?;
            std::io::copy(&mut src, &mut dst)?;
        }
        let stored = storage.adopt(&tmp)?;
        ensure!(stored.sha256 == f.sha256 && stored.size == f.size, "file {} is damaged (hash differs)", f.sha256);
        files += 1;
    }

    let order = dependency_order(&target_tables, &keys)?;
    // Migrations seed a few rows (the genesis of the audit chain, the national unit); the
    // backup carries its own copies of them.
    for name in order.iter().rev() {
        sqlx::query(&format!("DELETE FROM \"{name}\"")).execute(&mut *tx).await?;
    }
    let mut total = 0u64;
    for name in &order {
        let (entry, rows) = &contents[name];
        let rows = parents_first(name, entry, rows, &keys[name]);
        let insert = format!(
            "INSERT INTO \"{name}\" ({}) VALUES ({})",
            column_list(&entry.columns),
            (1..=entry.columns.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
        );
        for row in rows {
            let mut q = sqlx::query(&insert);
            for (col, value) in entry.columns.iter().zip(row) {
                q = match (col.kind, value) {
                    (_, Value::Null) if col.kind == Kind::Text => q.bind(None::<String>),
                    (_, Value::Null) => q.bind(None::<i64>),
                    (Kind::Text, Value::String(s)) => q.bind(s.clone()),
                    (Kind::Bigint, Value::Number(n)) if n.is_i64() => q.bind(n.as_i64()),
                    (_, other) => bail!("table {name}, column {}: unexpected value {other}", col.name),
                };
            }
            q.execute(&mut *tx).await.with_context(|| format!("restoring a row of {name}"))?;
            total += 1;
        }
    }
    tx.commit().await?;
    Ok(Restored { manifest, rows: total, files })
}

/// The key must unwrap every tender key in the backup, or no bid in it could ever be opened.
fn check_key(sealer: &Sealer, contents: &BTreeMap<String, (&TableEntry, Vec<Vec<Value>>)>) -> Result<()> {
    let Some((entry, rows)) = contents.get("tenders") else { bail!("the backup has no tenders table") };
    let at = |name: &str| entry.columns.iter().position(|c| c.name == name);
    let (Some(id), Some(key)) = (at("id"), at("sealing_key")) else { bail!("the backup's tenders lack their keys") };
    for row in rows {
        if let (Value::String(id), Value::String(wrapped)) = (&row[id], &row[key]) {
            if sealer.unwrap(id, wrapped).is_err() {
                bail!(
                    "the master key does not open this backup's sealed bids: pass the key file kept with \
                     the installation (--master-key-file); backups never contain it"
                );
            }
        }
    }
    Ok(())
}

async fn schema_version(tx: &mut Transaction<'_, Any>) -> Result<i64> {
    let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&mut **tx).await?;
    v.context("the database has no migrations applied")
}

async fn table_names(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> '_sqlx_migrations' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY table_name"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(conn).await?)
}

async fn columns(conn: &mut AnyConnection, backend: Backend, table: &str) -> Result<Vec<Column>> {
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> = sqlx::query_as(sql).bind(table).fetch_all(conn).await?;
    rows.into_iter()
        .map(|(name, ty)| {
            let kind = match ty.to_ascii_lowercase().as_str() {
                "text" => Kind::Text,
                "bigint" | "integer" => Kind::Bigint,
                other => bail!("table {table}, column {name}: type {other} is outside the portable schema"),
            };
            Ok(Column { name, kind })
        })
        .collect()
}

/// One foreign key: (column, referenced table, referenced column).
type ForeignKey = (String, String, String);

async fn foreign_keys(conn: &mut AnyConnection, backend: Backend, table: &str) -> Result<Vec<ForeignKey>> {
    let sql = match backend {
        Backend::Sqlite => "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list($1)",
        Backend::Postgres => {
            "SELECT CAST(kcu.column_name AS TEXT), CAST(ccu.table_name AS TEXT), CAST(ccu.column_name AS TEXT) \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu \
               ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema \
             JOIN information_schema.constraint_column_usage ccu \
               ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1"
        }
    };
    Ok(sqlx::query_as(sql).bind(table).fetch_all(conn).await?)
}

/// Tables ordered so that each comes after the tables it references.
fn dependency_order(tables: &[String], keys: &BTreeMap<String, Vec<ForeignKey>>) -> Result<Vec<String>> {
    let mut done: Vec<String> = Vec::new();
    let mut left: BTreeSet<&String> = tables.iter().collect();
    while !left.is_empty() {
        let ready: Vec<&String> = left
            .iter()
            .copied()
            .filter(|t| keys[*t].iter().all(|(_, r, _)| r == *t || done.contains(r) || !left.contains(r)))
            .collect();
        ensure!(!ready.is_empty(), "the tables' foreign keys form a cycle: {left:?}");
        for t in ready {
            left.remove(t);
            done.push(t.clone());
        }
    }
    Ok(done)
}

/// A table's rows with every row a self-reference names placed before the row naming it.
fn parents_first<'a>(
    table: &str,
    entry: &TableEntry,
    rows: &'a [Vec<Value>],
    keys: &[ForeignKey],
) -> Vec<&'a Vec<Value>> {
    let at = |name: &str| entry.columns.iter().position(|c| c.name == name);
    let selfs: Vec<(usize, usize)> =
        keys.iter().filter(|(_, r, _)| r == table).filter_map(|(c, _, rc)| Some((at(c)?, at(rc)?))).collect();
    if selfs.is_empty() {
        return rows.iter().collect();
    }
    let mut placed: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut left: Vec<&Vec<Value>> = rows.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|row| {
            let ready = selfs.iter().all(|(c, rc)| match &row[*c] {
                Value::Null => true,
                v => placed.contains(&(*rc, v.to_string())),
            });
            if ready {
                for (_, rc) in &selfs {
                    placed.insert((*rc, row[*rc].to_string()));
                }
                out.push(*row);
            }
            !ready
        });
        if left.len() == before {
            // A reference to a row that is not in the backup: let the database refuse it.
            out.append(&mut left);
        }
    }
    out
}

fn column_list(columns: &[Column]) -> String {
    columns.iter().map(|c| format!("\"{}\"", c.name)).collect::<Vec<_>>().join(", ")
}

/// The stored files the snapshot's rows name (the same set storage collection keeps).
async fn referenced_files(tx: &mut Transaction<'_, Any>) -> Result<BTreeSet<String>> {
    let mut all = BTreeSet::new();
    for sql in crate::blobs::REFERENCES {
        let hashes: Vec<String> = sqlx::query_scalar(sql).fetch_all(&mut **tx).await?;
        all.extend(hashes);
    }
    Ok(all)
}

/// The default name of a backup made now: `caiping-backup-20261202T142530Z.zip`.
pub fn default_name(now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    PathBuf::from(format!("caiping-backup-{}.zip", now.format("%Y%m%dT%H%M%SZ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fk(col: &str, table: &str) -> ForeignKey {
        (col.into(), table.into(), "id".into())
    }

    #[test]
    fn tables_come_after_the_tables_they_reference() {
        let tables: Vec<String> = ["bids", "purchasers", "tenders", "users"].map(String::from).to_vec();
        let keys = BTreeMap::from([
            ("bids".to_string(), vec![fk("tender_id", "tenders"), fk("submitted_by", "users")]),
            ("purchasers".to_string(), vec![fk("parent_id", "purchasers")]),
            ("tenders".to_string(), vec![fk("created_by", "users"), fk("purchaser_id", "purchasers")]),
            ("users".to_string(), vec![fk("purchaser_id", "purchasers")]),
        ]);
        assert_eq!(dependency_order(&tables, &keys).unwrap(), ["purchasers", "users", "tenders", "bids"]);
        let cyclic =
            BTreeMap::from([("a".to_string(), vec![fk("b_id", "b")]), ("b".to_string(), vec![fk("a_id", "a")])]);
        assert!(dependency_order(&["a".to_string(), "b".to_string()], &cyclic).is_err());
    }

    #[test]
    fn a_parent_row_precedes_its_children() {
        let entry = TableEntry {
            name: "purchasers".into(),
            columns: vec![
                Column { name: "id".into(), kind: Kind::Text },
                Column { name: "parent_id".into(), kind: Kind::Text },
            ],
            rows: 4,
            sha256: String::new(),
        };
        let rows = vec![
            vec![json!("street"), json!("district")],
            vec![json!("district"), json!("city")],
            vec![json!("city"), json!("province")],
            vec![json!("province"), Value::Null],
        ];
        let ordered = parents_first("purchasers", &entry, &rows, &[fk("parent_id", "purchasers")]);
        let ids: Vec<&str> = ordered.iter().map(|r| r[0].as_str().unwrap()).collect();
        assert_eq!(ids, ["province", "city", "district", "street"]);
        // A parent missing from the backup: the row still goes in, for the database to refuse.
        let orphan = vec![vec![json!("x"), json!("missing")]];
        assert_eq!(parents_first("purchasers", &entry, &orphan, &[fk("parent_id", "purchasers")]).len(), 1);
    }
}
