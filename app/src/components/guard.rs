use super::errors::ErrorNote;
use crate::error::AppError;
use crate::identity::{Role, SessionUser};
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The signed-in user for the current page, refetched on every navigation.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Result<Option<SessionUser>, AppError>>);

pub fn use_user() -> UserResource {
    expect_context::<UserResource>()
}

/// Renders `children` only for a signed-in user of one of `roles`: anonymous visitors are sent
/// to the sign-in page, other roles see a 403 message. The server functions behind the
/// children check again; this guard only decides what to render.
#[component]
pub fn RequireRole(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    let user = use_user().0;
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) if roles.contains(&u.role) => {
                        provide_context(u);
                        children.read_value()().into_any()
                    }
                    Ok(Some(_)) => view! { <ErrorNote error=AppError::Forbidden /> }.into_any(),
                    Ok(None) => {
                        // The server already redirected anonymous page requests (page guard
                        // middleware); this is for navigation in the browser.
                        view! { <Redirect path="/login" /> }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
