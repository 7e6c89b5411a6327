//! caiping's server: configuration, start-up, the axum router with the Leptos app and the
//! versioned JSON API, and the admin subcommands.

// Release builds (views not type-erased) lay out the app's deeply nested view types here.
#![recursion_limit = "256"]

pub mod api;
pub mod backup;
pub mod baselines;
pub mod blind;
pub mod blobs;
pub mod config;
pub mod demo;
pub mod documents;
#[cfg(test)]
mod fuzz;
pub mod packages;
pub mod security;
pub mod serving;
pub mod spreadsheets;
pub mod startup;
pub mod typeset;
