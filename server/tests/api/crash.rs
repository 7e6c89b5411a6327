//! kill -9 in the middle of 100 concurrent uploads: every acknowledged bid survives whole (its
//! documents decrypt to the bytes uploaded), no bid is half-saved, and once storage collection
//! runs no stored file is left that no bid names.

use super::*;
use app::accounts::{server as accounts, NewUser, OrgKind};
use app::server::audit::Actor;
use app::server::state::Settings;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use support::{fresh_database_url, serve_database, temp_dir, ServerProcess};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIDDERS: usize = 100;
/// Acknowledgements to wait for before the kill; the rest are in flight or not yet sent.
const KILL_AFTER: usize = 40;

/// One bid as raw HTTP/1.1 over TCP, its body written in chunks with pauses, so uploads are
/// still streaming when the process dies. Returns the receipt if the server acknowledged it.
async fn upload(base: &str, tender: &str, token: &str, technical: &[u8], pause_ms: u64) -> Option<Value> {
    let boundary = "caiping-crash-boundary";
    let mut body = Vec::new();
    for (name, value) in [("lot", "0"), ("price_0", "290000")] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, file, bytes) in
        [("technical", "方案.pdf", technical), ("qualification", "资格.pdf", &b"%PDF-1.7\n% q\n"[..])]
    {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let head = format!(
        "POST /api/v1/tenders/{tender}/bids HTTP/1.1\r\nHost: {addr}\r\nCookie: caiping_session={token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    for chunk in body.chunks(16 * 1024) {
        stream.write_all(chunk).await.ok()?;
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
    }
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.ok()?;
    let text = String::from_utf8_lossy(&response);
    if !text.starts_with("HTTP/1.1 201") {
        return None;
    }
    let json = text.split_once("\r\n\r\n")?.1;
    serde_json::from_str(json.trim()).ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_100_uploads_loses_no_acknowledged_bid() {
    for backend in backends() {
        let db_url = fresh_database_url(backend).await;
        let data = temp_dir();
        let key = temp_dir().join("master.key");
        let settings = Settings { master_key_file: Some(key.clone()), test_mode: true, ..Settings::default() };
        // In this process: the demo accounts, a tender taking bids, 100 NGOs signed in. The
        // uploads go to a separate `caiping` process on the same database and files.
        let app = serve_database(&db_url, &data, settings).await;
        server::demo::seed(&app.state).await.unwrap();
        let officer = app.signed_in(Role::Officer).await;
        let tender = flow::create_published(&app, &officer, 21).await;
        let now = app.state.now_ms();
        let mut tokens = Vec::new();
        for n in 0..BIDDERS {
            let name = format!("压力测试社会工作服务中心{n:03}");
            let org = accounts::create_organisation(&app.state.db, Actor::Console, &name, OrgKind::Ngo, None, now)
                .await
                .unwrap();
            let user = NewUser {
                username: format!("crash-{n:03}"),
                display_name: format!("投标人{n:03}"),
                role: Role::Bidder,
                org_id: Some(org),
                purchaser_id: None,
                password: "crash-test-password".into(),
            };
            let id = accounts::create_user(&app.state.db, Actor::Console, &user, now).await.unwrap();
            let (_, token) = app::server::sessions::open(&app.state.db, &id, now, 8).await.unwrap();
            tokens.push(token);
        }

        let key_flag = key.to_str().unwrap().to_string();
        let process = ServerProcess::start_with(&db_url, &data, &["--master-key-file", &key_flag]).await;
        let acked = Arc::new(AtomicUsize::new(0));
        let mut uploads = tokio::task::JoinSet::new();
        for (n, token) in tokens.into_iter().enumerate() {
            let (base, tender, acked) = (process.base.clone(), tender.clone(), acked.clone());
            // Each technical proposal unique, about 256 KB, sent in 16 chunks.
            let mut technical = format!("%PDF-1.7\n% bidder {n}\n").into_bytes();
            technical.extend((0..256 * 1024).map(|i| ((i * 31 + n * 7) % 251) as u8));
            let pause = (n % 10) as u64 * 15;
            uploads.spawn(async move {
                let receipt = upload(&base, &tender, &token, &technical, pause).await;
                if receipt.is_some() {
                    acked.fetch_add(1, Ordering::SeqCst);
                }
                (n, receipt, hex::encode(Sha256::digest(&technical)))
            });
        }
        let waited = tokio::time::timeout(Duration::from_secs(120), async {
            while acked.load(Ordering::SeqCst) < KILL_AFTER {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await;
        assert!(waited.is_ok(), "{} of {BIDDERS} acknowledged in two minutes", acked.load(Ordering::SeqCst));
        process.kill_9();
        let mut acknowledged = Vec::new();
        while let Some(done) = uploads.join_next().await {
            let (n, receipt, sha) = done.unwrap();
            if let Some(receipt) = receipt {
                acknowledged.push((n, receipt, sha));
            }
        }
        assert!(acknowledged.len() >= KILL_AFTER);
        assert!(acknowledged.len() < BIDDERS, "the kill came while uploads were still streaming");

        // Restarted on the same database and files.
        let restarted = ServerProcess::start_with(&db_url, &data, &["--master-key-file", &key_flag]).await;
        let health = reqwest::get(format!("{}/api/v1/health", restarted.base)).await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);

        // No bid half-saved: each has both documents, and each document is in storage.
        let bids: Vec<String> = sqlx::query_scalar("SELECT id FROM bids WHERE tender_id = $1")
            .bind(&tender)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
        for bid in &bids {
            let files: Vec<String> = sqlx::query_scalar("SELECT stored_sha256 FROM bid_files WHERE bid_id = $1")
                .bind(bid)
                .fetch_all(&app.state.db.pool)
                .await
                .unwrap();
            assert_eq!(files.len(), 2, "bid {bid} has both documents");
            for f in files {
                assert!(app.state.storage.exists(&f).await.unwrap(), "bid {bid}: stored file {f}");
            }
        }
        for (n, receipt, _) in &acknowledged {
            assert!(bids.contains(&receipt["bid_id"].as_str().unwrap().to_string()), "acknowledged bid {n} kept");
        }

        // Nothing stored that no bid names once collection runs (the grace period set aside:
        // nothing is uploading now).
        server::blobs::collect(&app.state, Duration::ZERO).await.unwrap();
        let referenced = server::blobs::referenced(&app.state).await.unwrap();
        for path in walk(app.state.storage.root()) {
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if path.parent().unwrap().ends_with("tmp") {
                continue; // spools of interrupted uploads: cleared at start-up after an hour
            }
            assert!(referenced.contains(&name), "orphan {}", path.display());
        }

        // After the opening every acknowledged proposal decrypts to the bytes uploaded.
        flow::advance(&app, 22 * 24 * 3_600_000);
        let officer = app.signed_in(Role::Officer).await; // the earlier session has expired by now
        assert_eq!(flow::sf(&app, &officer, "open_bids", &[("id", &tender)]).await.status(), StatusCode::OK);
        for (n, receipt, sha) in &acknowledged {
            let bid = receipt["bid_id"].as_str().unwrap();
            let res = officer
                .get(format!("{}/api/v1/tenders/{tender}/bids/{bid}/files/technical", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "bidder {n}");
            assert_eq!(&hex::encode(Sha256::digest(res.bytes().await.unwrap())), sha, "bidder {n}'s proposal intact");
        }
    }
}
