//! Re-review after signing (重新评审, O87 art. 64 ¶2): once the report is signed, a result
//! changes only when the purchaser convenes the original panel for one of the article's four
//! reasons. The purchaser states the reason and what it found; members correct their own
//! scores for that reason only, each with a note; the report is formed again as a new version,
//! carrying the reason, and every member signs it again. Not once a lot is awarded: a change
//! then goes through an objection (质疑) and complaint.

use super::cite;
use crate::domain::national::CorrectionReason;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum RereviewError {
    #[error("a re-review follows a signed report")]
    NotSigned,
    #[error("a lot is awarded: the result changes only through an objection or complaint")]
    Awarded,
    #[error("a re-review is under way")]
    AlreadyOpen,
    #[error("state what was found (at least 10 characters)")]
    FindingRequired,
    #[error("in this re-review scores are corrected for its own reason only")]
    WrongReason,
    #[error("the corrected score is outside the criterion's range")]
    OutOfRange,
    #[error("a correction needs its note (at least 10 characters)")]
    NoteRequired,
}

impl RereviewError {
    pub fn code(&self) -> &'static str {
        match self {
            RereviewError::NotSigned => "report_not_signed",
            RereviewError::Awarded => "result_awarded",
            RereviewError::AlreadyOpen => "rereview_open",
            RereviewError::FindingRequired => "rereview_finding",
            RereviewError::WrongReason => "correction_wrong_reason",
            RereviewError::OutOfRange => "score_out_of_range",
            RereviewError::NoteRequired => "correction_note_required",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            RereviewError::NotSigned => "评审报告全体签署后方可组织重新评审；签署前由评审委员会当场更正".into(),
            RereviewError::Awarded => "已确定中标（成交）供应商，评审结果只能经质疑、投诉程序变更".into(),
            RereviewError::AlreadyOpen => "重新评审正在进行".into(),
            RereviewError::FindingRequired => format!("须写明发现的{}规定情形（至少10个字）", cite::O87_64),
            RereviewError::WrongReason => format!("本次重新评审只能因所列情形修改评分（{}）", cite::O87_64),
            RereviewError::OutOfRange => "修改后的分值超出该评分因素的分值范围".into(),
            RereviewError::NoteRequired => "须写明修改理由（至少10个字）".into(),
        }
    }
}

/// O87 art. 64 ¶2: whether the purchaser may convene the original panel now.
pub fn start(report_signed: bool, awarded: bool, open: bool, finding: &str) -> Result<(), RereviewError> {
    if !report_signed {
        return Err(RereviewError::NotSigned);
    }
    if awarded {
        return Err(RereviewError::Awarded);
    }
    if open {
        return Err(RereviewError::AlreadyOpen);
    }
    if finding.trim().chars().count() < 10 {
        return Err(RereviewError::FindingRequired);
    }
    Ok(())
}

/// A member's correction in a re-review: the re-review's own reason, a value within the
/// criterion's range and a note.
pub fn check_correction(
    rereview: CorrectionReason,
    reason: CorrectionReason,
    value: Decimal,
    max_points: Decimal,
    note: &str,
) -> Result<(), RereviewError> {
    if reason != rereview {
        return Err(RereviewError::WrongReason);
    }
    if value < Decimal::ZERO || value > max_points {
        return Err(RereviewError::OutOfRange);
    }
    if note.trim().chars().count() < 10 {
        return Err(RereviewError::NoteRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    const FINDING: &str = "成员3对投标人B“团队配备”（客观）评分与其他成员不一致";

    #[test]
    fn only_a_signed_unawarded_result_is_re_reviewed_and_once_at_a_time() {
        assert_eq!(start(true, false, false, FINDING), Ok(()));
        assert_eq!(start(false, false, false, FINDING), Err(RereviewError::NotSigned));
        assert_eq!(start(true, true, false, FINDING), Err(RereviewError::Awarded));
        assert_eq!(start(true, false, true, FINDING), Err(RereviewError::AlreadyOpen));
        assert_eq!(start(true, false, false, "评分不一致"), Err(RereviewError::FindingRequired));
        assert!(RereviewError::FindingRequired.message_zh().contains("第六十四条"));
    }

    #[test]
    fn corrections_keep_to_the_re_reviews_reason_and_the_range() {
        let r = CorrectionReason::InconsistentObjectiveScoring;
        let note = "按招标文件客观评分标准复核，团队人数应得25分";
        assert_eq!(check_correction(r, r, dec("25"), dec("30"), note), Ok(()));
        assert_eq!(check_correction(r, r, dec("30"), dec("30"), note), Ok(()));
        assert_eq!(check_correction(r, r, dec("30.01"), dec("30"), note), Err(RereviewError::OutOfRange));
        assert_eq!(check_correction(r, r, dec("-1"), dec("30"), note), Err(RereviewError::OutOfRange));
        assert_eq!(
            check_correction(r, CorrectionReason::AbnormallyHighOrLow, dec("25"), dec("30"), note),
            Err(RereviewError::WrongReason)
        );
        assert_eq!(check_correction(r, r, dec("25"), dec("30"), "复核"), Err(RereviewError::NoteRequired));
    }
}
