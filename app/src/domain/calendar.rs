//! Statutory time limits in Chinese working days (工作日). Official holidays and make-up
//! working days (调休) are data — `holidays.toml`, from the State Council General Office's
//! annual notices — that an admin can extend with later years without a code change.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The calendar shipped with caiping.
pub const BUILTIN_HOLIDAYS: &str = include_str!("holidays.toml");

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    /// Years whose official notice is included; outside them only weekends are known.
    pub years: BTreeSet<i32>,
    /// Days off that would otherwise be working days.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are working days (调休上班).
    pub working_weekends: BTreeSet<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct YearFile {
    year: Vec<YearEntry>,
}

#[derive(Debug, Deserialize)]
struct YearEntry {
    year: i32,
    #[allow(dead_code)]
    source: String,
    holidays: Vec<NaiveDate>,
    working_weekends: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("holiday calendar: {0}")]
    Parse(String),
    #[error("holiday calendar {year}: {date} is listed as a holiday but is a weekend")]
    HolidayOnWeekend { year: i32, date: NaiveDate },
    #[error("holiday calendar {year}: {date} is listed as a make-up working day but is not a weekend")]
    WorkingDayNotWeekend { year: i32, date: NaiveDate },
    #[error("holiday calendar {year}: {date} belongs to another year")]
    WrongYear { year: i32, date: NaiveDate },
    #[error("holiday calendar: the year {0} is already in the calendar")]
    DuplicateYear(i32),
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

impl HolidayCalendar {
    /// Parses and checks a calendar file (TOML, one `[[year]]` table per official notice).
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let file: YearFile = toml::from_str(text).map_err(|e| CalendarError::Parse(e.to_string()))?;
        let mut cal = HolidayCalendar::default();
        for y in file.year {
            for &date in &y.holidays {
                if date.year() != y.year {
                    return Err(CalendarError::WrongYear { year: y.year, date });
                }
                // Only weekday holidays matter for counting; a listed weekend day is a data error.
                if is_weekend(date) {
                    return Err(CalendarError::HolidayOnWeekend { year: y.year, date });
                }
                cal.holidays.insert(date);
            }
            for &date in &y.working_weekends {
                if !is_weekend(date) {
                    return Err(CalendarError::WorkingDayNotWeekend { year: y.year, date });
                }
                cal.working_weekends.insert(date);
            }
            cal.years.insert(y.year);
        }
        Ok(cal)
    }

    /// Adds another calendar's years; a year already present is an error (a notice is never
    /// silently replaced).
    pub fn merge(&mut self, other: HolidayCalendar) -> Result<(), CalendarError> {
        if let Some(year) = other.years.iter().find(|y| self.years.contains(y)) {
            return Err(CalendarError::DuplicateYear(*year));
        }
        self.years.extend(other.years);
        self.holidays.extend(other.holidays);
        self.working_weekends.extend(other.working_weekends);
        Ok(())
    }

    pub fn builtin() -> Self {
        Self::from_toml(BUILTIN_HOLIDAYS).expect("the shipped holiday calendar is valid")
    }

    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.working_weekends.contains(&d) {
            return true;
        }
        !is_weekend(d) && !self.holidays.contains(&d)
    }

    /// The date `n` working days after `start` (the start day itself not counted).
    /// Law 35 / Reg. 43 style limits: "within N working days" ends on the returned date.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days strictly after `from` up to and including `to`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                count += 1;
            }
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_shipped_calendar_loads() {
        let cal = HolidayCalendar::builtin();
        assert!(cal.knows_year(2025) && cal.knows_year(2026));
    }

    #[test]
    fn national_day_week_2026_is_skipped_and_its_make_up_saturday_counts() {
        let cal = HolidayCalendar::builtin();
        // 2026-09-30 (Wed) + 5 working days: Oct 1–7 off, Oct 8 (Thu), Oct 9 (Fri),
        // Oct 10 (Sat, make-up working day), Oct 12 (Mon), Oct 13 (Tue).
        assert_eq!(cal.add_working_days(date(2026, 9, 30), 5), date(2026, 10, 13));
        assert!(cal.is_working_day(date(2026, 10, 10)));
        assert!(!cal.is_working_day(date(2026, 10, 5)));
    }

    #[test]
    fn spring_festival_2026() {
        let cal = HolidayCalendar::builtin();
        assert!(!cal.is_working_day(date(2026, 2, 16)));
        assert!(cal.is_working_day(date(2026, 2, 14))); // Saturday, make-up day
                                                        // Friday Feb 13 + 1 working day → Saturday Feb 14 (make-up), + 2 → Tuesday Feb 24.
        assert_eq!(cal.add_working_days(date(2026, 2, 13), 1), date(2026, 2, 14));
        assert_eq!(cal.add_working_days(date(2026, 2, 13), 2), date(2026, 2, 24));
    }

    #[test]
    fn plain_weeks_count_five_days() {
        let cal = HolidayCalendar::builtin();
        assert_eq!(cal.working_days_between(date(2026, 11, 20), date(2026, 11, 27)), 5);
        assert_eq!(cal.add_working_days(date(2026, 11, 20), 0), date(2026, 11, 20));
    }

    #[test]
    fn a_later_year_can_be_added_but_not_replaced() {
        let mut cal = HolidayCalendar::builtin();
        let y2027 = HolidayCalendar::from_toml(
            "[[year]]\nyear = 2027\nsource = \"x\"\nholidays = [\"2027-01-01\"]\nworking_weekends = []\n",
        )
        .unwrap();
        cal.merge(y2027.clone()).unwrap();
        assert!(cal.knows_year(2027));
        assert!(!cal.is_working_day(date(2027, 1, 1)));
        assert_eq!(cal.merge(y2027), Err(CalendarError::DuplicateYear(2027)));
    }

    #[test]
    fn a_malformed_calendar_names_the_bad_date() {
        let bad = "[[year]]\nyear = 2026\nsource = \"x\"\nholidays = [\"2026-10-03\"]\nworking_weekends = []\n";
        assert_eq!(
            HolidayCalendar::from_toml(bad),
            Err(CalendarError::HolidayOnWeekend { year: 2026, date: date(2026, 10, 3) })
        );
        let wrong_year = "[[year]]\nyear = 2026\nsource = \"x\"\nholidays = [\"2025-10-01\"]\nworking_weekends = []\n";
        assert!(matches!(HolidayCalendar::from_toml(wrong_year), Err(CalendarError::WrongYear { .. })));
    }
}
