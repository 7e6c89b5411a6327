//! The evaluation panel's composition (评标委员会/评审小组) and when its experts may be drawn.

use super::{cite, Category};
use crate::domain::calendar::HolidayCalendar;
use crate::domain::field::FieldError;
use crate::domain::money::Yuan;
use crate::domain::verdict::{Outcome, Verdict};
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// The budget from which an open tender's panel needs seven members (O87 art. 47).
pub const LARGE_BUDGET_FEN: i64 = 10_000_000 * 100;

/// How the purchase is made, as far as the panel rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PanelMethod {
    /// 公开招标: O87 art. 47.
    OpenTender,
    /// 竞争性磋商: C214 art. 14.
    CompetitiveConsultation,
    /// 竞争性谈判 / 询价: O74 art. 7.
    NegotiationOrInquiry,
    /// A call for applications reviewed by experts (Shenzhen, Shandong): no statutory panel.
    ApplicationReview,
}

impl PanelMethod {
    pub fn from_procedure(p: crate::domain::template::Procedure) -> PanelMethod {
        use crate::domain::template::Procedure;
        match p {
            Procedure::OpenTender => PanelMethod::OpenTender,
            Procedure::CompetitiveConsultation => PanelMethod::CompetitiveConsultation,
            Procedure::ApplicationReview | Procedure::ExpertVote => PanelMethod::ApplicationReview,
        }
    }
}

/// What the officer sets for a tender's panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelPlan {
    pub method: PanelMethod,
    /// Members in all: experts plus purchaser representatives.
    pub size: u32,
    pub purchaser_representatives: u32,
    /// Experts drawn in reserve, called in order when a drawn expert declines or leaves.
    pub alternates: u32,
    pub category: Category,
    /// Draw from experts of this region only (GB/T 2260 code); none: the whole pool.
    pub region: Option<String>,
    pub budget: Yuan,
    /// Technically complex or of large social impact (the purchaser declares it).
    pub complex: bool,
    /// At or above the open-tender threshold (谈判/询价 only).
    pub above_threshold: bool,
    /// When the review starts (Beijing date), for the earliest draw.
    pub review_date: NaiveDate,
    /// Outlier threshold: a score farther than this share of the criterion's points from the
    /// other members' mean is flagged (畸高畸低), in percent.
    pub outlier_pct: u32,
}

impl PanelPlan {
    pub fn experts(&self) -> u32 {
        self.size.saturating_sub(self.purchaser_representatives)
    }
}

/// The officer's panel form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanInput {
    pub size: String,
    pub purchaser_representatives: String,
    pub alternates: String,
    pub category: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub complex: bool,
    #[serde(default)]
    pub above_threshold: bool,
    pub review_date: String,
    pub outlier_pct: String,
}

/// Parses the officer's form for a tender of `method` and `budget`; every bad field at once, then
/// every rule of [`plan_verdicts`] that fails.
pub fn parse_plan(input: &PlanInput, method: PanelMethod, budget: Yuan) -> Result<PanelPlan, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut number = |field: &str, v: &str, zh: &str, en: &str| match v.trim().parse::<u32>() {
        Ok(n) if n <= 99 => n,
        _ => {
            errors.push(FieldError::new(field, "number_invalid", zh, en));
            0
        }
    };
    let size = number("size", &input.size, "请填写评审委员会人数", "Enter the panel's size");
    let reps = number(
        "purchaser_representatives",
        &input.purchaser_representatives,
        "请填写采购人代表人数（可为0）",
        "Enter the number of purchaser representatives (may be 0)",
    );
    let alternates = number("alternates", &input.alternates, "请填写候补专家人数", "Enter the number of alternates");
    let outlier_pct =
        number("outlier_pct", &input.outlier_pct, "请填写畸高畸低提示阈值（%）", "Enter the outlier threshold (%)");
    let category = Category::parse(&input.category);
    if category.is_none() {
        errors.push(FieldError::new(
            "category",
            "category_unknown",
            "请选择专家专业类别",
            "Choose the experts' category",
        ));
    }
    let region = match input.region.trim() {
        "" => None,
        r => match crate::domain::region::RegionCode::parse(r) {
            Ok(r) => Some(r.as_str().to_string()),
            Err(e) => {
                errors.push(FieldError::new(
                    "region",
                    e.code(),
                    "抽取地区须为区划代码（如320000）",
                    "The draw's region is a region code (e.g. 320000)",
                ));
                None
            }
        },
    };
    let review_date = NaiveDate::parse_from_str(input.review_date.trim(), "%Y-%m-%d").ok();
    if review_date.is_none() {
        errors.push(FieldError::new(
            "review_date",
            "date_invalid",
            "请填写评审日期（YYYY-MM-DD）",
            "Enter the review date (YYYY-MM-DD)",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let plan = PanelPlan {
        method,
        size,
        purchaser_representatives: reps,
        alternates,
        category: category.expect("checked above"),
        region,
        budget,
        complex: input.complex,
        above_threshold: input.above_threshold,
        review_date: review_date.expect("checked above"),
        outlier_pct,
    };
    let failed: Vec<FieldError> = plan_verdicts(&plan)
        .into_iter()
        .filter(|v| !v.passed())
        .map(|v| {
            let field = match v.rule.as_str() {
                "panel.outlier_threshold" => "outlier_pct",
                "panel.alternates" => "alternates",
                _ => "size",
            };
            v.field_error(field, &v.rule.replace('.', "_"))
        })
        .collect();
    if failed.is_empty() {
        Ok(plan)
    } else {
        Err(failed)
    }
}

/// The minimum panel size and its source for a method.
pub fn minimum(plan: &PanelPlan) -> (u32, &'static str) {
    match plan.method {
        PanelMethod::OpenTender => {
            let large = plan.budget.fen() >= LARGE_BUDGET_FEN || plan.complex;
            (if large { 7 } else { 5 }, cite::O87_47)
        }
        // C214 art. 14 is known from the question bank only [S] (verify).
        PanelMethod::CompetitiveConsultation => (3, cite::C214_14),
        PanelMethod::NegotiationOrInquiry => (if plan.above_threshold { 5 } else { 3 }, cite::O74_7),
        // No statute sets a call's panel; three, odd, keeps a majority possible (caiping's
        // choice, verify against the call's own rules).
        PanelMethod::ApplicationReview => (3, "本平台评审规则（申报评审）"),
    }
}

/// Every rule the plan must meet, each with its citation: odd size at or above the minimum,
/// experts at least two thirds, a sane number of alternates, a threshold for outliers.
pub fn plan_verdicts(plan: &PanelPlan) -> Vec<Verdict> {
    let (min, source) = minimum(plan);
    let size = plan.size;
    let experts = plan.experts();
    let mut v = vec![
        Verdict::check(
            "panel.size",
            size >= min && size % 2 == 1,
            source,
            format!("评审委员会须为{min}人以上单数（现为{size}人）"),
            format!("The panel must be an odd number of at least {min} (now {size})"),
        )
        .fact("size", size)
        .fact("minimum", min),
        Verdict::check(
            "panel.expert_share",
            plan.purchaser_representatives <= size && experts * 3 >= size * 2,
            source,
            format!("评审专家不得少于成员总数的三分之二（专家{experts}人，共{size}人）"),
            format!("Experts must be at least two thirds of the members ({experts} of {size})"),
        )
        .fact("experts", experts),
        Verdict::check(
            "panel.alternates",
            plan.alternates <= 10,
            "本平台评审规则",
            format!("候补专家不超过10名（现为{}名）", plan.alternates),
            format!("At most 10 alternates (now {})", plan.alternates),
        ),
        Verdict::check(
            "panel.outlier_threshold",
            (5..=50).contains(&plan.outlier_pct),
            cite::O87_64,
            format!("畸高畸低提示阈值须为分值的5%–50%（现为{}%）", plan.outlier_pct),
            format!("The outlier threshold must be 5–50 % of a criterion's points (now {} %)", plan.outlier_pct),
        ),
    ];
    if plan.alternates == 0 {
        // How many alternates to draw is local practice [U]; none is lawful but risky.
        v.push(Verdict {
            outcome: Outcome::Warning,
            ..Verdict::check(
                "panel.no_alternates",
                true,
                cite::O87_49,
                "未设候补专家：有专家回避或缺席时须重新抽取".into(),
                "No alternates: a recused or absent expert means drawing again".into(),
            )
        });
    }
    v
}

/// 198号 art. 14 [S]: for an open tender the draw starts no earlier than two working days
/// before the review; 磋商, 谈判 and calls are not bound. Returns the earliest date, if any.
pub fn earliest_draw(method: PanelMethod, review_date: NaiveDate, cal: &HolidayCalendar) -> Option<NaiveDate> {
    if method != PanelMethod::OpenTender {
        return None;
    }
    // The day two working days before the review: walk back until two working days lie between.
    let mut d = review_date;
    let mut seen = 0;
    while seen < 2 {
        d -= Duration::days(1);
        if cal.is_working_day(d) {
            seen += 1;
        }
    }
    Some(d)
}

/// Whether a draw may start on `today`.
pub fn draw_timing(method: PanelMethod, review_date: NaiveDate, today: NaiveDate, cal: &HolidayCalendar) -> Verdict {
    let earliest = earliest_draw(method, review_date, cal);
    let ok = earliest.is_none_or(|e| today >= e) && today <= review_date;
    let when = earliest.map(|e| e.to_string()).unwrap_or_else(|| "—".into());
    Verdict::check(
        "panel.draw_timing",
        ok,
        cite::Q198_14,
        if today > review_date {
            format!("评审日期（{review_date}）已过，不能再抽取专家")
        } else {
            format!("公开招标项目最早于评审前两个工作日（{when}）开始抽取专家")
        },
        if today > review_date {
            format!("The review date ({review_date}) has passed; experts can no longer be drawn")
        } else {
            format!("For an open tender experts are drawn no earlier than two working days before the review ({when})")
        },
    )
    .fact("earliest", when)
}

/// A member's seat on the panel. Drawn experts are invited (alternates wait in reserve);
/// representatives of the purchaser are appointed and accept by their appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Reserve,
    Invited,
    Accepted,
    Declined,
    /// Stepped aside for a conflict (Reg. art. 9) found by the system, asked by a bidder or
    /// declared by the member.
    Recused,
    /// Left or was replaced during the review: the member's opinions are void (O87 art. 49).
    Left,
}

/// What happens to a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberEvent {
    /// An alternate is called in.
    Call,
    Accept,
    Decline,
    Recuse,
    Leave,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Reserve => "reserve",
            MemberStatus::Invited => "invited",
            MemberStatus::Accepted => "accepted",
            MemberStatus::Declined => "declined",
            MemberStatus::Recused => "recused",
            MemberStatus::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<MemberStatus> {
        use MemberStatus::*;
        [Reserve, Invited, Accepted, Declined, Recused, Left].into_iter().find(|m| m.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            MemberStatus::Reserve => "候补",
            MemberStatus::Invited => "待确认",
            MemberStatus::Accepted => "已接受",
            MemberStatus::Declined => "已谢绝",
            MemberStatus::Recused => "已回避",
            MemberStatus::Left => "已退出（意见无效）",
        }
    }

    /// Holds a seat now or may yet (an invitation not answered).
    pub fn seated(self) -> bool {
        matches!(self, MemberStatus::Invited | MemberStatus::Accepted)
    }

    /// The allowed transitions; anything else is refused.
    pub fn on(self, event: MemberEvent) -> Option<MemberStatus> {
        use MemberEvent::*;
        use MemberStatus::*;
        match (self, event) {
            (Reserve, Call) => Some(Invited),
            (Invited, Accept) => Some(Accepted),
            (Invited, Decline) => Some(Declined),
            (Invited | Accepted | Reserve, Recuse) => Some(Recused),
            (Accepted, Leave) => Some(Left),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(method: PanelMethod, size: u32, reps: u32) -> PanelPlan {
        PanelPlan {
            method,
            size,
            purchaser_representatives: reps,
            alternates: 2,
            category: Category::PublicWelfare,
            region: None,
            budget: Yuan::from_fen(60_000_000),
            complex: false,
            above_threshold: false,
            review_date: NaiveDate::from_ymd_opt(2026, 12, 22).unwrap(),
            outlier_pct: 20,
        }
    }

    fn failed(v: &[Verdict]) -> Vec<String> {
        v.iter().filter(|v| !v.passed()).map(|v| v.rule.clone()).collect()
    }

    #[test]
    fn an_open_tender_panel_is_odd_and_at_least_five() {
        // O87 art. 47: 4 experts + 1 purchaser representative is lawful; 4 or 6 members are not.
        assert!(failed(&plan_verdicts(&plan(PanelMethod::OpenTender, 5, 1))).is_empty());
        assert_eq!(failed(&plan_verdicts(&plan(PanelMethod::OpenTender, 4, 0))), ["panel.size"]);
        assert_eq!(failed(&plan_verdicts(&plan(PanelMethod::OpenTender, 6, 1))), ["panel.size"]);
        assert_eq!(failed(&plan_verdicts(&plan(PanelMethod::OpenTender, 3, 0))), ["panel.size"]);
    }

    #[test]
    fn ten_million_or_complex_needs_seven() {
        let mut p = plan(PanelMethod::OpenTender, 5, 1);
        p.budget = Yuan::from_fen(LARGE_BUDGET_FEN);
        assert_eq!(failed(&plan_verdicts(&p)), ["panel.size"]);
        p.budget = Yuan::from_fen(LARGE_BUDGET_FEN - 1);
        assert!(failed(&plan_verdicts(&p)).is_empty(), "¥9,999,999.99 is below the threshold");
        p.complex = true;
        assert_eq!(failed(&plan_verdicts(&p)), ["panel.size"]);
        p.size = 7;
        p.purchaser_representatives = 2;
        assert!(failed(&plan_verdicts(&p)).is_empty());
    }

    #[test]
    fn experts_are_at_least_two_thirds() {
        // 5 members with 2 representatives: 3 experts < 10/3.
        assert_eq!(failed(&plan_verdicts(&plan(PanelMethod::OpenTender, 5, 2))), ["panel.expert_share"]);
        // 3 members with 1 representative: exactly two thirds.
        assert!(failed(&plan_verdicts(&plan(PanelMethod::CompetitiveConsultation, 3, 1))).is_empty());
    }

    #[test]
    fn consultation_negotiation_and_calls_have_their_own_minimums() {
        assert!(failed(&plan_verdicts(&plan(PanelMethod::CompetitiveConsultation, 3, 0))).is_empty());
        let mut negotiation = plan(PanelMethod::NegotiationOrInquiry, 3, 0);
        assert!(failed(&plan_verdicts(&negotiation)).is_empty());
        negotiation.above_threshold = true;
        assert_eq!(failed(&plan_verdicts(&negotiation)), ["panel.size"], "O74 art. 7: 5 above the threshold");
        assert_eq!(failed(&plan_verdicts(&plan(PanelMethod::ApplicationReview, 2, 0))), ["panel.size"]);
    }

    #[test]
    fn no_alternates_is_a_warning_only() {
        let mut p = plan(PanelMethod::OpenTender, 5, 1);
        p.alternates = 0;
        let v = plan_verdicts(&p);
        assert!(failed(&v).is_empty());
        assert!(v.iter().any(|v| v.rule == "panel.no_alternates" && v.outcome == Outcome::Warning));
    }

    #[test]
    fn open_tenders_draw_no_earlier_than_two_working_days_before() {
        let cal = HolidayCalendar::builtin();
        let review = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(); // a Wednesday
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        assert_eq!(earliest_draw(PanelMethod::OpenTender, review, &cal), Some(d(21)));
        assert!(!draw_timing(PanelMethod::OpenTender, review, d(18), &cal).passed());
        assert!(draw_timing(PanelMethod::OpenTender, review, d(21), &cal).passed());
        assert!(draw_timing(PanelMethod::OpenTender, review, d(23), &cal).passed());
        assert!(!draw_timing(PanelMethod::OpenTender, review, d(24), &cal).passed(), "after the review");
        // Over a weekend: a Monday review may be drawn from the Thursday before.
        let monday = NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        assert_eq!(earliest_draw(PanelMethod::OpenTender, monday, &cal), Some(d(24)));
        // 磋商 is not bound.
        assert!(draw_timing(PanelMethod::CompetitiveConsultation, review, d(1), &cal).passed());
    }

    #[test]
    fn seats_move_only_along_the_allowed_transitions() {
        use MemberEvent::*;
        use MemberStatus::*;
        assert_eq!(Reserve.on(Call), Some(Invited));
        assert_eq!(Invited.on(Accept), Some(Accepted));
        assert_eq!(Invited.on(Decline), Some(Declined));
        assert_eq!(Accepted.on(Recuse), Some(Recused));
        assert_eq!(Accepted.on(Leave), Some(Left));
        assert_eq!(Declined.on(Accept), None, "a declined seat is not taken back");
        assert_eq!(Left.on(Accept), None);
        assert_eq!(Reserve.on(Accept), None, "an alternate is called in first");
        assert!(Accepted.seated() && Invited.seated() && !Reserve.seated() && !Recused.seated());
        for s in [Reserve, Invited, Accepted, Declined, Recused, Left] {
            assert_eq!(MemberStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn the_form_reports_fields_then_rules_with_their_citation() {
        let input = PlanInput {
            size: "4".into(),
            purchaser_representatives: "0".into(),
            alternates: "2".into(),
            category: "公益服务类".into(),
            review_date: "2026-12-23".into(),
            outlier_pct: "20".into(),
            ..Default::default()
        };
        let budget = Yuan::from_fen(160_000_000);
        let e = parse_plan(&input, PanelMethod::OpenTender, budget).unwrap_err();
        assert_eq!(e[0].code, "panel_size");
        assert!(e[0].message_zh.contains("第四十七条"), "{}", e[0].message_zh);
        let five = PlanInput { size: "5".into(), purchaser_representatives: "1".into(), ..input.clone() };
        assert_eq!(parse_plan(&five, PanelMethod::OpenTender, budget).unwrap().experts(), 4);
        let bad = PlanInput { size: "x".into(), category: "工程".into(), review_date: "明天".into(), ..input };
        let fields: Vec<String> =
            parse_plan(&bad, PanelMethod::OpenTender, budget).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["size", "category", "review_date"]);
    }
}
