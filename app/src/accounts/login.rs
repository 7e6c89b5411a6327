use crate::accounts::SignIn;
use crate::components::errors::action_error;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignIn>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(user)) = action.value().get() {
            navigate(user.role.home_path(), Default::default());
        }
    });
    view! {
        <section class="card narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <ActionForm action=action attr:class="form" attr:data-testid="login-form">
                <label>
                    <span>{t!(i18n, login.username)}</span>
                    <input type="text" name="username" autocomplete="username" required />
                </label>
                <label>
                    <span>{t!(i18n, login.password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, login.working)
                        } else {
                            t_string!(i18n, login.submit)
                        }
                    }}
                </button>
            </ActionForm>
            {action_error(action.value())}
            <p>
                <a href="/register" data-testid="register-link">
                    {t!(i18n, register.link)}
                </a>
            </p>
        </section>
    }
}
