//! File uploads with a progress bar (a bid; a price explanation with its evidence). In the
//! browser the form is sent with XMLHttpRequest so the upload's progress can be shown; without
//! JavaScript the same form posts normally and the server answers with a redirect back, or with
//! a page of the reasons when it refused the upload.

use leptos::prelude::*;

/// Bytes sent and total, while an upload runs.
pub type Progress = RwSignal<Option<(f64, f64)>>;

/// Sends `form` to its action; on success reloads the page (to show the receipt), on failure
/// puts the server's reasons into `error`.
#[cfg(feature = "hydrate")]
pub fn send(
    form: web_sys::HtmlFormElement,
    progress: Progress,
    error: RwSignal<Option<crate::error::AppError>>,
) -> Result<(), wasm_bindgen::JsValue> {
    use crate::error::AppError;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let data = web_sys::FormData::new_with_form(&form)?;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", &form.action())?;
    xhr.set_request_header("Accept", "application/json")?;
    let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
        if ev.length_computable() {
            progress.set(Some((ev.loaded(), ev.total())));
        }
    });
    xhr.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    on_progress.forget();
    let done_xhr = xhr.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        progress.set(None);
        let status = done_xhr.status().unwrap_or(0);
        if (200..300).contains(&status) {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
            return;
        }
        let text = done_xhr.response_text().ok().flatten().unwrap_or_default();
        let fields = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| serde_json::from_value::<Vec<crate::error::FieldError>>(v["error"]["fields"].clone()).ok())
            .filter(|f| !f.is_empty());
        error.set(Some(match (status, fields) {
            (_, Some(fields)) => AppError::Validation(fields),
            (401, _) => AppError::Unauthenticated,
            (403, _) => AppError::Forbidden,
            (0, _) => AppError::Transport("the upload was interrupted".into()),
            _ => AppError::Internal,
        }));
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    on_done.forget();
    error.set(None);
    progress.set(Some((0.0, 1.0)));
    xhr.send_with_opt_form_data(Some(&data))
}

/// The progress bar of a running upload.
#[component]
pub fn UploadProgress(progress: Progress) -> impl IntoView {
    move || {
        progress.get().map(|(sent, total)| {
            let pct = if total > 0.0 { (sent / total * 100.0).floor() } else { 0.0 };
            view! {
                <div class="upload-progress" data-testid="upload-progress">
                    <progress max="100" value=pct.to_string()></progress>
                    <span>{format!("{pct}%")}</span>
                </div>
            }
        })
    }
}
