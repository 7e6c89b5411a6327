//! Shandong experimental zones (seed 001): the application form, the review meeting's fixed
//! order (statement → cross-questioning → expert vote → publication of opinions), the vote tally
//! that proposes 3 urban and 3 rural zones, and each step of the 3-year evaluation cycle.
//!
//! The seed does not say how votes become a list. caiping's reading, stated here: each expert
//! votes for or against each applicant; an applicant needs the votes of more than half of the
//! experts present; within each category the applicants with the most votes fill the quota; a tie
//! at the cut-off is reported for the department's office meeting, which confirms the list.

use super::field::FieldError;
use super::template::{SchemeTemplate, Selection};
use super::verdict::Verdict;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub unit: String,
    pub party_secretary: String,
    pub contacts: String,
    pub background: String,
    pub theme: String,
    pub content: String,
    pub guarantees: String,
    /// 市级民政部门审核意见
    pub city_opinion: String,
    /// The zone's category: a quota name of the template ("urban" or "rural").
    #[serde(default)]
    pub category: String,
}

/// The longest answer a form field takes, in characters; the full plan goes in the documents.
pub const FIELD_MAX_CHARS: usize = 2_000;

/// Trims the form and refuses answers too long to be a field of the 申报表 (the 实验方案 itself
/// is a document); whether each field is filled is judged by [`form_verdicts`].
pub fn parse_form(input: &ApplicationForm) -> Result<ApplicationForm, Vec<FieldError>> {
    let mut out = input.clone();
    let mut errors = Vec::new();
    for (name, value) in [
        ("zone_unit", &mut out.unit),
        ("zone_party_secretary", &mut out.party_secretary),
        ("zone_contacts", &mut out.contacts),
        ("zone_background", &mut out.background),
        ("zone_theme", &mut out.theme),
        ("zone_content", &mut out.content),
        ("zone_guarantees", &mut out.guarantees),
        ("zone_city_opinion", &mut out.city_opinion),
        ("zone_category", &mut out.category),
    ] {
        *value = value.trim().to_string();
        if value.chars().count() > FIELD_MAX_CHARS {
            errors.push(FieldError::new(
                name,
                "text_too_long",
                &format!("不超过{FIELD_MAX_CHARS}字；完整的实验方案请作为文件上传"),
                &format!("At most {FIELD_MAX_CHARS} characters; upload the full plan as a document"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Seed 001 申报表: every field is required before the application goes to review, and the zone
/// applies in one of the call's categories (三 urban / 三 rural).
pub fn form_verdicts(t: &SchemeTemplate, f: &ApplicationForm) -> Vec<Verdict> {
    let categories: Vec<String> = match &t.selection {
        Some(Selection::ZoneQuota { quotas }) => quotas.iter().map(|q| q.name.clone()).collect(),
        _ => Vec::new(),
    };
    let chosen = categories.contains(&f.category);
    let category = Verdict::check(
        "shandong.form.category",
        chosen,
        "seed 001 一、三",
        if chosen {
            format!("实验区类别：{}", if f.category == "rural" { "农村社区" } else { "城市社区" })
        } else {
            "请选择实验区类别（城市社区或农村社区）".into()
        },
        if chosen {
            format!("Zone category: {}", f.category)
        } else {
            "Choose the zone's category (urban or rural)".into()
        },
    );
    std::iter::once(category)
        .chain(
            [
                ("unit", &f.unit, "申报单位", "applying unit"),
                ("party_secretary", &f.party_secretary, "党委书记", "party secretary"),
                ("contacts", &f.contacts, "联系人及电话", "contacts"),
                ("background", &f.background, "申报背景", "background"),
                ("theme", &f.theme, "实验主题", "theme"),
                ("content", &f.content, "实验内容", "content"),
                ("guarantees", &f.guarantees, "保障措施", "guarantees"),
                ("city_opinion", &f.city_opinion, "市级审核意见", "city-level review opinion"),
            ]
            .into_iter()
            .map(|(id, value, zh, en)| {
                let filled = !value.trim().is_empty();
                let (zh, en) = if filled {
                    (format!("{zh}已填写"), format!("The {en} is filled in"))
                } else {
                    (format!("请填写{zh}"), format!("Fill in the {en}"))
                };
                Verdict::check(&format!("shandong.form.{id}"), filled, "seed 001 申报表", zh, en)
            }),
        )
        .collect()
}

/// The review meeting's steps, in the only order the seed allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStep {
    Scheduled,
    Statement,
    CrossQuestioning,
    Vote,
    Published,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("the review is at {from:?}; {to:?} is not the next step")]
pub struct OutOfOrder {
    pub from: ReviewStep,
    pub to: ReviewStep,
}

impl ReviewStep {
    /// Seed 001 (三): statement → cross-questioning → expert vote → publication of opinions.
    pub fn advance(self, to: ReviewStep) -> Result<ReviewStep, OutOfOrder> {
        let next = match self {
            ReviewStep::Scheduled => ReviewStep::Statement,
            ReviewStep::Statement => ReviewStep::CrossQuestioning,
            ReviewStep::CrossQuestioning => ReviewStep::Vote,
            ReviewStep::Vote => ReviewStep::Published,
            ReviewStep::Published => return Err(OutOfOrder { from: self, to }),
        };
        if to == next {
            Ok(next)
        } else {
            Err(OutOfOrder { from: self, to })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: String,
    /// "urban" or "rural", as in the template's quotas.
    pub category: String,
    pub votes_for: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub recommended: Vec<String>,
    /// Candidates tied at a category's cut-off: the office meeting decides.
    pub tied_at_cutoff: Vec<String>,
    /// Categories left short because too few candidates won a majority.
    pub short: Vec<(String, u32)>,
}

/// Builds the proposed list from the tally (see the module note for the rule).
pub fn recommend(t: &SchemeTemplate, experts: u32, candidates: &[Candidate]) -> Recommendation {
    let quotas = match &t.selection {
        Some(Selection::ZoneQuota { quotas }) => quotas.clone(),
        _ => Vec::new(),
    };
    let mut out = Recommendation { recommended: vec![], tied_at_cutoff: vec![], short: vec![] };
    for q in quotas {
        let mut eligible: Vec<&Candidate> =
            candidates.iter().filter(|c| c.category == q.name && c.votes_for * 2 > experts).collect();
        eligible.sort_by(|a, b| b.votes_for.cmp(&a.votes_for).then(a.id.cmp(&b.id)));
        let n = q.count as usize;
        if eligible.len() <= n {
            out.recommended.extend(eligible.iter().map(|c| c.id.clone()));
            if eligible.len() < n {
                out.short.push((q.name.clone(), (n - eligible.len()) as u32));
            }
            continue;
        }
        let cutoff = eligible[n - 1].votes_for;
        let above: Vec<&&Candidate> = eligible.iter().filter(|c| c.votes_for > cutoff).collect();
        let at: Vec<&&Candidate> = eligible.iter().filter(|c| c.votes_for == cutoff).collect();
        if above.len() + at.len() == n {
            out.recommended.extend(above.iter().chain(at.iter()).map(|c| c.id.clone()));
        } else {
            out.recommended.extend(above.iter().map(|c| c.id.clone()));
            out.tied_at_cutoff.extend(at.iter().map(|c| c.id.clone()));
        }
    }
    out
}

/// Each periodic evaluation: self-assessment report → on-site inspection by an expert group →
/// written opinion fed back (seed 001 四).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvaluationStage {
    AwaitingSelfAssessment,
    SelfAssessed,
    Inspected,
    FedBack,
}

impl EvaluationStage {
    pub fn next(self) -> Option<EvaluationStage> {
        match self {
            EvaluationStage::AwaitingSelfAssessment => Some(EvaluationStage::SelfAssessed),
            EvaluationStage::SelfAssessed => Some(EvaluationStage::Inspected),
            EvaluationStage::Inspected => Some(EvaluationStage::FedBack),
            EvaluationStage::FedBack => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::builtin_by_id;
    use crate::domain::verdict::all_pass;

    fn t() -> SchemeTemplate {
        builtin_by_id("shandong-experimental-zone").unwrap()
    }

    fn c(id: &str, category: &str, votes: u32) -> Candidate {
        Candidate { id: id.into(), category: category.into(), votes_for: votes }
    }

    #[test]
    fn the_template_has_a_three_year_cycle_ending_in_pass_fail() {
        let t = t();
        let kinds: Vec<_> =
            t.evaluations.iter().map(|e| (e.contract_year, e.kind.as_str(), e.result.as_str())).collect();
        assert_eq!(kinds, [(1, "annual", "score"), (2, "mid_term", "score"), (3, "final", "pass_fail")]);
    }

    #[test]
    fn every_form_field_is_required() {
        let empty = form_verdicts(&t(), &ApplicationForm::default());
        assert_eq!(empty.iter().filter(|v| !v.passed()).count(), 9);
        let full = ApplicationForm {
            unit: "济南市历下区".into(),
            party_secretary: "张书记".into(),
            contacts: "李科长 0531-0000000".into(),
            background: "…".into(),
            theme: "城市社区社会工作".into(),
            content: "…".into(),
            guarantees: "…".into(),
            city_opinion: "同意推荐".into(),
            category: "urban".into(),
        };
        assert!(all_pass(&form_verdicts(&t(), &full)));
        let elsewhere = ApplicationForm { category: "suburban".into(), ..full.clone() };
        let failed: Vec<_> =
            form_verdicts(&t(), &elsewhere).into_iter().filter(|v| !v.passed()).map(|v| v.rule).collect();
        assert_eq!(failed, ["shandong.form.category"]);
    }

    #[test]
    fn form_fields_are_trimmed_and_bounded() {
        let typed = ApplicationForm {
            unit: "  济南市历下区 ".into(),
            theme: "主".repeat(FIELD_MAX_CHARS),
            ..Default::default()
        };
        let parsed = parse_form(&typed).unwrap();
        assert_eq!(parsed.unit, "济南市历下区");
        let long = ApplicationForm { content: "内".repeat(FIELD_MAX_CHARS + 1), ..typed };
        let errors = parse_form(&long).unwrap_err();
        assert_eq!((errors[0].field.as_str(), errors[0].code.as_str()), ("zone_content", "text_too_long"));
    }

    #[test]
    fn the_review_runs_in_order() {
        let s = ReviewStep::Scheduled.advance(ReviewStep::Statement).unwrap();
        assert!(s.advance(ReviewStep::Vote).is_err());
        let s = s.advance(ReviewStep::CrossQuestioning).unwrap().advance(ReviewStep::Vote).unwrap();
        assert_eq!(s.advance(ReviewStep::Published), Ok(ReviewStep::Published));
        assert!(ReviewStep::Published.advance(ReviewStep::Statement).is_err());
    }

    #[test]
    fn three_urban_and_three_rural_by_majority_and_votes() {
        let tally = [
            c("u1", "urban", 7),
            c("u2", "urban", 6),
            c("u3", "urban", 5),
            c("u4", "urban", 4),
            c("r1", "rural", 9),
            c("r2", "rural", 5),
            c("r3", "rural", 5),
            c("r4", "rural", 3),
        ];
        let r = recommend(&t(), 9, &tally);
        assert_eq!(r.recommended, ["u1", "u2", "u3", "r1", "r2", "r3"]);
        assert!(r.tied_at_cutoff.is_empty() && r.short.is_empty());
    }

    #[test]
    fn a_tie_at_the_cutoff_goes_to_the_office_meeting() {
        let tally = [c("u1", "urban", 8), c("u2", "urban", 6), c("u3", "urban", 6), c("u4", "urban", 6)];
        let r = recommend(&t(), 9, &tally);
        assert_eq!(r.recommended, ["u1"]);
        assert_eq!(r.tied_at_cutoff, ["u2", "u3", "u4"]);
        assert_eq!(r.short, [("rural".to_string(), 3)]);
    }

    #[test]
    fn half_the_votes_is_not_a_majority() {
        let r = recommend(&t(), 8, &[c("u1", "urban", 4), c("u2", "urban", 5)]);
        assert_eq!(r.recommended, ["u2"]);
    }

    #[test]
    fn each_evaluation_walks_its_stages() {
        let mut s = EvaluationStage::AwaitingSelfAssessment;
        let mut seen = vec![s];
        while let Some(n) = s.next() {
            s = n;
            seen.push(s);
        }
        assert_eq!(seen.len(), 4);
        assert_eq!(s, EvaluationStage::FedBack);
    }
}
