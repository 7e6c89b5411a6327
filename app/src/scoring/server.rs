//! Score sheets and the ranking in the database.

use super::{AliasScores, LotRanking, RankRow, RankingView, ScoreSheetView, SheetRow};
use crate::domain::money::Yuan;
use crate::domain::scoring::{self, Criterion};
use crate::domain::tender::{self, Action, TenderError, TenderStatus};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{centi, from_centi, Db};
use crate::tenders::server::{self as tenders, load, tender_error};
use crate::tenders::TenderSummary;
use rust_decimal::Decimal;
use serde_json::json;
use sqlx::Row;

async fn assigned(db: &Db, tender_id: &str, expert: &SessionUser) -> Result<bool, AppError> {
    Ok(sqlx::query("SELECT expert_id FROM tender_experts WHERE tender_id = $1 AND expert_id = $2")
        .bind(tender_id)
        .bind(&expert.id)
        .fetch_optional(&db.pool)
        .await?
        .is_some())
}

pub async fn expert_list(db: &Db, expert: &SessionUser) -> Result<Vec<TenderSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {} FROM tenders WHERE status IN ('opened', 'awarded') AND review_done_at IS NOT NULL AND id IN (SELECT tender_id FROM tender_experts WHERE expert_id = $1) ORDER BY opening_at DESC",
        tenders::TENDER_COLUMNS
    ))
    .bind(&expert.id)
    .fetch_all(&db.pool)
    .await?;
    let mut list = tenders::summaries(db, rows).await?;
    // An expert sees the result only as the public does: the winner's name after the award.
    for s in &mut list {
        if s.status != TenderStatus::Awarded {
            s.winner = None;
        }
    }
    Ok(list)
}

/// The expert's sheet with bidders by alias only — the organisation never appears here.
pub async fn score_sheet(db: &Db, expert: &SessionUser, id: &str) -> Result<ScoreSheetView, AppError> {
    let t = load(db, id).await?;
    if !assigned(db, id, expert).await? {
        return Err(AppError::Forbidden);
    }
    if !tender::bids_readable(t.status) || t.review_done_at.is_none() {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let crit = tenders::criteria(db, id).await?;
    let bids = sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL ORDER BY alias")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let mut rows = Vec::new();
    for b in &bids {
        let scores =
            sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
                .bind(&expert.id)
                .bind(b.get::<String, _>("id"))
                .fetch_all(&db.pool)
                .await?;
        rows.push(AliasScores {
            alias: b.get("alias"),
            scores: scores.iter().map(|s| from_centi(s.get("points_centi"))).collect(),
        });
    }
    let submitted = sqlx::query("SELECT expert_id FROM score_sheets WHERE tender_id = $1 AND expert_id = $2")
        .bind(id)
        .bind(&expert.id)
        .fetch_optional(&db.pool)
        .await?
        .is_some();
    Ok(ScoreSheetView { tender_id: id.into(), title: t.title, criteria: crit, bids: rows, submitted })
}

/// Stores one expert's complete sheet (Reg. art. 34: each member scores independently, once).
pub async fn submit_scores(
    db: &Db,
    expert: &SessionUser,
    id: &str,
    scores: &[SheetRow],
    now_ms: i64,
) -> Result<(), AppError> {
    let sheet = score_sheet(db, expert, id).await?;
    let t = load(db, id).await?;
    tender::allowed(t.status, Action::Score, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    if sheet.submitted {
        return Err(AppError::field(
            "scores",
            "sheet_already_submitted",
            "评分表已提交，不能再修改",
            "The score sheet was already submitted",
        ));
    }
    let bid_ids: Vec<(String, String)> =
        sqlx::query("SELECT id, alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| (r.get::<String, _>("alias"), r.get::<String, _>("id")))
            .collect();
    let mut errors = Vec::new();
    let mut parsed: Vec<(String, Vec<Decimal>)> = Vec::new();
    for (alias, _) in &bid_ids {
        let Some(SheetRow { points: values, .. }) = scores.iter().find(|r| &r.alias == alias) else {
            errors.push(FieldError::new(
                &format!("scores[{alias}]"),
                "scores_missing",
                &format!("请为投标人{alias}评分"),
                &format!("Score bidder {alias}"),
            ));
            continue;
        };
        let mut row = Vec::new();
        for (i, c) in sheet.criteria.iter().enumerate() {
            match values.get(i).and_then(|v| v.trim().parse::<Decimal>().ok()) {
                Some(p) if p >= Decimal::ZERO && p <= c.max_points && p.normalize().scale() <= 2 => row.push(p),
                _ => errors.push(FieldError {
                    field: format!("scores[{alias}][{i}]"),
                    code: "score_out_of_range".into(),
                    message_zh: format!(
                        "投标人{alias}“{}”须为0–{}分（最多两位小数）",
                        c.name,
                        c.max_points.normalize()
                    ),
                    message_en: format!(
                        "Bidder {alias}, “{}”: 0–{} points (two decimals at most)",
                        c.name,
                        c.max_points.normalize()
                    ),
                }),
            }
        }
        parsed.push((alias.clone(), row));
    }
    if scores.iter().any(|r| !bid_ids.iter().any(|(b, _)| *b == r.alias)) {
        errors.push(FieldError::new(
            "scores",
            "unknown_bidder",
            "评分表含有不存在的投标人",
            "The sheet names a bidder that does not exist",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut tx = db.pool.begin().await?;
    for (alias, row) in &parsed {
        let bid_id = &bid_ids.iter().find(|(a, _)| a == alias).expect("checked above").1;
        for (i, p) in row.iter().enumerate() {
            sqlx::query(
                "INSERT INTO scores (tender_id, expert_id, bid_id, position, points_centi) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&expert.id)
            .bind(bid_id)
            .bind(i as i64)
            .bind(centi(*p))
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query("INSERT INTO score_sheets (tender_id, expert_id, submitted_at) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(&expert.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        now_ms,
        Actor::User(expert),
        Change::new("scores.submit", "tender", id).after(json!({"sheet": parsed})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// O87 art. 55/57: the mean of the submitted sheets plus price points, ranked.
pub async fn ranking(db: &Db, id: &str) -> Result<RankingView, AppError> {
    let t = load(db, id).await?;
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    let spec = t.spec()?;
    let crit = tenders::criteria(db, id).await?;
    let experts: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tender_experts WHERE tender_id = $1")
        .bind(id)
        .fetch_one(&db.pool)
        .await?
        .get("n");
    let sheets: Vec<String> = sqlx::query("SELECT expert_id FROM score_sheets WHERE tender_id = $1 ORDER BY expert_id")
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.get("expert_id"))
        .collect();
    let bids = sqlx::query("SELECT b.id, b.alias, o.name FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL ORDER BY b.alias")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let lot_prices = sqlx::query("SELECT l.bid_id, l.lot_position, l.price_fen FROM bid_lots l JOIN bids b ON b.id = l.bid_id WHERE b.tender_id = $1 AND b.alias IS NOT NULL")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let failures = sqlx::query("SELECT lot_position, reason FROM lot_failures WHERE tender_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    let awards = sqlx::query("SELECT lot_position, bid_id FROM contracts WHERE tender_id = $1")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    // Each expert's scores for each bid (one sheet per bid, used in every lot it covers).
    let mut matrix: Vec<Vec<Vec<Decimal>>> = Vec::new();
    for e in &sheets {
        let mut per_bid = Vec::new();
        for b in &bids {
            let points =
                sqlx::query("SELECT points_centi FROM scores WHERE expert_id = $1 AND bid_id = $2 ORDER BY position")
                    .bind(e)
                    .bind(b.get::<String, _>("id"))
                    .fetch_all(&db.pool)
                    .await?;
            per_bid.push(points.iter().map(|p| from_centi(p.get("points_centi"))).collect::<Vec<_>>());
        }
        matrix.push(per_bid);
    }
    let criteria: Vec<Criterion> =
        crit.iter().map(|c| Criterion { id: c.position.to_string(), max_points: c.max_points }).collect();
    let mut lots = Vec::new();
    for (position, lot) in spec.lots.iter().enumerate() {
        let position = position as i64;
        let failed =
            failures.iter().find(|f| f.get::<i64, _>("lot_position") == position).map(|f| f.get::<String, _>("reason"));
        let awarded_bid_id =
            awards.iter().find(|a| a.get::<i64, _>("lot_position") == position).map(|a| a.get::<String, _>("bid_id"));
        // The bids covering this lot, with this lot's price: each lot is ranked on its own prices.
        let covering: Vec<(usize, String, Decimal)> = bids
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let bid: String = b.get("id");
                lot_prices
                    .iter()
                    .find(|p| p.get::<String, _>("bid_id") == bid && p.get::<i64, _>("lot_position") == position)
                    .map(|p| (i, bid, Yuan::from_fen(p.get("price_fen")).amount()))
            })
            .collect();
        let mut rows = Vec::new();
        if failed.is_none() && !sheets.is_empty() && !covering.is_empty() {
            let prices: Vec<(String, Decimal)> = covering.iter().map(|(_, bid, price)| (bid.clone(), *price)).collect();
            let scores: Vec<Vec<Vec<Decimal>>> =
                matrix.iter().map(|per_bid| covering.iter().map(|(i, _, _)| per_bid[*i].clone()).collect()).collect();
            let totals =
                scoring::totals(&criteria, &prices, &scores, Some(from_centi(t.price_weight_centi))).map_err(|e| {
                    tracing::error!(error = %e, "stored scores do not compute");
                    AppError::Internal
                })?;
            rows = scoring::rank(totals)
                .into_iter()
                .map(|r| {
                    let b = bids
                        .iter()
                        .find(|b| b.get::<String, _>("id") == r.total.bid)
                        .expect("ranked bids come from this list");
                    RankRow {
                        bid_id: r.total.bid.clone(),
                        alias: b.get::<Option<String>, _>("alias").unwrap_or_default(),
                        org_name: b.get("name"),
                        price: r.total.price,
                        technical: r.total.technical,
                        price_points: r.total.price_points,
                        total: r.total.total,
                        rank: r.rank,
                        tied: r.tied,
                    }
                })
                .collect();
        }
        lots.push(LotRanking { position, lot: lot.name.clone(), failed, awarded_bid_id, rows });
    }
    Ok(RankingView { lots, sheets_submitted: sheets.len() as i64, experts })
}
