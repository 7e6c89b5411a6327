//! The deadline rush: every bidder signed in beforehand, then all upload a sealed bid at once.
//! A bid counts when the server acknowledged it (201 with a receipt whose hash is the client's)
//! **and** it is stored: its row names that hash and the sealed file on disk is intact.

use crate::inprocess::Sequence;
use crate::load::quantile;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

pub struct RushRun {
    pub bidders: usize,
    pub mb: u64,
    pub acknowledged: usize,
    pub refused: Vec<String>,
    pub stored: usize,
    pub lost: usize,
    pub wall: Duration,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

const CHUNK: usize = 64 * 1024;

/// Bidder `i`'s proposal: a PDF header, then `size` bytes of a fixed pseudo-random sequence, made
/// as it is sent (1,000 × 20 MB never sits in memory).
fn proposal_chunks(i: usize, size: u64) -> impl Iterator<Item = bytes::Bytes> {
    let mut seq = Sequence::new(1_000 + i as u64);
    let mut left = size;
    let mut first = true;
    std::iter::from_fn(move || {
        if left == 0 {
            return None;
        }
        let n = left.min(CHUNK as u64) as usize;
        let mut buf = Vec::with_capacity(n);
        if first {
            buf.extend_from_slice(&b"%PDF-1.7\n%bench\n"[..n.min(16)]);
            first = false;
        }
        while buf.len() < n {
            let word = seq.next_u64().to_le_bytes();
            let take = (n - buf.len()).min(8);
            buf.extend_from_slice(&word[..take]);
        }
        left -= n as u64;
        Some(bytes::Bytes::from(buf))
    })
}

fn proposal_sha(i: usize, size: u64) -> String {
    let mut h = Sha256::new();
    for c in proposal_chunks(i, size) {
        h.update(&c);
    }
    hex::encode(h.finalize())
}

/// A different client address per bidder (the server trusts `X-Forwarded-For` from loopback,
/// as from a reverse proxy), so the per-client sign-in limit sees many clients, as it would.
fn client_address(i: usize) -> String {
    format!("10.{}.{}.{}", (i / 62_500) % 250, (i / 250) % 250, i % 250 + 1)
}

pub async fn sign_in_all(base: &str, bidders: &[String], password: &str) -> anyhow::Result<Vec<reqwest::Client>> {
    let mut clients = Vec::with_capacity(bidders.len());
    for (i, name) in bidders.iter().enumerate() {
        // Signing 1,000 bidders in takes about a minute, and the server closes a connection
        // idle for 30 s (its request-head deadline): a client drops its idle connection before
        // that instead of sending its bid into one the server is closing.
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(600))
            .pool_idle_timeout(Duration::from_secs(20))
            .build()?;
        let res = client
            .post(format!("{base}/api/v1/session"))
            .header("x-forwarded-for", client_address(i))
            .json(&serde_json::json!({"username": name, "password": password}))
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "sign-in of {name}: {}", res.status());
        clients.push(client);
    }
    Ok(clients)
}

/// An error and its causes, outermost first.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// One rush: each client uploads its proposal at once, client `i` to `bases[i % bases.len()]`
/// (several instances share the load). `round` makes each bidder's proposal differ from its
/// proposals of earlier rounds, so a replaced bid cannot pass for a stored one.
pub async fn run(
    bases: &[&str],
    tender: &str,
    clients: &[reqwest::Client],
    mb: u64,
    round: usize,
    db: &app::server::db::Db,
    storage: &app::server::storage::Storage,
) -> anyhow::Result<RushRun> {
    let size = (mb * 1024 * 1024).min(app::bids::server::MAX_FILE);
    let content = |i: usize| i + round * clients.len();
    let expected: Vec<String> = (0..clients.len()).map(|i| proposal_sha(content(i), size)).collect();
    let started = Instant::now();
    let uploads: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let base = bases[i % bases.len()];
            let (client, url) = (client.clone(), format!("{base}/api/v1/tenders/{tender}/bids"));
            let n = content(i);
            tokio::spawn(async move {
                let stream = futures::stream::iter(proposal_chunks(n, size).map(Ok::<_, std::io::Error>));
                let technical = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), size)
                    .file_name("技术方案.pdf")
                    .mime_str("application/pdf")
                    .expect("a valid type");
                let qualification = reqwest::multipart::Part::bytes(format!("%PDF-1.7\n资格证明 {i}\n").into_bytes())
                    .file_name("资格证明文件.pdf")
                    .mime_str("application/pdf")
                    .expect("a valid type");
                // The demo tender taking bids asks for one proposal per lot: this is lot 0's.
                let form = reqwest::multipart::Form::new()
                    .text("lot", "0")
                    .text("price_0", "290000")
                    .part("technical_0", technical)
                    .part("qualification", qualification);
                let sent = Instant::now();
                let res = client.post(url).multipart(form).send().await;
                let answer = match res {
                    Ok(r) if r.status() == reqwest::StatusCode::CREATED => {
                        let receipt: serde_json::Value = r.json().await.unwrap_or_default();
                        let sha = receipt["files"]
                            .as_array()
                            .and_then(|fs| fs.iter().find(|f| f["kind"] == "technical"))
                            .and_then(|f| f["sha256"].as_str())
                            .map(str::to_string);
                        Ok(sha)
                    }
                    Ok(r) => Err(format!("{}: {}", r.status(), r.text().await.unwrap_or_default())),
                    // With its causes: reqwest's own text ("error sending request") does not
                    // say whether the connection was refused, reset or timed out.
                    Err(e) => Err(error_chain(&e)),
                };
                (answer, sent.elapsed())
            })
        })
        .collect();
    let mut acknowledged = Vec::new();
    let mut refused = Vec::new();
    let mut latencies = Vec::new();
    for (i, u) in uploads.into_iter().enumerate() {
        let (answer, took) = u.await?;
        latencies.push(took.as_micros() as u64);
        match answer {
            Ok(Some(sha)) if sha == expected[i] => acknowledged.push(sha),
            Ok(other) => refused.push(format!("bidder {i}: receipt hash {other:?} is not the file's")),
            Err(e) => refused.push(format!("bidder {i}: {e} [after {:.1} s]", took.as_secs_f64())),
        }
    }
    let wall = started.elapsed();
    latencies.sort_unstable();

    // Stored = a row with the acknowledged hash whose sealed file is on disk, intact.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT f.plain_sha256, f.stored_sha256 FROM bid_files f JOIN bids b ON b.id = f.bid_id \
         WHERE b.tender_id = $1 AND f.kind = 'technical'",
    )
    .bind(tender)
    .fetch_all(&db.pool)
    .await?;
    let mut stored = 0;
    for sha in &acknowledged {
        let Some((_, sealed)) = rows.iter().find(|(plain, _)| plain == sha) else { continue };
        let path = storage.path_of(sealed).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let intact = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
            let mut h = Sha256::new();
            std::io::copy(&mut std::fs::File::open(path)?, &mut h)?;
            Ok(hex::encode(h.finalize()))
        })
        .await?;
        if intact.is_ok_and(|h| &h == sealed) {
            stored += 1;
        }
    }
    Ok(RushRun {
        bidders: clients.len(),
        mb,
        acknowledged: acknowledged.len(),
        lost: acknowledged.len() - stored,
        stored,
        refused,
        wall,
        p50_ms: quantile(&latencies, 0.5) as f64 / 1000.0,
        p99_ms: quantile(&latencies, 0.99) as f64 / 1000.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_is_the_size_asked_and_the_same_each_time() {
        let total: usize = proposal_chunks(3, 200_000).map(|c| c.len()).sum();
        assert_eq!(total, 200_000);
        assert!(proposal_chunks(3, 10).next().unwrap().starts_with(b"%PDF-1.7\n"));
        assert_eq!(proposal_sha(3, 70_000), proposal_sha(3, 70_000));
        assert_ne!(proposal_sha(3, 70_000), proposal_sha(4, 70_000));
    }

    #[test]
    fn each_bidder_has_its_own_address() {
        let all: std::collections::HashSet<String> = (0..1000).map(client_address).collect();
        assert_eq!(all.len(), 1000);
        assert!(all.iter().all(|a| a.parse::<std::net::Ipv4Addr>().is_ok()));
    }
}
