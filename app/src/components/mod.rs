pub mod errors;
pub mod guard;
pub mod layout;
