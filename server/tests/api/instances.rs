//! Several instances on one database and one shared data directory, as a provincial platform
//! scales out on PostgreSQL: they start together (an upgrade rebuilding the search index), share
//! sessions, sealed files and the audit chain, and what one stores the other serves.

use super::*;
use app::server::state::Settings;
use support::{fresh_database_url, serve_database, temp_dir};

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.state.db.pool).await.unwrap()
}

#[tokio::test]
async fn two_instances_on_one_database_serve_together() {
    for backend in backends() {
        let db_url = fresh_database_url(backend).await;
        let data = temp_dir();
        let key = temp_dir().join("master.key");
        let settings = || Settings { test_mode: true, master_key_file: Some(key.clone()), ..Settings::default() };
        let first = serve_database(&db_url, &data, settings()).await;
        server::demo::seed(&first.state).await.expect("demo data");
        server::demo::seed_tenders(&first.state).await.expect("demo tenders");

        // An upgrade that empties the search index (as migration 027 did): the instances started
        // with it both fill it, over the same tenders at the same time.
        let terms = count(&first, "SELECT CAST(COUNT(*) AS BIGINT) FROM tender_terms").await;
        assert!(terms > 0, "{backend:?}");
        sqlx::query("DELETE FROM tender_terms").execute(&first.state.db.pool).await.unwrap();
        let (a, b) =
            tokio::join!(serve_database(&db_url, &data, settings()), serve_database(&db_url, &data, settings()));
        assert_eq!(
            count(&a, "SELECT CAST(COUNT(*) AS BIGINT) FROM tender_terms").await,
            terms,
            "{backend:?}: the index is whole"
        );
        let search: Value =
            b.anon().get(format!("{}/api/v1/tenders?q=苏州", b.base)).send().await.unwrap().json().await.unwrap();
        assert!(!search["rows"].as_array().unwrap().is_empty(), "{backend:?}: {search}");

        // A session made on one instance is honoured by the other, and ended on both by one.
        let officer = a.signed_in(Role::Officer).await;
        let me = officer.get(format!("{}/api/v1/me", b.base)).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK, "{backend:?}");
        let id = flow::create_published(&a, &officer, 21).await;

        // Bids sealed by either instance; the officer opens them on the other and reads each
        // proposal as uploaded (one master key, one file store).
        let mut sent = Vec::new();
        for (n, (bidder, via)) in [("ngo-yangguang", &b), ("ngo-yimin", &a), ("ngo-hexie", &b)].into_iter().enumerate()
        {
            let client = via.sign_in_as(bidder, server::demo::DEMO_PASSWORD).await;
            let marker = format!("proposal {n} via {}", via.base);
            let res = flow::upload(via, &client, &id, &[(0, "290000")], flow::pdf(&marker), flow::pdf("q")).await;
            assert_eq!(res.status(), StatusCode::CREATED, "{backend:?}: {}", res.text().await.unwrap());
            let receipt: Value = res.json().await.unwrap();
            sent.push((receipt["bid_id"].as_str().unwrap().to_string(), marker));
        }
        let public: Value = flow::sf(&a, &a.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        let to_deadline = public["spec"]["bid_deadline_ms"].as_i64().unwrap() - a.state.now_ms();
        for app in [&first, &a, &b] {
            flow::advance(app, to_deadline);
        }
        let officer = b.signed_in(Role::Officer).await;
        assert_eq!(flow::sf(&b, &officer, "open_bids", &[("id", &id)]).await.status(), StatusCode::OK, "{backend:?}");
        for (bid, marker) in &sent {
            let res =
                officer.get(format!("{}/api/v1/tenders/{id}/bids/{bid}/files/technical", a.base)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{backend:?}: bid {bid}");
            let bytes = res.bytes().await.unwrap();
            assert!(String::from_utf8_lossy(&bytes).contains(marker.as_str()), "{backend:?}: bid {bid}");
        }

        // Signed out on one instance: refused on the other.
        let out = officer.delete(format!("{}/api/v1/session", a.base)).send().await.unwrap();
        assert!(out.status().is_success(), "{backend:?}: {}", out.status());
        let me = officer.get(format!("{}/api/v1/me", b.base)).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "{backend:?}");

        // Every instance appended to one audit chain.
        let report = app::server::audit::verify(&b.state.db).await.unwrap();
        assert_eq!(report.first_break, None, "{backend:?}");
        assert_eq!(report.entries, count(&b, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").await, "{backend:?}");
    }
}
