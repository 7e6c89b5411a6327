//! The frame of every page: the top bar with the signed-in user, sign-out and the language
//! switch. It provides the user resource the role guards read.

use crate::accounts::{current_user, SignOut};
use crate::components::guard::UserResource;
use crate::components::role::role_label;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    provide_context(UserResource(user));
    let sign_out = ServerAction::<SignOut>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            navigate("/", Default::default());
        }
    });

    let toggle_language = move |_| {
        let next = if i18n.get_locale() == Locale::en { Locale::zh_CN } else { Locale::en };
        i18n.set_locale(next);
    };

    view! {
        <header class="topbar">
            <A href="/" attr:class="brand">
                <span class="brand-mark">"采"</span>
                <span class="brand-name">{t!(i18n, app.name)}</span>
            </A>
            <nav class="topnav">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => {
                                let home = u.role.home_path();
                                let role = u.role;
                                view! {
                                    <A href=home attr:class="nav-link">
                                        {t!(i18n, nav.workbench)}
                                    </A>
                                    <span class="who" data-testid="current-user">
                                        <span class="who-name">{u.display_name.clone()}</span>
                                        <span class="who-role">{move || role_label(i18n, role)}</span>
                                    </span>
                                    <ActionForm action=sign_out attr:class="inline-form">
                                        <button type="submit" class="btn btn-quiet" data-testid="sign-out">
                                            {t!(i18n, nav.sign_out)}
                                        </button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            _ => {
                                view! {
                                    <A href="/login" attr:class="nav-link">
                                        {t!(i18n, nav.sign_in)}
                                    </A>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
                <button
                    type="button"
                    class="btn btn-quiet lang-switch"
                    data-testid="switch-language"
                    on:click=toggle_language
                >
                    {t!(i18n, nav.switch_lang)}
                </button>
            </nav>
        </header>
        <main class="page">{children()}</main>
        <footer class="footer">{t!(i18n, app.footer)}</footer>
    }
}
