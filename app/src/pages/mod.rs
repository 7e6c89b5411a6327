//! Pages that compose several capabilities: the public home, each role's workbench, and the
//! officer's tender workspace. A capability's own pages live in its folder.

pub mod layout;
pub mod not_found;
pub mod officer_tender;
pub mod public;
pub mod public_tender;
pub mod workbench;
