//! Shared server-side infrastructure, compiled only with the `ssr` feature: state, database,
//! clock, sessions and sign-in checks, the audit-log writer, file storage and sealing. The
//! capability folders (`tenders/`, `bids/`, …) hold their own SSR queries in `server.rs`.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod db;
pub mod passwords;
pub mod sealing;
pub mod sessions;
pub mod state;
pub mod storage;
