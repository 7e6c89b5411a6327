//! Tender routes that move files: the sealed bid upload (spooled, checked, sealed with the
//! tender key), a bid's documents (decrypted only once the bids are open), the opening record
//! and the award notice PDFs.

use super::{ApiError, ApiResult, Caller};
use app::error::AppError;
use app::identity::Role;
use app::bids::server::{self as bids, file_aad, BidContext, SealedFile, MAX_BID, MAX_FILE};
use app::opening::server as review;
use app::server::state::AppState;
use app::tenders::server as tenders;
use app::tenders::FileReceipt;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/bids", post(submit_bid).layer(DefaultBodyLimit::max(MAX_BID as usize + 256 * 1024)))
        .route("/tenders/{id}/bids/{bid_id}/files/{kind}", get(bid_file))
        .route("/tenders/{id}/award-notice.pdf", get(award_notice))
        .route("/tenders/{id}/opening-record.pdf", get(opening_record_pdf))
        .route("/tenders/{id}/notice.pdf", get(notice_pdf))
        .route("/tenders/{id}/document.pdf", get(document_pdf))
        .route("/tenders/{id}/attachments", post(attach).layer(DefaultBodyLimit::max(MAX_FILE as usize + 64 * 1024)))
        .route("/tenders/{id}/attachments/{sha256}", get(attachment))
}

fn field_error(field: &str, code: &str, zh: &str, en: &str) -> ApiError {
    ApiError(AppError::field(field, code, zh, en))
}

fn internal(what: &'static str) -> impl Fn(String) -> ApiError {
    move |e| {
        tracing::error!(error = %e, "{what}");
        ApiError(AppError::Internal)
    }
}

fn rejected(field: &str, code: &str, zh: String, en: String) -> ApiError {
    ApiError(AppError::Validation(vec![app::error::FieldError {
        field: field.into(),
        code: code.into(),
        message_zh: zh,
        message_en: en,
    }]))
}

/// A plaintext spool that is deleted however the request ends.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Streams one multipart file field to a temporary file, hashing it and stopping at the limits.
async fn spool(
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
                format!("投标文件合计超过{}MB上限", MAX_BID / 1024 / 1024),
                format!("The bid's documents together exceed {} MB", MAX_BID / 1024 / 1024),
            ));
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(|e| internal("writing a spool file failed")(e.to_string()))?;
    }
    file.flush().await.map_err(|e| internal("flushing a spool file failed")(e.to_string()))?;
    *budget -= size;
    Ok((path, size, hex::encode(hasher.finalize())))
}

/// The technical proposal is judged blind (暗标): its file names must not name the bidder.
fn identifies(ctx: &BidContext, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|n| app::domain::tender::identifies_bidder(n, &ctx.org_name, ctx.credit_code.as_deref()))
        .map(|n| n.to_string())
}

/// Checks a spooled document and seals it into storage with the tender key.
async fn check_and_seal(
    state: &AppState,
    ctx: &std::sync::Arc<BidContext>,
    spool: Spool,
    size: u64,
    sha: String,
    name: String,
    kind: &'static str,
) -> ApiResult<SealedFile> {
    let path = spool.0.clone();
    let inspected = tokio::task::spawn_blocking(move || {
        std::fs::File::open(&path).map(|f| crate::packages::inspect(std::io::BufReader::new(f), size))
    })
    .await
    .map_err(|e| internal("inspecting an upload panicked")(e.to_string()))?
    .map_err(|e| internal("reading a spool file failed")(e.to_string()))?;
    let doc = inspected.map_err(|r| {
        let (zh, en) = r.messages(&name);
        rejected(kind, r.code(), zh, en)
    })?;
    // Only a tender's proposal is judged blind: a call's applicant presents its own plan (seed 001
    // 申报陈述; seed 003 community → street → district review), so naming itself is expected.
    if kind == "technical" && ctx.application.is_none() {
        let mut names = vec![name.as_str()];
        if let crate::packages::Kind::Zip { entries } = &doc {
            names.extend(entries.iter().map(String::as_str));
        }
        if let Some(n) = identifies(ctx, &names) {
            return Err(rejected(
                kind,
                "technical_not_anonymous",
                format!("技术方案为暗标，文件名“{n}”含有本机构名称或信用代码，请修改后重新上传"),
                format!("The technical proposal is judged blind; the file name “{n}” contains your organisation's name or credit code"),
            ));
        }
    }
    let (src, dst) = (spool.0.clone(), state.storage.temp_path());
    let (storage, ctx2, tender_id) = (state.storage.clone(), ctx.clone(), ctx.tender.id.clone());
    let stored = tokio::task::spawn_blocking(move || -> Result<app::server::storage::StoredFile, String> {
        let out = Spool(dst);
        let input = std::io::BufReader::new(std::fs::File::open(&src).map_err(|e| e.to_string())?);
        let mut writer = std::io::BufWriter::new(std::fs::File::create(&out.0).map_err(|e| e.to_string())?);
        ctx2.key.seal_file(&file_aad(&tender_id, kind), input, size, &mut writer).map_err(|e| e.to_string())?;
        writer.into_inner().map_err(|e| e.to_string())?;
        storage.adopt(&out.0).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| internal("sealing an upload panicked")(e.to_string()))?
    .map_err(internal("sealing an upload failed"))?;
    drop(spool);
    Ok(SealedFile {
        receipt: FileReceipt {
            kind: kind.into(),
            file_name: name,
            file_size: size as i64,
            content_type: doc.content_type().into(),
            sha256: sha,
            entries: doc.entry_count(),
        },
        stored_sha256: stored.sha256,
    })
}

/// A bidder's sealed bid as multipart form fields: `lot` (repeated lot positions; optional when
/// there is one lot), `price_<lot>` (yuan; not for fixed-price tenders), and the files
/// `technical` (anonymous proposal) and `qualification`, each a PDF or a zip package.
async fn submit_bid(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let browser_form = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    match receive_bid(&state, &caller, &id, form).await {
        Ok(_) if browser_form => Ok(Redirect::to(&format!("/bidder/tenders/{id}")).into_response()),
        Ok(receipt) => Ok((StatusCode::CREATED, Json(receipt)).into_response()),
        // A browser's plain form post gets its page back with the reasons, not a JSON body.
        Err(ApiError(AppError::Validation(fields))) if browser_form => {
            let encoded = urlencode(&serde_json::to_string(&fields).unwrap_or_default());
            Ok(Redirect::to(&format!("/bidder/tenders/{id}?upload_error={encoded}")).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn receive_bid(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<app::tenders::BidReceipt> {
    let (state, id) = (state.clone(), id.to_string());
    // Role first, then the tender's state, then the body: nothing is stored for a refused caller.
    let bidder = caller.require(&[Role::Bidder])?;
    let ctx = std::sync::Arc::new(bids::context(&state.db, &state.sealer, bidder, &id, state.now_ms()).await?);
    let mut form = form.map_err(|_| {
        field_error(
            "file",
            "multipart_expected",
            "请以表单（multipart/form-data）提交投标",
            "Send the bid as multipart/form-data",
        )
    })?;
    let bad_form = |_e: axum::extract::multipart::MultipartError| {
        field_error(
            "file",
            "upload_interrupted",
            "上传中断或格式有误，投标未保存（原投标不变）",
            "The upload failed; nothing was saved (any earlier bid is unchanged)",
        )
    };
    let mut lots: Vec<i64> = Vec::new();
    let mut prices: Vec<(i64, String)> = Vec::new();
    let mut files: Vec<SealedFile> = Vec::new();
    let mut teams: Vec<(i64, app::domain::roster::TeamInput)> = Vec::new();
    let mut application = app::domain::shenzhen::ApplicationInput::default();
    let mut zone = app::domain::shandong::ApplicationForm::default();
    let mut budget = MAX_BID;
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "lot" => {
                let v = field.text().await.map_err(bad_form)?;
                lots.push(
                    v.trim().parse().map_err(|_| field_error("lots", "lot_unknown", "标段不存在", "No such lot"))?,
                );
            }
            n if n.starts_with("price_") => {
                let pos: i64 = n["price_".len()..]
                    .parse()
                    .map_err(|_| field_error("lots", "lot_unknown", "标段不存在", "No such lot"))?;
                prices.push((pos, field.text().await.map_err(bad_form)?));
            }
            // The team of lot N: `manager_N`, `supervisor_N`, `staff_N` (every contract year) and
            // `staff_N_yY` (contract year Y only).
            n if n.starts_with("manager_") || n.starts_with("supervisor_") || n.starts_with("staff_") => {
                let unknown_lot = || field_error("lots", "lot_unknown", "标段不存在", "No such lot");
                let (role, rest) = n.split_once('_').expect("checked above");
                let (lot, year) = match rest.split_once("_y") {
                    Some((lot, year)) => (
                        lot.parse::<i64>().map_err(|_| unknown_lot())?,
                        Some(year.parse::<u8>().map_err(|_| unknown_lot())?),
                    ),
                    None => (rest.parse::<i64>().map_err(|_| unknown_lot())?, None),
                };
                let v = field.text().await.map_err(bad_form)?;
                let team = match teams.iter_mut().find(|(l, _)| *l == lot) {
                    Some((_, t)) => t,
                    None => {
                        teams.push((lot, app::domain::roster::TeamInput::default()));
                        &mut teams.last_mut().expect("just pushed").1
                    }
                };
                match (role, year) {
                    ("manager", _) => team.manager = (!v.trim().is_empty()).then_some(v),
                    ("supervisor", _) => team.supervisors.push(v),
                    (_, Some(y)) => team.by_year.push((y, v)),
                    (_, None) => team.every_year.push(v),
                }
            }
            // A call for applications (Shenzhen demonstration sites).
            "project" => application.selected.push(field.text().await.map_err(bad_form)?),
            "premises_available" => application.premises_available = field.text().await.map_err(bad_form)? == "true",
            "district_matches" => application.district_matches = field.text().await.map_err(bad_form)? == "true",
            "residents_consulted" => application.residents_consulted = field.text().await.map_err(bad_form)?,
            "residents_agreeing" => application.residents_agreeing = field.text().await.map_err(bad_form)?,
            "centre_operating_months" => application.centre_operating_months = field.text().await.map_err(bad_form)?,
            // A call for experimental zones (Shandong 申报表).
            n if n.starts_with("zone_") => {
                let v = field.text().await.map_err(bad_form)?;
                let slot = match n {
                    "zone_unit" => &mut zone.unit,
                    "zone_party_secretary" => &mut zone.party_secretary,
                    "zone_contacts" => &mut zone.contacts,
                    "zone_background" => &mut zone.background,
                    "zone_theme" => &mut zone.theme,
                    "zone_content" => &mut zone.content,
                    "zone_guarantees" => &mut zone.guarantees,
                    "zone_city_opinion" => &mut zone.city_opinion,
                    "zone_category" => &mut zone.category,
                    _ => continue,
                };
                *slot = v;
            }
            n if n.starts_with("omission_") => {
                let project = n["omission_".len()..].to_string();
                application.omissions.push((project, field.text().await.map_err(bad_form)?));
            }
            // A single price field means the only lot.
            "price" => prices.push((0, field.text().await.map_err(bad_form)?)),
            "technical" | "qualification" => {
                let kind: &'static str = if name == "technical" { "technical" } else { "qualification" };
                let file_name =
                    field.file_name().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect::<String>();
                if file_name.is_empty() {
                    // An empty file input in a browser form.
                    continue;
                }
                if files.iter().any(|f| f.receipt.kind == kind) {
                    return Err(field_error(
                        kind,
                        "file_repeated",
                        "同一类文件只能上传一个（多个文件请打包为zip）",
                        "One file per kind (pack several into a zip)",
                    ));
                }
                let (spooled, size, sha) = spool(&state, &mut field, &file_name, kind, &mut budget).await?;
                files.push(check_and_seal(&state, &ctx, spooled, size, sha, file_name, kind).await?);
            }
            _ => {}
        }
    }
    let typed: Vec<String> = if lots.is_empty() {
        vec![prices.iter().find(|(p, _)| *p == 0).map(|(_, v)| v.clone()).unwrap_or_default()]
    } else {
        lots.iter().map(|l| prices.iter().find(|(p, _)| p == l).map(|(_, v)| v.clone()).unwrap_or_default()).collect()
    };
    let parsed = bids::parse_prices(&ctx.spec, &lots, &typed)?;
    // One team per lot of the bid, in the bid's lot order; teams sent for other lots are ignored.
    let lot_teams = parsed
        .iter()
        .filter_map(|(pos, _)| ctx.spec.lots.get(*pos as usize).map(|l| (pos, l)))
        .map(|(pos, l)| app::domain::roster::LotTeam {
            lot: l.name.clone(),
            team: teams.iter().find(|(p, _)| p == pos).map(|(_, t)| t.choice(ctx.contract_years)).unwrap_or_default(),
        })
        .collect();
    let declaration = app::profiles::server::declaration(&state.db, &ctx.org_id, lot_teams).await?;
    // Only a call for applications asks for answers, in the form its template names.
    use app::domain::{application::Answers, template::ApplicationKind};
    let invalid = |e| ApiError(AppError::Validation(e));
    let application = match ctx.application {
        Some(ApplicationKind::ProjectLibrary) => {
            Some(Answers::Library(app::domain::shenzhen::parse_application(&application).map_err(invalid)?))
        }
        Some(ApplicationKind::ZoneForm) => {
            Some(Answers::Zone(app::domain::shandong::parse_form(&zone).map_err(invalid)?))
        }
        None => None,
    };
    // The clock is read again now: an upload that finishes after the deadline is late.
    Ok(bids::submit(
        &state.db,
        bidder,
        &ctx,
        &parsed,
        &files,
        declaration.as_ref(),
        application.as_ref(),
        state.now_ms(),
    )
    .await?)
}

/// A bid's document (`technical` or `qualification`), decrypted: purchaser side only, and only
/// once the bids are open.
async fn bid_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bid_id, kind)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    caller.require(&[Role::Officer, Role::Auditor, Role::Admin])?;
    let (stored, name, content_type, key) =
        bids::file_for_reading(&state.db, &state.sealer, &id, &bid_id, &kind).await?;
    let sealed = state.storage.read(&stored).await.map_err(|e| internal("reading a bid file failed")(e.to_string()))?;
    let aad = file_aad(&id, &kind);
    let plain = tokio::task::spawn_blocking(move || key.open_file(&aad, &sealed))
        .await
        .map_err(|e| internal("decrypting panicked")(e.to_string()))?
        .map_err(|e| internal("a sealed bid file does not decrypt")(e.to_string()))?;
    let disposition = format!("attachment; filename*=UTF-8''{}", urlencode(&name));
    Ok(([(CONTENT_TYPE, content_type), (CONTENT_DISPOSITION, disposition)], plain).into_response())
}

/// The officer attaches a document (PDF or zip, checked like a bid's) to a draft tender.
async fn attach(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let browser_form = headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    match receive_attachment(&state, &caller, &id, form).await {
        Ok(()) if browser_form => Ok(Redirect::to(&format!("/officer/tenders/{id}")).into_response()),
        Ok(()) => Ok(StatusCode::CREATED.into_response()),
        // A browser's plain form post gets its page back with the reasons, not a JSON body.
        Err(ApiError(AppError::Validation(fields))) if browser_form => {
            let encoded = urlencode(&serde_json::to_string(&fields).unwrap_or_default());
            Ok(Redirect::to(&format!("/officer/tenders/{id}?upload_error={encoded}")).into_response())
        }
        Err(e) => Err(e),
    }
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
    app::tenders::attachments::ensure_attachable(&state.db, id, state.now_ms()).await?;
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
                let name =
                    field.file_name().unwrap_or("").chars().filter(|c| !c.is_control()).take(200).collect::<String>();
                if name.is_empty() {
                    continue;
                }
                let mut budget = MAX_FILE;
                let (spooled, size, sha) = spool(state, &mut field, &name, "file", &mut budget).await?;
                let path = spooled.0.clone();
                let kind = tokio::task::spawn_blocking(move || {
                    std::fs::File::open(&path).map(|f| crate::packages::inspect(std::io::BufReader::new(f), size))
                })
                .await
                .map_err(|e| internal("inspecting an attachment panicked")(e.to_string()))?
                .map_err(|e| internal("reading a spool file failed")(e.to_string()))?
                .map_err(|r| {
                    let (zh, en) = r.messages(&name);
                    rejected("file", r.code(), zh, en)
                })?;
                received = Some((spooled, sha, name, size, kind.content_type()));
            }
            _ => {}
        }
    }
    let Some((spooled, sha, name, size, content_type)) = received else {
        return Err(field_error("file", "file_required", "请选择要上传的附件", "Choose a file to attach"));
    };
    // The reason is checked before the file is kept, so a refused amendment stores nothing.
    let file =
        app::tenders::attachments::NewAttachment { sha256: &sha, file_name: &name, size: size as i64, content_type };
    app::tenders::attachments::check(&state.db, id, &file, &reason, state.now_ms()).await?;
    let saved = state.storage.adopt(&spooled.0).map_err(|e| internal("storing an attachment failed")(e.to_string()))?;
    debug_assert_eq!(saved.sha256, sha);
    Ok(app::tenders::attachments::add(&state.db, officer, id, &file, &reason, state.now_ms()).await?)
}

/// A tender's attachment: public once published (officers also see a draft's).
async fn attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, sha256)): Path<(String, String)>,
) -> ApiResult<Response> {
    let viewer = app::server::auth::user_from_headers(&state, &headers).await?;
    let a = app::tenders::attachments::for_download(&state.db, viewer.as_ref(), &id, &sha256).await?;
    let bytes =
        state.storage.read(&a.sha256).await.map_err(|e| internal("reading an attachment failed")(e.to_string()))?;
    let disposition = format!("attachment; filename*=UTF-8''{}", urlencode(&a.file_name));
    Ok(([(CONTENT_TYPE, a.content_type), (CONTENT_DISPOSITION, disposition)], bytes).into_response())
}

/// 招标公告 of the current version as a PDF: public once published.
async fn notice_pdf(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let view = tenders::detail(&state.db, &id, false).await?;
    let pdf = tokio::task::spawn_blocking(move || crate::documents::tender_notice_pdf(&view))
        .await
        .map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, "attachment; filename=\"tender-notice.pdf\"".to_string()),
        ],
        pdf,
    )
        .into_response())
}

/// 招标文件 of the current version as a PDF: public once published, as the notice is.
async fn document_pdf(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    let view = tenders::detail(&state.db, &id, false).await?;
    let template =
        app::schemes::server::by_id(&state.db, &view.spec.template_id).await?.ok_or(ApiError(AppError::Internal))?;
    let pdf = tokio::task::spawn_blocking(move || crate::documents::tender_document_pdf(&view, &template))
        .await
        .map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, "attachment; filename=\"tender-document.pdf\"".to_string()),
        ],
        pdf,
    )
        .into_response())
}

/// 开标一览表 as a PDF: the purchaser side and the bidders of this tender, once opened.
async fn opening_record_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder])?;
    let record = review::opening_record(&state.db, &id).await?;
    review::check_record_reader(user, &record)?;
    let pdf = tokio::task::spawn_blocking(move || crate::documents::opening_record_pdf(&record))
        .await
        .map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, "attachment; filename=\"opening-record.pdf\"".to_string()),
        ],
        pdf,
    )
        .into_response())
}

/// 中标通知书, one per winning organisation with the lots it was awarded: the purchaser side gets
/// them all, a winning organisation's members their own; 404 until a lot is awarded.
async fn award_notice(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let user = caller.require(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder])?;
    let mut notices = tenders::award_notices(&state.db, &id).await?;
    // A bidder gets its own notice only; the purchaser side gets every winner's.
    if user.role == Role::Bidder {
        notices.retain(|n| user.org_id.as_deref() == Some(n.winner_org_id.as_str()));
        if notices.is_empty() {
            return Err(ApiError(AppError::Forbidden));
        }
    }
    let pdf = tokio::task::spawn_blocking(move || crate::documents::award_notices_pdf(&notices))
        .await
        .map_err(|_| ApiError(AppError::Internal))?;
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, "attachment; filename=\"award-notice.pdf\"".to_string()),
        ],
        pdf,
    )
        .into_response())
}

fn urlencode(s: &str) -> String {
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
