//! Abnormally low prices (异常低价), O87 art. 60: a price obviously lower than the other compliant
//! bids that may hurt performance must be explained in writing, with evidence; the panel decides.
//! 财库〔2026〕2号 makes the review mandatory below three thresholds — known from the official
//! question bank only [S] (verify against the notice's text): below 50 % of the mean of the
//! compliant bids, below 55 % of the next-lowest compliant bid, below 45 % of the ceiling price.

use super::cite;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Below 50 % of the mean of the compliant bids' prices.
    BelowHalfTheMean,
    /// Below 55 % of the next-lowest compliant price.
    BelowNextLowest,
    /// Below 45 % of the ceiling price (the lot's budget).
    BelowCeiling,
}

impl Trigger {
    pub fn message_zh(self) -> &'static str {
        match self {
            Trigger::BelowHalfTheMean => "低于全部有效投标报价平均值的50%",
            Trigger::BelowNextLowest => "低于其他有效投标中最低报价的55%",
            Trigger::BelowCeiling => "低于项目最高限价的45%",
        }
    }
}

/// The mandatory triggers a price meets among the lot's compliant prices (`others` excludes it).
pub fn triggers(price: Decimal, others: &[Decimal], ceiling: Decimal) -> Vec<Trigger> {
    let mut out = Vec::new();
    let all: Vec<Decimal> = others.iter().copied().chain(std::iter::once(price)).collect();
    let mean = all.iter().copied().sum::<Decimal>() / Decimal::from(all.len());
    if price * Decimal::from(2) < mean {
        out.push(Trigger::BelowHalfTheMean);
    }
    if let Some(next) = others.iter().copied().min() {
        if price * Decimal::from(100) < next * Decimal::from(55) {
            out.push(Trigger::BelowNextLowest);
        }
    }
    if price * Decimal::from(100) < ceiling * Decimal::from(45) {
        out.push(Trigger::BelowCeiling);
    }
    out
}

/// The panel's decision on a bidder's explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The explanation shows the price is sustainable: the bid stays.
    Accepted,
    /// Not justified: the bid is invalid (O87 art. 60).
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        [Decision::Accepted, Decision::Rejected].into_iter().find(|d| d.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Decision::Accepted => "说明成立，报价有效",
            Decision::Rejected => "不能证明报价合理性，作无效投标处理",
        }
    }
}

/// Each bid of a lot that meets a mandatory trigger, with its triggers, among the lot's compliant
/// prices (`(bid, price)`; the ceiling is the lot's budget).
pub fn flagged<K: Clone + PartialEq>(prices: &[(K, Decimal)], ceiling: Decimal) -> Vec<(K, Vec<Trigger>)> {
    prices
        .iter()
        .filter_map(|(bid, price)| {
            let others: Vec<Decimal> = prices.iter().filter(|(b, _)| b != bid).map(|(_, p)| *p).collect();
            let t = triggers(*price, &others, ceiling);
            (!t.is_empty()).then(|| (bid.clone(), t))
        })
        .collect()
}

/// The time the panel gives a bidder to explain, in hours. The law says only "a reasonable time"
/// (O87 art. 60); one hour to three days is caiping's bound (verify).
pub const HOURS: std::ops::RangeInclusive<u32> = 1..=72;

/// Where one bid's review in one lot stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum Stage {
    /// A mandatory trigger is met and the panel has not asked yet.
    Flagged,
    /// The panel asked for a written explanation by `due_at` (ms).
    Requested { due_at: i64 },
    /// The bidder explained in time.
    Answered { due_at: i64 },
    /// The panel decided.
    Decided { decision: Decision },
}

impl Stage {
    /// Whether the report must wait for this review.
    pub fn pending(self) -> bool {
        !matches!(self, Stage::Decided { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum LowPriceError {
    #[error("this bid's review has begun already")]
    AlreadyStarted,
    #[error("a review the triggers do not require needs the panel's written grounds (at least 10 characters)")]
    GroundsRequired,
    #[error("the time to explain is 1 to 72 hours")]
    HoursOutOfRange,
    #[error("the panel has not asked this bidder for an explanation")]
    NotRequested,
    #[error("the time the panel set for the explanation has passed")]
    PastDue,
    #[error("the explanation has 20 to 5,000 characters")]
    ExplanationLength,
    #[error("the panel decides once the bidder has answered or the time has passed")]
    Waiting,
    #[error("without an explanation the price is not justified: the bid can only be found invalid")]
    Unexplained,
    #[error("this review is decided")]
    AlreadyDecided,
    #[error("the decision needs its basis in writing (at least 10 characters)")]
    BasisRequired,
}

impl LowPriceError {
    pub fn code(&self) -> &'static str {
        match self {
            LowPriceError::AlreadyStarted => "low_price_started",
            LowPriceError::GroundsRequired => "low_price_grounds",
            LowPriceError::HoursOutOfRange => "low_price_hours",
            LowPriceError::NotRequested => "low_price_not_requested",
            LowPriceError::PastDue => "low_price_past_due",
            LowPriceError::ExplanationLength => "low_price_explanation",
            LowPriceError::Waiting => "low_price_waiting",
            LowPriceError::Unexplained => "low_price_unexplained",
            LowPriceError::AlreadyDecided => "low_price_decided",
            LowPriceError::BasisRequired => "low_price_basis",
        }
    }

    pub fn field(&self) -> &'static str {
        match self {
            LowPriceError::GroundsRequired => "grounds",
            LowPriceError::HoursOutOfRange => "hours",
            LowPriceError::ExplanationLength | LowPriceError::PastDue => "explanation",
            LowPriceError::BasisRequired | LowPriceError::Unexplained => "basis",
            _ => "low_price",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            LowPriceError::AlreadyStarted => "该投标人的异常低价审查已经启动".into(),
            LowPriceError::GroundsRequired => {
                format!("未达到{}规定的必须审查情形，启动审查须写明评审委员会的理由（至少10个字）", cite::Q2026_2)
            }
            LowPriceError::HoursOutOfRange => "说明期限须为1至72小时".into(),
            LowPriceError::NotRequested => "评审委员会尚未要求该投标人作出说明".into(),
            LowPriceError::PastDue => "评审委员会规定的说明期限已过".into(),
            LowPriceError::ExplanationLength => "书面说明须为20至5000字".into(),
            LowPriceError::Waiting => "投标人作出说明或说明期限届满后，评审委员会方可作出结论".into(),
            LowPriceError::Unexplained => {
                format!(
                    "投标人未在期限内作出说明，不能证明其报价合理性的，应当将其作为无效投标处理（{}）",
                    cite::O87_60
                )
            }
            LowPriceError::AlreadyDecided => "该异常低价审查已有结论".into(),
            LowPriceError::BasisRequired => "须写明评审委员会结论的依据（至少10个字）".into(),
        }
    }
}

/// O87 art. 60, 财库〔2026〕2号: the panel asks a bidder to explain its price in writing within a
/// time it sets — a bid meeting a mandatory trigger, or any other on the panel's written grounds.
/// Returns the time the explanation is due.
pub fn request(
    stage: Option<Stage>,
    triggers: &[Trigger],
    grounds: &str,
    hours: u32,
    now_ms: i64,
) -> Result<i64, LowPriceError> {
    if !matches!(stage, None | Some(Stage::Flagged)) {
        return Err(LowPriceError::AlreadyStarted);
    }
    if triggers.is_empty() && grounds.trim().chars().count() < 10 {
        return Err(LowPriceError::GroundsRequired);
    }
    if !HOURS.contains(&hours) {
        return Err(LowPriceError::HoursOutOfRange);
    }
    Ok(now_ms + i64::from(hours) * 3_600_000)
}

/// O87 art. 60: the bidder may answer a request, once, until the time the panel set; the due time.
pub fn may_answer(stage: Option<Stage>, now_ms: i64) -> Result<i64, LowPriceError> {
    let due_at = match stage {
        Some(Stage::Requested { due_at }) => due_at,
        Some(Stage::Answered { .. }) | Some(Stage::Decided { .. }) => return Err(LowPriceError::AlreadyDecided),
        None | Some(Stage::Flagged) => return Err(LowPriceError::NotRequested),
    };
    if now_ms > due_at {
        return Err(LowPriceError::PastDue);
    }
    Ok(due_at)
}

/// O87 art. 60: the bidder's written explanation, within the time the panel set.
pub fn answer(stage: Option<Stage>, explanation: &str, now_ms: i64) -> Result<Stage, LowPriceError> {
    let due_at = may_answer(stage, now_ms)?;
    if !(20..=5000).contains(&explanation.trim().chars().count()) {
        return Err(LowPriceError::ExplanationLength);
    }
    Ok(Stage::Answered { due_at })
}

/// O87 art. 60: the panel's conclusion, with its basis, on the explanation — or, when none came
/// in time, that the price is not justified.
pub fn decide(stage: Option<Stage>, decision: Decision, basis: &str, now_ms: i64) -> Result<Stage, LowPriceError> {
    match stage {
        None | Some(Stage::Flagged) => return Err(LowPriceError::NotRequested),
        Some(Stage::Decided { .. }) => return Err(LowPriceError::AlreadyDecided),
        Some(Stage::Requested { due_at }) if now_ms <= due_at => return Err(LowPriceError::Waiting),
        Some(Stage::Requested { .. }) if decision == Decision::Accepted => return Err(LowPriceError::Unexplained),
        _ => {}
    }
    if basis.trim().chars().count() < 10 {
        return Err(LowPriceError::BasisRequired);
    }
    Ok(Stage::Decided { decision })
}

/// Where the law stands on the procedure, for the documents.
pub fn source() -> String {
    format!("{}；{}", cite::O87_60, cite::Q2026_2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn each_threshold_at_its_boundary() {
        // Ceiling 1,000,000: 45 % is 450,000; exactly at it does not trigger.
        assert!(!triggers(d("450000"), &[d("460000")], d("1000000")).contains(&Trigger::BelowCeiling));
        assert!(triggers(d("449999.99"), &[d("460000")], d("1000000")).contains(&Trigger::BelowCeiling));
        // Next lowest 800,000: 55 % is 440,000.
        assert!(!triggers(d("440000"), &[d("800000")], d("2000000")).contains(&Trigger::BelowNextLowest));
        assert!(triggers(d("439999"), &[d("800000")], d("2000000")).contains(&Trigger::BelowNextLowest));
    }

    #[test]
    fn half_the_mean_counts_the_bid_itself() {
        // Prices 200,000, 700,000, 800,000: mean 566,666.67, half 283,333.33.
        let t = triggers(d("200000"), &[d("700000"), d("800000")], d("1000000"));
        assert_eq!(t, [Trigger::BelowHalfTheMean, Trigger::BelowNextLowest, Trigger::BelowCeiling]);
        // Suzhou demo prices 768,000 / 785,000 / 800,000 trigger nothing.
        assert!(triggers(d("768000"), &[d("785000"), d("800000")], d("800000")).is_empty());
    }

    #[test]
    fn flagged_names_only_the_low_bid() {
        // Lot 2 of the Suzhou test tender: ceiling 300,000; 120,000 is under 45 % of it (135,000)
        // and under 55 % of the next lowest (159,500), not under half the mean (116,666.67).
        let prices = [("A", d("290000")), ("B", d("290000")), ("C", d("120000"))];
        assert_eq!(flagged(&prices, d("300000")), [("C", vec![Trigger::BelowNextLowest, Trigger::BelowCeiling])]);
        assert!(flagged(&[("A", d("290000")), ("B", d("290000"))], d("300000")).is_empty());
    }

    #[test]
    fn request_needs_a_trigger_or_grounds_and_a_time_in_range() {
        let t = [Trigger::BelowCeiling];
        assert_eq!(request(None, &t, "", 24, 0), Ok(24 * 3_600_000));
        assert_eq!(request(Some(Stage::Flagged), &t, "", 1, 5), Ok(3_600_005));
        assert_eq!(request(None, &t, "", 0, 0), Err(LowPriceError::HoursOutOfRange));
        assert_eq!(request(None, &t, "", 73, 0), Err(LowPriceError::HoursOutOfRange));
        assert_eq!(request(None, &t, "", 72, 0), Ok(72 * 3_600_000));
        assert_eq!(request(None, &[], "报价明显偏低", 24, 0), Err(LowPriceError::GroundsRequired));
        assert!(request(None, &[], "报价明显低于其他有效投标，可能影响服务质量", 24, 0).is_ok());
        let asked = Some(Stage::Requested { due_at: 10 });
        assert_eq!(request(asked, &t, "", 24, 0), Err(LowPriceError::AlreadyStarted));
    }

    #[test]
    fn the_bidder_answers_before_the_time_set() {
        let text = "本机构已有督导团队和场地，人员成本由其他项目分摊，附测算表。";
        let asked = Some(Stage::Requested { due_at: 100 });
        assert_eq!(answer(asked, text, 100), Ok(Stage::Answered { due_at: 100 }));
        assert_eq!(answer(asked, text, 101), Err(LowPriceError::PastDue));
        assert_eq!(answer(asked, "价格合理", 50), Err(LowPriceError::ExplanationLength));
        assert_eq!(answer(Some(Stage::Flagged), text, 50), Err(LowPriceError::NotRequested));
        assert_eq!(answer(Some(Stage::Answered { due_at: 100 }), text, 50), Err(LowPriceError::AlreadyDecided));
    }

    #[test]
    fn the_panel_decides_on_the_answer_or_after_the_time() {
        let basis = "测算表显示人员成本低于本地最低工资标准，不能证明报价合理";
        let asked = Some(Stage::Requested { due_at: 100 });
        assert_eq!(decide(asked, Decision::Rejected, basis, 100), Err(LowPriceError::Waiting));
        assert_eq!(decide(asked, Decision::Accepted, basis, 101), Err(LowPriceError::Unexplained));
        assert_eq!(decide(asked, Decision::Rejected, basis, 101), Ok(Stage::Decided { decision: Decision::Rejected }));
        let answered = Some(Stage::Answered { due_at: 100 });
        assert_eq!(
            decide(answered, Decision::Accepted, basis, 50),
            Ok(Stage::Decided { decision: Decision::Accepted })
        );
        assert_eq!(decide(answered, Decision::Accepted, "合理", 50), Err(LowPriceError::BasisRequired));
        assert_eq!(decide(Some(Stage::Flagged), Decision::Accepted, basis, 50), Err(LowPriceError::NotRequested));
        let done = Some(Stage::Decided { decision: Decision::Accepted });
        assert_eq!(decide(done, Decision::Rejected, basis, 50), Err(LowPriceError::AlreadyDecided));
        assert!(!Stage::Decided { decision: Decision::Rejected }.pending());
        assert!(Stage::Flagged.pending());
    }
}
