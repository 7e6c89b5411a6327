pub mod calculators;
#[cfg(feature = "ssr")]
pub mod calendar;
#[cfg(feature = "ssr")]
pub mod server;
