use crate::components::guard::use_user;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

/// The public landing page: what caiping is, and the way in.
#[component]
pub fn PublicHome() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_user().0;
    view! {
        <section class="hero">
            <h1>{t!(i18n, public.welcome)}</h1>
            <p class="lead">{t!(i18n, app.tagline)}</p>
            <p>{t!(i18n, public.intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) => {
                            view! {
                                <A href=u.role.home_path() attr:class="btn btn-primary">
                                    {t!(i18n, public.go_workbench)}
                                </A>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <A href="/login" attr:class="btn btn-primary">
                                    {t!(i18n, nav.sign_in)}
                                </A>
                            }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
        <crate::tenders::board::NoticeList />
    }
}
