//! The panel's compliance review (符合性审查): before scoring, each member judges every qualified
//! bid against the tender's compliance items — O87 art. 63's grounds for an invalid bid that the
//! panel checks, and a response to each mandatory service item of the scheme — independently,
//! with a written reason for every "does not comply". A finding is the majority's (O87 art. 61);
//! the minority's view is recorded as dissent. A bid failing any item is invalid and leaves the
//! scoring.

use super::cite;
use serde::{Deserialize, Serialize};

/// One thing every bid is checked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub name_zh: String,
    /// Where the requirement comes from, as the documents cite it.
    pub basis: String,
}

/// O87 art. 63 and the scheme: the items of a tender whose scheme has these mandatory service
/// items (`(id, Chinese name)`). Art. 63(1) (signatures and seals) and 63(2) (price above the
/// budget) are checked by the platform at submission and in the purchaser's qualification review,
/// so the panel is not asked again.
pub fn items(mandatory_services: &[(String, String)]) -> Vec<Item> {
    let mut out = vec![
        Item {
            id: "substantive".into(),
            name_zh: "实质性响应招标文件的服务期限、服务地点、服务标准等要求".into(),
            basis: format!("{}第（四）项", cite::O87_63),
        },
        Item {
            id: "no_conditions".into(),
            name_zh: "未附加采购人不能接受的条件".into(),
            basis: format!("{}第（三）项", cite::O87_63),
        },
    ];
    out.extend(mandatory_services.iter().map(|(id, name)| Item {
        id: format!("service:{id}"),
        name_zh: format!("技术方案响应必选服务内容：{name}"),
        basis: "招标文件服务需求（方案模板必选服务项目）".into(),
    }));
    out
}

/// One member's judgement of one bid on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub bid: String,
    pub item: String,
    pub pass: bool,
    /// Required when the bid does not comply.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ComplianceError {
    #[error("bid {bid}: item {item} is not judged")]
    Missing { bid: String, item: String },
    #[error("bid {bid}: a finding of non-compliance with item {item} needs its reason (at least 5 characters)")]
    ReasonRequired { bid: String, item: String },
    #[error("there is no bid {bid} or item {item} in this review")]
    Unknown { bid: String, item: String },
}

impl ComplianceError {
    pub fn code(&self) -> &'static str {
        match self {
            ComplianceError::Missing { .. } => "compliance_missing",
            ComplianceError::ReasonRequired { .. } => "compliance_reason_required",
            ComplianceError::Unknown { .. } => "compliance_unknown",
        }
    }

    /// The form field the error belongs to: `compliance[bid][item]`.
    pub fn field(&self) -> String {
        let (ComplianceError::Missing { bid, item }
        | ComplianceError::ReasonRequired { bid, item }
        | ComplianceError::Unknown { bid, item }) = self;
        format!("compliance[{bid}][{item}]")
    }

    pub fn message_zh(&self) -> String {
        match self {
            ComplianceError::Missing { bid, .. } => format!("投标人{bid}：尚有审查项未作出判断"),
            ComplianceError::ReasonRequired { bid, .. } => {
                format!("投标人{bid}：判定不符合的，须写明理由（至少5个字）")
            }
            ComplianceError::Unknown { .. } => "审查项或投标人不存在".into(),
        }
    }
}

/// A member's sheet: every bid judged on every item, a reason for each "does not comply".
pub fn check_sheet(items: &[Item], bids: &[String], votes: &[Vote]) -> Result<(), Vec<ComplianceError>> {
    let mut errors = Vec::new();
    for v in votes {
        if !bids.contains(&v.bid) || !items.iter().any(|i| i.id == v.item) {
            errors.push(ComplianceError::Unknown { bid: v.bid.clone(), item: v.item.clone() });
        }
    }
    for bid in bids {
        for item in items {
            match votes.iter().find(|v| &v.bid == bid && v.item == item.id) {
                None => errors.push(ComplianceError::Missing { bid: bid.clone(), item: item.id.clone() }),
                Some(v) if !v.pass && v.reason.trim().chars().count() < 5 => {
                    errors.push(ComplianceError::ReasonRequired { bid: bid.clone(), item: item.id.clone() })
                }
                Some(_) => {}
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The panel's finding on one bid and item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub bid: String,
    pub item: String,
    pub pass: bool,
    pub passes: usize,
    pub fails: usize,
    /// The minority: (member, its view in words).
    pub dissent: Vec<(String, String)>,
    /// The reasons given for "does not comply", by member.
    pub reasons: Vec<(String, String)>,
}

/// O87 art. 61: each finding is the majority's; the members outvoted are recorded as dissenting.
/// A tie is not a majority for non-compliance, so the bid stays (verify: the law settles ties
/// only for the ranking). `sheets` are (member, votes) of every member who submitted.
pub fn tally(items: &[Item], bids: &[String], sheets: &[(String, Vec<Vote>)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for bid in bids {
        for item in items {
            let votes: Vec<(&String, &Vote)> = sheets
                .iter()
                .filter_map(|(m, vs)| vs.iter().find(|v| &v.bid == bid && v.item == item.id).map(|v| (m, v)))
                .collect();
            let fails = votes.iter().filter(|(_, v)| !v.pass).count();
            let passes = votes.len() - fails;
            let pass = fails <= passes;
            let dissent = votes
                .iter()
                .filter(|(_, v)| v.pass != pass)
                .map(|(m, v)| {
                    let view = if v.pass {
                        "认为符合".to_string()
                    } else {
                        format!("认为不符合：{}", v.reason.trim())
                    };
                    ((*m).clone(), view)
                })
                .collect();
            let reasons = votes
                .iter()
                .filter(|(_, v)| !v.pass)
                .map(|(m, v)| ((*m).clone(), v.reason.trim().to_string()))
                .collect();
            out.push(Finding { bid: bid.clone(), item: item.id.clone(), pass, passes, fails, dissent, reasons });
        }
    }
    out
}

/// The bids the panel found not to comply with at least one item.
pub fn failed(findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = findings.iter().filter(|f| !f.pass).map(|f| f.bid.clone()).collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(bid: &str, item: &str, pass: bool, reason: &str) -> Vote {
        Vote { bid: bid.into(), item: item.into(), pass, reason: reason.into() }
    }

    fn suzhou_items() -> Vec<Item> {
        // Seed 002 Annex 1: the street bundle's four mandatory service items.
        items(&[
            ("professional-services".into(), "提供专业化服务（个案、小组、社区工作）".into()),
            ("three-social-linkage".into(), "搭建“三社联动”实体化平台".into()),
            ("worker-capacity".into(), "提升社区工作者专业能力".into()),
            ("public-welfare-fund".into(), "探索建立街道或社区公益金".into()),
        ])
    }

    #[test]
    fn the_items_are_o87_art_63_and_each_mandatory_service() {
        let items = suzhou_items();
        assert_eq!(items.len(), 2 + 4);
        assert!(items[0].basis.contains("第六十三条"));
        assert_eq!(items[2].id, "service:professional-services");
        assert!(items[5].name_zh.contains("公益金"));
    }

    #[test]
    fn a_sheet_judges_everything_and_gives_reasons_for_failures() {
        let items = items(&[]);
        let bids = vec!["A".to_string(), "B".to_string()];
        let all_pass: Vec<Vote> =
            bids.iter().flat_map(|b| items.iter().map(move |i| vote(b, &i.id, true, ""))).collect();
        assert_eq!(check_sheet(&items, &bids, &all_pass), Ok(()));
        let mut missing = all_pass.clone();
        missing.pop();
        assert_eq!(check_sheet(&items, &bids, &missing).unwrap_err()[0].code(), "compliance_missing");
        let mut unexplained = all_pass.clone();
        unexplained[0] = vote("A", "substantive", false, "不符合");
        let errors = check_sheet(&items, &bids, &unexplained).unwrap_err();
        assert_eq!(errors[0].code(), "compliance_reason_required");
        assert_eq!(errors[0].field(), "compliance[A][substantive]");
        unexplained[0] = vote("A", "substantive", false, "服务期限仅承诺一年");
        assert_eq!(check_sheet(&items, &bids, &unexplained), Ok(()));
        let mut stray = all_pass;
        stray.push(vote("Z", "substantive", true, ""));
        assert_eq!(check_sheet(&items, &bids, &stray).unwrap_err()[0].code(), "compliance_unknown");
    }

    #[test]
    fn the_majority_finds_and_the_minority_dissents() {
        let items = items(&[]);
        let bids = vec!["A".to_string()];
        let sheet = |fail_substantive: bool| {
            vec![
                if fail_substantive {
                    vote("A", "substantive", false, "服务期限仅承诺一年")
                } else {
                    vote("A", "substantive", true, "")
                },
                vote("A", "no_conditions", true, ""),
            ]
        };
        // Five members, three find A does not comply: A fails, two dissent.
        let sheets: Vec<(String, Vec<Vote>)> = (1..=5).map(|n| (format!("m{n}"), sheet(n <= 3))).collect();
        let f = tally(&items, &bids, &sheets);
        assert!(!f[0].pass);
        assert_eq!((f[0].fails, f[0].passes), (3, 2));
        assert_eq!(
            f[0].dissent,
            [("m4".to_string(), "认为符合".to_string()), ("m5".to_string(), "认为符合".to_string())]
        );
        assert_eq!(f[0].reasons.len(), 3);
        assert!(f[1].pass && f[1].dissent.is_empty());
        assert_eq!(failed(&f), ["A"]);
        // Two of five: A complies; the two are the dissent, with their reasons.
        let sheets: Vec<(String, Vec<Vote>)> = (1..=5).map(|n| (format!("m{n}"), sheet(n <= 2))).collect();
        let f = tally(&items, &bids, &sheets);
        assert!(f[0].pass);
        assert_eq!(f[0].dissent[0].1, "认为不符合：服务期限仅承诺一年");
        assert!(failed(&f).is_empty());
        // A tie (an even number counted) is no majority for non-compliance.
        let sheets: Vec<(String, Vec<Vote>)> = (1..=4).map(|n| (format!("m{n}"), sheet(n <= 2))).collect();
        assert!(tally(&items, &bids, &sheets)[0].pass);
    }
}
