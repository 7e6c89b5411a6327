//! What the panel reads and the purchaser downloads: a technical proposal by alias (a PDF shown
//! inline, a zip package as a list of its files), and the signed evaluation report as a PDF with
//! its score summary as XLSX.

use super::files::{self, internal};
use super::{ApiError, ApiResult, Caller};
use app::error::AppError;
use app::identity::Role;
use app::server::state::AppState;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/review/{alias}/proposal", get(proposal))
        .route("/tenders/{id}/review/{alias}/proposal/{entry}", get(proposal_entry))
        .route("/tenders/{id}/report.pdf", get(report_pdf))
        .route("/tenders/{id}/scores.xlsx", get(scores_xlsx))
}

/// The decrypted technical proposal of `alias`, for a member of the tender's panel.
async fn decrypted(state: &AppState, caller: &Caller, id: &str, alias: &str) -> ApiResult<(String, Vec<u8>)> {
    let user = caller.require(&[Role::Expert, Role::Officer])?;
    let rid = app::panels::server::review_id(id)?;
    let doc = app::evaluation::server::proposal(&state.db, &state.sealer, user, &rid, alias).await?;
    let sealed = state
        .storage
        .read(&doc.stored_sha256)
        .await
        .map_err(|e| internal("reading a proposal failed")(e.to_string()))?;
    let (aad, key) = (doc.aad, doc.key);
    let plain = tokio::task::spawn_blocking(move || key.open_file(&aad, &sealed))
        .await
        .map_err(|e| internal("decrypting panicked")(e.to_string()))?
        .map_err(|e| internal("a sealed proposal does not decrypt")(e.to_string()))?;
    Ok((doc.content_type, plain))
}

/// Shown in the browser, under a name that says only the alias; never cached.
fn inline(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (CONTENT_TYPE, content_type.to_string()),
            (CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

async fn proposal(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alias)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (content_type, bytes) = decrypted(&state, &caller, &id, &alias).await?;
    if content_type == "application/pdf" {
        return Ok(inline("application/pdf", &format!("proposal-{alias}.pdf"), bytes));
    }
    // A package: the list of its files, each opened on its own.
    let entries =
        tokio::task::spawn_blocking(move || crate::packages::inspect(std::io::Cursor::new(&bytes), bytes.len() as u64))
            .await
            .map_err(|e| internal("listing a proposal panicked")(e.to_string()))?
            .map_err(|_| ApiError(AppError::Internal))?;
    let names = match entries {
        crate::packages::Kind::Zip { entries } => entries,
        crate::packages::Kind::Pdf => vec![],
    };
    let items: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("<li><a href=\"proposal/{i}\" data-testid=\"entry-{i}\">{}</a></li>", files::escape(n)))
        .collect();
    let page = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>投标人{a} 技术方案</title></head>\
         <body><h1>投标人{a} 技术方案（文件包）</h1><ul>{items}</ul></body></html>",
        a = files::escape(&alias)
    );
    Ok(inline("text/html; charset=utf-8", &format!("proposal-{alias}.html"), page.into_bytes()))
}

async fn proposal_entry(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alias, entry)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    caller.require(&[Role::Expert, Role::Officer])?;
    let entry: usize = entry.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let (content_type, bytes) = decrypted(&state, &caller, &id, &alias).await?;
    if content_type != "application/zip" {
        return Err(ApiError(AppError::NotFound));
    }
    let (name, data) = tokio::task::spawn_blocking(move || crate::packages::entry(&bytes, entry))
        .await
        .map_err(|e| internal("reading a package entry panicked")(e.to_string()))?
        .ok_or(ApiError(AppError::NotFound))?;
    if name.to_lowercase().ends_with(".pdf") {
        return Ok(inline("application/pdf", &format!("proposal-{alias}-{entry}.pdf"), data));
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.chars().filter(char::is_ascii_alphanumeric).take(8).collect::<String>())
        .unwrap_or_default();
    Ok(files::download("application/octet-stream", &format!("proposal-{alias}-{entry}.{ext}"), data))
}

/// 评审报告 as a PDF: the tender's own purchaser side and its supervisors, once every member signed.
async fn report_pdf(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin])?;
    let rid = app::panels::server::review_id(&id)?;
    let tender = app::tenders::server::load_for(&state.db, user, &rid.tender).await?;
    let overview = app::evaluation::server::overview(&state.db, &rid, state.now_ms()).await?;
    let Some(report) = overview.report.filter(|r| r.complete) else {
        return Err(ApiError(AppError::NotFound));
    };
    let project_no = tender.project_no;
    let (ascii, zh) = match rid.lot {
        Some(l) => (format!("evaluation-report-lot-{}.pdf", l + 1), format!("评审报告-第{}包.pdf", l + 1)),
        None => ("evaluation-report.pdf".to_string(), "评审报告.pdf".to_string()),
    };
    files::pdf(&ascii, &zh, move || crate::documents::evaluation_report_pdf(&report, &project_no)).await
}

/// The score summary (member × criterion × bidder, per-lot ranking, corrections) once the report
/// is signed by every member; the tender's own purchaser side and its supervisors.
async fn scores_xlsx(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin])?;
    let rid = app::panels::server::review_id(&id)?;
    app::tenders::server::load_for(&state.db, user, &rid.tender).await?;
    let summary = app::evaluation::server::score_summary(&state.db, &rid).await?.ok_or(ApiError(AppError::NotFound))?;
    let bytes = tokio::task::spawn_blocking(move || crate::spreadsheets::score_summary_xlsx(&summary))
        .await
        .map_err(|_| ApiError(AppError::Internal))?
        .map_err(|e| internal("writing the score summary failed")(e.to_string()))?;
    Ok(files::download(XLSX, "score-summary.xlsx", bytes))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
