pub mod page;
#[cfg(feature = "ssr")]
pub mod server;
