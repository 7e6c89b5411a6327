//! `caiping backup` / `caiping restore`: a backup restored into an empty directory (and from
//! SQLite into PostgreSQL) serves the same tenders, the same decryptable bids and the same
//! audit chain; damaged backups, a wrong key and a non-empty target are refused untouched.

use super::*;
use app::server::sealing::Sealer;
use app::server::state::Settings;
use app::server::storage::Storage;
use support::{fresh_database_url, serve_database, temp_dir};

/// What a client sees of the demo data with one tender opened: the public list, the opened
/// tender's review rows (computed from the decrypted bids) and one bid's decrypted document.
async fn observe(app: &TestApp, opened: &str) -> (Value, Value, Vec<u8>) {
    let officer = app.signed_in(Role::Officer).await;
    let public: Value = flow::sf(app, &app.anon(), "public_tenders", &[]).await.json().await.unwrap();
    let review: Value = flow::sf(app, &officer, "review_rows", &[("id", opened)]).await.json().await.unwrap();
    let bid_id: String = sqlx::query_scalar("SELECT id FROM bids WHERE tender_id = $1 ORDER BY id")
        .bind(opened)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
        .remove(0);
    let res = officer
        .get(format!("{}/api/v1/tenders/{opened}/bids/{bid_id}/files/technical", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the restored bid decrypts");
    (public, review, res.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_restores_into_an_empty_directory_on_either_backend() {
    for source in backends() {
        let app = spawn_app(source, false).await;
        server::demo::seed_tenders(&app.state).await.unwrap();
        let opened: String = sqlx::query_scalar("SELECT id FROM tenders WHERE title = $1")
            .bind(server::demo::DEMO_TENDER_TO_OPEN)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let officer = app.signed_in(Role::Officer).await;
        assert_eq!(flow::sf(&app, &officer, "open_bids", &[("id", &opened)]).await.status(), StatusCode::OK);
        let before = observe(&app, &opened).await;
        let chain = app::server::audit::verify(&app.state.db).await.unwrap();

        let zip = temp_dir().join("backup.zip");
        let manifest = server::backup::create(&app.state.db, &app.state.storage, &zip).await.unwrap();
        assert!(!manifest.files.is_empty(), "the sealed bid files are in the backup");
        let key_file = app.state.settings.master_key_file.clone().unwrap();
        let key_text = std::fs::read_to_string(&key_file).unwrap();
        let names = zip_names(&zip);
        assert!(names.iter().all(|n| !n.contains("key")), "no key in the backup: {names:?}");
        let everything = std::fs::read(&zip).unwrap();
        assert!(
            !everything.windows(key_text.trim().len()).any(|w| w == key_text.trim().as_bytes()),
            "the key's text is nowhere in the backup"
        );

        for target in backends() {
            let url = fresh_database_url(target).await;
            let data = temp_dir();
            let db = app::server::db::Db::connect(&url).await.unwrap();
            db.migrate().await.unwrap();
            let storage = Storage::new(data.join("files")).unwrap();

            let stranger = Sealer::load_or_create(&temp_dir().join("other.key")).unwrap();
            let refused = server::backup::restore(&db, &storage, &stranger, &zip).await.unwrap_err();
            assert!(format!("{refused:#}").contains("master key"), "{refused:#}");
            let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await.unwrap();
            assert_eq!(users, 0, "a refused restore writes nothing");

            let sealer = Sealer::load_or_create(&key_file).unwrap();
            let restored = server::backup::restore(&db, &storage, &sealer, &zip).await.unwrap();
            assert_eq!(restored.rows, manifest.tables.iter().map(|t| t.rows).sum::<u64>());
            let again = server::backup::restore(&db, &storage, &sealer, &zip).await.unwrap_err();
            assert!(format!("{again:#}").contains("empty database"), "{again:#}");
            let copied = app::server::audit::verify(&db).await.unwrap();
            assert!(copied.first_break.is_none(), "{:?}", copied.first_break);
            assert_eq!((copied.entries, copied.head_hash), (chain.entries, chain.head_hash.clone()), "the same chain");
            db.pool.close().await;

            let settings = Settings { master_key_file: Some(key_file.clone()), ..Settings::default() };
            let copy = serve_database(&url, &data, settings).await;
            let after = observe(&copy, &opened).await;
            assert_eq!(after, before, "{} → {}: the restored instance serves the same", source.name(), target.name());
            let continued = app::server::audit::verify(&copy.state.db).await.unwrap();
            assert!(continued.first_break.is_none(), "the restored chain goes on: {:?}", continued.first_break);
        }
    }
}

#[tokio::test]
async fn a_damaged_or_foreign_backup_is_refused() {
    let app = spawn_app(support::Backend::Sqlite, false).await;
    server::demo::seed_tenders(&app.state).await.unwrap();
    let zip = temp_dir().join("backup.zip");
    server::backup::create(&app.state.db, &app.state.storage, &zip).await.unwrap();
    let sealer = Sealer::load_or_create(app.state.settings.master_key_file.as_ref().unwrap()).unwrap();
    let empty = || async {
        let url = fresh_database_url(support::Backend::Sqlite).await;
        let db = app::server::db::Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        (db, Storage::new(temp_dir().join("files")).unwrap())
    };

    // A table rewritten (with a valid zip around it) no longer matches the manifest's hash.
    let tampered = temp_dir().join("tampered.zip");
    rewrite_zip(&zip, &tampered, |name, bytes| {
        if name == "tables/tenders.jsonl" {
            let text = String::from_utf8(bytes).unwrap().replacen("苏州", "杭州", 1);
            text.into_bytes()
        } else {
            bytes
        }
    });
    let (db, storage) = empty().await;
    let err = server::backup::restore(&db, &storage, &sealer, &tampered).await.unwrap_err();
    assert!(format!("{err:#}").contains("damaged"), "{err:#}");
    let tenders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenders").fetch_one(&db.pool).await.unwrap();
    assert_eq!(tenders, 0);

    // Any other zip is not a backup.
    let other = temp_dir().join("other.zip");
    rewrite_zip(&zip, &other, |name, bytes| if name == "manifest.json" { b"{}".to_vec() } else { bytes });
    let err = server::backup::restore(&db, &storage, &sealer, &other).await.unwrap_err();
    assert!(format!("{err:#}").contains("manifest"), "{err:#}");
}

fn zip_names(path: &std::path::Path) -> Vec<String> {
    let archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    archive.file_names().map(|n| n.unwrap().into_owned()).collect()
}

fn rewrite_zip(from: &std::path::Path, to: &std::path::Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&edit(&name, bytes)).unwrap();
    }
    out.finish().unwrap();
}
