//! Project numbers (项目编号): what officers, bidders and auditors quote on the phone and in
//! letters, so they must be short and say whose and which year's tender it is. The platform
//! numbers each purchaser region's tenders per calendar year (Beijing time), e.g.
//! `320508-2026-0007`: the 7th tender of 姑苏区 (GB/T 2260 code 320508) created in 2026. No rule
//! fixes the form (verify against the local procurement centre's numbering if one is adopted).

use std::fmt;

use chrono::Datelike;

use super::region::RegionCode;
use super::time::{from_millis, shanghai};

/// One region's tenders of one year: the counter a new tender's number is drawn from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSeries {
    region: RegionCode,
    year: i32,
}

impl NumberSeries {
    /// The series a tender created at `created_ms` by a purchaser of `region` belongs to; the year
    /// turns at midnight Beijing time, not UTC.
    pub fn of(region: RegionCode, created_ms: i64) -> Option<Self> {
        let year = from_millis(created_ms)?.with_timezone(&shanghai()).year();
        Some(Self { region, year })
    }

    /// The key the series' counter is stored under.
    pub fn key(&self) -> String {
        format!("{}-{}", self.region.as_str(), self.year)
    }

    /// The `seq`-th number of the series (the first is 1).
    pub fn number(&self, seq: u32) -> ProjectNumber {
        ProjectNumber { series: self.clone(), seq }
    }
}

/// A tender's project number, shown instead of its internal id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectNumber {
    series: NumberSeries,
    seq: u32,
}

impl fmt::Display for ProjectNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Four digits sort correctly for any region's year (few create 10 000 tenders); beyond
        // that the number simply grows.
        write!(f, "{}-{:04}", self.series.key(), self.seq)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn gusu() -> RegionCode {
        RegionCode::parse("320508").unwrap()
    }

    #[test]
    fn numbers_read_region_year_and_running_number() {
        let at = Utc.with_ymd_and_hms(2026, 6, 1, 2, 0, 0).unwrap().timestamp_millis();
        let series = NumberSeries::of(gusu(), at).unwrap();
        assert_eq!(series.key(), "320508-2026");
        assert_eq!(series.number(7).to_string(), "320508-2026-0007");
        assert_eq!(series.number(12345).to_string(), "320508-2026-12345");
    }

    #[test]
    fn the_year_turns_at_beijing_midnight() {
        // 2026-12-31 16:00 UTC is already 2027-01-01 00:00 in Beijing.
        let new_year = Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).unwrap().timestamp_millis();
        assert_eq!(NumberSeries::of(gusu(), new_year).unwrap().key(), "320508-2027");
        assert_eq!(NumberSeries::of(gusu(), new_year - 1).unwrap().key(), "320508-2026");
    }

    #[test]
    fn street_codes_keep_all_nine_digits() {
        let street = RegionCode::parse("320508001").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap().timestamp_millis();
        assert_eq!(NumberSeries::of(street, at).unwrap().number(1).to_string(), "320508001-2026-0001");
    }

    #[test]
    fn an_instant_outside_the_calendar_has_no_series() {
        assert!(NumberSeries::of(gusu(), i64::MAX).is_none());
    }
}
