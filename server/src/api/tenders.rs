//! Tender routes that move files: the sealed bid upload (streamed to storage), the bid file
//! (readable only once the bids are open) and the award notice PDF.

use super::{ApiError, ApiResult, Caller};
use app::error::AppError;
use app::identity::Role;
use app::server::state::AppState;
use app::server::storage::StorageError;
use app::server::tenders::{self, MAX_BID_FILE};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::{Stream, StreamExt};

const NOT_PDF: &str = "not a PDF";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/bids", post(submit_bid).layer(DefaultBodyLimit::max(MAX_BID_FILE as usize + 64 * 1024)))
        .route("/tenders/{id}/bids/{bid_id}/file", get(bid_file))
        .route("/tenders/{id}/award-notice.pdf", get(award_notice))
}

fn field_error(field: &str, code: &str, zh: &str, en: &str) -> ApiError {
    ApiError(AppError::field(field, code, zh, en))
}

/// Passes the chunks through, failing as soon as the first bytes are not `%PDF-`.
fn pdf_only<S, E>(chunks: S) -> impl Stream<Item = Result<Bytes, String>>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: std::fmt::Display,
{
    let mut checked = 0usize;
    chunks.map(move |chunk| {
        let chunk = chunk.map_err(|e| e.to_string())?;
        if checked < 5 {
            let head = &chunk[..(5 - checked).min(chunk.len())];
            if head != &b"%PDF-"[checked..checked + head.len()] {
                return Err(NOT_PDF.to_string());
            }
            checked += head.len();
        }
        Ok(chunk)
    })
}

/// A bidder's sealed bid: `price` (yuan) and `file` (PDF) as multipart form fields.
async fn submit_bid(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    // Role first, then the tender's state, then the body: nothing is stored for a refused caller.
    let bidder = caller.require(&[Role::Bidder])?;
    tenders::ensure_open_for_bids(&state.db, &id, state.now_ms()).await?;
    let mut form = form.map_err(|_| field_error("file", "multipart_expected", "请以表单（multipart/form-data）提交报价和文件", "Send the price and file as multipart/form-data"))?;
    let bad_form = |e: axum::extract::multipart::MultipartError| field_error("file", "upload_failed", "上传中断或格式有误，请重新提交", &format!("The upload failed: {e}"));
    let (mut price, mut stored, mut file_name) = (None, None, None);
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name() {
            Some("price") => price = Some(field.text().await.map_err(bad_form)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("bid.pdf").chars().filter(|c| !c.is_control()).take(200).collect::<String>();
                let result = state.storage.put_stream(Box::pin(pdf_only(field)), MAX_BID_FILE).await;
                stored = Some(result.map_err(|e| match e {
                    StorageError::TooLarge { .. } => field_error("file", "file_too_large", "文件超过20MB上限", "The file is larger than 20 MB"),
                    StorageError::Interrupted(m) if m == NOT_PDF => field_error("file", "file_not_pdf", &format!("“{name}”不是PDF文件"), &format!("“{name}” is not a PDF")),
                    StorageError::Interrupted(_) => field_error("file", "upload_interrupted", "上传中断，投标未保存", "The upload was interrupted; nothing was saved"),
                    other => {
                        tracing::error!(error = %other, "storing a bid file failed");
                        ApiError(AppError::Internal)
                    }
                })?);
                file_name = Some(name);
            }
            _ => {}
        }
    }
    let (Some(stored), Some(file_name)) = (stored, file_name) else {
        return Err(field_error("file", "file_required", "请上传投标文件（PDF）", "Attach the bid file (PDF)"));
    };
    if stored.size == 0 {
        return Err(field_error("file", "file_empty", "投标文件为空", "The bid file is empty"));
    }
    let price = price.unwrap_or_default();
    let receipt = tenders::submit_bid(&state.db, bidder, &id, &price, &stored, &file_name, state.now_ms()).await?;
    let browser_form = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    Ok(if browser_form {
        Redirect::to(&format!("/bidder/tenders/{id}")).into_response()
    } else {
        (StatusCode::CREATED, Json(receipt)).into_response()
    })
}

/// A bid's file: purchaser side only, and only once the bids are open.
async fn bid_file(State(state): State<AppState>, caller: Caller, Path((id, bid_id)): Path<(String, String)>) -> ApiResult<Response> {
    caller.require(&[Role::Officer, Role::Auditor, Role::Admin])?;
    let (sha, name) = tenders::bid_file(&state.db, &id, &bid_id).await?;
    let bytes = state.storage.read(&sha).await.map_err(|e| {
        tracing::error!(error = %e, "reading a bid file failed");
        ApiError(AppError::Internal)
    })?;
    let disposition = format!("attachment; filename*=UTF-8''{}", urlencode(&name));
    Ok(([(CONTENT_TYPE, "application/pdf".to_string()), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// 中标通知书: the purchaser side, and the winning organisation's members, after the award.
async fn award_notice(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder])?;
    let notice = tenders::award_notice(&state.db, &id).await?;
    if user.role == Role::Bidder && user.org_id.as_deref() != Some(notice.winner_org_id.as_str()) {
        return Err(ApiError(AppError::Forbidden));
    }
    let pdf = tokio::task::spawn_blocking(move || crate::documents::award_notice_pdf(&notice)).await.map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        [(CONTENT_TYPE, "application/pdf".to_string()), (CONTENT_DISPOSITION, "attachment; filename=\"award-notice.pdf\"".to_string())],
        pdf,
    )
        .into_response())
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
