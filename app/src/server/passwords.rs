//! Password hashing (argon2id), off the async threads, at most `HASHING_AT_ONCE` at a time: each
//! takes ~19 MiB and a core, so a burst of sign-ins queues instead of exhausting the machine.

use crate::error::AppError;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

pub const HASHING_AT_ONCE: usize = 4;
static HASHING: Semaphore = Semaphore::const_new(HASHING_AT_ONCE);

/// A turn to hash; after waiting this long the caller is told to try again (429) rather than
/// being held while the queue grows.
async fn turn() -> Result<SemaphorePermit<'static>, AppError> {
    match tokio::time::timeout(Duration::from_secs(10), HASHING.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(AppError::TooManyAttempts),
    }
}
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub async fn hash(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    let _turn = turn().await?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
    })
    .await
    .map_err(|_| AppError::Internal)?
}

/// Whether `password` matches `hash`; an error only when no turn to hash came in time.
pub async fn verify(hash: String, password: String) -> Result<bool, AppError> {
    let _turn = turn().await?;
    Ok(tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false))
}
