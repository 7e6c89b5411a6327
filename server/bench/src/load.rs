//! A closed-loop HTTP load generator: `connections` tasks each send a request, wait for the whole
//! answer, and send the next, for `duration`. Latency is measured per request from send to the
//! last byte.

use std::time::{Duration, Instant};

/// What to request and how.
#[derive(Clone)]
pub struct Target {
    pub name: &'static str,
    pub method: reqwest::Method,
    pub url: String,
    pub body: Option<&'static str>,
    pub client: reqwest::Client,
}

#[derive(Debug, Clone)]
pub struct Sample {
    pub requests: u64,
    pub errors: u64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub bytes_per_answer: u64,
}

/// The value at quantile `q` (0–1) of sorted `values`, nearest rank.
pub fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub async fn measure(target: &Target, connections: usize, duration: Duration) -> Sample {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let t = target.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut bytes) = (Vec::new(), 0u64, 0u64);
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let mut req = t
                        .client
                        .request(t.method.clone(), &t.url)
                        // What a browser accepts: the server compresses as it would for one.
                        .header("accept-encoding", "br, gzip");
                    if let Some(body) = t.body {
                        req = req.header("content-type", "application/json").body(body);
                    }
                    match req.send().await {
                        Ok(res) if res.status().is_success() => match res.bytes().await {
                            Ok(b) => {
                                bytes += b.len() as u64;
                                latencies.push(sent.elapsed().as_micros() as u64);
                            }
                            Err(_) => errors += 1,
                        },
                        _ => errors += 1,
                    }
                }
                (latencies, errors, bytes)
            })
        })
        .collect();
    let (mut all, mut errors, mut bytes) = (Vec::new(), 0, 0);
    for task in tasks {
        let (l, e, b) = task.await.expect("load task");
        all.extend(l);
        errors += e;
        bytes += b;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let requests = all.len() as u64;
    Sample {
        requests,
        errors,
        per_second: requests as f64 / elapsed,
        p50_ms: quantile(&all, 0.50) as f64 / 1000.0,
        p99_ms: quantile(&all, 0.99) as f64 / 1000.0,
        bytes_per_answer: bytes.checked_div(requests).unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!((quantile(&v, 0.5), quantile(&v, 0.99), quantile(&v, 1.0)), (50, 99, 100));
        assert_eq!(quantile(&[7], 0.99), 7);
        assert_eq!(quantile(&[], 0.5), 0);
    }
}
