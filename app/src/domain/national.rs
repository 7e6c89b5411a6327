//! National procurement rules (RULES.md §6) beyond scoring: evaluation panel composition,
//! the minimum number of bidders, allowed score corrections, the recusal checklist, and the
//! statutory time limits. Items marked (verify) in RULES.md carry the same mark here.

use super::calendar::HolidayCalendar;
use super::scoring::Method;
use super::verdict::Verdict;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Budget from which O87 art. 47 asks for a panel of at least seven.
pub const LARGE_BUDGET_YUAN: i64 = 10_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Panel {
    pub purchaser_representatives: u32,
    pub experts: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelContext {
    pub method: Method,
    pub budget_yuan: Decimal,
    /// Technically complex or of large social impact (declared by the purchaser).
    pub complex_or_high_impact: bool,
}

/// O87 art. 47 (open tender): odd number ≥ 5, experts ≥ 2/3, ≥ 7 when the budget is
/// ≥ ¥10 million or the project is complex or of large social impact. C214 art. 14
/// (consultation): odd number ≥ 3, experts ≥ 2/3.
pub fn panel_verdicts(panel: &Panel, ctx: &PanelContext) -> Vec<Verdict> {
    let total = panel.purchaser_representatives + panel.experts;
    let (min, citation) = match ctx.method {
        Method::OpenTender => {
            let large = ctx.budget_yuan >= Decimal::from(LARGE_BUDGET_YUAN) || ctx.complex_or_high_impact;
            (if large { 7 } else { 5 }, "MoF Order 87 art. 47")
        }
        Method::CompetitiveConsultation => (3, "Cai Ku [2014] 214 art. 14"),
    };
    vec![
        Verdict::check(
            "national.panel.size",
            total >= min && total % 2 == 1,
            citation,
            format!("评审委员会须为{min}人以上单数（现{total}人）"),
            format!("The panel must be an odd number of at least {min} (has {total})"),
        )
        .fact("members", total)
        .fact("minimum", min),
        Verdict::check(
            "national.panel.expert_share",
            panel.experts * 3 >= total * 2,
            citation,
            format!("评审专家不得少于成员总数的三分之二（{}/{total}）", panel.experts),
            format!("Experts must be at least two thirds of the members ({}/{total})", panel.experts),
        )
        .fact("experts", panel.experts),
    ]
}

/// O87 art. 43–44 (verify): fewer than three bids, or fewer than three passing review, ends the
/// tender (废标). For purchased services under competitive consultation two may suffice when the
/// tender documents say so (Cai Ku [2015] 124, verify).
pub fn enough_bidders(method: Method, qualified: u32, two_allowed_for_services: bool) -> Verdict {
    let min = match method {
        Method::CompetitiveConsultation if two_allowed_for_services => 2,
        _ => 3,
    };
    Verdict::check(
        "national.bidders.minimum",
        qualified >= min,
        "MoF Order 87 art. 43–44; Cai Ku [2015] 124 (verify)",
        format!("合格投标人不足{min}家，不得进入评审（现{qualified}家）"),
        format!("Fewer than {min} qualified bidders: no evaluation (has {qualified})"),
    )
    .fact("qualified", qualified)
    .fact("minimum", min)
}

/// One lot's bids at the end of the qualification review: how many covered it, how many of
/// those passed, and why it fails, if it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotOutcome {
    pub lot: String,
    pub submitted: u32,
    pub passing: u32,
    /// The public reason of this lot's 废标, in Chinese.
    pub failed: Option<String>,
}

/// O87 art. 43–44 (verify), applied to each lot (包) separately, as each lot is evaluated and
/// awarded on its own: a lot with fewer than three bids, or fewer than three passing review,
/// fails while the others go on. A call for applications (no procurement method) fails a lot only
/// when nobody passed. `bids` lists each bid's lots and whether it passed the review.
pub fn lot_outcomes(method: Option<Method>, lots: &[String], bids: &[(Vec<String>, bool)]) -> Vec<LotOutcome> {
    lots.iter()
        .map(|lot| {
            let covering: Vec<bool> = bids.iter().filter(|(l, _)| l.contains(lot)).map(|(_, pass)| *pass).collect();
            let (submitted, passing) = (covering.len() as u32, covering.iter().filter(|p| **p).count() as u32);
            let failed = match method {
                Some(m) if !enough_bidders(m, submitted, false).passed() => Some(format!("“{lot}”投标人不足三家（{submitted}家），该标段废标（政府采购货物和服务招标投标管理办法第四十三条）。")),
                Some(m) if !enough_bidders(m, passing, false).passed() => Some(format!("“{lot}”通过资格审查的投标人不足三家（{passing}家），该标段废标（政府采购货物和服务招标投标管理办法第四十四条）。")),
                None if passing == 0 => Some(format!("“{lot}”没有通过审查的申报，该项不予确定。")),
                _ => None,
            };
            LotOutcome { lot: lot.clone(), submitted, passing, failed }
        })
        .collect()
}

/// O87 art. 64 (verify): after totalling, a score may be corrected only for these reasons,
/// each with a written note and an audit-log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionReason {
    /// 分值汇总计算错误
    SummationError,
    /// 分项评分超出评分标准规定的分值范围
    OutOfRange,
    /// 客观评审因素评分不一致
    InconsistentObjectiveScoring,
    /// 经评审委员会认定评分畸高、畸低
    AbnormallyHighOrLow,
}

impl CorrectionReason {
    pub const ALL: [CorrectionReason; 4] = [
        CorrectionReason::SummationError,
        CorrectionReason::OutOfRange,
        CorrectionReason::InconsistentObjectiveScoring,
        CorrectionReason::AbnormallyHighOrLow,
    ];

    pub fn parse(code: &str) -> Option<CorrectionReason> {
        CorrectionReason::ALL.into_iter().find(|r| r.as_str() == code)
    }

    /// The reason as the report and the forms print it.
    pub fn name_zh(self) -> &'static str {
        match self {
            CorrectionReason::SummationError => "分值汇总计算错误",
            CorrectionReason::OutOfRange => "分项评分超出评分标准规定的分值范围",
            CorrectionReason::InconsistentObjectiveScoring => "客观评审因素评分不一致",
            CorrectionReason::AbnormallyHighOrLow => "经评审委员会认定评分畸高、畸低",
        }
    }

    /// The code forms and the database use (the serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionReason::SummationError => "summation_error",
            CorrectionReason::OutOfRange => "out_of_range",
            CorrectionReason::InconsistentObjectiveScoring => "inconsistent_objective_scoring",
            CorrectionReason::AbnormallyHighOrLow => "abnormally_high_or_low",
        }
    }
}

/// The recusal declaration an expert makes for each bidder (Reg. art. 9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecusalDeclaration {
    /// Within the 3 years before the procurement: employed by the bidder.
    pub employed_within_3_years: bool,
    /// … a director or supervisor of the bidder.
    pub director_or_supervisor_within_3_years: bool,
    /// … its controlling shareholder or actual controller.
    pub controller_within_3_years: bool,
    /// Spouse, direct blood relative, collateral relative within three generations or close
    /// in-law of the bidder's legal representative or person in charge.
    pub family_of_legal_representative: bool,
    /// Any other relationship that may affect fair procurement.
    pub other_relationship: bool,
}

/// Reg. art. 9: the grounds on which the expert must step aside; empty when none applies.
pub fn recusal_grounds(d: &RecusalDeclaration) -> Vec<&'static str> {
    let mut grounds = Vec::new();
    if d.employed_within_3_years {
        grounds.push("employed_within_3_years");
    }
    if d.director_or_supervisor_within_3_years {
        grounds.push("director_or_supervisor_within_3_years");
    }
    if d.controller_within_3_years {
        grounds.push("controller_within_3_years");
    }
    if d.family_of_legal_representative {
        grounds.push("family_of_legal_representative");
    }
    if d.other_relationship {
        grounds.push("other_relationship");
    }
    grounds
}

/// Statutory steps with a time limit (RULES.md §6 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Evaluation report to the purchaser — 2 working days (Reg. 43).
    EvaluationReport,
    /// Purchaser confirms the winner — 5 working days (Reg. 43).
    ConfirmWinner,
    /// Award notice and result published — 2 working days (Reg. 43).
    PublishResult,
    /// Result publicity period — 1 working day (O87 art. 69, verify).
    Publicity,
    /// Objection (质疑) — 7 working days (Law 52, Reg. 53).
    Objection,
    /// Answer to an objection — 7 working days (Law 53).
    ObjectionAnswer,
    /// Complaint (投诉) — 15 working days after the answer deadline (Law 55).
    Complaint,
    /// Contract signed after the award notice — 30 calendar days (Law 46).
    ContractSigned,
    /// Contract published — 2 working days (Reg. 50).
    ContractPublished,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Days {
    Working(u32),
    Calendar(u32),
}

impl Step {
    pub fn limit(self) -> (Days, &'static str) {
        match self {
            Step::EvaluationReport => (Days::Working(2), "Reg. art. 43"),
            Step::ConfirmWinner => (Days::Working(5), "Reg. art. 43"),
            Step::PublishResult => (Days::Working(2), "Reg. art. 43"),
            Step::Publicity => (Days::Working(1), "MoF Order 87 art. 69 (verify)"),
            Step::Objection => (Days::Working(7), "Law art. 52; Reg. art. 53"),
            Step::ObjectionAnswer => (Days::Working(7), "Law art. 53"),
            Step::Complaint => (Days::Working(15), "Law art. 55"),
            Step::ContractSigned => (Days::Calendar(30), "Law art. 46"),
            Step::ContractPublished => (Days::Working(2), "Reg. art. 50"),
        }
    }
}

/// The last day on which `step` may be done, counting from `from` (the day of the triggering
/// event, itself not counted).
pub fn deadline(step: Step, from: NaiveDate, cal: &HolidayCalendar) -> NaiveDate {
    match step.limit().0 {
        Days::Working(n) => cal.add_working_days(from, n),
        Days::Calendar(n) => from + chrono::Duration::days(i64::from(n)),
    }
}

/// The first and last dates the calculators take. Counting working days goes day by day, and
/// dates near chrono's limits overflow: a request outside these years is refused, not computed.
pub const SUPPORTED_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;
/// The longest timeline the checker counts: two years from the documents' first day.
pub const MAX_TIMELINE_DAYS: i64 = 731;

/// Refuses dates the calculators do not count (outside [`SUPPORTED_YEARS`]) and timelines
/// longer than [`MAX_TIMELINE_DAYS`], field by field.
pub fn timeline_input_errors(dates: &[(&str, NaiveDate)]) -> Vec<crate::domain::field::FieldError> {
    use crate::domain::field::FieldError;
    let mut errors: Vec<FieldError> = dates
        .iter()
        .filter(|(_, d)| !SUPPORTED_YEARS.contains(&d.year()))
        .map(|(field, d)| {
            FieldError::new(
                field,
                "date_out_of_range",
                &format!("日期{d}超出可计算范围（2000年至2099年）"),
                &format!("{d} is outside the years the calculator counts (2000–2099)"),
            )
        })
        .collect();
    if errors.is_empty() {
        if let (Some(first), Some(last)) = (dates.iter().map(|d| d.1).min(), dates.iter().map(|d| d.1).max()) {
            if (last - first).num_days() > MAX_TIMELINE_DAYS {
                errors.push(FieldError::new(
                    dates[0].0,
                    "timeline_span_too_long",
                    &format!("时间安排跨度超过{MAX_TIMELINE_DAYS}日，不予计算"),
                    &format!("The timeline spans more than {MAX_TIMELINE_DAYS} days"),
                ));
            }
        }
    }
    errors
}

/// Reg. art. 31: documents available ≥ 5 working days. Law art. 35: ≥ 20 days from the first
/// issue of the documents to the bid deadline (open tender). C214 art. 10 (verify): ≥ 10 days to
/// the first responses (consultation).
pub fn timeline_verdicts(
    method: Method,
    documents_from: NaiveDate,
    documents_until: NaiveDate,
    bid_deadline: NaiveDate,
    cal: &HolidayCalendar,
) -> Vec<Verdict> {
    let availability =
        cal.working_days_between(documents_from, documents_until) + u32::from(cal.is_working_day(documents_from));
    let span = (bid_deadline - documents_from).num_days();
    let (min_span, citation) = match method {
        Method::OpenTender => (20, "Law art. 35"),
        Method::CompetitiveConsultation => (10, "Cai Ku [2014] 214 art. 10 (verify)"),
    };
    let mut v = vec![
        Verdict::check(
            "national.timeline.documents_available",
            availability >= 5,
            "Reg. art. 31",
            format!("招标文件提供期限不得少于5个工作日（现{availability}个工作日）"),
            format!("Tender documents must be available for at least 5 working days (has {availability})"),
        )
        .fact("working_days", availability),
        Verdict::check(
            "national.timeline.bid_period",
            span >= min_span,
            citation,
            format!(
                "自招标文件发出之日起至投标截止之日止不得少于{min_span}日（现{span}日，最早可定于{}）",
                documents_from + chrono::Duration::days(min_span)
            ),
            format!(
                "At least {min_span} days from issuing the documents to the bid deadline (has {span}; earliest {})",
                documents_from + chrono::Duration::days(min_span)
            ),
        )
        .fact("days", span),
    ];
    if !cal.knows_year(bid_deadline.year()) {
        v.push(Verdict {
            outcome: super::verdict::Outcome::Warning,
            ..Verdict::check(
                "national.timeline.calendar_unknown",
                true,
                "holiday calendar",
                "节假日日历尚未包含该年度，仅按周末计算工作日，请核对".into(),
                "The holiday calendar has no data for that year; only weekends were counted — please verify".into(),
            )
        });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_correction_reason_reads_back_from_its_code() {
        for r in CorrectionReason::ALL {
            assert_eq!(CorrectionReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str(), "the code is the serde name");
        }
        assert_eq!(CorrectionReason::parse("other"), None);
    }
    use crate::domain::verdict::{all_pass, Outcome};

    fn ctx(method: Method, budget: i64) -> PanelContext {
        PanelContext { method, budget_yuan: Decimal::from(budget), complex_or_high_impact: false }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn open_tender_panel_of_five_with_four_experts() {
        assert!(all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 1, experts: 4 },
            &ctx(Method::OpenTender, 600_000)
        )));
        // Even size fails; fewer than 2/3 experts fails (2 of 5 reps → 3/5 < 2/3).
        assert!(!all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 2, experts: 4 },
            &ctx(Method::OpenTender, 600_000)
        )));
        assert!(!all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 2, experts: 3 },
            &ctx(Method::OpenTender, 600_000)
        )));
    }

    #[test]
    fn ten_million_needs_seven() {
        let five = Panel { purchaser_representatives: 1, experts: 4 };
        assert!(all_pass(&panel_verdicts(&five, &ctx(Method::OpenTender, 9_999_999))));
        assert!(!all_pass(&panel_verdicts(&five, &ctx(Method::OpenTender, 10_000_000))));
        assert!(all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 2, experts: 5 },
            &ctx(Method::OpenTender, 10_000_000)
        )));
        let mut complex = ctx(Method::OpenTender, 600_000);
        complex.complex_or_high_impact = true;
        assert!(!all_pass(&panel_verdicts(&five, &complex)));
    }

    #[test]
    fn consultation_panel_of_three() {
        assert!(all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 1, experts: 2 },
            &ctx(Method::CompetitiveConsultation, 600_000)
        )));
        assert!(!all_pass(&panel_verdicts(
            &Panel { purchaser_representatives: 0, experts: 2 },
            &ctx(Method::CompetitiveConsultation, 600_000)
        )));
    }

    #[test]
    fn three_bidders_or_two_when_allowed() {
        assert_eq!(enough_bidders(Method::OpenTender, 3, true).outcome, Outcome::Pass);
        assert_eq!(enough_bidders(Method::OpenTender, 2, true).outcome, Outcome::Fail);
        assert_eq!(enough_bidders(Method::CompetitiveConsultation, 2, false).outcome, Outcome::Fail);
        assert_eq!(enough_bidders(Method::CompetitiveConsultation, 2, true).outcome, Outcome::Pass);
    }

    #[test]
    fn recusal_grounds_are_listed() {
        assert!(recusal_grounds(&RecusalDeclaration::default()).is_empty());
        let d = RecusalDeclaration {
            employed_within_3_years: true,
            family_of_legal_representative: true,
            ..Default::default()
        };
        assert_eq!(recusal_grounds(&d), ["employed_within_3_years", "family_of_legal_representative"]);
    }

    #[test]
    fn statutory_deadlines_in_working_days() {
        let cal = HolidayCalendar::builtin();
        // Award notice on Wed 2026-09-30: result published within 2 working days → Fri Oct 9.
        assert_eq!(deadline(Step::PublishResult, date(2026, 9, 30), &cal), date(2026, 10, 9));
        // Objection window of 7 working days from Mon 2026-11-23 → Wed Dec 2.
        assert_eq!(deadline(Step::Objection, date(2026, 11, 23), &cal), date(2026, 12, 2));
        // Contract within 30 calendar days.
        assert_eq!(deadline(Step::ContractSigned, date(2026, 11, 23), &cal), date(2026, 12, 23));
    }

    #[test]
    fn twenty_days_for_an_open_tender_exactly() {
        let cal = HolidayCalendar::builtin();
        let from = date(2026, 11, 2);
        let ok = timeline_verdicts(Method::OpenTender, from, date(2026, 11, 9), date(2026, 11, 22), &cal);
        assert!(all_pass(&ok), "{ok:#?}");
        let short = timeline_verdicts(Method::OpenTender, from, date(2026, 11, 9), date(2026, 11, 21), &cal);
        assert_eq!(short.iter().find(|v| v.rule == "national.timeline.bid_period").unwrap().outcome, Outcome::Fail);
        // Documents available Mon–Thu only: 4 working days.
        let brief = timeline_verdicts(Method::OpenTender, from, date(2026, 11, 5), date(2026, 11, 30), &cal);
        assert_eq!(
            brief.iter().find(|v| v.rule == "national.timeline.documents_available").unwrap().outcome,
            Outcome::Fail
        );
        // Consultation: 10 days suffice.
        assert!(all_pass(&timeline_verdicts(
            Method::CompetitiveConsultation,
            from,
            date(2026, 11, 9),
            date(2026, 11, 12),
            &cal
        )));
    }

    #[test]
    fn an_unknown_calendar_year_is_a_warning() {
        let cal = HolidayCalendar::builtin();
        let v = timeline_verdicts(Method::OpenTender, date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 31), &cal);
        assert!(v.iter().any(|v| v.outcome == Outcome::Warning));
        assert!(all_pass(&v));
    }

    #[test]
    fn each_lot_needs_three_bids_and_three_passing() {
        let lots = ["双塔社区".to_string(), "定慧寺社区".to_string()];
        let both = || vec!["双塔社区".to_string(), "定慧寺社区".to_string()];
        let first = || vec!["双塔社区".to_string()];
        // Three bids for the first lot, two for the second: only the second fails.
        let bids = [(both(), true), (both(), true), (first(), true)];
        let out = lot_outcomes(Some(Method::OpenTender), &lots, &bids);
        assert_eq!((out[0].submitted, out[0].failed.is_none()), (3, true));
        assert_eq!(out[1].submitted, 2);
        assert!(out[1].failed.as_deref().unwrap().contains("投标人不足三家（2家）"));
        // Three bids but one fails review: two passing is one short.
        let bids = [(both(), true), (both(), false), (first(), true), (both(), true)];
        let out = lot_outcomes(Some(Method::OpenTender), &lots, &bids);
        assert!(out[0].failed.is_none(), "three of four pass in the first lot");
        assert!(out[1].failed.as_deref().unwrap().contains("通过资格审查的投标人不足三家（2家）"));
        // A call decides with any passing application.
        let out = lot_outcomes(None, &lots[..1], &[(first(), true)]);
        assert!(out[0].failed.is_none());
        assert!(lot_outcomes(None, &lots[..1], &[(first(), false)])[0].failed.is_some());
    }

    #[test]
    fn calculator_dates_are_bounded_to_keep_counting_short() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(timeline_input_errors(&[("from", d("2026-11-02")), ("until", d("2026-11-09"))]).is_empty());
        // 731 days (2026-01-01 + 365 + 365 + 1) is the longest counted span; 732 is refused.
        assert!(timeline_input_errors(&[("from", d("2026-01-01")), ("deadline", d("2028-01-02"))]).is_empty());
        let long = timeline_input_errors(&[("from", d("2026-01-01")), ("deadline", d("2028-01-03"))]);
        assert_eq!(long[0].code, "timeline_span_too_long");
        let far = timeline_input_errors(&[("from", d("2026-01-01")), ("deadline", d("2100-01-01"))]);
        assert_eq!((far.len(), far[0].field.as_str(), far[0].code.as_str()), (1, "deadline", "date_out_of_range"));
        assert_eq!(timeline_input_errors(&[("from", d("1999-12-31"))])[0].code, "date_out_of_range");
    }
}
