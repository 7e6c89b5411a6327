use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// An error from the server, in the user's language. Validation errors list each field.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let fields = match &error {
        AppError::Validation(fields) => fields.clone(),
        _ => Vec::new(),
    };
    let code = error.code();
    let headline = move || match code {
        "unauthenticated" => t_string!(i18n, err.unauthenticated),
        "forbidden" => t_string!(i18n, err.forbidden),
        "not_found" => t_string!(i18n, err.not_found),
        "invalid_credentials" => t_string!(i18n, err.invalid_credentials),
        "too_many_attempts" => t_string!(i18n, err.too_many_attempts),
        "validation" => t_string!(i18n, err.validation),
        "conflict" => t_string!(i18n, err.conflict),
        "transport" => t_string!(i18n, err.transport),
        "bad_request" => t_string!(i18n, err.bad_request),
        "payload_too_large" => t_string!(i18n, err.payload_too_large),
        _ => t_string!(i18n, err.internal),
    };
    view! {
        <div class="notice notice-error" role="alert" data-error-code=code>
            <p>{headline}</p>
            <ul>
                {fields
                    .into_iter()
                    .map(|f| {
                        let zh = f.message_zh.clone();
                        let en = f.message_en.clone();
                        view! {
                            <li data-field=f
                                .field
                                .clone()>
                                {move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// A server function's answer as a resource. Workbench sections take their resources from the
/// page: made inside the role guard's children they ran without the request context on the
/// server (see `RequireRole`).
pub type Loaded<T> = Resource<Result<T, AppError>>;

/// The error of the last run of a server action, if it failed; nothing otherwise.
pub fn action_error<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> impl IntoView {
    move || match value.get() {
        Some(Err(e)) => view! { <ErrorNote error=e /> }.into_any(),
        _ => ().into_any(),
    }
}

/// Waits for a server function's answer: its error in the user's language, or `render` of the
/// value. The one place pages turn a loading resource into a view.
pub fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(e) => view! { <ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
