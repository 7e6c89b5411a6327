//! Instants are stored as UTC epoch milliseconds and shown in Asia/Shanghai. China has kept
//! UTC+8 without daylight saving since 1991, so a fixed offset is exact for every date the
//! tool handles.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

const SHANGHAI_OFFSET_SECS: i32 = 8 * 3600;

pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(SHANGHAI_OFFSET_SECS).expect("+08:00 is a valid offset")
}

pub fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_millis(ms)
}

/// `2026-11-23 18:30` in Beijing time, the form used on notices.
pub fn format_shanghai(ms: i64) -> String {
    match from_millis(ms) {
        Some(t) => t.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string(),
        None => String::from("—"),
    }
}

/// `2026年12月3日` in Beijing time: the date under a formal document (GB/T 9704-2012 §7.3.5.3:
/// Arabic numerals, month and day without a leading zero).
pub fn date_zh(ms: i64) -> String {
    match from_millis(ms) {
        Some(t) => t.with_timezone(&shanghai()).format("%Y年%-m月%-d日").to_string(),
        None => String::from("—"),
    }
}

/// Reads a Beijing wall-clock time as typed in a form (`2026-12-01T09:30` or with seconds)
/// into an instant.
pub fn parse_shanghai_local(input: &str) -> Option<DateTime<Utc>> {
    let input = input.trim();
    let naive = NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(input, "%Y-%m-%d %H:%M"))
        .ok()?;
    shanghai().from_local_datetime(&naive).single().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_midnight_is_eight_in_the_morning_in_shanghai() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        assert_eq!(format_shanghai(t.timestamp_millis()), "2026-11-23 08:00");
    }

    #[test]
    fn shanghai_evening_crosses_the_utc_date_line() {
        let t = parse_shanghai_local("2026-12-01T07:30").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 30, 23, 30, 0).unwrap());
        assert_eq!(format_shanghai(t.timestamp_millis()), "2026-12-01 07:30");
    }

    #[test]
    fn document_dates_have_no_leading_zeros_and_follow_beijing() {
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 16, 30, 0).unwrap();
        assert_eq!(date_zh(t.timestamp_millis()), "2026年12月3日");
        let t = Utc.with_ymd_and_hms(2026, 1, 4, 3, 0, 0).unwrap();
        assert_eq!(date_zh(t.timestamp_millis()), "2026年1月4日");
    }

    #[test]
    fn unreadable_times_are_refused() {
        assert!(parse_shanghai_local("tomorrow").is_none());
        assert!(parse_shanghai_local("2026-13-01T00:00").is_none());
    }
}
