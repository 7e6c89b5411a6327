//! Amendments (更正公告) to a published tender: what changed, whether it may affect how bids
//! are prepared, and how far the bid deadline must move.

use super::field::FieldError;
use super::template::Procedure;
use super::tender::ValidTender;
use super::time::format_shanghai;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// One changed field of a tender, shown on the public amendment notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmendmentPlan {
    pub changes: Vec<FieldChange>,
    /// Changes other than wording of the title, buyer or region may affect bid preparation.
    pub material: bool,
    /// The tender as it stands after the amendment (deadline and opening possibly pushed out).
    pub tender: ValidTender,
    /// The deadline the officer asked for, when the rule pushed it later.
    pub pushed_from_ms: Option<i64>,
}

/// O87 art. 27 (verify): an amendment that may affect bid preparation is notified at least 15 days
/// before the bid deadline, else the deadline is extended. C214 art. 10 (verify): 5 days before the
/// first responses under competitive consultation. Calls for applications follow the same 15 days.
pub fn notice_days(method: Procedure) -> i64 {
    match method {
        Procedure::CompetitiveConsultation => 5,
        _ => 15,
    }
}

fn show<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The fields that differ between two versions, in a fixed order.
pub fn diff(old: &ValidTender, new: &ValidTender) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |field: &str, before: String, after: String| {
        if before != after {
            out.push(FieldChange { field: field.into(), before, after });
        }
    };
    push("title", old.title.clone(), new.title.clone());
    push("buyer", old.buyer.clone(), new.buyer.clone());
    push("region", old.region.clone(), new.region.clone());
    let lots = |t: &ValidTender| {
        t.lots.iter().map(|l| format!("{}：{}", l.name, l.by_year_text())).collect::<Vec<_>>().join("；")
    };
    push("lots", lots(old), lots(new));
    push("fixed_price", old.fixed_price.to_string(), new.fixed_price.to_string());
    push("proposals_per_lot", old.proposals_per_lot.to_string(), new.proposals_per_lot.to_string());
    push("panels_per_lot", old.panels_per_lot.to_string(), new.panels_per_lot.to_string());
    push(
        "price_weight_pct",
        old.price_weight_pct.normalize().to_string(),
        new.price_weight_pct.normalize().to_string(),
    );
    let n = old.criteria.len().max(new.criteria.len());
    for i in 0..n {
        let c = |t: &ValidTender| {
            t.criteria
                .get(i)
                .map(|c| {
                    format!(
                        "{}（{}分{}）{}",
                        c.name,
                        c.max_points.normalize(),
                        if c.objective { "，客观" } else { "" },
                        c.guidance
                    )
                })
                .unwrap_or_default()
        };
        push(&format!("criteria[{i}]"), c(old), c(new));
    }
    push("documents_from", old.documents_from.to_string(), new.documents_from.to_string());
    push("documents_until", old.documents_until.to_string(), new.documents_until.to_string());
    push(
        "clarify_until",
        old.clarify_until_ms.map(format_shanghai).unwrap_or_default(),
        new.clarify_until_ms.map(format_shanghai).unwrap_or_default(),
    );
    push("bid_deadline", format_shanghai(old.bid_deadline_ms), format_shanghai(new.bid_deadline_ms));
    push("opening_time", format_shanghai(old.opening_ms), format_shanghai(new.opening_ms));
    push("lint_override", show(&old.lint_override), show(&new.lint_override));
    push("contact", contact_text(old), contact_text(new));
    out
}

/// The contact block as one line of an amendment notice.
fn contact_text(t: &ValidTender) -> String {
    match &t.contact {
        None => String::new(),
        Some(c) => {
            let agency =
                c.agency.as_ref().map(|a| format!("；代理机构：{}，{}", a.name, a.phone.as_str())).unwrap_or_default();
            format!("{}，{}；地址：{}{agency}", c.person, c.phone.as_str(), c.address)
        }
    }
}

impl FieldChange {
    /// The changed field as a reader of the amendment notice knows it (zh, en).
    pub fn label(&self) -> (String, String) {
        if let Some(i) = self.field.strip_prefix("criteria[").and_then(|r| r.strip_suffix(']')) {
            let n = i.parse::<usize>().map(|n| n + 1).unwrap_or_default();
            return (format!("评分因素{n}"), format!("Criterion {n}"));
        }
        let (zh, en) = match self.field.as_str() {
            "title" => ("项目名称", "Title"),
            "buyer" => ("采购人", "Buyer"),
            "region" => ("地区", "Region"),
            "lots" => ("标段及预算", "Lots and budgets"),
            "fixed_price" => ("固定价格", "Fixed price"),
            "proposals_per_lot" => ("技术方案按标段分别提交", "A technical proposal per lot"),
            "panels_per_lot" => ("分标段组建评审委员会", "A panel per lot"),
            "price_weight_pct" => ("价格分权重", "Price weight"),
            "documents_from" => ("招标文件提供起始日", "Documents available from"),
            "documents_until" => ("招标文件提供截止日", "Documents available until"),
            "clarify_until" => ("澄清提问截止时间", "Questions until"),
            "bid_deadline" => ("投标截止时间", "Bid deadline"),
            "opening_time" => ("开标时间", "Opening"),
            "lint_override" => ("合规提示说明", "Basis for the compliance warnings"),
            "attachments" => ("附件", "Attachments"),
            "contact" => ("联系方式", "Contact"),
            other => (other, other),
        };
        (zh.to_string(), en.to_string())
    }
}

/// Plans an amendment made at `now_ms`: nothing unchanged, no change of scheme or method, and a
/// material change less than [`notice_days`] before the deadline moves the deadline (and the
/// opening, keeping its distance) to exactly that many days after the amendment.
pub fn plan(old: &ValidTender, new: &ValidTender, now_ms: i64) -> Result<AmendmentPlan, Vec<FieldError>> {
    if old.template_id != new.template_id || old.method != new.method {
        return Err(vec![FieldError::new(
            "method",
            "amendment_changes_scheme",
            "更正不得变更方案模板或采购方式，请终止后重新招标",
            "An amendment cannot change the scheme or the method; cancel and tender again",
        )]);
    }
    let changes = diff(old, new);
    if changes.is_empty() {
        return Err(vec![FieldError::new(
            "tender",
            "amendment_empty",
            "更正内容与现行版本相同",
            "The amendment changes nothing",
        )]);
    }
    // Wording and contact details do not change how a bid is prepared.
    let material = changes.iter().any(|c| !matches!(c.field.as_str(), "title" | "buyer" | "region" | "contact"));
    let (tender, pushed_from_ms) = give_notice(new, material, now_ms);
    Ok(AmendmentPlan { changes: diff(old, &tender), material, tender, pushed_from_ms })
}

/// A document added after publication changes what bidders prepare from: it is a material
/// amendment like any other (O87 art. 27, verify), with the deadline pushed as [`plan`] does.
pub fn plan_attachment(current: &ValidTender, file_name: &str, sha256: &str, now_ms: i64) -> AmendmentPlan {
    let (tender, pushed_from_ms) = give_notice(current, true, now_ms);
    let mut changes = vec![FieldChange {
        field: "attachments".into(),
        before: String::new(),
        after: format!("+ {file_name}（SHA-256 {}…）", &sha256[..sha256.len().min(12)]),
    }];
    changes.extend(diff(current, &tender));
    AmendmentPlan { changes, material: true, tender, pushed_from_ms }
}

/// Moves the deadline of a materially changed tender to [`notice_days`] after `now_ms` when it
/// is closer, keeping the opening's distance; returns the tender and the deadline it replaced.
fn give_notice(new: &ValidTender, material: bool, now_ms: i64) -> (ValidTender, Option<i64>) {
    let mut tender = new.clone();
    let earliest = now_ms + notice_days(new.method) * DAY_MS;
    if !material || tender.bid_deadline_ms >= earliest {
        return (tender, None);
    }
    // Round up to the next whole minute so the notice shows the exact instant.
    let pushed = (earliest + 59_999) / 60_000 * 60_000;
    let gap = tender.opening_ms - tender.bid_deadline_ms;
    let from = tender.bid_deadline_ms;
    tender.bid_deadline_ms = pushed;
    tender.opening_ms = pushed + gap;
    (tender, Some(from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::HolidayCalendar;
    use crate::domain::template::builtin_by_id;
    use crate::domain::tender::{parse_tender, CriterionInput, LotInput, TenderInput};

    // 2026-11-02 09:00 Beijing.
    const NOW: i64 = 1_793_581_200_000;

    fn tender(deadline: &str) -> ValidTender {
        let t = builtin_by_id("suzhou-community-3plus1").unwrap();
        let input = TenderInput {
            contact: crate::domain::contact::ContactInput::sample(),
            template_id: t.id.clone(),
            title: "姑苏区社区“3+1”项目".into(),
            buyer: "姑苏区民政局".into(),
            lots: vec![LotInput { name: "双塔社区".into(), budget: "20万".into() }],
            bid_deadline: deadline.into(),
            opening_time: deadline.into(),
            price_weight_pct: "10".into(),
            criteria: vec![CriterionInput {
                name: "服务方案".into(), max_points: "90".into(), ..Default::default()
            }],
            lint_override: "依据苏州市民政局文件要求民办非企业单位".into(),
            ..Default::default()
        };
        parse_tender(&input, NOW, &t, &HolidayCalendar::builtin()).unwrap()
    }

    #[test]
    fn wording_only_is_not_material_and_moves_nothing() {
        let old = tender("2026-11-30T09:30");
        let mut new = old.clone();
        new.title = "姑苏区社区“3+1”服务项目".into();
        let p = plan(&old, &new, NOW + 20 * DAY_MS).unwrap();
        assert!(!p.material);
        assert_eq!(p.pushed_from_ms, None);
        assert_eq!(p.changes.len(), 1);
    }

    #[test]
    fn asking_for_proposals_per_lot_is_material() {
        let old = tender("2026-11-30T09:30");
        let mut new = old.clone();
        new.proposals_per_lot = true;
        // Four weeks out, so the deadline stands and this is the one change.
        let p = plan(&old, &new, NOW).unwrap();
        assert!(p.material);
        assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
        assert_eq!(p.changes[0].label().0, "技术方案按标段分别提交");
    }

    #[test]
    fn a_new_contact_number_is_not_material_and_is_named_as_such() {
        let old = tender("2026-11-30T09:30");
        let mut new = old.clone();
        new.contact.as_mut().unwrap().phone = crate::domain::contact::Phone::parse("0512-65229999").unwrap();
        let p = plan(&old, &new, NOW + 20 * DAY_MS).unwrap();
        assert!(!p.material);
        assert_eq!(p.changes.len(), 1);
        assert!(p.changes[0].after.contains("0512-65229999"), "{:?}", p.changes);
        assert_eq!(p.changes[0].label().0, "联系方式");
        let criterion = FieldChange { field: "criteria[0]".into(), before: String::new(), after: String::new() };
        assert_eq!(criterion.label(), ("评分因素1".to_string(), "Criterion 1".to_string()));
    }

    #[test]
    fn a_material_change_fifteen_days_out_stands_and_fourteen_pushes() {
        let old = tender("2026-11-30T09:30");
        let mut new = old.clone();
        new.criteria[0].guidance = "方案完整得满分".into();
        // Exactly 15 days before the deadline: no push.
        let p = plan(&old, &new, old.bid_deadline_ms - 15 * DAY_MS).unwrap();
        assert!(p.material);
        assert_eq!(p.pushed_from_ms, None);
        // One millisecond later: the deadline moves to 15 days after the amendment.
        let at = old.bid_deadline_ms - 15 * DAY_MS + 1;
        let p = plan(&old, &new, at).unwrap();
        assert_eq!(p.pushed_from_ms, Some(old.bid_deadline_ms));
        assert!(p.tender.bid_deadline_ms >= at + 15 * DAY_MS);
        assert!(p.tender.bid_deadline_ms - (at + 15 * DAY_MS) < 60_000);
        assert_eq!(p.tender.opening_ms - p.tender.bid_deadline_ms, old.opening_ms - old.bid_deadline_ms);
        assert!(p.changes.iter().any(|c| c.field == "bid_deadline"));
    }

    #[test]
    fn consultation_needs_five_days() {
        assert_eq!(notice_days(Procedure::CompetitiveConsultation), 5);
        assert_eq!(notice_days(Procedure::OpenTender), 15);
    }

    #[test]
    fn nothing_changed_or_a_new_method_is_refused() {
        let old = tender("2026-11-30T09:30");
        assert_eq!(plan(&old, &old, NOW).unwrap_err()[0].code, "amendment_empty");
        let mut new = old.clone();
        new.method = Procedure::CompetitiveConsultation;
        assert_eq!(plan(&old, &new, NOW).unwrap_err()[0].code, "amendment_changes_scheme");
    }

    #[test]
    fn a_late_attachment_is_material_and_pushes_the_deadline() {
        let old = tender("2026-11-30T09:30");
        let sha = "ab".repeat(32);
        let early = plan_attachment(&old, "服务需求清单.pdf", &sha, old.bid_deadline_ms - 15 * DAY_MS);
        assert!(early.material && early.pushed_from_ms.is_none());
        assert_eq!(early.changes.len(), 1);
        assert_eq!(early.changes[0].after, "+ 服务需求清单.pdf（SHA-256 abababababab…）");
        let late = plan_attachment(&old, "服务需求清单.pdf", &sha, old.bid_deadline_ms - DAY_MS);
        assert_eq!(late.pushed_from_ms, Some(old.bid_deadline_ms));
        assert_eq!(late.tender.bid_deadline_ms, old.bid_deadline_ms + 14 * DAY_MS);
        let fields: Vec<&str> = late.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["attachments", "bid_deadline", "opening_time"]);
    }
}
