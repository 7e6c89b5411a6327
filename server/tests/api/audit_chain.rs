//! The audit log as a hash chain: intact after concurrent writers, and `caiping audit verify`
//! finds the first row edited, removed or slipped in through the database itself.

use super::*;
use app::server::audit::{self, BreakReason};
use std::process::Command;

/// `caiping audit verify` on the test's database: (exit code, stdout).
fn verify_cli(app: &TestApp) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_caiping"))
        .args(["--database-url", &app.db_url, "--data-dir", support::temp_dir().to_str().unwrap(), "audit", "verify"])
        .env("RUST_LOG", "error")
        .output()
        .expect("run caiping audit verify");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn exec(app: &TestApp, sql: &str) {
    sqlx::query(sql).execute(&app.state.db.pool).await.unwrap();
}

#[tokio::test]
async fn concurrent_writers_keep_one_chain_and_verify_finds_each_kind_of_tampering() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        // Sign-ins from several clients at once: each appends an entry.
        let users =
            ["officer", "auditor", "admin", "ngo-yangguang", "ngo-yimin", "expert-zhou", "expert-wu", "officer-sz"];
        futures::future::join_all(users.iter().map(|u| app.sign_in_as(u, server::demo::DEMO_PASSWORD))).await;
        let report = audit::verify(&app.state.db).await.unwrap();
        assert_eq!(report.first_break, None, "{backend:?}");
        let (rows,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(report.entries, rows, "{backend:?}: every entry is on the chain");
        let (code, out) = verify_cli(&app);
        assert_eq!(code, 0, "{backend:?}: {out}");
        assert!(out.contains(&format!("audit chain intact: {rows} entries")), "{backend:?}: {out}");

        // An edited row: found at its own position, and the command exits 1.
        exec(&app, "UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 3").await;
        let b = audit::verify(&app.state.db).await.unwrap().first_break.expect("edit found");
        assert_eq!((b.seq, b.reason), (3, BreakReason::Content), "{backend:?}");
        let (code, out) = verify_cli(&app);
        assert_eq!(code, 1, "{backend:?}: {out}");
        assert!(out.contains("BROKEN at entry 3"), "{backend:?}: {out}");

        // Re-hashing the edited row does not help: the next row names the old hash.
        let entry: audit::Entry = sqlx::query_as(
            "SELECT id, at, actor_id, actor_label, action, entity, entity_id, before_json, after_json \
             FROM audit_log WHERE seq = 3",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let prev: String = sqlx::query_scalar("SELECT prev_hash FROM audit_log WHERE seq = 3")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let forged = entry.chain_hash(3, &prev);
        sqlx::query("UPDATE audit_log SET hash = $1 WHERE seq = 3")
            .bind(&forged)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let b = audit::verify(&app.state.db).await.unwrap().first_break.expect("forgery found");
        assert_eq!((b.seq, b.reason), (4, BreakReason::PreviousHash), "{backend:?}");

        // A removed row leaves a gap; a removed tail no longer reaches the head.
        let app = spawn_app(backend, false).await;
        app.sign_in_as("officer", server::demo::DEMO_PASSWORD).await;
        exec(&app, "DELETE FROM audit_log WHERE seq = 2").await;
        let b = audit::verify(&app.state.db).await.unwrap().first_break.expect("removal found");
        assert_eq!((b.seq, b.reason), (2, BreakReason::Missing), "{backend:?}");

        let app = spawn_app(backend, false).await;
        app.sign_in_as("officer", server::demo::DEMO_PASSWORD).await;
        exec(&app, "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)").await;
        let b = audit::verify(&app.state.db).await.unwrap().first_break.expect("truncation found");
        assert_eq!(b.reason, BreakReason::Truncated, "{backend:?}");

        // A row slipped in outside the application is off the chain, and a restart does not
        // adopt it (only the entries from before the chain existed were chained, once).
        let app = spawn_app(backend, false).await;
        exec(
            &app,
            "INSERT INTO audit_log (id, at, actor_label, action, entity, entity_id) \
             VALUES ('forged', 0, 'admin (admin)', 'tender.award', 'tender', 't')",
        )
        .await;
        assert_eq!(audit::chain_legacy(&app.state.db).await.unwrap(), 0, "{backend:?}");
        let b = audit::verify(&app.state.db).await.unwrap().first_break.expect("insertion found");
        assert_eq!((b.entry_id.as_deref(), b.reason), (Some("forged"), BreakReason::Unchained), "{backend:?}");
    }
}

#[tokio::test]
async fn entries_from_before_the_chain_are_chained_once_in_their_order() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        // The database as the previous release left it: entries without a chain.
        exec(&app, "UPDATE audit_log SET seq = NULL, prev_hash = NULL, hash = NULL").await;
        sqlx::query("UPDATE audit_head SET seq = 0, hash = $1, legacy_chained = 0")
            .bind(audit::GENESIS)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let (rows,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log").fetch_one(&app.state.db.pool).await.unwrap();
        assert!(rows > 0);
        assert_eq!(audit::chain_legacy(&app.state.db).await.unwrap(), rows as u64, "{backend:?}");
        assert_eq!(audit::chain_legacy(&app.state.db).await.unwrap(), 0, "{backend:?}: once only");
        let report = audit::verify(&app.state.db).await.unwrap();
        assert_eq!((report.entries, report.first_break), (rows, None), "{backend:?}");
        // New entries continue the same chain.
        app.sign_in_as("officer", server::demo::DEMO_PASSWORD).await;
        let report = audit::verify(&app.state.db).await.unwrap();
        assert_eq!((report.entries, report.first_break), (rows + 1, None), "{backend:?}");
    }
}
