//! Tenders in the database: drafts, publication, amendments, and the views the board and the
//! notice page read. Every state change writes its audit entry in the same transaction.

use crate::domain::amendment;
use crate::domain::project_number::NumberSeries;
use crate::domain::region::RegionCode;
use crate::domain::template::SchemeTemplate;
use crate::domain::tender::{self, Action, TenderError, TenderInput, TenderStatus, ValidTender};
use crate::error::{AppError, FieldError};
use crate::identity::{Role, SessionUser};
use crate::schemes::SchemeName;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::{centi, from_centi, new_id, Db};
use crate::server::sealing::{Sealer, TenderKey};
use crate::tenders::*;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) fn tender_error(e: TenderError) -> AppError {
    let (zh, en) = match &e {
        TenderError::WrongState(s) => (
            format!("招标项目当前状态（{}）不允许此操作", s.as_str()),
            format!("Not allowed while the tender is {}", s.as_str()),
        ),
        TenderError::DeadlinePassed => ("投标截止时间已过".to_string(), "The bid deadline has passed".to_string()),
        TenderError::NotYetOpen => ("尚未到开标时间".to_string(), "The opening time has not come".to_string()),
    };
    AppError::Validation(vec![FieldError {
        field: "tender".into(),
        code: e.code().into(),
        message_zh: zh,
        message_en: en,
    }])
}

#[derive(Clone)]
pub struct TenderRow {
    pub id: String,
    pub title: String,
    pub buyer: String,
    pub budget_fen: i64,
    pub price_weight_centi: i64,
    pub bid_deadline: i64,
    pub opening_at: i64,
    pub status: TenderStatus,
    pub awarded_bid_id: Option<String>,
    pub awarded_at: Option<i64>,
    pub template_id: String,
    pub spec_json: Option<String>,
    pub version: i64,
    pub sealing_key: Option<String>,
    pub review_done_at: Option<i64>,
    pub failed_reason: Option<String>,
    pub created_by: String,
    /// The purchaser unit the tender belongs to; only its officers act on it.
    pub purchaser_id: Option<String>,
    /// The project number (项目编号) everyone quotes; see [`crate::domain::project_number`].
    pub project_no: String,
    /// The city or county of the current version, stored so lists need not parse the spec.
    pub region: String,
    pub published_at: Option<i64>,
}

impl TenderRow {
    /// The current version of the tender as the domain parsed it.
    pub fn spec(&self) -> Result<ValidTender, AppError> {
        let text = self.spec_json.as_deref().ok_or(AppError::Internal)?;
        serde_json::from_str(text).map_err(|e| {
            tracing::error!(error = %e, tender = %self.id, "stored tender spec does not parse");
            AppError::Internal
        })
    }
}

/// The columns [`TenderRow`] is read from.
pub const TENDER_COLUMNS: &str =
    "id, title, buyer, budget_fen, price_weight_centi, bid_deadline, opening_at, status, awarded_bid_id, awarded_at, \
     template_id, spec_json, version, sealing_key, review_done_at, failed_reason, created_by, purchaser_id, project_no, \
     region, published_at";

pub fn tender_row(r: &AnyRow) -> Result<TenderRow, AppError> {
    let status: String = r.get("status");
    Ok(TenderRow {
        id: r.get("id"),
        title: r.get("title"),
        buyer: r.get("buyer"),
        budget_fen: r.get("budget_fen"),
        price_weight_centi: r.get("price_weight_centi"),
        bid_deadline: r.get("bid_deadline"),
        opening_at: r.get("opening_at"),
        status: TenderStatus::parse(&status).ok_or(AppError::Internal)?,
        awarded_bid_id: r.get("awarded_bid_id"),
        awarded_at: r.get("awarded_at"),
        template_id: r.get("template_id"),
        spec_json: r.get("spec_json"),
        version: r.get("version"),
        sealing_key: r.get("sealing_key"),
        review_done_at: r.get("review_done_at"),
        failed_reason: r.get("failed_reason"),
        created_by: r.get("created_by"),
        purchaser_id: r.get("purchaser_id"),
        project_no: r.get::<Option<String>, _>("project_no").unwrap_or_else(|| r.get("id")),
        region: r.get("region"),
        published_at: r.get("published_at"),
    })
}

pub async fn load(db: &Db, id: &str) -> Result<TenderRow, AppError> {
    let row = sqlx::query(&format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    tender_row(&row)
}

/// Whether `user` may see or act on the purchaser side of tender `t`: the officers of its unit,
/// supervisors whose unit's region contains the tender's unit, and admins (who read, but act on
/// no tender). Anyone else gets 404, so another unit cannot even learn that a draft exists.
pub async fn check_purchaser_side(db: &Db, user: &SessionUser, t: &TenderRow) -> Result<(), AppError> {
    let allowed = match user.role {
        Role::Officer => user.purchaser_id.is_some() && user.purchaser_id == t.purchaser_id,
        Role::Auditor => {
            let scope = user.purchaser_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
            let region = crate::purchasers::server::region_of_tender(db, &t.id).await?;
            matches!((scope, region), (Some(s), Some(r)) if s.covers(&r))
        }
        Role::Admin => true,
        Role::Bidder | Role::Expert => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The tender, for a purchaser-side caller allowed to see it ([`check_purchaser_side`]).
pub async fn load_for(db: &Db, user: &SessionUser, id: &str) -> Result<TenderRow, AppError> {
    let t = load(db, id).await?;
    check_purchaser_side(db, user, &t).await?;
    Ok(t)
}

/// The tender, for one of its own unit's officers about to act on it (admins and supervisors
/// read, they do not act).
pub async fn load_for_officer(db: &Db, officer: &SessionUser, id: &str) -> Result<TenderRow, AppError> {
    if officer.role != Role::Officer {
        return Err(AppError::Forbidden);
    }
    load_for(db, officer, id).await
}

/// A lot's name from a stored tender snapshot.
pub fn lot_name(spec_json: Option<String>, position: i64) -> String {
    spec_json
        .and_then(|j| serde_json::from_str::<ValidTender>(&j).ok())
        .and_then(|spec| spec.lots.get(position as usize).map(|l| l.name.clone()))
        .unwrap_or_default()
}

/// The published result of each awarded tender among `rows`: its winning organisations, each
/// once, in lot order. One query for a whole list.
async fn winner_names(db: &Db, rows: &[TenderRow]) -> Result<std::collections::HashMap<String, String>, AppError> {
    let awarded: Vec<&str> = rows.iter().filter(|t| t.status == TenderStatus::Awarded).map(|t| t.id.as_str()).collect();
    let mut out: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    if !awarded.is_empty() {
        let marks: Vec<String> = (1..=awarded.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT c.tender_id, o.name FROM contracts c JOIN organisations o ON o.id = c.org_id \
             WHERE c.tender_id IN ({}) ORDER BY c.tender_id, c.lot_position",
            marks.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for id in &awarded {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&db.pool).await? {
            let names = out.entry(r.get("tender_id")).or_default();
            let name: String = r.get("name");
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    Ok(out.into_iter().map(|(id, names)| (id, names.join("、"))).collect())
}

/// Each lot's public result: its 废标 reason once the review is done, its winner once the tender
/// is awarded.
async fn lot_results(db: &Db, t: &TenderRow, spec: &ValidTender) -> Result<Vec<LotResultView>, AppError> {
    let failures = sqlx::query("SELECT lot_position, reason FROM lot_failures WHERE tender_id = $1")
        .bind(&t.id)
        .fetch_all(&db.pool)
        .await?;
    let winners = if t.status == TenderStatus::Awarded {
        sqlx::query("SELECT c.lot_position, o.name FROM contracts c JOIN organisations o ON o.id = c.org_id WHERE c.tender_id = $1").bind(&t.id).fetch_all(&db.pool).await?
    } else {
        Vec::new()
    };
    Ok(spec
        .lots
        .iter()
        .enumerate()
        .map(|(i, l)| LotResultView {
            lot: l.name.clone(),
            failed: failures.iter().find(|f| f.get::<i64, _>("lot_position") == i as i64).map(|f| f.get("reason")),
            winner: winners.iter().find(|w| w.get::<i64, _>("lot_position") == i as i64).map(|w| w.get("name")),
        })
        .filter(|r| r.failed.is_some() || r.winner.is_some())
        .collect())
}

/// O87 art. 69 ¶2 and Reg. art. 43 ¶3: the result announcement names the experts, marking those
/// the purchaser chose itself; nobody is named before the tender is awarded.
async fn panel_experts(db: &Db, t: &TenderRow) -> Result<Vec<String>, AppError> {
    if t.status != TenderStatus::Awarded {
        return Ok(Vec::new());
    }
    Ok(sqlx::query(
        "SELECT u.display_name, m.source FROM panel_members m JOIN users u ON u.id = m.user_id \
         WHERE m.tender_id = $1 AND m.kind = 'expert' AND m.status = 'accepted' ORDER BY m.review_lot, m.seat",
    )
    .bind(&t.id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let name: String = r.get("display_name");
        if r.get::<String, _>("source") == "self_selected" {
            format!("{name}（自行选定）")
        } else {
            name
        }
    })
    .collect())
}

async fn summary(db: &Db, t: TenderRow, now_ms: i64) -> Result<TenderSummary, AppError> {
    Ok(summaries(db, vec![t], now_ms).await?.remove(0))
}

/// The list rows of `rows`: their templates loaded once (shipped ones without a query) and
/// winners read in one query, nothing parsed per row.
pub async fn summaries(db: &Db, rows: Vec<TenderRow>, now_ms: i64) -> Result<Vec<TenderSummary>, AppError> {
    let ids: Vec<&str> = rows.iter().map(|t| t.template_id.as_str()).collect();
    let templates = crate::schemes::server::of_ids(db, &ids).await?;
    summaries_with(db, rows, now_ms, &templates).await
}

/// A scheme's name as lists show it; its id when the template is gone.
fn scheme_name(templates: &[SchemeTemplate], id: &str) -> SchemeName {
    match templates.iter().find(|t| t.id == id) {
        Some(t) => SchemeName { id: t.id.clone(), zh: t.name.zh.clone(), en: t.name.en.clone() },
        None => SchemeName { id: id.into(), zh: id.into(), en: id.into() },
    }
}

/// [`summaries`] with the templates in force already loaded.
pub async fn summaries_with(
    db: &Db,
    rows: Vec<TenderRow>,
    now_ms: i64,
    templates: &[SchemeTemplate],
) -> Result<Vec<TenderSummary>, AppError> {
    let mut winners = winner_names(db, &rows).await?;
    Ok(rows
        .into_iter()
        .map(|t| TenderSummary {
            phase: crate::domain::tender::TenderPhase::of(t.status, now_ms, t.bid_deadline),
            winner: winners.remove(&t.id),
            scheme: scheme_name(templates, &t.template_id),
            id: t.id,
            project_no: t.project_no,
            title: t.title,
            buyer: t.buyer,
            budget_fen: t.budget_fen,
            bid_deadline: t.bid_deadline,
            opening_at: t.opening_at,
            status: t.status,
            region: t.region,
        })
        .collect())
}

/// Tenders on one page of the board or of the officer's list.
pub const BOARD_PAGE: usize = 50;

/// Where a page of a list starts: after the tender whose sort time (published on the board,
/// created in the officer's list) is `at`, with `id` (keyset pagination: a page costs the same
/// however deep it is, and a tender added meanwhile does not shift the pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    pub fn parse(text: &str) -> Result<Cursor, AppError> {
        let invalid = || {
            AppError::field(
                "after",
                "cursor_invalid",
                "翻页参数无效，请从第一页重新浏览",
                "Invalid page cursor; start again from the first page",
            )
        };
        let (at, id) = text.split_once('.').ok_or_else(invalid)?;
        let at = at.parse().map_err(|_| invalid())?;
        if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid());
        }
        Ok(Cursor { at, id: id.into() })
    }

    pub fn text(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }
}

/// `%`, `_` and `\` taken literally in a LIKE pattern (with `ESCAPE '\'`).
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in q.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// One page of the public board, filtered and paged in SQL: the search matches the project
/// number, title, buyer, region or scheme name; status, region and scheme are exact.
pub async fn board(db: &Db, filter: &BoardFilter, now_ms: i64) -> Result<BoardPage, AppError> {
    let after = filter.after.as_deref().filter(|a| !a.is_empty()).map(Cursor::parse).transpose()?;
    let status =
        match filter.status.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => Some(TenderStatus::parse(s).filter(|s| *s != TenderStatus::Draft).ok_or_else(|| {
                AppError::field("status", "status_unknown", "没有这种项目状态", "No such tender status")
            })?),
            None => None,
        };
    let q = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let lowered = q.map(str::to_lowercase).unwrap_or_default();
    // Only a search reads every template in force (it may name a scheme).
    let schemes_named: Vec<SchemeTemplate> = match q {
        Some(q) => crate::schemes::server::all(db)
            .await?
            .into_iter()
            .filter(|t| t.name.zh.contains(q) || t.name.en.to_lowercase().contains(&lowered))
            .collect(),
        None => Vec::new(),
    };
    // A search naming a scheme matches that scheme's every tender: the index cannot narrow it.
    let narrowed = match q {
        Some(q) if schemes_named.is_empty() => search_candidates(db, q).await?,
        _ => Narrowing::Scan,
    };
    let mut text: Vec<String> = Vec::new();
    let mut sql = match &narrowed {
        Narrowing::NoMatch => return board_page(db, Vec::new(), None, now_ms).await,
        // The candidates drive the join (SQLite keeps a CROSS JOIN's order), each tender then
        // read by its key; the exact match below still applies.
        Narrowing::Terms(terms) => {
            let sets: Vec<String> = terms
                .iter()
                .enumerate()
                .map(|(i, _)| format!("SELECT tender_id FROM tender_terms WHERE term = ${}", i + 1))
                .collect();
            text.extend(terms.iter().cloned());
            format!(
                "SELECT {TENDER_COLUMNS} FROM ({}) c CROSS JOIN tenders WHERE id = c.tender_id AND status <> 'draft'",
                sets.join(" INTERSECT ")
            )
        }
        Narrowing::Scan => format!("SELECT {TENDER_COLUMNS} FROM tenders WHERE status <> 'draft'"),
    };
    let mut mark = |sql: &mut String, clause: &str, value: String| {
        text.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", text.len())));
    };
    if let Some(s) = status {
        mark(&mut sql, " AND status = ?", s.as_str().into());
    }
    if let Some(r) = filter.region.as_deref().filter(|r| !r.is_empty()) {
        mark(&mut sql, " AND region = ?", r.into());
    }
    if let Some(t) = filter.scheme.as_deref().filter(|t| !t.is_empty()) {
        mark(&mut sql, " AND template_id = ?", t.into());
    }
    if let Some(q) = q {
        let pattern = like_pattern(q);
        mark(&mut sql, " AND (LOWER(title) LIKE ? ESCAPE '\\'", pattern.clone());
        for column in ["buyer", "project_no", "region"] {
            mark(&mut sql, &format!(" OR LOWER({column}) LIKE ? ESCAPE '\\'"), pattern.clone());
        }
        for t in &schemes_named {
            mark(&mut sql, " OR template_id = ?", t.id.clone());
        }
        sql.push(')');
    }
    let mut at: Option<i64> = None;
    if let Some(c) = &after {
        at = Some(c.at);
        let n = text.len() + 1;
        text.push(c.id.clone());
        // The first bound repeats what the OR says so that PostgreSQL can start its index scan at
        // the cursor: with the OR alone it walked the index from the newest notice and filtered
        // every row above the cursor (50,000 rows half-way down 100,000).
        sql.push_str(&format!(
            " AND published_at <= ${n2} AND (published_at < ${n2} OR (published_at = ${n2} AND id < ${n}))",
            n2 = n + 1
        ));
    }
    // Both keys descending, so an index on (published_at, id) read backwards gives the order and
    // the page stops after LIMIT rows (a mixed direction made the database sort every notice).
    sql.push_str(&format!(" ORDER BY published_at DESC, id DESC LIMIT {}", BOARD_PAGE + 1));
    let mut q = sqlx::query(&sql);
    for v in &text {
        q = q.bind(v.as_str());
    }
    if let Some(at) = at {
        q = q.bind(at);
    }
    let mut rows: Vec<TenderRow> = q.fetch_all(&db.pool).await?.iter().map(tender_row).collect::<Result<_, _>>()?;
    let next = if rows.len() > BOARD_PAGE {
        rows.truncate(BOARD_PAGE);
        rows.last().and_then(|t| t.published_at.map(|at| Cursor { at, id: t.id.clone() }.text()))
    } else {
        None
    };
    board_page(db, rows, next, now_ms).await
}

/// A page of the board with its filters' choices: the regions and the schemes (by name) of
/// published tenders. Two queries besides the rows' winners: the filters' values, and the
/// derived templates among the page's and the filters' schemes (none when all are shipped).
async fn board_page(db: &Db, rows: Vec<TenderRow>, next: Option<String>, now_ms: i64) -> Result<BoardPage, AppError> {
    let (regions, used) = public_facets(db).await?;
    let ids: Vec<&str> = rows.iter().map(|t| t.template_id.as_str()).chain(used.iter().map(String::as_str)).collect();
    let templates = crate::schemes::server::of_ids(db, &ids).await?;
    let mut schemes: Vec<SchemeName> = used.iter().map(|id| scheme_name(&templates, id)).collect();
    schemes.sort();
    Ok(BoardPage { rows: summaries_with(db, rows, now_ms, &templates).await?, next, regions, schemes })
}

/// The distinct non-empty regions and template ids of published tenders, each in order, in one
/// query. Each value is found by one index seek (a loose index scan): the cost grows with the
/// number of values, not of tenders.
async fn public_facets(db: &Db) -> Result<(Vec<String>, Vec<String>), AppError> {
    let walk = |name: &str, column: &str| {
        format!(
            "{name}(x) AS ( \
               SELECT MIN({column}) FROM tenders WHERE {column} > '' AND status <> 'draft' \
               UNION ALL \
               SELECT (SELECT MIN({column}) FROM tenders WHERE {column} > {name}.x AND status <> 'draft') \
               FROM {name} WHERE {name}.x IS NOT NULL)"
        )
    };
    let sql = format!(
        "WITH RECURSIVE {}, {} \
         SELECT 'region' AS facet, x FROM r WHERE x IS NOT NULL \
         UNION ALL SELECT 'scheme' AS facet, x FROM s WHERE x IS NOT NULL",
        walk("r", "region"),
        walk("s", "template_id")
    );
    let (mut regions, mut schemes) = (Vec::new(), Vec::new());
    for row in sqlx::query(&sql).fetch_all(&db.pool).await? {
        let value: String = row.get("x");
        match row.get::<String, _>("facet").as_str() {
            "region" => regions.push(value),
            _ => schemes.push(value),
        }
    }
    Ok((regions, schemes))
}

/// Tenders stored before the region had its own column get it from their spec. Idempotent; a
/// tender whose spec names no region is read again at the next start, which costs little.
pub async fn fill_regions(db: &Db) -> Result<u64, AppError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT id, spec_json FROM tenders WHERE region = '' AND spec_json IS NOT NULL")
            .fetch_all(&db.pool)
            .await?;
    let mut filled = 0;
    for (id, spec) in rows {
        let Ok(v) = serde_json::from_str::<ValidTender>(&spec) else { continue };
        if v.region.is_empty() {
            continue;
        }
        filled += sqlx::query("UPDATE tenders SET region = $1 WHERE id = $2 AND region = ''")
            .bind(&v.region)
            .bind(&id)
            .execute(&db.pool)
            .await?
            .rows_affected();
    }
    Ok(filled)
}

/// Replaces a tender's entries in the search index with the bigrams and tokens of its title,
/// buyer, project number and region as stored now (inside `tx`, so the index never disagrees
/// with the notice).
pub async fn index_terms(tx: &mut sqlx::Transaction<'_, sqlx::Any>, id: &str) -> Result<(), AppError> {
    index_many(tx, &[id.to_string()]).await
}

/// [`index_terms`] for many tenders, in a few statements: the start-up fill after migration 027
/// took 15.9 s for 20,005 tenders on SQLite one tender at a time.
async fn index_many(tx: &mut sqlx::Transaction<'_, sqlx::Any>, ids: &[String]) -> Result<(), AppError> {
    let marks = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    // In id order, as the fill's chunks: instances filling together insert the same entries in
    // the same order, so one waits for the other instead of both waiting on each other.
    let sql = format!("SELECT id, title, buyer, project_no, region FROM tenders WHERE id IN ({marks}) ORDER BY id");
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.as_str());
    }
    let rows = q.fetch_all(&mut **tx).await?;
    let mut entries: Vec<(String, String)> = Vec::new();
    for row in &rows {
        let id: String = row.get("id");
        let fields: Vec<String> = ["title", "buyer", "project_no", "region"]
            .iter()
            .map(|c| row.get::<Option<String>, _>(*c).unwrap_or_default())
            .collect();
        entries.extend(super::search::terms(fields.iter().map(String::as_str)).into_iter().map(|t| (t, id.clone())));
    }
    let sql = format!("DELETE FROM tender_terms WHERE tender_id IN ({marks})");
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(id.as_str());
    }
    q.execute(&mut **tx).await?;
    Ok(insert_terms(tx, &entries).await?)
}

/// Writes `(term, tender id)` entries into the search index, 500 rows to a statement.
pub async fn insert_terms(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    entries: &[(String, String)],
) -> Result<(), sqlx::Error> {
    for chunk in entries.chunks(500) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        // Instances starting together fill the index over the same tenders at once: on
        // PostgreSQL the second waits for the first's rows and then keeps them.
        let sql = format!(
            "INSERT INTO tender_terms (term, tender_id) VALUES {} ON CONFLICT (term, tender_id) DO NOTHING",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (term, id) in chunk {
            q = q.bind(term.as_str()).bind(id.as_str());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Tenders stored before the search index existed (or before migration 027 emptied it) get
/// their entries. Idempotent; a tender whose fields yield no entry at all is looked at again at
/// the next start, which costs little.
pub async fn fill_search_terms(db: &Db) -> Result<u64, AppError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM tenders t WHERE NOT EXISTS (SELECT 1 FROM tender_terms s WHERE s.tender_id = t.id) ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await?;
    for chunk in ids.chunks(500) {
        let mut tx = db.begin_write().await?;
        index_many(&mut tx, chunk).await?;
        tx.commit().await?;
    }
    Ok(ids.len() as u64)
}

/// How many tenders carry `term`, counted no further than `cap`.
async fn term_count(db: &Db, term: &str, cap: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT 1 FROM tender_terms WHERE term = $1 LIMIT {cap}) x"
    ))
    .bind(term)
    .fetch_one(&db.pool)
    .await?)
}

/// Beyond this many tenders with its rarest bigrams, a search's matches are dense: reading the
/// board in order finds a page of them sooner than reading the candidates.
const SEARCH_CANDIDATES: i64 = 20_000;

/// So few candidates that intersecting them with another list saves less than it costs.
const FEW_CANDIDATES: i64 = 200;

/// What the search index makes of a search.
enum Narrowing {
    /// A bigram is in no tender: nothing can match.
    NoMatch,
    /// The candidates are the tenders having each of these (up to three rarest) bigrams or tokens.
    Terms(Vec<String>),
    /// The index cannot narrow the search: the board is read in order.
    Scan,
}

/// How the index narrows a search (see [`Narrowing`]).
async fn search_candidates(db: &Db, q: &str) -> Result<Narrowing, AppError> {
    // A whole number or word the search encloses is usually in a few notices: then its one
    // posting list is the candidates, without counting the bigrams (each a probe of up to
    // SEARCH_CANDIDATES entries for digits, which are in most notices).
    let mut counted = Vec::new();
    for token in super::search::query_tokens(q).into_iter().take(2) {
        let n = term_count(db, &token, SEARCH_CANDIDATES + 1).await?;
        if n == 0 {
            return Ok(Narrowing::NoMatch);
        }
        if n <= FEW_CANDIDATES {
            return Ok(Narrowing::Terms(vec![token]));
        }
        counted.push((n, token));
    }
    for term in super::search::query_terms(q, 8) {
        let n = term_count(db, &term, SEARCH_CANDIDATES + 1).await?;
        if n == 0 {
            return Ok(Narrowing::NoMatch);
        }
        counted.push((n, term));
    }
    counted.sort();
    counted.retain(|(n, _)| *n <= SEARCH_CANDIDATES);
    if counted.is_empty() {
        return Ok(Narrowing::Scan);
    }
    Ok(Narrowing::Terms(counted.into_iter().take(3).map(|(_, t)| t).collect()))
}

/// The officer's unit's tenders, newest first, [`BOARD_PAGE`] at a time after `after`.
pub async fn officer_list(
    db: &Db,
    officer: &SessionUser,
    after: Option<&str>,
    now_ms: i64,
) -> Result<TenderPage, AppError> {
    let after = after.filter(|a| !a.is_empty()).map(Cursor::parse).transpose()?;
    let unit = officer.purchaser_id.as_deref().unwrap_or_default();
    let limit = BOARD_PAGE + 1;
    let rows = match &after {
        None => {
            sqlx::query(&format!(
                "SELECT {TENDER_COLUMNS}, created_at FROM tenders WHERE purchaser_id = $1 \
                 ORDER BY created_at DESC, id DESC LIMIT {limit}"
            ))
            .bind(unit)
            .fetch_all(&db.pool)
            .await?
        }
        Some(c) => {
            sqlx::query(&format!(
                "SELECT {TENDER_COLUMNS}, created_at FROM tenders WHERE purchaser_id = $1 \
                 AND created_at <= $2 AND (created_at < $2 OR (created_at = $2 AND id < $3)) \
                 ORDER BY created_at DESC, id DESC LIMIT {limit}"
            ))
            .bind(unit)
            .bind(c.at)
            .bind(&c.id)
            .fetch_all(&db.pool)
            .await?
        }
    };
    let next = (rows.len() > BOARD_PAGE)
        .then(|| Cursor { at: rows[BOARD_PAGE - 1].get("created_at"), id: rows[BOARD_PAGE - 1].get("id") }.text());
    let rows: Vec<TenderRow> = rows.iter().take(BOARD_PAGE).map(tender_row).collect::<Result<_, _>>()?;
    Ok(TenderPage { rows: summaries(db, rows, now_ms).await?, next })
}

pub async fn criteria(db: &Db, tender_id: &str) -> Result<Vec<CriterionView>, AppError> {
    let rows = sqlx::query("SELECT position, name, max_points_centi, guidance, objective FROM tender_criteria WHERE tender_id = $1 ORDER BY position")
        .bind(tender_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| CriterionView {
            position: r.get("position"),
            name: r.get("name"),
            max_points: from_centi(r.get("max_points_centi")),
            guidance: r.get("guidance"),
            objective: r.get::<i64, _>("objective") == 1,
        })
        .collect())
}

async fn template_for(db: &Db, id: &str) -> Result<SchemeTemplate, AppError> {
    if id.trim().is_empty() {
        return Err(AppError::field("template_id", "template_required", "请选择方案模板", "Choose a scheme template"));
    }
    crate::schemes::server::by_id(db, id.trim())
        .await?
        .ok_or_else(|| AppError::field("template_id", "template_unknown", "方案模板不存在", "No such scheme template"))
}

/// Writes the parsed tender into the queryable columns, lots and criteria (inside `tx`).
async fn write_spec(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    v: &ValidTender,
    version: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE tenders SET title = $1, buyer = $2, method = $3, budget_fen = $4, price_weight_centi = $5, bid_deadline = $6, opening_at = $7, \
         clarify_until = $8, spec_json = $9, version = $10, region = $12 WHERE id = $11",
    )
    .bind(&v.title)
    .bind(&v.buyer)
    .bind(tender::procedure_str(v.method))
    .bind(v.budget.fen())
    .bind(centi(v.price_weight_pct))
    .bind(v.bid_deadline_ms)
    .bind(v.opening_ms)
    .bind(v.clarify_until_ms)
    .bind(serde_json::to_string(v).expect("a tender serialises"))
    .bind(version)
    .bind(id)
    .bind(&v.region)
    .execute(&mut **tx)
    .await?;
    index_terms(tx, id).await?;
    sqlx::query("DELETE FROM tender_lots WHERE tender_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM tender_criteria WHERE tender_id = $1").bind(id).execute(&mut **tx).await?;
    for (i, lot) in v.lots.iter().enumerate() {
        sqlx::query("INSERT INTO tender_lots (tender_id, position, name, budget_fen) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(i as i64)
            .bind(&lot.name)
            .bind(lot.budget.fen())
            .execute(&mut **tx)
            .await?;
    }
    for (i, c) in v.criteria.iter().enumerate() {
        sqlx::query("INSERT INTO tender_criteria (tender_id, position, name, max_points_centi, guidance, objective) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(i as i64)
            .bind(&c.name)
            .bind(centi(c.max_points))
            .bind(&c.guidance)
            .bind(i64::from(c.objective))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Parses `input` for a tender created or last changed as `old` (whose documents may already
/// be available since before today).
async fn parse_input(
    db: &Db,
    input: &TenderInput,
    old: Option<&ValidTender>,
    now_ms: i64,
) -> Result<(SchemeTemplate, ValidTender), AppError> {
    let template = template_for(db, &input.template_id).await?;
    let cal = crate::schemes::calendar::load(db).await?;
    let v = tender::parse_tender_since(input, now_ms, old.map(|o| o.documents_from), &template, &cal)
        .map_err(AppError::Validation)?;
    Ok((template, v))
}

/// Creates a draft from the officer's input; every active expert is assigned to the panel.
pub async fn create(db: &Db, officer: &SessionUser, input: &TenderInput, now_ms: i64) -> Result<String, AppError> {
    let Some(unit) = officer.purchaser_id.as_deref() else {
        return Err(AppError::field(
            "tender",
            "officer_without_unit",
            "您的账号尚未归属采购人单位，请联系管理员",
            "Your account belongs to no purchaser unit yet; ask an admin",
        ));
    };
    let (_, v) = parse_input(db, input, None, now_ms).await?;
    let id = new_id();
    let region = officer.purchaser_region.as_deref().and_then(|r| RegionCode::parse(r).ok());
    let series = region.and_then(|r| NumberSeries::of(r, now_ms)).ok_or(AppError::Internal)?;
    let mut tx = db.begin_write().await?;
    // One atomic upsert per number: concurrent creations in the same region and year queue on
    // the series row instead of reading the same "last" number.
    let seq: i64 = sqlx::query(
        "INSERT INTO project_number_series (series, last_seq) VALUES ($1, 1) \
         ON CONFLICT (series) DO UPDATE SET last_seq = project_number_series.last_seq + 1 RETURNING last_seq",
    )
    .bind(series.key())
    .fetch_one(&mut *tx)
    .await?
    .get("last_seq");
    let project_no = series.number(u32::try_from(seq).map_err(|_| AppError::Internal)?).to_string();
    sqlx::query(
        "INSERT INTO tenders (id, title, buyer, template_id, method, budget_fen, price_weight_centi, bid_deadline, \
         opening_at, status, created_by, created_at, purchaser_id, project_no) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(&v.title)
    .bind(&v.buyer)
    .bind(&v.template_id)
    .bind(tender::procedure_str(v.method))
    .bind(v.budget.fen())
    .bind(centi(v.price_weight_pct))
    .bind(v.bid_deadline_ms)
    .bind(v.opening_ms)
    .bind(&officer.id)
    .bind(now_ms)
    .bind(unit)
    .bind(&project_no)
    .execute(&mut *tx)
    .await?;
    write_spec(&mut tx, &id, &v, 1).await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.create", "tender", &id).after(json!({"project_no": project_no, "spec": v})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

async fn versions(db: &Db, id: &str) -> Result<Vec<VersionView>, AppError> {
    let rows = sqlx::query("SELECT version, changes_json, reason, material, pushed_from, created_at FROM tender_versions WHERE tender_id = $1 ORDER BY version")
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .iter()
        .map(|r| VersionView {
            version: r.get("version"),
            reason: r.get("reason"),
            changes: serde_json::from_str(&r.get::<String, _>("changes_json")).unwrap_or_default(),
            material: r.get::<i64, _>("material") == 1,
            pushed_from: r.get("pushed_from"),
            published_at: r.get("created_at"),
        })
        .collect())
}

/// The tender for the purchaser side (`with_bids`: the number of bids, once they are opened) or
/// the public.
pub async fn detail(db: &Db, id: &str, with_bids: bool, now_ms: i64) -> Result<TenderView, AppError> {
    let t = load(db, id).await?;
    if !with_bids && t.status == TenderStatus::Draft {
        return Err(AppError::NotFound);
    }
    // How many have bid stays unknown until the opening, to the purchaser too (Tendering Law
    // art. 22, verify): sealed bids leave no trace anyone can count.
    let opened = matches!(t.status, TenderStatus::Opened | TenderStatus::Awarded | TenderStatus::Failed);
    let bid_count = if with_bids && opened {
        Some(
            sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bids WHERE tender_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await?
                .get("n"),
        )
    } else {
        None
    };
    let lint = match crate::schemes::server::by_id(db, &t.template_id).await? {
        Some(template) => crate::domain::template::lint(&template),
        None => vec![],
    };
    let spec = t.spec()?;
    Ok(TenderView {
        lot_results: lot_results(db, &t, &spec).await?,
        panel_experts: panel_experts(db, &t).await?,
        spec,
        version: t.version,
        versions: versions(db, id).await?,
        price_weight_pct: from_centi(t.price_weight_centi),
        criteria: criteria(db, id).await?,
        bid_count,
        lint,
        failed_reason: t.failed_reason.clone(),
        review_concluded: with_bids && t.review_done_at.is_some(),
        attachments: crate::tenders::attachments::list(db, id).await?,
        tie_commitment: sqlx::query("SELECT commitment FROM tie_seeds WHERE tender_id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .map(|r| r.get("commitment")),
        summary: summary(db, t.clone(), now_ms).await?,
    })
}

/// Publishes a draft: the whole tender is checked again against today (a draft may have waited),
/// the tender's bid key is made, and version 1 is recorded as the original notice.
pub async fn publish(db: &Db, sealer: &Sealer, officer: &SessionUser, id: &str, now_ms: i64) -> Result<(), AppError> {
    let t = load_for_officer(db, officer, id).await?;
    tender::allowed(t.status, Action::Publish, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let spec = t.spec()?;
    let (_, v) = parse_input(db, &tender::to_input(&spec), None, now_ms).await?;
    let (_, wrapped) = sealer.new_tender_key(id);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query("UPDATE tenders SET status = 'published', published_at = $1, sealing_key = $2 WHERE id = $3 AND status = 'draft'")
        .bind(now_ms)
        .bind(&wrapped)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender state changed".into()));
    }
    write_spec(&mut tx, id, &v, 1).await?;
    sqlx::query("INSERT INTO tender_versions (tender_id, version, spec_json, changes_json, reason, material, pushed_from, created_by, created_at) VALUES ($1, 1, $2, '[]', $3, 0, NULL, $4, $5)")
        .bind(id)
        .bind(serde_json::to_string(&v).expect("a tender serialises"))
        .bind("招标公告")
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    // O87 art. 68: the seed of any drawing of lots is fixed now; only its hash is published.
    let seed = {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut b);
        hex::encode(b)
    };
    sqlx::query("INSERT INTO tie_seeds (tender_id, seed, commitment, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(&seed)
        .bind(crate::domain::evaluation::ties::commitment(&seed))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.publish", "tender", id)
            .before(json!({"status": "draft"}))
            .after(json!({"status": "published", "version": 1, "lint_override": v.lint_override})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a draft in place, or amends a published tender before its deadline: a new version
/// with its public diff; a material change pushes the deadline (O87 art. 27) and asks every
/// bidder to reconfirm.
pub async fn amend(
    db: &Db,
    officer: &SessionUser,
    id: &str,
    input: &TenderInput,
    reason: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    let t = load_for_officer(db, officer, id).await?;
    tender::allowed(t.status, Action::Edit, now_ms, t.bid_deadline, t.opening_at).map_err(tender_error)?;
    let old = t.spec()?;
    let mut input = input.clone();
    input.template_id = old.template_id.clone();
    let (_, v) = parse_input(db, &input, Some(&old), now_ms).await?;
    if t.status == TenderStatus::Draft {
        let mut tx = db.begin_write().await?;
        write_spec(&mut tx, id, &v, 1).await?;
        audit::record(
            &mut tx,
            now_ms,
            Actor::User(officer),
            Change::new("tender.edit_draft", "tender", id).before(json!({"spec": old})).after(json!({"spec": v})),
        )
        .await?;
        tx.commit().await?;
        return Ok(1);
    }
    let reason = amendment_reason(reason)?;
    check_frozen_by_bids(db, id, &old, &v).await?;
    let plan = amendment::plan(&old, &v, now_ms).map_err(AppError::Validation)?;
    let mut tx = db.begin_write().await?;
    let amendment = Amendment { from_version: t.version, plan: &plan, reason, extra: json!({}) };
    let version = record_amendment(&mut tx, officer, id, amendment, now_ms).await?;
    tx.commit().await?;
    Ok(version)
}

/// What an amendment may no longer change once a bid is in: a bid's prices, teams and proposals
/// are bound to the lots' positions and names, and its documents to whether proposals come per
/// lot. Budgets may change and lots may be added after the last one. Once a panel is planned,
/// whether lots have their own stays, and so do the lots a lot's panel is planned for.
async fn check_frozen_by_bids(db: &Db, id: &str, old: &ValidTender, new: &ValidTender) -> Result<(), AppError> {
    // A tender without lots has one named after its title, which may still be reworded.
    let implicit = |t: &ValidTender| t.lots.len() == 1 && t.lots[0].name == t.title;
    let lots_kept = (implicit(old) && implicit(new))
        || (new.lots.len() >= old.lots.len() && old.lots.iter().zip(&new.lots).all(|(a, b)| a.name == b.name));
    if old.panels_per_lot != new.panels_per_lot || (old.panels_per_lot && !lots_kept) {
        let planned = sqlx::query("SELECT 1 AS one FROM panels WHERE tender_id = $1 LIMIT 1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?
            .is_some();
        // A panel planned for the whole tender (or for one lot) would be left without its review.
        if planned && old.panels_per_lot != new.panels_per_lot {
            return Err(AppError::field(
                "panels_per_lot",
                "panels_per_lot_frozen",
                "评审委员会已开始组建，不能再更改是否分标段组建",
                "A panel is being formed: whether each lot has its own panel can no longer change",
            ));
        }
        // A lot's panel is planned for the lot at its position.
        if planned {
            return Err(AppError::field(
                "lots",
                "lots_frozen_by_panels",
                "已按标段组建评审委员会：已有标段不能改名、删除或调整顺序（可以调整预算，或在最后增加标段）",
                "Lots have their panels: existing lots cannot be renamed, removed or reordered (budgets may change; lots may be added at the end)",
            ));
        }
    }
    if lots_kept && old.proposals_per_lot == new.proposals_per_lot {
        return Ok(());
    }
    let bids =
        sqlx::query("SELECT 1 AS one FROM bids WHERE tender_id = $1 LIMIT 1").bind(id).fetch_optional(&db.pool).await?;
    if bids.is_none() {
        return Ok(());
    }
    if !lots_kept {
        return Err(AppError::field(
            "lots",
            "lots_frozen",
            "已有投标：已有标段不能改名、删除或调整顺序（可以调整预算，或在最后增加标段）",
            "Bids are in: existing lots cannot be renamed, removed or reordered (budgets may change; lots may be added at the end)",
        ));
    }
    Err(AppError::field(
        "proposals_per_lot",
        "proposals_per_lot_frozen",
        "已有投标，不能再更改技术方案是否按标段分别提交",
        "Bids are in: whether proposals come per lot can no longer change",
    ))
}

/// An amendment's public reason, trimmed: what is corrected and why.
pub fn amendment_reason(reason: &str) -> Result<&str, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 4 || reason.chars().count() > 2000 {
        return Err(AppError::field(
            "reason",
            "reason_required",
            "请写明更正事项和理由（4–2000字）",
            "State what is corrected and why (4–2,000 characters)",
        ));
    }
    Ok(reason)
}

/// An amendment about to be published.
pub struct Amendment<'a> {
    /// The version it amends; refused if the tender moved on meanwhile.
    pub from_version: i64,
    pub plan: &'a amendment::AmendmentPlan,
    pub reason: &'a str,
    /// Goes into the audit entry (e.g. the attached file).
    pub extra: serde_json::Value,
}

/// Publishes a planned amendment as the version after `from_version`, in the caller's
/// transaction.
pub async fn record_amendment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    officer: &SessionUser,
    id: &str,
    amendment: Amendment<'_>,
    now_ms: i64,
) -> Result<i64, AppError> {
    let Amendment { from_version, plan, reason, extra } = amendment;
    let version = from_version + 1;
    let done = sqlx::query("UPDATE tenders SET version = $1 WHERE id = $2 AND version = $3 AND status = 'published'")
        .bind(version)
        .bind(id)
        .bind(from_version)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::Conflict("tender changed meanwhile".into()));
    }
    write_spec(tx, id, &plan.tender, version).await?;
    sqlx::query("INSERT INTO tender_versions (tender_id, version, spec_json, changes_json, reason, material, pushed_from, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(id)
        .bind(version)
        .bind(serde_json::to_string(&plan.tender).expect("a tender serialises"))
        .bind(serde_json::to_string(&plan.changes).expect("changes serialise"))
        .bind(reason)
        .bind(i64::from(plan.material))
        .bind(plan.pushed_from_ms)
        .bind(&officer.id)
        .bind(now_ms)
        .execute(&mut **tx)
        .await?;
    audit::record(
        tx,
        now_ms,
        Actor::User(officer),
        Change::new("tender.amend", "tender", id)
            .before(json!({"version": from_version}))
            .after(json!({"version": version, "reason": reason, "material": plan.material, "changes": plan.changes, "pushed_from": plan.pushed_from_ms, "extra": extra})),
    )
    .await?;
    Ok(version)
}

/// The tender key for sealing. Reading sealed data goes through [`reading_key`] instead.
pub fn sealing_key(sealer: &Sealer, t: &TenderRow) -> Result<TenderKey, AppError> {
    let wrapped = t.sealing_key.as_deref().ok_or(AppError::Internal)?;
    sealer.unwrap(&t.id, wrapped).map_err(|e| {
        tracing::error!(error = %e, tender = %t.id, "tender key does not unwrap");
        AppError::Internal
    })
}

/// The tender key for reading bids: only once the bids are open (O87 art. 39), for every role.
pub fn reading_key(sealer: &Sealer, t: &TenderRow) -> Result<TenderKey, AppError> {
    if !tender::bids_readable(t.status) {
        return Err(tender_error(TenderError::NotYetOpen));
    }
    sealing_key(sealer, t)
}
