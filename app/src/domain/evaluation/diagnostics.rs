//! What the system checks once every member's sheet is in: per criterion and bid the mean,
//! lowest, highest and spread, and flags for scores outside the range, objective criteria
//! scored differently, and scores far from the other members' mean (畸高畸低). A flagged
//! member corrects, only for the reasons of O87 art. 64, or confirms with a written
//! explanation. Nothing is normalised and no score is dropped (O87 art. 55).
//!
//! O87 art. 64 (1)'s summation errors (分值汇总计算错误) have no flag: members enter each
//! criterion's points and the totals are summed by [`crate::domain::scoring`], never typed, so a
//! sheet cannot disagree with its own total. The reason stays available to a re-review.

use super::cite;
use crate::domain::national::CorrectionReason;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A criterion as the diagnostics need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub max_points: Decimal,
    /// Objective criteria are scored identically by every member.
    pub objective: bool,
}

/// The submitted sheets: `scores[member][bid][criterion]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheets {
    pub members: Vec<String>,
    pub bids: Vec<String>,
    pub scores: Vec<Vec<Vec<Decimal>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub bid: String,
    pub criterion: usize,
    pub mean: Decimal,
    pub min: Decimal,
    pub max: Decimal,
    pub spread: Decimal,
}

/// A cell of the sheets: one member's score of one bid on one criterion.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    pub member: String,
    pub bid: String,
    pub criterion: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// O87 art. 64 (2): a score outside the criterion's range.
    OutOfRange { cell: Cell, value: Decimal },
    /// O87 art. 64 (3): an objective criterion scored differently by the members; every member
    /// whose score differs from the most common one is asked to correct.
    ObjectiveInconsistent { cell: Cell, value: Decimal, common: Decimal },
    /// O87 art. 64 (4): farther from the other members' mean than the tender's threshold.
    Outlier { cell: Cell, value: Decimal, others_mean: Decimal },
}

impl Flag {
    pub fn cell(&self) -> &Cell {
        match self {
            Flag::OutOfRange { cell, .. } | Flag::ObjectiveInconsistent { cell, .. } | Flag::Outlier { cell, .. } => {
                cell
            }
        }
    }

    /// The only correction reason this flag admits.
    pub fn reason(&self) -> CorrectionReason {
        match self {
            Flag::OutOfRange { .. } => CorrectionReason::OutOfRange,
            Flag::ObjectiveInconsistent { .. } => CorrectionReason::InconsistentObjectiveScoring,
            Flag::Outlier { .. } => CorrectionReason::AbnormallyHighOrLow,
        }
    }

    /// Whether the member may keep the score with a written explanation instead of correcting.
    pub fn may_confirm(&self) -> bool {
        matches!(self, Flag::Outlier { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostics {
    pub stats: Vec<Stats>,
    pub flags: Vec<Flag>,
}

fn mean(values: &[Decimal]) -> Decimal {
    if values.is_empty() {
        return Decimal::ZERO;
    }
    values.iter().copied().sum::<Decimal>() / Decimal::from(values.len())
}

/// The diagnostics of complete sheets. `outlier_pct`: the tender's threshold, in percent of the
/// criterion's points.
pub fn diagnose(criteria: &[Criterion], sheets: &Sheets, outlier_pct: u32) -> Diagnostics {
    let mut stats = Vec::new();
    let mut flags = Vec::new();
    let thresholds: Vec<Decimal> =
        criteria.iter().map(|c| c.max_points * Decimal::from(outlier_pct) / Decimal::from(100)).collect();
    for (b, bid) in sheets.bids.iter().enumerate() {
        for (k, c) in criteria.iter().enumerate() {
            let values: Vec<(usize, Decimal)> = sheets
                .scores
                .iter()
                .enumerate()
                .filter_map(|(m, sheet)| sheet.get(b).and_then(|row| row.get(k)).map(|v| (m, *v)))
                .collect();
            if values.is_empty() {
                continue;
            }
            let all: Vec<Decimal> = values.iter().map(|(_, v)| *v).collect();
            let (min, max) = (all.iter().copied().min().unwrap(), all.iter().copied().max().unwrap());
            stats.push(Stats { bid: bid.clone(), criterion: k, mean: mean(&all), min, max, spread: max - min });
            let cell = |m: usize| Cell { member: sheets.members[m].clone(), bid: bid.clone(), criterion: k };
            for (m, v) in &values {
                if *v < Decimal::ZERO || *v > c.max_points {
                    flags.push(Flag::OutOfRange { cell: cell(*m), value: *v });
                }
            }
            if c.objective {
                if min != max {
                    // The most common score (the higher one on a tie) is the reference.
                    let common = all
                        .iter()
                        .copied()
                        .max_by_key(|x| (all.iter().filter(|y| *y == x).count(), *x))
                        .expect("not empty");
                    for (m, v) in &values {
                        if *v != common {
                            flags.push(Flag::ObjectiveInconsistent { cell: cell(*m), value: *v, common });
                        }
                    }
                }
                continue;
            }
            if values.len() < 2 {
                continue;
            }
            // |v − mean(others)| > t  ⇔  |v·(n−1) − (sum − v)| > t·(n−1): exact in decimals, and
            // one sum and no division per score (15 × 200 × 30 scores stay within milliseconds).
            let sum: Decimal = all.iter().copied().sum();
            let others_n = Decimal::from(values.len() - 1);
            let limit = thresholds[k] * others_n;
            for (m, v) in &values {
                let others_sum = sum - *v;
                if (*v * others_n - others_sum).abs() > limit {
                    flags.push(Flag::Outlier { cell: cell(*m), value: *v, others_mean: others_sum / others_n });
                }
            }
        }
    }
    Diagnostics { stats, flags }
}

/// How a member answers a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Correct { reason: CorrectionReason, value: Decimal, note: String },
    Confirm { explanation: String },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AnswerError {
    #[error("nothing is flagged in this cell: scores change only for the reasons of O87 art. 64")]
    NotFlagged,
    #[error("this flag is corrected for another reason")]
    WrongReason,
    #[error("an objective criterion or an out-of-range score must be corrected")]
    MustCorrect,
    #[error("a written note of at least 10 characters is required")]
    NoteRequired,
    #[error("the corrected score is outside the criterion's range")]
    OutOfRange,
}

impl AnswerError {
    pub fn code(&self) -> &'static str {
        match self {
            AnswerError::NotFlagged => "correction_not_flagged",
            AnswerError::WrongReason => "correction_wrong_reason",
            AnswerError::MustCorrect => "correction_required",
            AnswerError::NoteRequired => "correction_note_required",
            AnswerError::OutOfRange => "score_out_of_range",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            AnswerError::NotFlagged => {
                format!("该项评分未被提示，评审结果汇总后只能因{}规定的情形修改", cite::O87_64)
            }
            AnswerError::WrongReason => format!("修改理由与提示情形不符（{}）", cite::O87_64),
            AnswerError::MustCorrect => "客观评审因素评分不一致或超出分值范围的，须予修改".into(),
            AnswerError::NoteRequired => "须写明修改或坚持原评分的理由（至少10个字）".into(),
            AnswerError::OutOfRange => "修改后的分值超出该评分因素的分值范围".into(),
        }
    }
}

/// Checks a member's answer to the flags on `cell`: a correction needs the flag's own O87 art. 64
/// reason, a value within the range and a note; a confirmation only an outlier, with a written
/// explanation.
pub fn check_answer(flags: &[Flag], cell: &Cell, max_points: Decimal, answer: &Answer) -> Result<(), AnswerError> {
    let on_cell: Vec<&Flag> = flags.iter().filter(|f| f.cell() == cell).collect();
    if on_cell.is_empty() {
        return Err(AnswerError::NotFlagged);
    }
    match answer {
        Answer::Correct { reason, value, note } => {
            if !on_cell.iter().any(|f| f.reason() == *reason) {
                return Err(AnswerError::WrongReason);
            }
            if *value < Decimal::ZERO || *value > max_points {
                return Err(AnswerError::OutOfRange);
            }
            if note.trim().chars().count() < 10 {
                return Err(AnswerError::NoteRequired);
            }
        }
        Answer::Confirm { explanation } => {
            if !on_cell.iter().all(|f| f.may_confirm()) {
                return Err(AnswerError::MustCorrect);
            }
            if explanation.trim().chars().count() < 10 {
                return Err(AnswerError::NoteRequired);
            }
        }
    }
    Ok(())
}

/// The flags still open once the confirmed cells are set aside: the report waits for none.
pub fn open_flags<'a>(flags: &'a [Flag], confirmed: &[Cell]) -> Vec<&'a Flag> {
    flags.iter().filter(|f| !(f.may_confirm() && confirmed.contains(f.cell()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn criteria() -> Vec<Criterion> {
        vec![
            Criterion { name: "服务方案".into(), max_points: d("40"), objective: false },
            Criterion { name: "社工持证人数".into(), max_points: d("10"), objective: true },
        ]
    }

    /// Five members, one bid: the Suzhou 5-member panel.
    fn sheets(plan: [&str; 5], certified: [&str; 5]) -> Sheets {
        Sheets {
            members: (1..=5).map(|m| format!("m{m}")).collect(),
            bids: vec!["A".into()],
            scores: (0..5).map(|m| vec![vec![d(plan[m]), d(certified[m])]]).collect(),
        }
    }

    #[test]
    fn statistics_per_criterion_and_bid() {
        let dx = diagnose(&criteria(), &sheets(["30", "32", "34", "31", "33"], ["8"; 5]), 20);
        assert_eq!(
            dx.stats[0],
            Stats { bid: "A".into(), criterion: 0, mean: d("32"), min: d("30"), max: d("34"), spread: d("4") }
        );
        assert!(dx.flags.is_empty());
    }

    #[test]
    fn an_outlier_beyond_the_threshold_is_flagged_and_one_at_it_is_not() {
        // Threshold 20 % of 40 = 8 points. Others' mean of 30, 30, 30, 30 is 30.
        let at = diagnose(&criteria(), &sheets(["30", "30", "30", "30", "38"], ["8"; 5]), 20);
        assert!(at.flags.is_empty(), "exactly 8 points away is not beyond the threshold");
        let beyond = diagnose(&criteria(), &sheets(["30", "30", "30", "30", "38.01"], ["8"; 5]), 20);
        assert_eq!(beyond.flags.len(), 1);
        assert!(matches!(&beyond.flags[0], Flag::Outlier { cell, .. } if cell.member == "m5"));
    }

    #[test]
    fn objective_criteria_must_agree() {
        let dx = diagnose(&criteria(), &sheets(["30"; 5], ["8", "8", "8", "6", "8"]), 20);
        assert_eq!(
            dx.flags,
            [Flag::ObjectiveInconsistent {
                cell: Cell { member: "m4".into(), bid: "A".into(), criterion: 1 },
                value: d("6"),
                common: d("8")
            }]
        );
    }

    #[test]
    fn corrections_only_for_the_flags_own_reason() {
        let dx = diagnose(&criteria(), &sheets(["30", "30", "30", "30", "39"], ["8", "8", "8", "6", "8"]), 20);
        let outlier = Cell { member: "m5".into(), bid: "A".into(), criterion: 0 };
        let objective = Cell { member: "m4".into(), bid: "A".into(), criterion: 1 };
        let unflagged = Cell { member: "m1".into(), bid: "A".into(), criterion: 0 };
        let fix = |reason, value: &str| Answer::Correct {
            reason,
            value: d(value),
            note: "复核方案后认为原评分偏高，予以修改".into(),
        };
        assert_eq!(
            check_answer(&dx.flags, &unflagged, d("40"), &fix(CorrectionReason::AbnormallyHighOrLow, "31")),
            Err(AnswerError::NotFlagged)
        );
        assert_eq!(
            check_answer(&dx.flags, &outlier, d("40"), &fix(CorrectionReason::SummationError, "31")),
            Err(AnswerError::WrongReason)
        );
        assert_eq!(
            check_answer(&dx.flags, &outlier, d("40"), &fix(CorrectionReason::AbnormallyHighOrLow, "31")),
            Ok(())
        );
        assert_eq!(
            check_answer(&dx.flags, &outlier, d("40"), &fix(CorrectionReason::AbnormallyHighOrLow, "41")),
            Err(AnswerError::OutOfRange)
        );
        let keep = Answer::Confirm { explanation: "该方案的社区动员设计明显优于其他".into() };
        assert_eq!(check_answer(&dx.flags, &outlier, d("40"), &keep), Ok(()));
        assert_eq!(check_answer(&dx.flags, &objective, d("10"), &keep), Err(AnswerError::MustCorrect));
        let short = Answer::Confirm { explanation: "坚持".into() };
        assert_eq!(check_answer(&dx.flags, &outlier, d("40"), &short), Err(AnswerError::NoteRequired));
        // Once confirmed the outlier no longer holds the report; the objective flag still does.
        assert_eq!(open_flags(&dx.flags, &[outlier]).len(), 1);
    }
}
