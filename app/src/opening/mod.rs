#[cfg(feature = "ssr")]
pub mod server;
