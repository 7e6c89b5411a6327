//! Components and small view functions shared by every capability's pages.

pub mod bilingual;
pub mod confirm;
pub mod errors;
pub mod guard;
pub mod params;
pub mod role;
pub mod upload;
pub mod verdicts;
