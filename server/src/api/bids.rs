//! The sealed bid upload (spooled, checked, sealed with the tender key) and a bid's documents,
//! decrypted only once the bids are open.

use super::files::{
    field_error, file_name, from_browser_form, inspect, internal, rejected, seal_spooled, spool, upload_answer, Spool,
};
use super::{ApiError, ApiResult, Caller};
use app::bids::server::{self as bids, file_aad, BidContext, SealedFile, MAX_BID};
use app::bids::{BidReceipt, FileKind, FileReceipt};
use app::error::AppError;
use app::identity::Role;
use app::server::state::AppState;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tenders/{id}/bids", post(submit_bid).layer(DefaultBodyLimit::max(MAX_BID as usize + 256 * 1024)))
        .route("/tenders/{id}/bids/{bid_id}/files/{kind}", get(bid_file))
        .route("/tenders/{id}/bids/{bid_id}/files/{kind}/{lot}", get(bid_lot_file))
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
    (kind, lot): Part,
) -> ApiResult<SealedFile> {
    let field = app::bids::file_field(kind, lot);
    let doc = inspect(&spool, size, &name, &field).await?;
    // Only a tender's proposal is judged blind: a call's applicant presents its own plan (seed 001
    // 申报陈述; seed 003 community → street → district review), so naming itself is expected.
    if kind == FileKind::Technical && ctx.application.is_none() {
        let mut names = vec![name.as_str()];
        if let crate::packages::Kind::Zip { entries } = &doc {
            names.extend(entries.iter().map(String::as_str));
        }
        if let Some(n) = identifies(ctx, &names) {
            return Err(rejected(
                &field,
                "technical_not_anonymous",
                format!("技术方案为暗标，文件名“{n}”含有本机构名称或信用代码，请修改后重新上传"),
                format!("The technical proposal is judged blind; the file name “{n}” contains your organisation's name or credit code"),
            ));
        }
    }
    let blind_hits = if kind == FileKind::Technical && ctx.application.is_none() {
        let hits = blind_scan(ctx, &spool, &doc).await?;
        if let Some(hit) = app::domain::blind::refusal(&hits) {
            return Err(rejected(
                &field,
                "technical_names_bidder",
                format!("技术方案为暗标，“{}”含有本机构名称或信用代码，请删除后重新上传", hit.place),
                format!(
                    "The technical proposal is judged blind; its “{}” names your organisation or gives its credit code",
                    hit.place
                ),
            ));
        }
        let json = serde_json::to_vec(&hits).expect("hits serialise");
        (!hits.is_empty()).then(|| ctx.key.seal(&bids::blind_aad(&ctx.tender.id, kind, lot), &json))
    } else {
        None
    };
    let (ctx2, aad) = (ctx.clone(), file_aad(&ctx.tender.id, kind, lot));
    let stored_sha256 = seal_spooled(state, spool, move |input, output| {
        ctx2.key.seal_file(&aad, input, size, output).map_err(|e| e.to_string())
    })
    .await?;
    Ok(SealedFile {
        receipt: FileReceipt {
            kind,
            file_name: name,
            file_size: size as i64,
            content_type: doc.content_type().into(),
            sha256: sha,
            entries: doc.entry_count(),
            lot,
        },
        stored_sha256,
        blind_hits,
    })
}

/// Reads the spooled proposal's properties and text and scans them for the bidder's identity.
async fn blind_scan(
    ctx: &std::sync::Arc<BidContext>,
    spool: &Spool,
    doc: &crate::packages::Kind,
) -> ApiResult<Vec<app::domain::blind::Hit>> {
    let who = app::domain::blind::Identity {
        org_name: ctx.org_name.clone(),
        credit_code: ctx.credit_code.clone(),
        people: ctx.people.clone(),
    };
    crate::blind::scan_file(who, spool.0.clone(), matches!(doc, crate::packages::Kind::Zip { .. }))
        .await
        .map_err(internal("the blind scan failed"))
}

/// A document's kind and, for a lot's own proposal, its lot.
type Part = (FileKind, Option<i64>);

/// A bidder's sealed bid as multipart form fields: `lot` (repeated lot positions; optional when
/// there is one lot), `price_<lot>` (yuan; not for fixed-price tenders), and the files
/// `technical` (anonymous proposal; `technical_<lot>` for each lot bid for where the tender
/// takes one per lot) and `qualification`, each a PDF or a zip package.
async fn submit_bid(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let result = receive_bid(&state, &caller, &id, form).await.map(super::files::created);
    upload_answer(from_browser_form(&headers), &format!("/bidder/tenders/{id}"), result)
}

async fn receive_bid(
    state: &AppState,
    caller: &Caller,
    id: &str,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<BidReceipt> {
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
    // Spooled while the body arrives, checked and sealed once it has: the bid is received when
    // its last byte is, and the server's own work (scanning, sealing) does not count against
    // the deadline.
    let mut spooled_files: Vec<(Part, Spool, u64, String, String)> = Vec::new();
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
            n if n == "technical" || n == "qualification" || n.starts_with("technical_") => {
                let part = match n.strip_prefix("technical_") {
                    Some(lot) => (
                        FileKind::Technical,
                        Some(
                            lot.parse::<i64>()
                                .ok()
                                .filter(|l| (0..ctx.spec.lots.len() as i64).contains(l))
                                .ok_or_else(|| field_error("lots", "lot_unknown", "标段不存在", "No such lot"))?,
                        ),
                    ),
                    None if n == "technical" => (FileKind::Technical, None),
                    None => (FileKind::Qualification, None),
                };
                let file_name = file_name(&field);
                if file_name.is_empty() {
                    // An empty file input in a browser form.
                    continue;
                }
                if spooled_files.iter().any(|(k, ..)| *k == part) {
                    return Err(field_error(
                        n,
                        "file_repeated",
                        "同一类文件只能上传一个（多个文件请打包为zip）",
                        "One file per kind (pack several into a zip)",
                    ));
                }
                let (spooled, size, sha) = spool(&state, &mut field, &file_name, n, &mut budget).await?;
                spooled_files.push((part, spooled, size, sha, file_name));
            }
            _ => {}
        }
    }
    let received_at = state.now_ms();
    let mut files: Vec<SealedFile> = Vec::new();
    for (part, spooled, size, sha, file_name) in spooled_files {
        files.push(check_and_seal(&state, &ctx, spooled, size, sha, file_name, part).await?);
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
    // An upload whose last byte arrived after the deadline is late.
    let contents = bids::BidContents {
        prices: &parsed,
        files: &files,
        declaration: declaration.as_ref(),
        application: application.as_ref(),
    };
    Ok(bids::submit(&state.db, bidder, &ctx, contents, state.settings.org_quota_bytes, received_at).await?)
}

/// A bid's document (`technical` or `qualification`), decrypted: purchaser side only, and only
/// once the bids are open.
async fn bid_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bid_id, kind)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    read_bid_file(&state, &caller, &id, &bid_id, &kind, None).await
}

/// A lot's own technical proposal, where the tender takes one per lot.
async fn bid_lot_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, bid_id, kind, lot)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    // Authorised before the path is judged, so a caller learns nothing from a malformed one.
    caller.require(&[Role::Officer, Role::Auditor])?;
    let lot = lot.parse::<i64>().map_err(|_| ApiError(AppError::NotFound))?;
    read_bid_file(&state, &caller, &id, &bid_id, &kind, Some(lot)).await
}

async fn read_bid_file(
    state: &AppState,
    caller: &Caller,
    id: &str,
    bid_id: &str,
    kind: &str,
    lot: Option<i64>,
) -> ApiResult<Response> {
    // Bid documents are for the tender's own purchaser side; platform admins do not read them.
    let user = caller.require(&[Role::Officer, Role::Auditor])?;
    app::tenders::server::load_for(&state.db, user, id).await?;
    let kind = FileKind::parse(kind).ok_or(ApiError(AppError::NotFound))?;
    let doc = bids::file_for_reading(&state.db, &state.sealer, id, bid_id, kind, lot).await?;
    let sealed = state
        .storage
        .read(&doc.stored_sha256)
        .await
        .map_err(|e| internal("reading a bid file failed")(e.to_string()))?;
    let (aad, key) = (doc.aad, doc.key);
    let plain = tokio::task::spawn_blocking(move || key.open_file(&aad, &sealed))
        .await
        .map_err(|e| internal("decrypting panicked")(e.to_string()))?
        .map_err(|e| internal("a sealed bid file does not decrypt")(e.to_string()))?;
    Ok(super::files::download(&doc.content_type, &doc.file_name, plain))
}
