pub mod application;
#[cfg(feature = "ssr")]
pub mod server;
pub mod upload;
