//! The officer's attachments (upload and public download) and the tender notice and tender
//! document PDFs.

use super::files::{
    self, field_error, file_name, from_browser_form, inspect, internal, spool, upload_answer, MAX_FILE,
};
use super::{ApiError, ApiResult, Caller};
use app::error::AppError;
use app::identity::Role;
use app::server::state::AppState;
use app::tenders::attachments;
use app::tenders::server as tenders;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenders", get(board))
        .route("/tenders/{id}/notice.pdf", get(notice_pdf))
        .route("/tenders/{id}/document.pdf", get(document_pdf))
        .route("/tenders/{id}/attachments", post(attach).layer(DefaultBodyLimit::max(MAX_FILE as usize + 64 * 1024)))
        .route("/tenders/{id}/attachments/{sha256}", get(attachment))
}

/// The public board as JSON, a page at a time (`?q=&status=&region=&scheme=&after=`): the same
/// query and keyset pages as the board page.
async fn board(
    State(state): State<AppState>,
    query: Result<axum::extract::Query<app::tenders::BoardFilter>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<axum::Json<app::tenders::BoardPage>> {
    let axum::extract::Query(filter) = query
        .map_err(|_| field_error("query", "query_invalid", "查询参数格式有误", "The query string is malformed"))?;
    Ok(axum::Json(tenders::board(&state.db, &filter, state.now_ms()).await?))
}

/// The officer attaches a document (PDF or zip, checked like a bid's) to a draft tender.
async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let result = receive_attachment(&state, &caller, &id, form).await.map(|()| StatusCode::CREATED.into_response());
    upload_answer(from_browser_form(&headers), &format!("/officer/tenders/{id}"), result)
}

/// The officer's document (PDF or zip, checked like a bid's) for a draft, or for a published
/// tender as an amendment with its `reason`. Nothing is stored unless all of it is accepted.
async fn receive_attachment(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<()> {
    let officer = caller.require(&[Role::Officer])?;
    attachments::ensure_attachable(&state.db, officer, id, state.now_ms()).await?;
    let mut form = form.map_err(|_| {
        field_error(
            "file",
            "multipart_expected",
            "请以表单（multipart/form-data）上传附件",
            "Send the file as multipart/form-data",
        )
    })?;
    let interrupted = |_| {
        field_error(
            "file",
            "upload_interrupted",
            "上传中断，附件未保存",
            "The upload was interrupted; nothing was saved",
        )
    };
    let mut received = None;
    let mut reason = String::new();
    while let Some(mut field) = form.next_field().await.map_err(interrupted)? {
        match field.name() {
            Some("reason") => reason = field.text().await.map_err(interrupted)?,
            Some("file") => {
                let name = file_name(&field);
                if name.is_empty() {
                    continue;
                }
                let mut budget = MAX_FILE;
                let (spooled, size, sha) = spool(state, &mut field, &name, "file", &mut budget).await?;
                let kind = inspect(&spooled, size, &name, "file").await?;
                received = Some((spooled, sha, name, size, kind.content_type()));
            }
            _ => {}
        }
    }
    let Some((spooled, sha, name, size, content_type)) = received else {
        return Err(field_error("file", "file_required", "请选择要上传的附件", "Choose a file to attach"));
    };
    // The reason is checked before the file is kept, so a refused amendment stores nothing.
    let file = attachments::NewAttachment { sha256: &sha, file_name: &name, size: size as i64, content_type };
    attachments::check(&state.db, officer, id, &file, &reason, state.now_ms()).await?;
    let saved = state.storage.adopt(&spooled.0).map_err(|e| internal("storing an attachment failed")(e.to_string()))?;
    debug_assert_eq!(saved.sha256, sha);
    Ok(attachments::add(&state.db, officer, id, &file, &reason, state.now_ms()).await?)
}

/// A tender's attachment: public once published (officers also see a draft's).
async fn attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, sha256)): Path<(String, String)>,
) -> ApiResult<Response> {
    let viewer = app::server::auth::user_from_headers(&state, &headers).await?;
    let a = attachments::for_download(&state.db, viewer.as_ref(), &id, &sha256).await?;
    let bytes =
        state.storage.read(&a.sha256).await.map_err(|e| internal("reading an attachment failed")(e.to_string()))?;
    Ok(files::download(&a.content_type, &a.file_name, bytes))
}

/// The tender whose notice and document are asked for: public once published; a draft only
/// to its own unit's purchaser side, as a preview before 发布 (`true`).
async fn for_documents(state: &AppState, headers: &HeaderMap, id: &str) -> ApiResult<(app::tenders::TenderView, bool)> {
    match tenders::detail(&state.db, id, false, state.now_ms()).await {
        Err(AppError::NotFound) => {
            let Some(viewer) = app::server::auth::user_from_headers(state, headers).await? else {
                return Err(ApiError(AppError::NotFound));
            };
            tenders::load_for(&state.db, &viewer, id).await?;
            Ok((tenders::detail(&state.db, id, true, state.now_ms()).await?, true))
        }
        published => Ok((published?, false)),
    }
}

fn preview_name(kind_zh: &str, title: &str, preview: bool) -> String {
    if preview {
        files::document_name(&format!("{kind_zh}（草稿预览）"), title)
    } else {
        files::document_name(kind_zh, title)
    }
}

/// 招标公告 of the current version as a PDF: public once published; a draft's is a preview.
async fn notice_pdf(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult<Response> {
    let (view, preview) = for_documents(&state, &headers, &id).await?;
    let name = preview_name("招标公告", &view.summary.title, preview);
    let source = ("notice", preview, view.clone());
    files::pdf_cached(&source, "tender-notice.pdf", &name, move || crate::documents::tender_notice_pdf(&view, preview))
        .await
}

/// 招标文件 of the current version as a PDF: public once published, as the notice is.
async fn document_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (view, preview) = for_documents(&state, &headers, &id).await?;
    let template =
        app::schemes::server::by_id(&state.db, &view.spec.template_id).await?.ok_or(ApiError(AppError::Internal))?;
    let name = preview_name("招标文件", &view.summary.title, preview);
    let source = ("document", preview, view.clone(), template.clone());
    files::pdf_cached(&source, "tender-document.pdf", &name, move || {
        crate::documents::tender_document_pdf(&view, &template, preview)
    })
    .await
}
