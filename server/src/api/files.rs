//! Moving files over HTTP: uploads spooled to disk under limits while hashed, checked as PDF
//! or zip packages, browser-form answers, and download responses.

use super::{ApiError, ApiResult};
use app::error::{AppError, FieldError};
use app::server::state::AppState;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// The largest single document accepted (bytes).
pub const MAX_FILE: u64 = app::bids::server::MAX_FILE;

pub fn field_error(field: &str, code: &str, zh: &str, en: &str) -> ApiError {
    ApiError(AppError::field(field, code, zh, en))
}

/// Logs `what` with the error and answers 500 without details.
pub fn internal(what: &'static str) -> impl Fn(String) -> ApiError {
    move |e| {
        tracing::error!(error = %e, "{what}");
        ApiError(AppError::Internal)
    }
}

pub fn rejected(field: &str, code: &str, zh: String, en: String) -> ApiError {
    ApiError(AppError::Validation(vec![FieldError {
        field: field.into(),
        code: code.into(),
        message_zh: zh,
        message_en: en,
    }]))
}

/// A plaintext spool that is deleted however the request ends.
pub struct Spool(pub std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A file field's name as the browser sent it, without control characters, at most 200
/// characters; empty for an empty file input.
pub fn file_name(field: &axum::extract::multipart::Field<'_>) -> String {
    field.file_name().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect()
}

/// Streams one multipart file field to a temporary file, hashing it and stopping at the limits.
pub async fn spool(
    state: &AppState,
    field: &mut axum::extract::multipart::Field<'_>,
    name: &str,
    kind: &str,
    budget: &mut u64,
) -> ApiResult<(Spool, u64, String)> {
    use sha2::{Digest, Sha256};
    use tokio::io::AsyncWriteExt;
    let path = Spool(state.storage.temp_path());
    let mut file =
        tokio::fs::File::create(&path.0).await.map_err(|e| internal("creating a spool file failed")(e.to_string()))?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(c)) => c,
            Ok(None) => break,
            Err(_) => {
                return Err(field_error(
                    kind,
                    "upload_interrupted",
                    "上传中断，投标未保存（原投标不变）",
                    "The upload was interrupted; nothing was saved (any earlier bid is unchanged)",
                ))
            }
        };
        size += chunk.len() as u64;
        if size > MAX_FILE {
            return Err(rejected(
                kind,
                "file_too_large",
                format!("“{name}”超过{}MB上限", MAX_FILE / 1024 / 1024),
                format!("“{name}” is larger than {} MB", MAX_FILE / 1024 / 1024),
            ));
        }
        if size > *budget {
            return Err(rejected(
                kind,
                "bid_too_large",
                format!("本次上传的文件合计超过{}MB上限", app::bids::server::MAX_BID / 1024 / 1024),
                format!("The files of this upload together exceed {} MB", app::bids::server::MAX_BID / 1024 / 1024),
            ));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|e| internal("writing a spool file failed")(e.to_string()))?;
    }
    file.flush().await.map_err(|e| internal("flushing a spool file failed")(e.to_string()))?;
    *budget -= size;
    Ok((path, size, hex::encode(hasher.finalize())))
}

/// Seals a spooled upload into storage off the async threads: `seal` encrypts the plaintext
/// into the writer (with the tender key and the file's AAD); the stored file's name is returned.
pub async fn seal_spooled(
    state: &AppState,
    spool: Spool,
    seal: impl FnOnce(&mut dyn std::io::Read, &mut dyn std::io::Write) -> Result<(), String> + Send + 'static,
) -> ApiResult<String> {
    let (src, dst, storage) = (spool.0.clone(), state.storage.temp_path(), state.storage.clone());
    let stored = tokio::task::spawn_blocking(move || -> Result<app::server::storage::StoredFile, String> {
        let out = Spool(dst);
        let mut input = std::io::BufReader::new(std::fs::File::open(&src).map_err(|e| e.to_string())?);
        let mut writer = std::io::BufWriter::new(std::fs::File::create(&out.0).map_err(|e| e.to_string())?);
        seal(&mut input, &mut writer)?;
        writer.into_inner().map_err(|e| e.to_string())?;
        storage.adopt(&out.0).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| internal("sealing an upload panicked")(e.to_string()))?
    .map_err(internal("sealing an upload failed"))?;
    drop(spool);
    Ok(stored.sha256)
}

/// Checks a spooled upload as a PDF or a zip package, off the async threads; a refusal names
/// the file under `field`.
pub async fn inspect(spool: &Spool, size: u64, name: &str, field: &str) -> ApiResult<crate::packages::Kind> {
    let path = spool.0.clone();
    tokio::task::spawn_blocking(move || {
        std::fs::File::open(&path).map(|f| crate::packages::inspect(std::io::BufReader::new(f), size))
    })
    .await
    .map_err(|e| internal("inspecting an upload panicked")(e.to_string()))?
    .map_err(|e| internal("reading a spool file failed")(e.to_string()))?
    .map_err(|r| {
        let (zh, en) = r.messages(name);
        rejected(field, r.code(), zh, en)
    })
}

/// True when a browser's plain form (no JavaScript) posted the upload.
pub fn from_browser_form(headers: &HeaderMap) -> bool {
    headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// The answer to an upload: JSON (`created`) for API clients and scripts; for a browser's plain
/// form post, back to `page`, or when it was refused a page of the reasons (422) with a link
/// back. The reasons travel in this response only, never in a URL someone else could craft.
pub fn upload_answer(browser_form: bool, page: &str, result: ApiResult<Response>) -> ApiResult<Response> {
    match result {
        Ok(_) if browser_form => Ok(Redirect::to(page).into_response()),
        Ok(created) => Ok(created),
        Err(ApiError(AppError::Validation(fields))) if browser_form => Ok(refusal_page(page, &fields)),
        Err(e) => Err(e),
    }
}

fn refusal_page(back: &str, fields: &[FieldError]) -> Response {
    let items: String = fields
        .iter()
        .map(|f| format!("<li>{}<br><span lang=\"en\">{}</span></li>", escape(&f.message_zh), escape(&f.message_en)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>上传未被接受 · Upload refused</title>\
         <link rel=\"stylesheet\" href=\"/pkg/caiping.css\"></head><body><main><h1>上传未被接受 \
         <span lang=\"en\">Upload refused</span></h1><ul data-testid=\"upload-refusal\">{items}</ul>\
         <p><a href=\"{back}\">返回并重新提交 · Back to the form</a></p></main></body></html>",
        back = escape(back)
    );
    (StatusCode::UNPROCESSABLE_ENTITY, [(CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

/// Text for an HTML page this module writes by hand.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// 201 with a JSON body.
pub fn created<T: serde::Serialize>(body: T) -> Response {
    (StatusCode::CREATED, axum::Json(body)).into_response()
}

/// A file download under its own (UTF-8) name, with an ASCII fallback for old clients.
pub fn download(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    download_as(content_type, &fallback, name, bytes)
}

fn download_as(content_type: &str, fallback: &str, name: &str, bytes: impl Into<axum::body::Body>) -> Response {
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{}", urlencode(name));
    ([(CONTENT_TYPE, content_type.to_string()), (CONTENT_DISPOSITION, disposition)], bytes.into()).into_response()
}

/// A generated document's file name as a reader saves it: its kind and the tender's title
/// (招标公告-苏州市….pdf), without characters file systems refuse, at most 60 characters of title.
pub fn document_name(kind_zh: &str, title: &str) -> String {
    let title: String = title
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if "/\\:*?\"<>|".contains(c) { '_' } else { c })
        .take(60)
        .collect();
    format!("{kind_zh}-{}.pdf", title.trim())
}

/// A generated PDF, made off the async threads, saved as `name` (`fallback` for clients that
/// read only ASCII names).
pub async fn pdf(fallback: &str, name: &str, make: impl FnOnce() -> Vec<u8> + Send + 'static) -> ApiResult<Response> {
    let bytes = tokio::task::spawn_blocking(make).await.map_err(|_| ApiError(AppError::Internal))?;
    Ok(download_as("application/pdf", fallback, name, bytes))
}

/// Public documents (a tender's notice and document) are fetched far more often than they
/// change. Each is kept under the SHA-256 of everything it is made from (`source`), so a changed
/// tender simply makes a new entry and an unchanged one is not typeset again. At most
/// [`CACHED_PDFS`] entries (25–60 KB each); the cache is emptied when full.
pub async fn pdf_cached(
    source: &impl serde::Serialize,
    fallback: &str,
    name: &str,
    make: impl FnOnce() -> Vec<u8> + Send + 'static,
) -> ApiResult<Response> {
    use sha2::{Digest, Sha256};
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, axum::body::Bytes>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let json = serde_json::to_vec(source).map_err(|_| ApiError(AppError::Internal))?;
    let key = hex::encode(Sha256::digest(&json));
    let hit = cache.lock().ok().and_then(|c| c.get(&key).cloned());
    let bytes = match hit {
        Some(bytes) => bytes,
        None => {
            let made = axum::body::Bytes::from(
                tokio::task::spawn_blocking(make).await.map_err(|_| ApiError(AppError::Internal))?,
            );
            if let Ok(mut c) = cache.lock() {
                if c.len() >= CACHED_PDFS {
                    c.clear();
                }
                c.insert(key, made.clone());
            }
            made
        }
    };
    Ok(download_as("application/pdf", fallback, name, bytes))
}

/// How many generated public documents are kept in memory.
pub const CACHED_PDFS: usize = 256;

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_keep_the_title_and_drop_what_file_systems_refuse() {
        assert_eq!(
            document_name("招标公告", "双塔街道“4+1”社区服务综合包"),
            "招标公告-双塔街道“4+1”社区服务综合包.pdf"
        );
        assert_eq!(document_name("开标一览表", "a/b\\c:d*e?f\"g<h>i|j\n"), "开标一览表-a_b_c_d_e_f_g_h_i_j.pdf");
        assert_eq!(document_name("招标文件", &"长".repeat(80)).chars().count(), "招标文件-".chars().count() + 60 + 4);
    }
}
