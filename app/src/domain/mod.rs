//! The domain core: pure Rust, no I/O, no clock reads, no leptos/sqlx. Compiled for the
//! server (binding verdicts) and for WASM (instant feedback in the browser).

pub mod amendment;
pub mod application;
pub mod blind;
pub mod calendar;
pub mod citation;
pub mod contact;
pub mod credit_code;
pub mod dongguan;
pub mod evaluation;
pub mod field;
#[cfg(test)]
mod fuzz;
pub mod henan;
pub mod money;
pub mod national;
pub mod obligations;
pub mod profile;
pub mod project_number;
pub mod qualification;
pub mod region;
pub mod registration;
pub mod roster;
pub mod scoring;
pub mod shandong;
pub mod shenzhen;
pub mod suzhou;
pub mod template;
pub mod tender;
pub mod time;
pub mod verdict;
