//! Abnormally low prices in the database: the cases the prices raise, the panel leader's request
//! and decision, the bidder's explanation. The panel sees bidders by alias only, and an
//! explanation naming its bidder is refused, as a clarification question is.

use super::{BidderCase, EvidenceDoc, LotCases, LowPriceCase, LowPriceView};
use crate::domain::blind::Identity;
use crate::domain::evaluation::cite;
use crate::domain::evaluation::low_price::{self, Decision, LowPriceError, Stage, Trigger};
use crate::domain::money::Yuan;
use crate::domain::tender;
use crate::error::{AppError, FieldError};
use crate::identity::{Role, SessionUser};
use crate::panels::server as panels;
use crate::panels::ReviewId;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use crate::server::sealing::{Sealer, TenderKey};
use crate::tenders::server::{load, TenderRow};
use serde_json::json;
use sqlx::Row;

fn refused(e: LowPriceError) -> AppError {
    AppError::Validation(vec![FieldError {
        field: e.field().into(),
        code: e.code().into(),
        message_zh: e.message_zh(),
        message_en: e.to_string(),
    }])
}

/// A review the panel began, as stored.
struct Review {
    bid_id: String,
    lot: i64,
    triggers: Vec<Trigger>,
    grounds: String,
    due_at: i64,
    explanation: Option<String>,
    evidence: String,
    files: Vec<EvidenceDoc>,
    decision: Option<Decision>,
    basis: Option<String>,
}

impl Review {
    fn stage(&self) -> Stage {
        match (self.decision, &self.explanation) {
            (Some(decision), _) => Stage::Decided { decision },
            (None, Some(_)) => Stage::Answered { due_at: self.due_at },
            (None, None) => Stage::Requested { due_at: self.due_at },
        }
    }
}

/// One bid in one lot: the triggers its price meets now, and the review if one began.
pub struct Case {
    pub bid_id: String,
    pub alias: String,
    pub lot: i64,
    pub lot_name: String,
    pub price: Yuan,
    pub triggers: Vec<Trigger>,
    review: Option<Review>,
}

impl Case {
    /// None: nothing to review.
    pub fn stage(&self) -> Option<Stage> {
        match &self.review {
            Some(r) => Some(r.stage()),
            None => (!self.triggers.is_empty()).then_some(Stage::Flagged),
        }
    }

    /// The line the report keeps for a review the panel began (财库〔2026〕2号: trigger, process,
    /// basis, conclusion).
    pub fn record_zh(&self) -> Option<String> {
        let r = self.review.as_ref()?;
        let started = if r.triggers.is_empty() {
            format!("评审委员会自行启动（{}）", r.grounds)
        } else {
            r.triggers.iter().map(|t| t.message_zh()).collect::<Vec<_>>().join("、")
        };
        let explained = match &r.explanation {
            Some(e) => format!("投标人书面说明：{e}"),
            None => "投标人未在期限内作出说明".into(),
        };
        let concluded = match (r.decision, &r.basis) {
            (Some(d), Some(b)) => format!("结论：{}；依据：{b}", d.name_zh()),
            _ => "尚无结论".into(),
        };
        Some(format!(
            "投标人{}（{}，报价{}元）：{started}；{explained}；{concluded}",
            self.alias, self.lot_name, self.price
        ))
    }

    /// The panel found the price not justified: the bid is invalid in this lot (O87 art. 60).
    pub fn rejected(&self) -> bool {
        self.review.as_ref().is_some_and(|r| r.decision == Some(Decision::Rejected))
    }

    pub fn rejection_zh(&self) -> String {
        let basis = self.review.as_ref().and_then(|r| r.basis.clone()).unwrap_or_default();
        format!("{}：不能证明报价合理性，按无效投标处理（{}）：{basis}", self.lot_name, cite::O87_60)
    }
}

/// Every qualified bid in every lot that is still ranked, with its triggers and review. Empty
/// when price is not scored: a fixed price has nothing to be abnormally low against.
pub async fn cases(db: &Db, t: &TenderRow) -> Result<Vec<Case>, AppError> {
    let spec = t.spec()?;
    if !spec.price_scored() || !tender::bids_readable(t.status) {
        return Ok(Vec::new());
    }
    let reviews: Vec<Review> = sqlx::query(
        "SELECT bid_id, lot_position, triggers_json, grounds, due_at, explanation, evidence, decision, basis \
         FROM low_price_reviews WHERE tender_id = $1",
    )
    .bind(&t.id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Review {
        bid_id: r.get("bid_id"),
        lot: r.get("lot_position"),
        triggers: serde_json::from_str(&r.get::<String, _>("triggers_json")).unwrap_or_default(),
        grounds: r.get("grounds"),
        due_at: r.get("due_at"),
        explanation: r.get("explanation"),
        evidence: r.get("evidence"),
        files: Vec::new(),
        decision: r.get::<Option<String>, _>("decision").as_deref().and_then(Decision::parse),
        basis: r.get("basis"),
    })
    .collect();
    let mut reviews = reviews;
    for f in sqlx::query(
        "SELECT bid_id, lot_position, seq, file_name, file_size, plain_sha256 FROM low_price_evidence \
         WHERE tender_id = $1 ORDER BY seq",
    )
    .bind(&t.id)
    .fetch_all(&db.pool)
    .await?
    {
        let (bid, lot): (String, i64) = (f.get("bid_id"), f.get("lot_position"));
        if let Some(r) = reviews.iter_mut().find(|r| r.bid_id == bid && r.lot == lot) {
            r.files.push(EvidenceDoc {
                seq: f.get("seq"),
                file_name: f.get("file_name"),
                file_size: f.get("file_size"),
                sha256: f.get("plain_sha256"),
            });
        }
    }
    let prices = sqlx::query(
        "SELECT b.id, b.alias, l.lot_position, l.price_fen FROM bids b JOIN bid_lots l ON l.bid_id = b.id \
         WHERE b.tender_id = $1 AND b.alias IS NOT NULL ORDER BY b.alias, l.lot_position",
    )
    .bind(&t.id)
    .fetch_all(&db.pool)
    .await?;
    let failed: Vec<i64> = sqlx::query("SELECT lot_position FROM lot_failures WHERE tender_id = $1")
        .bind(&t.id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("lot_position"))
        .collect();
    // The thresholds compare compliant bids (财库〔2026〕2号); the failures found by the panel
    // reviewing the lot are out.
    let mut noncompliant = Vec::new();
    for rid in panels::reviews_of(t)? {
        noncompliant.push((rid.lot, crate::compliance::server::failed_bids(db, &rid).await?));
    }
    let mut out = Vec::new();
    for (position, lot) in spec.lots.iter().enumerate() {
        let position = position as i64;
        if failed.contains(&position) {
            continue;
        }
        let out_of_lot: &[String] = noncompliant
            .iter()
            .find(|(l, _)| l.is_none_or(|l| l == position))
            .map(|(_, bids)| bids.as_slice())
            .unwrap_or_default();
        let covering: Vec<(String, String, Yuan)> = prices
            .iter()
            .filter(|p| p.get::<i64, _>("lot_position") == position && !out_of_lot.contains(&p.get::<String, _>("id")))
            .map(|p| {
                (
                    p.get("id"),
                    p.get::<Option<String>, _>("alias").unwrap_or_default(),
                    Yuan::from_fen(p.get("price_fen")),
                )
            })
            .collect();
        let amounts: Vec<(String, _)> = covering.iter().map(|(b, _, p)| (b.clone(), p.amount())).collect();
        let flagged = low_price::flagged(&amounts, lot.budget.amount());
        for (bid_id, alias, price) in covering {
            let triggers = flagged.iter().find(|(b, _)| *b == bid_id).map(|(_, t)| t.clone()).unwrap_or_default();
            let review =
                reviews.iter().position(|r| r.bid_id == bid_id && r.lot == position).map(|i| reviews.swap_remove(i));
            out.push(Case { bid_id, alias, lot: position, lot_name: lot.name.clone(), price, triggers, review });
        }
    }
    Ok(out)
}

/// The cases of the lots a review judges.
pub async fn cases_in(db: &Db, t: &TenderRow, rid: &ReviewId) -> Result<Vec<Case>, AppError> {
    Ok(cases(db, t).await?.into_iter().filter(|c| rid.lot.is_none_or(|l| c.lot == l)).collect())
}

/// Whether a review is due or under way: the report waits for every one to be decided.
pub fn pending(cases: &[Case]) -> bool {
    cases.iter().any(|c| c.stage().is_some_and(Stage::pending))
}

fn case_view(c: &Case) -> LowPriceCase {
    let r = c.review.as_ref();
    LowPriceCase {
        lot: c.lot,
        alias: c.alias.clone(),
        price: c.price.to_string(),
        triggers: c.triggers.iter().map(|t| t.message_zh().to_string()).collect(),
        stage: c.stage(),
        grounds: r.map(|r| r.grounds.clone()).unwrap_or_default(),
        explanation: r.and_then(|r| r.explanation.clone()),
        evidence: r.map(|r| r.evidence.clone()).unwrap_or_default(),
        // The bidder's own file names stay with the bidder: the panel lists the files by number.
        evidence_files: r
            .map(|r| {
                r.files
                    .iter()
                    .map(|f| EvidenceDoc { file_name: format!("证明材料{}.pdf", f.seq + 1), ..f.clone() })
                    .collect()
            })
            .unwrap_or_default(),
        basis: r.and_then(|r| r.basis.clone()),
    }
}

/// Whether a member has signed the report: from then on the record stands (O87 art. 64).
async fn signing_begun(db: &Db, rid: &ReviewId) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT 1 AS one FROM report_signatures WHERE tender_id = $1 AND review_lot = $2 LIMIT 1")
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

/// The cases by alias, for the panel's review (`leader`: the caller leads it) or the purchaser
/// side's overview; the callers have authorised the reader.
/// `all`: the review's cases, as [`cases_in`] reads them.
pub async fn view(
    db: &Db,
    t: &TenderRow,
    rid: &ReviewId,
    all: &[Case],
    leader: bool,
) -> Result<LowPriceView, AppError> {
    let applies = t.spec()?.price_scored();
    let mut lots: Vec<LotCases> = Vec::new();
    for c in all {
        match lots.iter_mut().find(|l| l.position == c.lot) {
            Some(l) => l.cases.push(case_view(c)),
            None => lots.push(LotCases { position: c.lot, name: c.lot_name.clone(), cases: vec![case_view(c)] }),
        }
    }
    Ok(LowPriceView { applies, leader, may_act: leader && !signing_begun(db, rid).await?, lots })
}

/// The leader, acting for the panel, on a case not closed by a signature.
async fn leader_case(db: &Db, user: &SessionUser, rid: &ReviewId, alias: &str, lot: i64) -> Result<Case, AppError> {
    let (t, _) = panels::open_to_member(db, rid, user).await?;
    if panels::leader_of(db, rid).await?.as_deref() != Some(user.id.as_str()) {
        return Err(AppError::field(
            "low_price",
            "low_price_leader",
            "异常低价审查由评审委员会组长代表评审委员会记录",
            "The panel leader records the panel's low-price review",
        ));
    }
    if signing_begun(db, rid).await? {
        return Err(AppError::field(
            "low_price",
            "report_signing",
            &format!("评审报告已开始签署，评审结果只能依{}重新评审后变更", cite::O87_64),
            "The report is being signed; the result changes only by re-review (O87 art. 64)",
        ));
    }
    cases_in(db, &t, rid).await?.into_iter().find(|c| c.alias == alias && c.lot == lot).ok_or(AppError::NotFound)
}

/// O87 art. 60: the panel asks the bidder behind `alias` to explain its price in `lot`.
#[allow(clippy::too_many_arguments)]
pub async fn request(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    alias: &str,
    lot: i64,
    hours: u32,
    grounds: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let c = leader_case(db, user, rid, alias, lot).await?;
    let due_at = low_price::request(c.stage(), &c.triggers, grounds, hours, now_ms).map_err(refused)?;
    let grounds = grounds.trim();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO low_price_reviews (tender_id, bid_id, lot_position, triggers_json, grounds, requested_by, requested_at, due_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&rid.tender)
    .bind(&c.bid_id)
    .bind(lot)
    .bind(serde_json::to_string(&c.triggers).expect("triggers serialise"))
    .bind(grounds)
    .bind(&user.id)
    .bind(now_ms)
    .bind(due_at)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::server::db::is_unique_violation(&e) {
            refused(LowPriceError::AlreadyStarted)
        } else {
            AppError::from(e)
        }
    })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new("low_price.request", rid.entity(), &rid.to_string())
            .after(json!({"alias": alias, "lot": lot, "triggers": c.triggers, "grounds": grounds, "due_at": due_at})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// O87 art. 60: the panel's conclusion, with its basis.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &Db,
    user: &SessionUser,
    rid: &ReviewId,
    alias: &str,
    lot: i64,
    decision: Decision,
    basis: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let c = leader_case(db, user, rid, alias, lot).await?;
    low_price::decide(c.stage(), decision, basis, now_ms).map_err(refused)?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE low_price_reviews SET decision = $1, basis = $2, decided_by = $3, decided_at = $4 \
         WHERE tender_id = $5 AND bid_id = $6 AND lot_position = $7 AND decision IS NULL",
    )
    .bind(decision.as_str())
    .bind(basis.trim())
    .bind(&user.id)
    .bind(now_ms)
    .bind(&rid.tender)
    .bind(&c.bid_id)
    .bind(lot)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused(LowPriceError::AlreadyDecided));
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(user),
        Change::new("low_price.decide", rid.entity(), &rid.to_string())
            .after(json!({"alias": alias, "lot": lot, "decision": decision, "basis": basis.trim()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The caller's organisation's qualified bid on the tender.
async fn own_bid(db: &Db, bidder: &SessionUser, id: &str) -> Result<(TenderRow, String), AppError> {
    let org = bidder.org_id.as_deref().ok_or(AppError::Forbidden)?;
    let t = load(db, id).await?;
    let bid = sqlx::query("SELECT id FROM bids WHERE tender_id = $1 AND org_id = $2 AND alias IS NOT NULL")
        .bind(id)
        .bind(org)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((t, bid.get("id")))
}

/// The panel's requests to the caller's organisation, with its answers and the conclusions.
pub async fn mine(db: &Db, bidder: &SessionUser, id: &str) -> Result<Vec<BidderCase>, AppError> {
    let (t, bid) = match own_bid(db, bidder, id).await {
        Ok(x) => x,
        Err(AppError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(cases(db, &t)
        .await?
        .into_iter()
        .filter(|c| c.bid_id == bid && c.review.is_some())
        .map(|c| {
            let r = c.review.as_ref().expect("filtered on a review");
            BidderCase {
                lot: c.lot,
                lot_name: c.lot_name.clone(),
                price: c.price.to_string(),
                triggers: r.triggers.iter().map(|t| t.message_zh().to_string()).collect(),
                grounds: r.grounds.clone(),
                due_at: r.due_at,
                explanation: r.explanation.clone(),
                evidence: r.evidence.clone(),
                evidence_files: r.files.clone(),
                decision: r.decision,
                basis: r.basis.clone(),
            }
        })
        .collect())
}

/// What an explanation's upload needs before it reads a file: the request is open to the caller's
/// organisation, the tender key to seal the evidence with, and who the organisation is (the
/// panel reads by alias, so nothing sent may name it).
pub struct Explainer {
    pub tender_id: String,
    pub bid_id: String,
    pub lot: i64,
    stage: Option<Stage>,
    pub key: TenderKey,
    pub identity: Identity,
}

impl Explainer {
    /// The written part of an answer, checked before any file is read: in time, of a length,
    /// and naming neither the organisation nor its people.
    pub fn check_text(&self, explanation: &str, evidence: &str, now_ms: i64) -> Result<(), AppError> {
        low_price::answer(self.stage, explanation, now_ms).map_err(refused)?;
        let texts = [("explanation".to_string(), format!("{explanation}\n{evidence}"))];
        if !crate::domain::blind::scan(&self.identity, &texts).is_empty() {
            return Err(AppError::field(
                "explanation",
                "explanation_names_bidder",
                "说明不得含有本机构名称、统一社会信用代码或人员姓名（评审委员会以代号评审）",
                "The explanation must not name your organisation, its credit code or its people (the panel reviews by alias)",
            ));
        }
        Ok(())
    }
}

/// The caller's organisation may answer the panel's request on `lot` now (O87 art. 60).
pub async fn explainer(
    db: &Db,
    sealer: &Sealer,
    bidder: &SessionUser,
    id: &str,
    lot: i64,
    now_ms: i64,
) -> Result<Explainer, AppError> {
    let (t, bid) = own_bid(db, bidder, id).await?;
    let c = cases(db, &t).await?.into_iter().find(|c| c.bid_id == bid && c.lot == lot).ok_or(AppError::NotFound)?;
    let stage = c.stage();
    low_price::may_answer(stage, now_ms).map_err(refused)?;
    let org = sqlx::query("SELECT name, credit_code FROM organisations WHERE id = $1")
        .bind(bidder.org_id.as_deref())
        .fetch_one(&db.pool)
        .await?;
    let people = crate::profiles::server::roster(db, bidder.org_id.as_deref().unwrap_or_default())
        .await?
        .into_iter()
        .map(|m| m.person.name)
        .collect();
    Ok(Explainer {
        key: crate::tenders::server::reading_key(sealer, &t)?,
        tender_id: t.id,
        bid_id: bid,
        lot,
        stage,
        identity: Identity { org_name: org.get("name"), credit_code: org.get("credit_code"), people },
    })
}

/// The associated data an evidence file is sealed under: its tender, bid, lot and place.
pub fn evidence_aad(tender_id: &str, bid_id: &str, lot: i64, seq: i64) -> String {
    format!("{tender_id}/low-price/{bid_id}/{lot}/{seq}")
}

/// An evidence PDF, checked and sealed into storage.
pub struct EvidenceFile {
    pub file_name: String,
    pub file_size: i64,
    pub plain_sha256: String,
    pub stored_sha256: String,
}

/// O87 art. 60: the bidder's written explanation of its price, with its evidence (a list and
/// the PDFs, already scanned and sealed), before the time set. The panel reads it by alias, so
/// text naming the bidder or its people is refused. All of it lands together or none.
pub async fn explain(
    db: &Db,
    bidder: &SessionUser,
    ctx: &Explainer,
    explanation: &str,
    evidence: &str,
    files: &[EvidenceFile],
    now_ms: i64,
) -> Result<(), AppError> {
    let (t, bid) = own_bid(db, bidder, &ctx.tender_id).await?;
    let c = cases(db, &t).await?.into_iter().find(|c| c.bid_id == bid && c.lot == ctx.lot).ok_or(AppError::NotFound)?;
    // Checked again as the database now stands (an answer may have landed since).
    low_price::answer(c.stage(), explanation, now_ms).map_err(refused)?;
    ctx.check_text(explanation, evidence, now_ms)?;
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE low_price_reviews SET explanation = $1, evidence = $2, answered_by = $3, answered_at = $4 \
         WHERE tender_id = $5 AND bid_id = $6 AND lot_position = $7 AND explanation IS NULL AND decision IS NULL",
    )
    .bind(explanation.trim())
    .bind(evidence.trim())
    .bind(&bidder.id)
    .bind(now_ms)
    .bind(&t.id)
    .bind(&bid)
    .bind(ctx.lot)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(refused(LowPriceError::AlreadyDecided));
    }
    for (seq, f) in files.iter().enumerate() {
        sqlx::query(
            "INSERT INTO low_price_evidence (tender_id, bid_id, lot_position, seq, file_name, file_size, plain_sha256, \
             stored_sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&t.id)
        .bind(&bid)
        .bind(ctx.lot)
        .bind(seq as i64)
        .bind(&f.file_name)
        .bind(f.file_size)
        .bind(&f.plain_sha256)
        .bind(&f.stored_sha256)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    }
    let listed: Vec<_> = files.iter().map(|f| json!({"name": f.file_name, "sha256": f.plain_sha256})).collect();
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(bidder),
        Change::new("low_price.explain", "bid", &bid).after(json!({"tender": t.id, "lot": ctx.lot, "files": listed})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A sealed evidence file and the key to open it with.
pub struct SealedEvidence {
    pub stored_sha256: String,
    pub aad: String,
    pub key: TenderKey,
}

/// An evidence PDF of `alias` in `lot`, for a member of the panel who may read the bids, or the
/// tender's own purchaser side and its auditors.
pub async fn evidence_for_reading(
    db: &Db,
    sealer: &Sealer,
    user: &SessionUser,
    id: &str,
    alias: &str,
    lot: i64,
    seq: i64,
) -> Result<SealedEvidence, AppError> {
    let rid = panels::review_id(id)?;
    let id = rid.tender.as_str();
    let t = match panels::open_to_member(db, &rid, user).await {
        Ok((t, _)) => t,
        Err(e) if user.role == Role::Expert => return Err(e),
        Err(_) => crate::tenders::server::load_for(db, user, id).await?,
    };
    let c = cases_in(db, &t, &rid)
        .await?
        .into_iter()
        .find(|c| c.alias == alias && c.lot == lot)
        .ok_or(AppError::NotFound)?;
    let r = sqlx::query(
        "SELECT stored_sha256 FROM low_price_evidence WHERE tender_id = $1 AND bid_id = $2 AND lot_position = $3 AND seq = $4",
    )
    .bind(id)
    .bind(&c.bid_id)
    .bind(lot)
    .bind(seq)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(SealedEvidence {
        stored_sha256: r.get("stored_sha256"),
        aad: evidence_aad(id, &c.bid_id, lot, seq),
        key: crate::tenders::server::reading_key(sealer, &t)?,
    })
}
