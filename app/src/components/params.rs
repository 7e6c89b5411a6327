//! Route parameters the pages read.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the current route.
pub fn param_id() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("id").unwrap_or_default()
}
