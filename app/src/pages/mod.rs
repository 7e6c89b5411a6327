pub mod calculators;
pub mod login;
pub mod not_found;
pub mod public;
pub mod register;
pub mod tenders;
pub mod workbench;
