//! Awards and contracts in the database: the award of each lot, the award notices, the
//! operator's contracts and its obligation figures (append-only).

use super::{ContractView, ObligationView};
use crate::domain::money::Yuan;
use crate::domain::obligations::obligation_verdicts;
use crate::domain::scoring;
use crate::domain::tender::{self, Action};
use crate::error::AppError;
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{centi, from_centi, new_id, Db};
use crate::tenders::server::{load, load_for_officer, lot_name, tender_error};
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::Row;

/// Confirms the award of one lot to its first-ranked bid once every assigned expert has
/// submitted, and creates that lot's contract, whose obligations come from the tender's
/// template. The tender is awarded when every lot still standing is.
pub async fn award(
    db: &Db,
    officer: &SessionUser,
    id: &str,
    lot: i64,
    bid_id: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, id).await?;
    tender::allowed(t.status, Action::Award, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let r = crate::evaluation::server::ranking(db, id).await?;
    let Some(lot_ranking) = r.lots.iter().find(|l| l.position == lot) else {
        return Err(AppError::NotFound);
    };
    // O87 art. 68: the winner is confirmed from the report every member signed: the report of
    // the panel that judged this lot.
    if !lot_ranking.report_signed {
        return Err(AppError::field(
            "award",
            "report_not_signed",
            "评审报告尚未经全体评审成员签署，不能确定中标人",
            "The evaluation report is not signed by every member yet",
        ));
    }
    if lot_ranking.failed.is_some() {
        return Err(AppError::field("award", "lot_failed", "该标段已废标", "This lot has failed"));
    }
    if lot_ranking.awarded_bid_id.is_some() {
        return Err(AppError::field("award", "lot_awarded", "该标段已确定中标人", "This lot is awarded already"));
    }
    let Some(row) = lot_ranking.rows.iter().find(|row| row.bid_id == bid_id) else {
        return Err(AppError::NotFound);
    };
    if row.rank != 1 || row.tied {
        return Err(AppError::field(
            "award",
            "not_first_ranked",
            "只能确定排名第一的投标人为中标人",
            "Only a first-ranked bid can be awarded",
        ));
    }
    let org_id: String =
        sqlx::query("SELECT org_id FROM bids WHERE id = $1").bind(bid_id).fetch_one(&db.pool).await?.get("org_id");
    // The tender is awarded with its last open lot.
    let open_lots = r.lots.iter().filter(|l| l.failed.is_none() && l.awarded_bid_id.is_none()).count();
    let mut tx = db.begin_write().await?;
    let contract_id = new_id();
    sqlx::query("INSERT INTO contracts (id, tender_id, lot_position, bid_id, org_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&contract_id)
        .bind(id)
        .bind(lot)
        .bind(bid_id)
        .bind(&org_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(|e| if crate::server::db::is_unique_violation(&e) { AppError::Conflict("lot awarded meanwhile".into()) } else { AppError::from(e) })?;
    if open_lots == 1 {
        let done = sqlx::query("UPDATE tenders SET status = 'awarded', awarded_bid_id = $1, awarded_at = $2 WHERE id = $3 AND status = 'opened'")
            .bind(bid_id)
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::Conflict("tender state changed".into()));
        }
    }
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.award", "tender", id)
            .before(json!({"status": "opened"}))
            .after(json!({
                "status": if open_lots == 1 { "awarded" } else { "opened" },
                "lot": lot_ranking.lot, "bid": bid_id, "winner": row.org_name,
                "price": Yuan::round_from(row.price).map(|y| y.to_string()).ok(), "total": scoring::display(row.total), "contract": contract_id,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A 中标通知书 for one winning organisation: the lots it was awarded and their prices.
pub struct AwardNotice {
    pub tender_id: String,
    pub project_no: String,
    pub title: String,
    pub buyer: String,
    pub winner: String,
    pub winner_org_id: String,
    pub lots: Vec<AwardedLot>,
    pub price: Yuan,
    pub awarded_at: i64,
}

/// A lot of an award notice and the winning bid's price for it.
pub struct AwardedLot {
    pub lot: String,
    pub price: Yuan,
}

/// One notice per organisation awarded at least one lot of the tender, in lot order.
pub async fn award_notices(db: &Db, id: &str) -> Result<Vec<AwardNotice>, AppError> {
    let t = load(db, id).await?;
    let spec = t.spec()?;
    let rows = sqlx::query(
        "SELECT c.lot_position, c.created_at, c.org_id, o.name, l.price_fen FROM contracts c JOIN organisations o ON o.id = c.org_id \
         JOIN bid_lots l ON l.bid_id = c.bid_id AND l.lot_position = c.lot_position WHERE c.tender_id = $1 ORDER BY c.lot_position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<AwardNotice> = Vec::new();
    for r in &rows {
        let org: String = r.get("org_id");
        let lot = spec.lots.get(r.get::<i64, _>("lot_position") as usize).map(|l| l.name.clone()).unwrap_or_default();
        let price = Yuan::from_fen(r.get("price_fen"));
        let at: i64 = r.get("created_at");
        match out.iter_mut().find(|n| n.winner_org_id == org) {
            Some(n) => {
                n.lots.push(AwardedLot { lot, price });
                n.price = Yuan::from_fen(n.price.fen() + price.fen());
                n.awarded_at = n.awarded_at.max(at);
            }
            None => out.push(AwardNotice {
                tender_id: t.id.clone(),
                project_no: t.project_no.clone(),
                title: t.title.clone(),
                buyer: t.buyer.clone(),
                winner: r.get("name"),
                winner_org_id: org,
                lots: vec![AwardedLot { lot, price }],
                price,
                awarded_at: at,
            }),
        }
    }
    if out.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(out)
}

async fn obligations_of(db: &Db, contract_id: &str, template_id: &str) -> Result<Vec<ObligationView>, AppError> {
    let template = crate::schemes::server::by_id(db, template_id).await?.ok_or(AppError::Internal)?;
    let mut out = Vec::new();
    for year in 1..=template.contract_years {
        let mut actuals = Vec::new();
        for o in &template.obligations {
            let latest = sqlx::query("SELECT value_centi FROM obligation_records WHERE contract_id = $1 AND metric = $2 AND contract_year = $3 ORDER BY recorded_at DESC, id DESC LIMIT 1")
                .bind(contract_id)
                .bind(&o.metric)
                .bind(i64::from(year))
                .fetch_optional(&db.pool)
                .await?;
            if let Some(r) = latest {
                actuals.push((o.metric.clone(), from_centi(r.get("value_centi"))));
            }
        }
        for (o, verdict) in template.obligations.iter().zip(obligation_verdicts(&template, year, &actuals)) {
            out.push(ObligationView {
                metric: o.metric.clone(),
                name_zh: o.name.zh.clone(),
                name_en: o.name.en.clone(),
                contract_year: year,
                minimum: o.min_by_year.get(usize::from(year) - 1).copied().unwrap_or_default(),
                current: actuals.iter().find(|(m, _)| m == &o.metric).map(|(_, v)| *v),
                verdict,
            });
        }
    }
    Ok(out)
}

/// The awarded operator's contracts: its members see them, nobody else through this path.
pub async fn contracts_for(db: &Db, member: &SessionUser) -> Result<Vec<ContractView>, AppError> {
    let Some(org) = &member.org_id else { return Ok(vec![]) };
    // One contract per awarded lot, at that lot's price.
    let rows = sqlx::query(
        "SELECT c.id, c.lot_position, c.created_at, t.title, t.buyer, t.template_id, t.spec_json, l.price_fen FROM contracts c \
         JOIN tenders t ON t.id = c.tender_id LEFT JOIN bid_lots l ON l.bid_id = c.bid_id AND l.lot_position = c.lot_position \
         WHERE c.org_id = $1 ORDER BY c.created_at DESC, c.lot_position",
    )
    .bind(org)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let id: String = r.get("id");
        let template_id: String = r.get("template_id");
        let lot = lot_name(r.get("spec_json"), r.get("lot_position"));
        out.push(ContractView {
            obligations: obligations_of(db, &id, &template_id).await?,
            id,
            tender_title: r.get("title"),
            lot,
            buyer: r.get("buyer"),
            price_fen: r.get::<Option<i64>, _>("price_fen").unwrap_or_default(),
            awarded_at: r.get("created_at"),
        });
    }
    Ok(out)
}

/// Records the operator's current figure for an obligation (append-only history).
pub async fn record_obligation(
    db: &Db,
    member: &SessionUser,
    contract_id: &str,
    metric: &str,
    year: u8,
    value: &str,
    now_ms: i64,
) -> Result<(), AppError> {
    let row = sqlx::query(
        "SELECT c.org_id, t.template_id FROM contracts c JOIN tenders t ON t.id = c.tender_id WHERE c.id = $1",
    )
    .bind(contract_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    if member.org_id.as_deref() != Some(row.get::<String, _>("org_id").as_str()) {
        return Err(AppError::Forbidden);
    }
    let template =
        crate::schemes::server::by_id(db, &row.get::<String, _>("template_id")).await?.ok_or(AppError::Internal)?;
    if !template.obligations.iter().any(|o| o.metric == metric) {
        return Err(AppError::field(
            "metric",
            "unknown_obligation",
            "合同中没有该项义务",
            "The contract has no such obligation",
        ));
    }
    if year < 1 || year > template.contract_years {
        return Err(AppError::field(
            "contract_year",
            "year_outside_term",
            "合同年度超出合同期限",
            "The year is outside the contract term",
        ));
    }
    let value = match value.trim().parse::<Decimal>() {
        Ok(v) if v >= Decimal::ZERO && v.normalize().scale() <= 2 => v,
        _ => {
            return Err(AppError::field(
                "value",
                "value_invalid",
                "请输入不小于零的数（最多两位小数）",
                "Enter a number of at least zero (two decimals at most)",
            ))
        }
    };
    let previous = obligations_of(db, contract_id, &template.id)
        .await?
        .into_iter()
        .find(|o| o.metric == metric && o.contract_year == year)
        .and_then(|o| o.current);
    let id = new_id();
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO obligation_records (id, contract_id, metric, contract_year, value_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&id)
        .bind(contract_id)
        .bind(metric)
        .bind(i64::from(year))
        .bind(centi(value))
        .bind(&member.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(member),
        Change::new("obligation.record", "contract", contract_id)
            .before(json!({"metric": metric, "year": year, "value": previous}))
            .after(json!({"metric": metric, "year": year, "value": value})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
