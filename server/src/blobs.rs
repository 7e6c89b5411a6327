//! Stored files nobody references. A bid's files are sealed into storage before its row
//! commits (the bid is acknowledged only once both are durable); a transaction that then fails,
//! a withdrawn or replaced bid, or a crash in between leaves files no row names. They are
//! collected at start-up and by `caiping storage gc`.

use app::server::state::AppState;
use std::collections::HashSet;
use std::time::Duration;

/// How old an unreferenced file must be before it is removed: longer than any upload's
/// transaction can take, so a file adopted by a bid still being saved is never taken.
pub const GRACE: Duration = Duration::from_secs(3600);

/// Every column naming stored content: sealed bid files, attachments, price evidence, and the
/// bid's first file as the first schema stored it (today the receipt's plain hash, which names
/// no stored file).
pub const REFERENCES: [&str; 4] = [
    "SELECT stored_sha256 FROM bid_files",
    "SELECT file_sha256 FROM bids",
    "SELECT sha256 FROM tender_attachments",
    "SELECT stored_sha256 FROM low_price_evidence",
];

/// Every content hash a row names.
pub async fn referenced(state: &AppState) -> anyhow::Result<HashSet<String>> {
    let mut all = HashSet::new();
    for sql in REFERENCES {
        let hashes: Vec<String> = sqlx::query_scalar(sql).fetch_all(&state.db.pool).await?;
        all.extend(hashes);
    }
    Ok(all)
}

/// Removes stored files older than `grace` that no row references; returns how many.
pub async fn collect(state: &AppState, grace: Duration) -> anyhow::Result<usize> {
    let referenced = referenced(state).await?;
    let storage = state.storage.clone();
    Ok(tokio::task::spawn_blocking(move || storage.collect(&referenced, grace)).await??)
}
