//! A tender's life: what an officer may create, the order of its states, and when bids may be
//! read. Times are epoch milliseconds from the application clock, passed in by the caller.

use super::money::Yuan;
use super::scoring::{check_price_weight, Method};
use super::field::FieldError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    Draft,
    /// Notice public; bids accepted until the deadline.
    Published,
    /// Bids opened (after the opening time): readable, experts score.
    Opened,
    /// Award confirmed; contract created.
    Awarded,
}

impl TenderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderStatus::Draft => "draft",
            TenderStatus::Published => "published",
            TenderStatus::Opened => "opened",
            TenderStatus::Awarded => "awarded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [TenderStatus::Draft, TenderStatus::Published, TenderStatus::Opened, TenderStatus::Awarded].into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Publish,
    SubmitBid,
    Open,
    Score,
    Award,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TenderError {
    #[error("not allowed while the tender is {0:?}")]
    WrongState(TenderStatus),
    #[error("the bid deadline has passed")]
    DeadlinePassed,
    #[error("the opening time has not come")]
    NotYetOpen,
}

impl TenderError {
    pub fn code(&self) -> &'static str {
        match self {
            TenderError::WrongState(_) => "tender_wrong_state",
            TenderError::DeadlinePassed => "bid_deadline_passed",
            TenderError::NotYetOpen => "opening_time_not_reached",
        }
    }
}

/// The one place that decides whether an action fits the tender's state and the clock.
/// Bids are accepted up to (not including) the deadline's millisecond; opening needs the
/// opening time to have come (O87 art. 39: bids are opened at the time the documents set).
pub fn allowed(status: TenderStatus, action: Action, now_ms: i64, bid_deadline_ms: i64, opening_ms: i64) -> Result<(), TenderError> {
    use TenderStatus::*;
    match (action, status) {
        (Action::Publish, Draft) => Ok(()),
        (Action::SubmitBid, Published) if now_ms < bid_deadline_ms => Ok(()),
        (Action::SubmitBid, Published) => Err(TenderError::DeadlinePassed),
        (Action::Open, Published) if now_ms >= opening_ms => Ok(()),
        (Action::Open, Published) => Err(TenderError::NotYetOpen),
        (Action::Score, Opened) | (Action::Award, Opened) => Ok(()),
        (_, s) => Err(TenderError::WrongState(s)),
    }
}

/// Sealed until opened: a bid's price and file are readable only once the officer has opened
/// the bids, which itself needs the opening time to have come. Applies to every role.
pub fn bids_readable(status: TenderStatus) -> bool {
    matches!(status, TenderStatus::Opened | TenderStatus::Awarded)
}

/// Experts see bidders as 投标人 A, B, C… in the order the aliases were given at opening.
pub fn alias(index: usize) -> String {
    let mut n = index;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    pub name: String,
    pub max_points: String,
}

/// What an officer types to create a tender; every field is text until parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenderInput {
    pub title: String,
    pub buyer: String,
    pub budget: String,
    /// Beijing wall-clock time, `2026-12-01T09:30`.
    pub bid_deadline: String,
    pub opening_time: String,
    pub price_weight_pct: String,
    pub criteria: Vec<CriterionInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidTender {
    pub title: String,
    pub buyer: String,
    pub budget: Yuan,
    pub bid_deadline_ms: i64,
    pub opening_ms: i64,
    pub price_weight_pct: Decimal,
    /// (name, max points)
    pub criteria: Vec<(String, Decimal)>,
}

fn err(field: &str, code: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, code, zh, en)
}

/// Parses an officer's input into a valid open tender, reporting every bad field at once.
/// The criteria's points plus the price weight make 100 (O87 art. 55 for the price weight).
pub fn parse_tender(input: &TenderInput, now_ms: i64) -> Result<ValidTender, Vec<FieldError>> {
    let mut errors = Vec::new();
    let title = input.title.trim().to_string();
    if title.chars().count() < 2 || title.chars().count() > 100 {
        errors.push(err("title", "title_length", "项目名称须为 2–100 个字", "Title must be 2–100 characters"));
    }
    let buyer = input.buyer.trim().to_string();
    if buyer.is_empty() || buyer.chars().count() > 100 {
        errors.push(err("buyer", "buyer_required", "请填写采购人", "Enter the buyer"));
    }
    let budget = match Yuan::parse(&input.budget) {
        Ok(b) if b.fen() > 0 => Some(b),
        Ok(_) => {
            errors.push(err("budget", "budget_positive", "预算须大于零", "The budget must be positive"));
            None
        }
        Err(e) => {
            errors.push(err("budget", e.code(), "预算金额无效（最多两位小数，可写“60万”）", "Invalid budget (at most two decimals; 60万 is accepted)"));
            None
        }
    };
    let deadline = super::time::parse_shanghai_local(&input.bid_deadline).map(|t| t.timestamp_millis());
    let opening = super::time::parse_shanghai_local(&input.opening_time).map(|t| t.timestamp_millis());
    match deadline {
        None => errors.push(err("bid_deadline", "time_invalid", "请填写投标截止时间（北京时间）", "Enter the bid deadline (Beijing time)")),
        Some(d) if d <= now_ms => errors.push(err("bid_deadline", "time_in_past", "投标截止时间须晚于当前时间", "The bid deadline must be in the future")),
        _ => {}
    }
    match (deadline, opening) {
        (_, None) => errors.push(err("opening_time", "time_invalid", "请填写开标时间（北京时间）", "Enter the opening time (Beijing time)")),
        (Some(d), Some(o)) if o < d => errors.push(err("opening_time", "opening_before_deadline", "开标时间不得早于投标截止时间", "Opening cannot be before the bid deadline")),
        _ => {}
    }
    let weight = match input.price_weight_pct.trim().parse::<Decimal>() {
        Ok(w) => match check_price_weight(Method::OpenTender, w) {
            Ok(()) => Some(w),
            Err(_) => {
                errors.push(err("price_weight_pct", "price_weight_out_of_bounds", "公开招标服务项目价格分权重不得低于10%", "For services under open tender the price weight must be at least 10 %"));
                None
            }
        },
        Err(_) => {
            errors.push(err("price_weight_pct", "not_a_number", "价格权重须为数字", "The price weight must be a number"));
            None
        }
    };
    let mut criteria = Vec::new();
    // Rows the officer left entirely blank are not criteria.
    let rows: Vec<&CriterionInput> = input.criteria.iter().filter(|c| !(c.name.trim().is_empty() && c.max_points.trim().is_empty())).collect();
    if !(1..=10).contains(&rows.len()) {
        errors.push(err("criteria", "criteria_count", "评分因素须为 1–10 项", "Give 1–10 scoring criteria"));
    }
    for (i, c) in rows.iter().enumerate() {
        let name = c.name.trim().to_string();
        if name.is_empty() {
            errors.push(err(&format!("criteria[{i}].name"), "criterion_name_required", "请填写评分因素名称", "Name the criterion"));
        }
        match c.max_points.trim().parse::<Decimal>() {
            Ok(p) if p > Decimal::ZERO && p.normalize().scale() <= 2 => criteria.push((name, p)),
            _ => errors.push(err(&format!("criteria[{i}].max_points"), "points_invalid", "分值须为大于零的数（最多两位小数）", "Points must be a positive number (two decimals at most)")),
        }
    }
    if let Some(w) = weight {
        if criteria.len() == rows.len() {
            let sum: Decimal = criteria.iter().map(|(_, p)| *p).sum::<Decimal>() + w;
            if sum != Decimal::from(100) {
                errors.push(FieldError {
                    field: "criteria".into(),
                    code: "points_total".into(),
                    message_zh: format!("评分因素分值与价格权重合计须为100（现为{}）", sum.normalize()),
                    message_en: format!("Criteria points plus the price weight must total 100 (they total {})", sum.normalize()),
                });
            }
        }
    }
    match (budget, deadline, opening, weight, errors.is_empty()) {
        (Some(budget), Some(d), Some(o), Some(w), true) => Ok(ValidTender { title, buyer, budget, bid_deadline_ms: d, opening_ms: o, price_weight_pct: w, criteria }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000; // 2026-11-18

    fn input() -> TenderInput {
        TenderInput {
            title: "姑苏区双塔街道“4+1”综合包".into(),
            buyer: "苏州市民政局".into(),
            budget: "60万".into(),
            bid_deadline: "2026-12-20T09:30".into(),
            opening_time: "2026-12-20T09:30".into(),
            price_weight_pct: "20".into(),
            criteria: vec![
                CriterionInput { name: "服务方案".into(), max_points: "50".into() },
                CriterionInput { name: "团队配备".into(), max_points: "30".into() },
            ],
        }
    }

    #[test]
    fn a_complete_tender_parses() {
        let t = parse_tender(&input(), NOW).unwrap();
        assert_eq!(t.budget.fen(), 60_000_000);
        assert_eq!(t.opening_ms, t.bid_deadline_ms);
        assert_eq!(t.criteria.len(), 2);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = input();
        i.title = "x".into();
        i.budget = "0.001".into();
        i.opening_time = "2026-12-19T09:30".into();
        i.price_weight_pct = "5".into();
        let fields: Vec<String> = parse_tender(&i, NOW).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "budget", "opening_time", "price_weight_pct"]);
    }

    #[test]
    fn blank_criterion_rows_are_ignored() {
        let mut i = input();
        i.criteria.push(CriterionInput { name: " ".into(), max_points: "".into() });
        assert_eq!(parse_tender(&i, NOW).unwrap().criteria.len(), 2);
    }

    #[test]
    fn points_must_total_one_hundred() {
        let mut i = input();
        i.criteria[1].max_points = "29.5".into();
        let e = parse_tender(&i, NOW).unwrap_err();
        assert_eq!(e[0].code, "points_total");
        assert!(e[0].message_zh.contains("99.5"));
    }

    #[test]
    fn the_deadline_is_exclusive_to_the_millisecond() {
        let (d, o) = (NOW + 1000, NOW + 2000);
        assert!(allowed(TenderStatus::Published, Action::SubmitBid, d - 1, d, o).is_ok());
        assert_eq!(allowed(TenderStatus::Published, Action::SubmitBid, d, d, o), Err(TenderError::DeadlinePassed));
        assert_eq!(allowed(TenderStatus::Published, Action::Open, o - 1, d, o), Err(TenderError::NotYetOpen));
        assert!(allowed(TenderStatus::Published, Action::Open, o, d, o).is_ok());
        assert_eq!(allowed(TenderStatus::Draft, Action::SubmitBid, NOW, d, o), Err(TenderError::WrongState(TenderStatus::Draft)));
        assert_eq!(allowed(TenderStatus::Awarded, Action::Award, NOW, d, o), Err(TenderError::WrongState(TenderStatus::Awarded)));
    }

    #[test]
    fn sealed_until_opened() {
        assert!(!bids_readable(TenderStatus::Draft));
        assert!(!bids_readable(TenderStatus::Published));
        assert!(bids_readable(TenderStatus::Opened));
        assert!(bids_readable(TenderStatus::Awarded));
    }

    #[test]
    fn aliases_run_a_to_z_then_aa() {
        assert_eq!(alias(0), "A");
        assert_eq!(alias(2), "C");
        assert_eq!(alias(25), "Z");
        assert_eq!(alias(26), "AA");
    }
}
