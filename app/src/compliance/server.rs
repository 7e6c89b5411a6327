//! The compliance review in the database: the items from the tender's scheme, each member's
//! sheet (by bid id; members see aliases), and the panel's findings, fixed in the transaction of
//! the last sheet.

use super::{ComplianceView, FindingView, VoteInput};
use crate::domain::evaluation::compliance::{self, Finding, Item, Vote};
use crate::error::{AppError, FieldError};
use crate::identity::SessionUser;
use crate::panels::server::{self as panels, Member, IN_REVIEW};
use crate::panels::ReviewId;
use crate::server::audit::{self, Actor, Change};
use crate::server::db::Db;
use crate::tenders::server::TenderRow;
use serde_json::json;
use sqlx::Row;

/// The items every bid of this tender is checked for: none for a call for applications, which
/// is not a procurement under O87.
pub async fn items(db: &Db, t: &TenderRow) -> Result<Vec<Item>, AppError> {
    let spec = t.spec()?;
    if spec.method.procurement_method().is_none() {
        return Ok(Vec::new());
    }
    let services: Vec<(String, String)> = crate::schemes::server::by_id(db, &spec.template_id)
        .await?
        .map(|s| s.service_items.into_iter().filter(|i| i.mandatory).map(|i| (i.id, i.name.zh)).collect())
        .unwrap_or_default();
    Ok(compliance::items(&services))
}

/// The panel's findings, once concluded: (items as they were, findings by bid id).
pub async fn findings(db: &Db, rid: &ReviewId) -> Result<Option<(Vec<Item>, Vec<Finding>)>, AppError> {
    let row = sqlx::query(
        "SELECT items_json, findings_json FROM compliance_findings WHERE tender_id = $1 AND review_lot = $2",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        let items = serde_json::from_str(&r.get::<String, _>("items_json"));
        let findings = serde_json::from_str(&r.get::<String, _>("findings_json"));
        match (items, findings) {
            (Ok(i), Ok(f)) => Ok((i, f)),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %e, review = %rid, "stored compliance findings do not parse");
                Err(AppError::Internal)
            }
        }
    })
    .transpose()
}

/// Whether scoring must wait: the tender has items and the panel has not concluded on them.
pub async fn pending(db: &Db, t: &TenderRow, rid: &ReviewId) -> Result<bool, AppError> {
    Ok(findings(db, rid).await?.is_none() && !items(db, t).await?.is_empty())
}

/// The bids the panel found not to comply: they leave the scoring (O87 art. 63).
pub async fn failed_bids(db: &Db, rid: &ReviewId) -> Result<Vec<String>, AppError> {
    Ok(findings(db, rid).await?.map(|(_, f)| compliance::failed(&f)).unwrap_or_default())
}

/// The refusal of a score sheet while the compliance review is open.
pub fn scoring_waits() -> AppError {
    AppError::field(
        "scores",
        "compliance_pending",
        "全体评审成员提交符合性审查意见后方可评分（通过符合性审查的投标方可进入详细评审）",
        "Scoring starts once every member has submitted the compliance review (only compliant bids are scored)",
    )
}

async fn sheets(db: &Db, rid: &ReviewId) -> Result<Vec<(String, Vec<Vote>)>, AppError> {
    sqlx::query("SELECT member_id, votes_json FROM compliance_sheets WHERE tender_id = $1 AND review_lot = $2 ORDER BY member_id")
        .bind(&rid.tender)
        .bind(rid.column())
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            let votes = serde_json::from_str(&r.get::<String, _>("votes_json")).map_err(|e| {
                tracing::error!(error = %e, review = %rid, "a stored compliance sheet does not parse");
                AppError::Internal
            })?;
            Ok((r.get("member_id"), votes))
        })
        .collect()
}

/// (alias, bid id) of the qualified bids the review judges, by alias.
async fn aliases(db: &Db, rid: &ReviewId) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query(&format!(
        "SELECT b.id, b.alias FROM bids b WHERE b.tender_id = $1 AND b.alias IS NOT NULL AND {IN_REVIEW} ORDER BY b.alias"
    ))
    .bind(&rid.tender)
    .bind(rid.column())
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| (r.get("alias"), r.get("id")))
        .collect())
}

fn finding_views(
    items: &[Item],
    findings: &[Finding],
    aliases: &[(String, String)],
    who: impl Fn(&str) -> String,
) -> Vec<FindingView> {
    findings
        .iter()
        .filter(|f| !f.pass || !f.dissent.is_empty())
        .map(|f| FindingView {
            alias: aliases.iter().find(|(_, b)| *b == f.bid).map(|(a, _)| a.clone()).unwrap_or_default(),
            item: items.iter().find(|i| i.id == f.item).map(|i| i.name_zh.clone()).unwrap_or_default(),
            pass: f.pass,
            passes: f.passes,
            fails: f.fails,
            reasons: f.reasons.iter().map(|(m, r)| format!("{}：{r}", who(m))).collect(),
            dissent: f.dissent.iter().map(|(m, v)| format!("{}：{v}", who(m))).collect(),
        })
        .collect()
}

/// The review as `member` (seated; the caller has checked) sees it: the items, the member's own
/// sheet, how many have submitted, and once concluded the panel's findings by alias.
pub async fn view(db: &Db, t: &TenderRow, rid: &ReviewId, member: &str) -> Result<ComplianceView, AppError> {
    let aliases = aliases(db, rid).await?;
    let seated: Vec<Member> = panels::members(db, rid).await?.into_iter().filter(|m| m.status.seated()).collect();
    let sheets = sheets(db, rid).await?;
    let concluded = findings(db, rid).await?;
    let items = match &concluded {
        Some((items, _)) => items.clone(),
        None => items(db, t).await?,
    };
    let mine: Vec<VoteInput> = sheets
        .iter()
        .find(|(m, _)| m == member)
        .map(|(_, votes)| {
            votes
                .iter()
                .filter_map(|v| {
                    let alias = aliases.iter().find(|(_, b)| *b == v.bid)?.0.clone();
                    Some(VoteInput { alias, item: v.item.clone(), pass: v.pass, reason: Some(v.reason.clone()) })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ComplianceView {
        items: items.iter().map(|i| (i.id.clone(), i.name_zh.clone(), i.basis.clone())).collect(),
        aliases: aliases.iter().map(|(a, _)| a.clone()).collect(),
        submitted: sheets.iter().any(|(m, _)| m == member),
        mine,
        in_count: seated.iter().filter(|s| sheets.iter().any(|(m, _)| *m == s.user_id)).count(),
        seats: seated.len(),
        findings: concluded.map(|(items, f)| finding_views(&items, &f, &aliases, |m| panels::seat_label(&seated, m))),
    })
}

/// The report's record (O87 art. 58, 61): each bid found not to comply with its reasons, and each
/// dissent, naming the members.
pub async fn record(db: &Db, rid: &ReviewId) -> Result<(Vec<(String, String)>, Vec<String>), AppError> {
    let Some((items, findings)) = findings(db, rid).await? else { return Ok((vec![], vec![])) };
    let aliases = aliases(db, rid).await?;
    let members = panels::members(db, rid).await?;
    let name = |m: &str| members.iter().find(|x| x.user_id == m).map(|x| x.name.clone()).unwrap_or_default();
    let views = finding_views(&items, &findings, &aliases, name);
    let failures = views
        .iter()
        .filter(|f| !f.pass)
        .map(|f| {
            let bid = aliases.iter().find(|(a, _)| *a == f.alias).map(|(_, b)| b.clone()).unwrap_or_default();
            (
                bid,
                format!("符合性审查：{}（{}票不符合，{}票符合）：{}", f.item, f.fails, f.passes, f.reasons.join("；")),
            )
        })
        .collect();
    let dissent = views
        .iter()
        .flat_map(|f| f.dissent.iter().map(move |d| format!("投标人{}“{}”：{d}", f.alias, f.item)))
        .collect();
    Ok((failures, dissent))
}

/// A member's compliance sheet: every qualified bid on every item, submitted once. The last
/// sheet concludes the review: the majority's findings are fixed (O87 art. 61).
pub async fn submit(
    db: &Db,
    t: &TenderRow,
    rid: &ReviewId,
    member: &SessionUser,
    votes: &[VoteInput],
    now_ms: i64,
) -> Result<(), AppError> {
    if findings(db, rid).await?.is_some() {
        return Err(AppError::field(
            "compliance",
            "compliance_concluded",
            "符合性审查已经结束",
            "The compliance review is concluded",
        ));
    }
    let items = items(db, t).await?;
    if items.is_empty() {
        return Err(AppError::NotFound);
    }
    let aliases = aliases(db, rid).await?;
    let by_alias: Vec<Vote> = votes
        .iter()
        .map(|v| Vote {
            bid: v.alias.clone(),
            item: v.item.clone(),
            pass: v.pass,
            reason: v.reason.clone().unwrap_or_default().trim().chars().take(1000).collect(),
        })
        .collect();
    let alias_list: Vec<String> = aliases.iter().map(|(a, _)| a.clone()).collect();
    compliance::check_sheet(&items, &alias_list, &by_alias).map_err(|errors| {
        AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.field(),
                    code: e.code().into(),
                    message_zh: e.message_zh(),
                    message_en: e.to_string(),
                })
                .collect(),
        )
    })?;
    let stored: Vec<Vote> = by_alias
        .into_iter()
        .map(|mut v| {
            v.bid =
                aliases.iter().find(|(a, _)| *a == v.bid).map(|(_, b)| b.clone()).expect("checked against the aliases");
            v
        })
        .collect();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO compliance_sheets (tender_id, review_lot, member_id, votes_json, submitted_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(&member.id)
    .bind(serde_json::to_string(&stored).expect("votes serialise"))
    .bind(now_ms)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if crate::server::db::is_unique_violation(&e) {
            AppError::field(
                "compliance",
                "compliance_already_submitted",
                "符合性审查意见已提交，不能再修改",
                "Your compliance review was already submitted",
            )
        } else {
            AppError::from(e)
        }
    })?;
    audit::record(
        &mut tx,
        now_ms,
        Actor::User(member),
        Change::new("compliance.submit", rid.entity(), &rid.to_string()).after(json!({"votes": stored})),
    )
    .await?;
    tx.commit().await?;
    conclude(db, rid, &items, &aliases, now_ms).await
}

/// Fixes the findings once every seated member's sheet is in. Run after a sheet commits, so two
/// last sheets submitted at once both see each other; the findings' key lets only one conclude.
async fn conclude(
    db: &Db,
    rid: &ReviewId,
    items: &[Item],
    aliases: &[(String, String)],
    now_ms: i64,
) -> Result<(), AppError> {
    let seated: Vec<Member> = panels::members(db, rid).await?.into_iter().filter(|m| m.status.seated()).collect();
    let counted: Vec<(String, Vec<Vote>)> =
        sheets(db, rid).await?.into_iter().filter(|(m, _)| seated.iter().any(|s| s.user_id == *m)).collect();
    if seated.is_empty() || counted.len() < seated.len() || !seated.iter().all(|s| s.unlocked()) {
        return Ok(());
    }
    let bids: Vec<String> = aliases.iter().map(|(_, b)| b.clone()).collect();
    let found = compliance::tally(items, &bids, &counted);
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO compliance_findings (tender_id, review_lot, items_json, findings_json, concluded_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&rid.tender)
    .bind(rid.column())
    .bind(serde_json::to_string(items).expect("items serialise"))
    .bind(serde_json::to_string(&found).expect("findings serialise"))
    .bind(now_ms)
    .execute(&mut *tx)
    .await;
    match inserted {
        Err(e) if crate::server::db::is_unique_violation(&e) => return Ok(()),
        other => other?,
    };
    audit::record(
        &mut tx,
        now_ms,
        Actor::System,
        Change::new("compliance.conclude", rid.entity(), &rid.to_string())
            .after(json!({"failed": compliance::failed(&found), "findings": found.len()})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
