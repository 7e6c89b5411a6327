pub mod not_found;
pub mod public;
pub mod tenders;
pub mod workbench;
