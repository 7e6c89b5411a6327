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

/// How many times an action has succeeded (given its value): a page keys its data on this
/// rather than on the action's version, so a refused submission does not reload the form over
/// what was typed.
pub fn successes<T: Clone + Send + Sync + 'static, E: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, E>>> + Send + Sync + 'static,
) -> ReadSignal<u32> {
    let (count, set_count) = signal(0u32);
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            set_count.update(|n| *n += 1);
        }
    });
    count
}

/// The messages for one field of a refused submission, in the user's language (none if the
/// field was fine): shown beside the control and marking it invalid.
pub fn field_messages(i18n: leptos_i18n::I18nContext<Locale>, error: Option<&AppError>, field: &str) -> Vec<String> {
    match error {
        Some(AppError::Validation(fields)) => fields
            .iter()
            .filter(|f| f.field == field)
            .map(|f| if i18n.get_locale() == Locale::en { f.message_en.clone() } else { f.message_zh.clone() })
            .collect(),
        _ => Vec::new(),
    }
}

/// After a refused submission, moves the focus to the first control marked invalid inside the
/// element `scope` (a CSS selector), once the marks are in the page.
pub fn focus_first_invalid<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    scope: &'static str,
) {
    Effect::new(move |_| {
        if matches!(value.get(), Some(Err(_))) {
            #[cfg(feature = "hydrate")]
            request_animation_frame(move || {
                use wasm_bindgen::JsCast;
                let first = document()
                    .query_selector(&format!("{scope} [aria-invalid=\"true\"]"))
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(el) = first {
                    let _ = el.focus();
                }
            });
            #[cfg(not(feature = "hydrate"))]
            let _ = scope;
        }
    });
}

/// What a successful action did and what comes next, in the user's language; nothing before it
/// has run or after it failed. Announced to screen readers as a status.
pub fn action_done<T: Clone + Send + Sync + 'static>(
    i18n: leptos_i18n::I18nContext<Locale>,
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    message: (&'static str, &'static str),
    testid: &'static str,
) -> impl IntoView {
    move || {
        matches!(value.get(), Some(Ok(_))).then(|| {
            let text = if i18n.get_locale() == Locale::en { message.1 } else { message.0 };
            view! {
                <p class="notice notice-ok" role="status" data-testid=testid>
                    {text}
                </p>
            }
        })
    }
}
