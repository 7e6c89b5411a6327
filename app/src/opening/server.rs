//! The opening (开标) and the purchaser's qualification review (资格审查). Opening decrypts the
//! sealed prices with the tender key — possible only from the opening time on — and is logged
//! with what was decrypted. The review records the officer's decision for each bid with the
//! checks caiping can make; fewer than three bids, or fewer than three passing, ends the tender
//! (废标, O87 art. 43–44) with a public reason.

use super::{LotPrice, OpeningRecordView, OpeningRowView, ReviewOutcome, ReviewRow};
use crate::bids::server::{files_of, price_aad, SealedPrices};
use crate::domain::application::Answers;
use crate::domain::credit_code::CreditCode;
use crate::domain::money::Yuan;
use crate::domain::national::lot_outcomes;
use crate::domain::roster::{self, Declaration};
use crate::domain::template::ApplicantKind;
use crate::domain::tender::{self, Action, TenderStatus};
use crate::domain::verdict::Verdict;
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use crate::server::sealing::Sealer;
use crate::tenders::server::reading_key;
use crate::tenders::server::{load, load_for_officer, tender_error};
use rand::RngCore;
use serde_json::json;
use sqlx::Row;

/// Opens the bids: decrypts every sealed price into the bid and its lots, in one transaction.
pub async fn open(db: &Db, sealer: &Sealer, officer: &SessionUser, id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, id).await?;
    tender::allowed(t.status, Action::Open, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("UPDATE tenders SET status = 'opened', opened_at = $1 WHERE id = $2 AND status = 'published'")
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender state changed".into()));
    }
    let mut opened = t;
    opened.status = TenderStatus::Opened;
    let key = reading_key(sealer, &opened)?;
    let bids = sqlx::query("SELECT id, sealed_prices FROM bids WHERE tender_id = $1 ORDER BY submitted_at, id")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    let mut decrypted = Vec::new();
    for b in &bids {
        let bid_id: String = b.get("id");
        let sealed: String = b.get("sealed_prices");
        let prices: SealedPrices = key
            .open(&price_aad(id, &bid_id), &sealed)
            .ok()
            .and_then(|raw| serde_json::from_slice(&raw).ok())
            .ok_or_else(|| {
                tracing::error!(bid = %bid_id, "a sealed price does not decrypt");
                AppError::Internal
            })?;
        for (lot, fen) in &prices.lots {
            sqlx::query("INSERT INTO bid_lots (bid_id, lot_position, price_fen) VALUES ($1, $2, $3)")
                .bind(&bid_id)
                .bind(lot)
                .bind(fen)
                .execute(&mut *tx)
                .await?;
        }
        let total: i64 = prices.lots.iter().map(|(_, f)| f).sum();
        sqlx::query("UPDATE bids SET price_fen = $1 WHERE id = $2").bind(total).bind(&bid_id).execute(&mut *tx).await?;
        decrypted.push(json!({"bid": bid_id, "lots": prices.lots}));
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.open", "tender", id)
            .before(json!({"status": "published"}))
            .after(json!({"status": "opened", "bids": bids.len(), "decrypted": decrypted})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 开标一览表: every bid with its organisation, lots and prices, submission time and file hashes.
/// For the purchaser side and for the bidders of this tender, once opened.
pub async fn opening_record(db: &Db, id: &str) -> Result<OpeningRecordView, AppError> {
    let t = load(db, id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(crate::domain::tender::TenderError::NotYetOpen));
    }
    let spec = t.spec()?;
    let opened_at: i64 = sqlx::query("SELECT opened_at FROM tenders WHERE id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .get::<Option<i64>, _>("opened_at")
        .unwrap_or_default();
    let bids = sqlx::query("SELECT b.id, b.org_id, b.submitted_at, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 ORDER BY b.submitted_at, b.id")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let mut rows = Vec::new();
    for b in &bids {
        let bid_id: String = b.get("id");
        let lots = sqlx::query("SELECT lot_position, price_fen FROM bid_lots WHERE bid_id = $1 ORDER BY lot_position")
            .bind(&bid_id)
            .fetch_all(&db.pool)
            .await?;
        rows.push(OpeningRowView {
            bid_id: bid_id.clone(),
            org_id: b.get("org_id"),
            org_name: b.get("name"),
            lots: lots
                .iter()
                .map(|l| {
                    let pos: i64 = l.get("lot_position");
                    LotPrice {
                        lot: spec.lots.get(pos as usize).map(|x| x.name.clone()).unwrap_or_default(),
                        price_fen: l.get("price_fen"),
                    }
                })
                .collect(),
            submitted_at: b.get("submitted_at"),
            files: files_of(db, &bid_id).await?,
        });
    }
    Ok(OpeningRecordView {
        tender_id: t.id.clone(),
        project_no: t.project_no.clone(),
        title: t.title.clone(),
        buyer: t.buyer.clone(),
        opened_at,
        fixed_price: !spec.price_scored(),
        rows,
    })
}

/// Bidders read the opening record of a tender only when their organisation bid on it.
pub fn check_record_reader(user: &SessionUser, record: &OpeningRecordView) -> Result<(), AppError> {
    if user.role == crate::identity::Role::Bidder
        && !record.rows.iter().any(|r| Some(&r.org_id) == user.org_id.as_ref())
    {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The checks caiping makes on an opened bid for the purchaser's review.
fn bid_checks(
    documents_complete: bool,
    confirmed: bool,
    lots: &[LotPrice],
    budgets: &[(String, i64)],
    credit_code: Option<&str>,
    applicant: ApplicantKind,
) -> Vec<Verdict> {
    let mut v = vec![
        Verdict::check(
            "bid.documents",
            documents_complete,
            "O87 art. 44 (verify)",
            "技术方案与资格证明文件齐全".into(),
            "Technical proposal and qualification documents present".into(),
        ),
        Verdict::check(
            "bid.reconfirmed",
            confirmed,
            "O87 art. 27 (verify)",
            if confirmed {
                "投标已按最新更正公告确认".into()
            } else {
                "实质性更正后投标人未重新确认投标".into()
            },
            if confirmed {
                "Bid confirmed against the latest amendment".into()
            } else {
                "The bidder did not reconfirm after a material amendment".into()
            },
        ),
    ];
    for LotPrice { lot: name, price_fen: fen } in lots {
        let budget = budgets.iter().find(|(n, _)| n == name).map(|(_, b)| *b).unwrap_or(0);
        v.push(
            Verdict::check(
                "bid.price_within_budget",
                *fen <= budget,
                "MoF Order 87 art. 63",
                format!("“{name}”报价{}元，预算{}元", Yuan::from_fen(*fen), Yuan::from_fen(budget)),
                format!("“{name}”: price ¥{}, budget ¥{}", Yuan::from_fen(*fen), Yuan::from_fen(budget)),
            )
            .fact("lot", name),
        );
    }
    let code = credit_code.and_then(|c| CreditCode::parse(c).ok());
    v.push(match applicant {
        // A county-level unit applies as a government organ (seed 001: 以政府名义).
        ApplicantKind::CountyGovernment => {
            let organ = code.map(|c| c.registered_as_government_organ());
            Verdict::check(
                "org.government_organ",
                organ == Some(true),
                "seed 001 八(一); GB 32100-2015 (code 11: 机关)",
                match organ {
                    Some(true) => "统一社会信用代码显示为机关".into(),
                    Some(false) => "统一社会信用代码显示不是机关，须以县级人民政府名义申报".into(),
                    None => "未登记有效的统一社会信用代码".into(),
                },
                match organ {
                    Some(true) => "The credit code shows a government organ".into(),
                    Some(false) => {
                        "The credit code does not show a government organ; a county-level government applies".into()
                    }
                    None => "No valid unified social credit code on file".into(),
                },
            )
        }
        ApplicantKind::Ngo | ApplicantKind::ResidentsCommittee => {
            let civil = code.map(|c| c.registered_with_civil_affairs());
            Verdict::check(
                "org.civil_affairs_registration",
                civil == Some(true),
                "GB 32100-2015 (registration-authority code 5)",
                match civil {
                    Some(true) => "统一社会信用代码显示为民政部门登记的社会组织".into(),
                    Some(false) => "统一社会信用代码显示非民政部门登记".into(),
                    None => "未登记有效的统一社会信用代码".into(),
                },
                match civil {
                    Some(true) => "The credit code shows a civil-affairs registration".into(),
                    Some(false) => "The credit code shows a registration outside civil affairs".into(),
                    None => "No valid unified social credit code on file".into(),
                },
            )
        }
    });
    v
}

/// Every bid of an opened tender with its checks and the officer's decision so far.
pub async fn review_rows(db: &Db, id: &str) -> Result<Vec<ReviewRow>, AppError> {
    let record = opening_record(db, id).await?;
    let t = load(db, id).await?;
    let spec = t.spec()?;
    let material: i64 = sqlx::query(
        "SELECT CAST(MAX(version) AS BIGINT) AS v FROM tender_versions WHERE tender_id = $1 AND material = 1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await?
    .get::<Option<i64>, _>("v")
    .unwrap_or(1);
    let budgets: Vec<(String, i64)> = spec.lots.iter().map(|l| (l.name.clone(), l.budget.fen())).collect();
    let template = crate::schemes::server::by_id(db, &spec.template_id).await?.ok_or(AppError::Internal)?;
    let deadline = crate::domain::time::from_millis(spec.bid_deadline_ms)
        .map(|t| t.with_timezone(&crate::domain::time::shanghai()).date_naive())
        .ok_or(AppError::Internal)?;
    let contracts = crate::profiles::server::contract_declarations(db, id).await?;
    let mut declared = Vec::new();
    let mut applications = Vec::new();
    for r in &record.rows {
        let b = sqlx::query("SELECT declaration_json, application_json FROM bids WHERE id = $1")
            .bind(&r.bid_id)
            .fetch_one(&db.pool)
            .await?;
        declared.push(
            b.get::<Option<String>, _>("declaration_json").and_then(|j| serde_json::from_str::<Declaration>(&j).ok()),
        );
        let kind = template.application_kind();
        applications
            .push(b.get::<Option<String>, _>("application_json").and_then(|j| kind.and_then(|k| Answers::read(k, &j))));
    }
    let has_rules = !(template.qualification.is_empty() && template.team.is_empty());
    let mut out = Vec::new();
    for (i, r) in record.rows.into_iter().enumerate() {
        let b = sqlx::query("SELECT b.confirmed_version, b.review_outcome, b.review_reason, o.credit_code FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.id = $1")
            .bind(&r.bid_id)
            .fetch_one(&db.pool)
            .await?;
        // A technical proposal for each lot bid for where the tender asks for one per lot.
        let positions: Vec<i64> =
            r.lots.iter().filter_map(|l| spec.lots.iter().position(|s| s.name == l.lot)).map(|p| p as i64).collect();
        let mut checks = bid_checks(
            crate::bids::server::require_files(&spec, &positions, &r.files).is_ok(),
            b.get::<i64, _>("confirmed_version") >= material,
            &r.lots,
            &budgets,
            b.get::<Option<String>, _>("credit_code").as_deref(),
            template.applicant,
        );
        checks.extend(crate::domain::application::verdicts(&template, applications[i].as_ref()));
        match &declared[i] {
            _ if !has_rules => {}
            Some(d) => {
                checks.extend(roster::verdicts(&template.qualification, &template.team, template.contract_years, d, deadline));
                // The same person promised by another bidder of this tender, or on a live contract.
                let mut others: Vec<(String, Declaration)> = declared
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .filter_map(|(_, o)| o.clone())
                    .map(|o| ("本项目另一投标人的投标".to_string(), o))
                    .collect();
                others.extend(contracts.iter().cloned());
                checks.extend(roster::duplicates(d, &others));
            }
            None => checks.push(Verdict::check(
                "org.profile_declared",
                false,
                "招标文件资格要求",
                "投标人未登记机构资料和人员名册，无法核对资格与团队要求".into(),
                "The bidder has no organisation profile or roster on file; qualification and team rules cannot be checked".into(),
            )),
        }
        out.push(ReviewRow {
            outcome: b.get::<Option<String>, _>("review_outcome").as_deref().and_then(ReviewOutcome::parse),
            reason: b.get("review_reason"),
            checks,
            bid: r,
        });
    }
    Ok(out)
}

/// [`review_rows`] with what the blind scan found in each technical proposal, as warnings for the
/// purchaser to decide on under the tender's blind-bid rule (the organisation itself named was
/// refused at upload).
pub async fn review_rows_scanned(db: &Db, sealer: &Sealer, id: &str) -> Result<Vec<ReviewRow>, AppError> {
    let mut rows = review_rows(db, id).await?;
    let t = load(db, id).await?;
    for (bid, hits) in crate::bids::server::blind_hits(db, sealer, &t).await? {
        let Some(row) = rows.iter_mut().find(|r| r.bid.bid_id == bid) else { continue };
        for hit in hits {
            let mut v = Verdict::check(
                "blind.roster_name",
                true,
                "招标文件暗标要求",
                format!("暗标检查：技术方案{}出现本机构人员姓名“{}”，请核实是否违反暗标要求", hit.place, hit.text),
                format!(
                    "Blind check: the technical proposal's {} shows “{}”, a name on the bidder's roster; check it against the blind-bid rule",
                    hit.place, hit.text
                ),
            );
            v.outcome = crate::domain::verdict::Outcome::Warning;
            row.checks.push(v);
        }
    }
    Ok(rows)
}

/// Records the purchaser's decision on one bid. Failing a bid, or passing one that a check
/// failed, needs a written reason.
pub async fn review_bid(
    db: &Db,
    officer: &SessionUser,
    id: &str,
    bid_id: &str,
    outcome: ReviewOutcome,
    reason: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let pass = outcome == ReviewOutcome::Pass;
    let t = load_for_officer(db, officer, id).await?;
    if t.status != TenderStatus::Opened || t.review_done_at.is_some() {
        return Err(AppError::field(
            "tender",
            "review_closed",
            "资格审查不在进行中",
            "Qualification review is not open",
        ));
    }
    let rows = review_rows(db, id).await?;
    let row = rows.iter().find(|r| r.bid.bid_id == bid_id).ok_or(AppError::NotFound)?;
    let overriding = pass && row.checks.iter().any(|c| !c.passed());
    let reason = reason.trim();
    if (!pass || overriding) && reason.chars().count() < 4 {
        return Err(if pass {
            AppError::field(
                "reason",
                "override_reason_required",
                "有检查项未通过，判定合格须写明理由",
                "A check failed: passing the bid needs a written reason",
            )
        } else {
            AppError::field(
                "reason",
                "fail_reason_required",
                "判定不合格须写明理由",
                "Failing a bid needs a written reason",
            )
        });
    }
    let outcome = outcome.as_str();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE bids SET review_outcome = $1, review_reason = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $5",
    )
    .bind(outcome)
    .bind(reason)
    .bind(&officer.id)
    .bind(now_ms)
    .bind(bid_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("bid.review", "bid", bid_id)
            .before(json!({"outcome": row.outcome, "reason": row.reason}))
            .after(json!({"tender": id, "outcome": outcome, "reason": reason, "override": overriding, "failed_checks": row.checks.iter().filter(|c| !c.passed()).map(|c| &c.rule).collect::<Vec<_>>()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Closes the review, lot by lot (each lot is evaluated on its own): a lot with too few bids or
/// too few passing fails with its reason on the public board; when every lot fails, the tender
/// does (废标). Otherwise the passing bids of the remaining lots get their aliases (A, B, …) and
/// go to the experts.
pub async fn conclude(db: &Db, officer: &SessionUser, id: &str, now_ms: i64) -> Result<TenderStatus, AppError> {
    let t = load_for_officer(db, officer, id).await?;
    if t.status != TenderStatus::Opened || t.review_done_at.is_some() {
        return Err(AppError::field(
            "tender",
            "review_closed",
            "资格审查不在进行中",
            "Qualification review is not open",
        ));
    }
    let spec = t.spec()?;
    let rows = review_rows(db, id).await?;
    let method = spec.method.procurement_method();
    let lots: Vec<String> = spec.lots.iter().map(|l| l.name.clone()).collect();
    let lots_of = |r: &ReviewRow| r.bid.lots.iter().map(|l| l.lot.clone()).collect::<Vec<_>>();
    // Too few bids in every lot: nothing to review.
    let submitted = lot_outcomes(method, &lots, &rows.iter().map(|r| (lots_of(r), true)).collect::<Vec<_>>());
    if method.is_some() && submitted.iter().all(|o| o.failed.is_some()) {
        let reason = submitted.iter().filter_map(|o| o.failed.clone()).collect::<Vec<_>>().join("");
        return fail(db, officer, &t.id, format!("{reason}本项目废标。"), now_ms).await;
    }
    if let Some(r) = rows.iter().find(|r| r.outcome.is_none()) {
        return Err(AppError::Validation(vec![crate::error::FieldError {
            field: "review".into(),
            code: "review_incomplete".into(),
            message_zh: format!("尚有投标（{}）未作资格审查结论", r.bid.org_name),
            message_en: format!("A bid ({}) has no review decision yet", r.bid.org_name),
        }]));
    }
    let passed = |r: &ReviewRow| r.outcome == Some(ReviewOutcome::Pass);
    let outcomes = lot_outcomes(method, &lots, &rows.iter().map(|r| (lots_of(r), passed(r))).collect::<Vec<_>>());
    if outcomes.iter().all(|o| o.failed.is_some()) {
        let reason = outcomes.iter().filter_map(|o| o.failed.clone()).collect::<Vec<_>>().join("");
        return fail(db, officer, &t.id, format!("{reason}本项目废标。"), now_ms).await;
    }
    let live: Vec<&String> = outcomes.iter().filter(|o| o.failed.is_none()).map(|o| &o.lot).collect();
    // A passing bid goes to the experts when it covers at least one lot still standing.
    let to_experts: Vec<&String> = rows
        .iter()
        .filter(|r| passed(r) && lots_of(r).iter().any(|l| live.contains(&l)))
        .map(|r| &r.bid.bid_id)
        .collect();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE tenders SET review_done_at = $1 WHERE id = $2 AND review_done_at IS NULL")
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("review already closed".into()));
    }
    // Aliases by a CSPRNG shuffle, never in submission order (the opening record's order).
    let keys: Vec<u64> = to_experts.iter().map(|_| rand::rngs::OsRng.next_u64()).collect();
    for (i, b) in crate::domain::evaluation::alias_order(&keys).into_iter().enumerate() {
        sqlx::query("UPDATE bids SET alias = $1 WHERE id = $2")
            .bind(tender::alias(i))
            .bind(to_experts[b])
            .execute(&mut *tx)
            .await?;
    }
    for (position, o) in outcomes.iter().enumerate() {
        if let Some(reason) = &o.failed {
            sqlx::query(
                "INSERT INTO lot_failures (tender_id, lot_position, reason, failed_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(position as i64)
            .bind(reason)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.review_done", "tender", id)
            .after(json!({"passing": to_experts.len(), "bids": rows.len(), "lots": outcomes})),
    )
    .await?;
    tx.commit().await?;
    Ok(TenderStatus::Opened)
}

async fn fail(db: &Db, officer: &SessionUser, id: &str, reason: String, now_ms: i64) -> Result<TenderStatus, AppError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE tenders SET status = 'failed', failed_reason = $1, failed_at = $2, review_done_at = $2 WHERE id = $3 AND status = 'opened'")
        .bind(&reason)
        .bind(now_ms)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender state changed".into()));
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.fail", "tender", id)
            .before(json!({"status": "opened"}))
            .after(json!({"status": "failed", "reason": reason})),
    )
    .await?;
    tx.commit().await?;
    Ok(TenderStatus::Failed)
}
