//! Server-only support for server functions and the JSON API: state, database, clock,
//! accounts and sessions, audit log, file storage. Compiled only with the `ssr` feature.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod bids;
pub mod calendar;
pub mod clarifications;
pub mod clock;
pub mod db;
pub mod profiles;
pub mod review;
pub mod sealing;
pub mod state;
pub mod storage;
pub mod templates;
pub mod tenders;
