//! Money in yuan as `rust_decimal::Decimal`, stored exactly as integer fen (分).
//! Never f64: a budget of ¥14,400,000.00 must survive every round trip to the cent.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in yuan with at most two decimals (fen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Yuan(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a number")]
    NotANumber,
    #[error("more than two decimals (finer than one fen)")]
    FinerThanFen,
    #[error("negative amount")]
    Negative,
    #[error("amount too large")]
    TooLarge,
}

impl MoneyError {
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::NotANumber => "money_not_a_number",
            MoneyError::FinerThanFen => "money_finer_than_fen",
            MoneyError::Negative => "money_negative",
            MoneyError::TooLarge => "money_too_large",
        }
    }
}

impl Yuan {
    pub const ZERO: Yuan = Yuan(Decimal::ZERO);

    /// Accepts an exact decimal; refuses amounts finer than one fen or below zero.
    pub fn new(amount: Decimal) -> Result<Self, MoneyError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(MoneyError::Negative);
        }
        if amount.normalize().scale() > 2 {
            return Err(MoneyError::FinerThanFen);
        }
        // Fen must fit an i64 column.
        if (amount * Decimal::from(100)).to_i64().is_none() {
            return Err(MoneyError::TooLarge);
        }
        Ok(Yuan(amount.round_dp(2)))
    }

    /// Rounds a computed amount to fen, half away from zero (四舍五入), the rule used for every
    /// derived amount (shares, subsidies) unless a scheme says otherwise.
    pub fn round_from(amount: Decimal) -> Result<Self, MoneyError> {
        Yuan::new(amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }

    /// Parses what a person types: `600000`, `600,000.00`, `¥600000`, `600000元`, `60万`.
    pub fn parse(input: &str) -> Result<Self, MoneyError> {
        let mut s: String = input
            .trim()
            .trim_start_matches(['¥', '￥'])
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .collect();
        let mut multiplier = Decimal::ONE;
        if let Some(stripped) = s.strip_suffix('万') {
            s = stripped.to_string();
            multiplier = Decimal::from(10_000);
        }
        if s.is_empty() || s.starts_with('+') {
            return Err(MoneyError::NotANumber);
        }
        let value: Decimal = s.parse().map_err(|_| MoneyError::NotANumber)?;
        Yuan::new(value * multiplier)
    }

    pub fn from_fen(fen: i64) -> Self {
        Yuan(Decimal::new(fen, 2))
    }

    pub fn fen(self) -> i64 {
        // Guaranteed by the constructor: at most two decimals and within i64 fen.
        (self.0 * Decimal::from(100)).to_i64().expect("checked at construction")
    }

    pub fn amount(self) -> Decimal {
        self.0
    }
}

const CAPITAL_DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

impl Yuan {
    /// The amount in Chinese capitals (大写), as written on award notices and contracts so a figure
    /// cannot be altered: `¥16,409.02` → `壹万陆仟肆佰零玖元零贰分`. PBoC 《正确填写票据和结算
    /// 凭证的基本规定》: 整 after 元, a single 零 for a run of zeros, 零 before 分 when 角 is zero;
    /// the optional 零 where only the 万 or 元 digit is zero is not written.
    pub fn capitals(self) -> String {
        let fen = self.fen().unsigned_abs();
        let (int, jiao, fen) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
        let mut out = String::new();
        if int > 0 {
            integer_capitals(int, &mut out);
            out.push('元');
        }
        match (jiao, fen) {
            (0, 0) if int == 0 => out.push_str("零元整"),
            (0, 0) => out.push('整'),
            (0, f) => {
                if int > 0 {
                    out.push('零');
                }
                out.push(CAPITAL_DIGITS[f]);
                out.push('分');
            }
            (j, f) => {
                out.push(CAPITAL_DIGITS[j]);
                out.push('角');
                if f > 0 {
                    out.push(CAPITAL_DIGITS[f]);
                    out.push('分');
                }
            }
        }
        out
    }
}

/// `n` > 0 in capitals: 亿 groups recursively, each below 亿 as 万 and units.
fn integer_capitals(n: u64, out: &mut String) {
    const YI: u64 = 100_000_000;
    if n >= YI {
        integer_capitals(n / YI, out);
        out.push('亿');
        let rest = n % YI;
        if rest > 0 {
            if rest < YI / 10 {
                out.push('零');
            }
            below_yi(rest, out);
        }
    } else {
        below_yi(n, out);
    }
}

fn below_yi(n: u64, out: &mut String) {
    let (wan, units) = (n / 10_000, n % 10_000);
    if wan > 0 {
        four_digits(wan, out);
        out.push('万');
        if units > 0 && units < 1000 {
            out.push('零');
        }
    }
    if units > 0 {
        four_digits(units, out);
    }
}

/// 1..=9999 without a leading 零; zeros inside become one 零 (`1009` → 壹仟零玖).
fn four_digits(n: u64, out: &mut String) {
    let mut started = false;
    let mut zero = false;
    for (place, unit) in [(1000, Some('仟')), (100, Some('佰')), (10, Some('拾')), (1, None)] {
        let d = (n / place % 10) as usize;
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(CAPITAL_DIGITS[d]);
        out.extend(unit);
        started = true;
    }
}

impl fmt::Display for Yuan {
    /// `¥600,000.00`: thousands separators and always two decimals, as on Chinese notices.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fen = self.fen();
        let (int, frac) = (fen / 100, fen % 100);
        let digits = int.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        write!(f, "¥{grouped}.{frac:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn capitals_follow_the_pboc_examples() {
        // The examples of PBoC 《正确填写票据和结算凭证的基本规定》.
        for (amount, zh) in [
            ("1409.50", "壹仟肆佰零玖元伍角"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("107000.53", "壹拾万柒仟元伍角叁分"),
            ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
            ("325.04", "叁佰贰拾伍元零肆分"),
        ] {
            assert_eq!(Yuan::parse(amount).unwrap().capitals(), zh, "{amount}");
        }
    }

    #[test]
    fn capitals_of_seed_budgets_and_boundaries() {
        // Seed 002: ¥600,000 year 1, ¥1,000,000 year 2, ¥14.4 million pilot total.
        for (amount, zh) in [
            ("60万", "陆拾万元整"),
            ("100万", "壹佰万元整"),
            ("1440万", "壹仟肆佰肆拾万元整"),
            ("0", "零元整"),
            ("0.05", "伍分"),
            ("0.50", "伍角"),
            ("10", "壹拾元整"),
            ("10000", "壹万元整"),
            ("10001", "壹万零壹元整"),
            ("100000001", "壹亿零壹元整"),
            ("100010000", "壹亿零壹万元整"),
            ("110000000", "壹亿壹仟万元整"),
            ("1000000000000", "壹万亿元整"),
            ("1000100000000", "壹万零壹亿元整"),
        ] {
            assert_eq!(Yuan::parse(amount).unwrap().capitals(), zh, "{amount}");
        }
        // The largest storable amount still reads (亿 of 亿).
        assert!(Yuan::from_fen(i64::MAX).capitals().ends_with("捌元零柒分"));
    }

    #[test]
    fn suzhou_budgets_parse_in_every_written_form() {
        // Seed 002: year 1 bundle ¥600,000, year 2 ¥1,000,000, pilot total ¥14.4 million.
        for text in ["600000", "600,000.00", "¥600000", "600000元", "60万", " 60 万 "] {
            assert_eq!(Yuan::parse(text).unwrap().fen(), 60_000_000, "{text}");
        }
        assert_eq!(Yuan::parse("1440万").unwrap().to_string(), "¥14,400,000.00");
        assert_eq!(Yuan::parse("100万").unwrap().to_string(), "¥1,000,000.00");
    }

    #[test]
    fn fen_is_the_finest_unit() {
        assert_eq!(Yuan::parse("0.01").unwrap().fen(), 1);
        assert_eq!(Yuan::parse("0.001"), Err(MoneyError::FinerThanFen));
        // Trailing zeros are not extra precision.
        assert_eq!(Yuan::parse("12.3400").unwrap().fen(), 1234);
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert_eq!(Yuan::parse(""), Err(MoneyError::NotANumber));
        assert_eq!(Yuan::parse("abc"), Err(MoneyError::NotANumber));
        assert_eq!(Yuan::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Yuan::parse("99999999999999999999"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn fen_round_trip_is_exact_at_the_extremes() {
        for fen in [0, 1, 99, 100, 1_440_000_000, i64::MAX / 100 * 100 + 7] {
            assert_eq!(Yuan::from_fen(fen).fen(), fen);
        }
    }

    #[test]
    fn derived_amounts_round_half_away_from_zero() {
        // Half of an odd fen amount: 0.005 rounds up to 0.01.
        assert_eq!(Yuan::round_from(d("0.005")).unwrap().fen(), 1);
        assert_eq!(Yuan::round_from(d("0.0049")).unwrap().fen(), 0);
        assert_eq!(Yuan::round_from(d("300000.125")).unwrap().to_string(), "¥300,000.13");
    }

    #[test]
    fn display_groups_thousands() {
        assert_eq!(Yuan::from_fen(0).to_string(), "¥0.00");
        assert_eq!(Yuan::from_fen(99_999).to_string(), "¥999.99");
        assert_eq!(Yuan::from_fen(100_000).to_string(), "¥1,000.00");
    }
}
