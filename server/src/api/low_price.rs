//! Abnormally low prices (O87 art. 60): the bidder's written explanation with its evidence PDFs,
//! sent as one upload so they land together, and the evidence read by the panel by alias.

use super::files::{
    field_error, file_name, from_browser_form, inspect, internal, rejected, seal_spooled, spool, upload_answer, Spool,
};
use super::{ApiError, ApiResult, Caller};
use app::bids::server::MAX_BID;
use app::error::AppError;
use app::identity::Role;
use app::low_price::server::{self as low_price, evidence_aad, EvidenceFile, Explainer};
use app::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// Evidence files one explanation may carry.
pub const MAX_EVIDENCE_FILES: usize = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/tenders/{id}/low-price/{lot}/explanation",
            post(explain).layer(DefaultBodyLimit::max(MAX_BID as usize + 256 * 1024)),
        )
        .route("/tenders/{id}/low-price/{alias}/{lot}/evidence/{seq}", get(evidence))
}

/// Multipart fields: `explanation` (20–5,000 characters), `evidence` (the list of evidence, text)
/// and `file` (repeated, up to five PDFs).
async fn explain(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, lot)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let result = receive(&state, &caller, &id, &lot, form).await.map(|()| super::files::created(serde_json::json!({})));
    upload_answer(from_browser_form(&headers), &format!("/bidder/tenders/{id}"), result)
}

async fn receive(
    state: &AppState,
    caller: &Caller,
    id: &str,
    lot: &str,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<()> {
    // Role, then the request's state, then the body: nothing is stored for a refused caller.
    let bidder = caller.require(&[Role::Bidder])?;
    let lot: i64 = lot.parse().map_err(|_| ApiError(AppError::NotFound))?;
    let ctx =
        std::sync::Arc::new(low_price::explainer(&state.db, &state.sealer, bidder, id, lot, state.now_ms()).await?);
    let mut form = form.map_err(|_| {
        field_error("file", "multipart_expected", "请以表单（multipart/form-data）提交", "Send multipart/form-data")
    })?;
    let bad_form = |_e: axum::extract::multipart::MultipartError| {
        field_error(
            "file",
            "upload_interrupted",
            "上传中断或格式有误，说明未保存",
            "The upload failed; the explanation was not saved",
        )
    };
    let (mut explanation, mut evidence) = (String::new(), String::new());
    let mut spooled: Vec<(Spool, u64, String, String)> = Vec::new();
    let mut budget = MAX_BID;
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or_default() {
            "explanation" => explanation = field.text().await.map_err(bad_form)?,
            "evidence" => evidence = field.text().await.map_err(bad_form)?,
            "file" => {
                let name = file_name(&field);
                if name.is_empty() {
                    continue; // an empty file input in a browser form
                }
                if spooled.len() == MAX_EVIDENCE_FILES {
                    return Err(field_error(
                        "file",
                        "evidence_too_many",
                        "证明材料最多上传5个PDF文件",
                        "At most five evidence PDFs",
                    ));
                }
                let (file, size, sha) = spool(state, &mut field, &name, "file", &mut budget).await?;
                spooled.push((file, size, sha, name));
            }
            _ => {}
        }
    }
    // Received when its last byte arrived: checking and sealing do not count against the time.
    let received_at = state.now_ms();
    ctx.check_text(&explanation, &evidence, received_at)?;
    let mut files = Vec::new();
    for (file, size, sha, name) in spooled {
        files.push(check_and_seal(state, &ctx, file, size, sha, name, files.len() as i64).await?);
    }
    low_price::explain(&state.db, bidder, &ctx, &explanation, &evidence, &files, received_at).await?;
    Ok(())
}

/// An evidence file must be a PDF that names neither the organisation nor its people — the
/// panel reads it by alias — and is sealed with the tender key.
async fn check_and_seal(
    state: &AppState,
    ctx: &std::sync::Arc<Explainer>,
    file: Spool,
    size: u64,
    sha: String,
    name: String,
    seq: i64,
) -> ApiResult<EvidenceFile> {
    if !matches!(inspect(&file, size, &name, "file").await?, crate::packages::Kind::Pdf) {
        return Err(rejected(
            "file",
            "evidence_not_pdf",
            format!("证明材料须为PDF文件，“{name}”不是"),
            format!("Evidence must be PDF files; “{name}” is not"),
        ));
    }
    let mut hits = app::domain::blind::scan(&ctx.identity, &[("文件名".to_string(), name.clone())]);
    if hits.is_empty() {
        hits = crate::blind::scan_file(ctx.identity.clone(), file.0.clone(), false)
            .await
            .map_err(internal("the evidence scan failed"))?;
    }
    if let Some(hit) = hits.first() {
        return Err(rejected(
            "file",
            "evidence_names_bidder",
            format!(
                "评审委员会以代号评审，证明材料“{name}”的{}含有本机构名称、信用代码或人员姓名，请遮盖后重新上传",
                hit.place
            ),
            format!(
                "The panel reviews by alias: the {} of “{name}” names your organisation or its people; redact it and upload again",
                hit.place
            ),
        ));
    }
    let (ctx2, aad) = (ctx.clone(), evidence_aad(&ctx.tender_id, &ctx.bid_id, ctx.lot, seq));
    let stored_sha256 = seal_spooled(state, file, move |input, output| {
        ctx2.key.seal_file(&aad, input, size, output).map_err(|e| e.to_string())
    })
    .await?;
    Ok(EvidenceFile { file_name: name, file_size: size as i64, plain_sha256: sha, stored_sha256 })
}

/// An evidence PDF by alias, inline and never cached, under a name that says only the alias.
async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, alias, lot, seq)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    let user = caller.require(&[Role::Expert, Role::Officer, Role::Auditor])?;
    let not_found = |_| ApiError(AppError::NotFound);
    let (lot, seq): (i64, i64) = (lot.parse().map_err(not_found)?, seq.parse().map_err(not_found)?);
    let doc = low_price::evidence_for_reading(&state.db, &state.sealer, user, &id, &alias, lot, seq).await?;
    let sealed =
        state.storage.read(&doc.stored_sha256).await.map_err(|e| internal("reading evidence failed")(e.to_string()))?;
    let plain = tokio::task::spawn_blocking(move || doc.key.open_file(&doc.aad, &sealed))
        .await
        .map_err(|e| internal("decrypting panicked")(e.to_string()))?
        .map_err(|e| internal("sealed evidence does not decrypt")(e.to_string()))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, format!("inline; filename=\"evidence-{alias}-{lot}-{seq}.pdf\"")),
            (CACHE_CONTROL, "no-store".to_string()),
        ],
        plain,
    )
        .into_response())
}
