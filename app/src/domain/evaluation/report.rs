//! The evaluation report (评审报告), O87 art. 58: assembled by the system from the record of the
//! review, signed by every member (Reg. art. 41: a dissenting member signs with the dissent and
//! its reasons). A signature binds the SHA-256 of the report's content, so a changed report is a
//! new version that is signed again.

use super::sha256_hex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportMember {
    pub name: String,
    /// 评审专家 or 采购人代表.
    pub role_zh: String,
    pub leader: bool,
    /// Chosen by the purchaser instead of drawn (O87 art. 47 ¶4: marked when published).
    pub self_selected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportBidder {
    pub alias: String,
    pub name: String,
    pub lots: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedBid {
    pub rank: usize,
    pub alias: String,
    pub name: String,
    /// Yuan, as shown.
    pub price: String,
    pub technical: String,
    pub price_points: String,
    pub total: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLot {
    pub lot: String,
    /// The lot's 废标 reason.
    pub failed: Option<String>,
    /// Ranked as the panel found it: bids tied on score and price share a rank; the purchaser
    /// settles a tie for first place afterwards (O87 art. 68).
    pub ranking: Vec<RankedBid>,
}

/// One line of the record of corrections, confirmations, low-price reviews and replacements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub kind_zh: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub version: u32,
    /// Why this version replaces the previous one (re-review, O87 art. 64).
    pub version_reason: Option<String>,
    pub tender_id: String,
    pub title: String,
    pub buyer: String,
    /// Item 1: where the notice was published, the opening date and place.
    pub media: String,
    pub opened_at: String,
    pub place: String,
    /// Item 2: bidders and panel.
    pub bidders: Vec<ReportBidder>,
    pub panel: Vec<ReportMember>,
    /// Item 3: method and criteria.
    pub method_zh: String,
    pub criteria: Vec<(String, String)>,
    pub price_weight: String,
    /// Item 4: bids found invalid, with their reasons.
    pub invalid: Vec<(String, String)>,
    /// Item 5: the result per lot.
    pub lots: Vec<ReportLot>,
    /// Item 6: clarifications, corrections, low-price reviews, member replacements.
    pub notes: Vec<Note>,
}

/// The hash every signature binds: SHA-256 of the report's canonical JSON.
pub fn content_hash(report: &Report) -> String {
    sha256_hex(serde_json::to_string(report).expect("a report serialises").as_bytes())
}

/// What still stands between the review and the signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocker {
    /// A member has not submitted the compliance review.
    CompliancePending,
    /// A member has not submitted a sheet.
    SheetsMissing,
    /// A diagnostics flag has no correction or confirmation yet.
    FlagsOpen,
    /// An abnormally low price awaits the bidder's explanation or the panel's decision.
    LowPricePending,
    /// A member has not confirmed the absence of conflicts once shown the bidders.
    ConflictCheckPending,
    /// No panel leader.
    NoLeader,
}

impl Blocker {
    pub fn message_zh(self) -> &'static str {
        match self {
            Blocker::CompliancePending => "符合性审查尚未完成",
            Blocker::SheetsMissing => "尚有评审成员未提交评分表",
            Blocker::FlagsOpen => "尚有评分提示未处理（修改或书面说明）",
            Blocker::LowPricePending => "异常低价审查尚未结束",
            Blocker::ConflictCheckPending => "尚有评审成员未确认与投标人无利害关系",
            Blocker::NoLeader => "尚未确定评审组长",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Blocker::CompliancePending => "compliance_pending",
            Blocker::SheetsMissing => "sheets_missing",
            Blocker::FlagsOpen => "diagnostics_open",
            Blocker::LowPricePending => "low_price_pending",
            Blocker::ConflictCheckPending => "conflict_check_pending",
            Blocker::NoLeader => "no_leader",
        }
    }
}

/// The state of the review, as far as signing depends on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    #[serde(default)]
    pub compliance_pending: bool,
    pub sheets_missing: bool,
    pub flags_open: bool,
    pub low_price_pending: bool,
    pub conflict_checks_pending: bool,
    pub has_leader: bool,
}

/// O87 art. 64 and Reg. art. 41: the report is assembled and signed only when the compliance
/// review is concluded, every sheet is in,
/// every flag answered, every low price decided, every member has confirmed it has no conflict
/// with the named bidders, and the panel has a leader.
pub fn blockers(r: &Readiness) -> Vec<Blocker> {
    let mut out = Vec::new();
    if r.compliance_pending {
        out.push(Blocker::CompliancePending);
    }
    if r.sheets_missing {
        out.push(Blocker::SheetsMissing);
    }
    if r.flags_open {
        out.push(Blocker::FlagsOpen);
    }
    if r.low_price_pending {
        out.push(Blocker::LowPricePending);
    }
    if r.conflict_checks_pending {
        out.push(Blocker::ConflictCheckPending);
    }
    if !r.has_leader {
        out.push(Blocker::NoLeader);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        Report {
            version: 1,
            version_reason: None,
            tender_id: "t".into(),
            title: "双塔街道“4+1”社区服务综合包".into(),
            buyer: "苏州市民政局".into(),
            media: "采评平台".into(),
            opened_at: "2026-12-22 09:30".into(),
            place: "采评平台在线开标".into(),
            bidders: vec![],
            panel: vec![],
            method_zh: "公开招标".into(),
            criteria: vec![("服务方案".into(), "40".into())],
            price_weight: "10".into(),
            invalid: vec![],
            lots: vec![],
            notes: vec![],
        }
    }

    #[test]
    fn any_change_changes_the_hash_the_signatures_bind() {
        let a = report();
        let mut b = report();
        assert_eq!(content_hash(&a), content_hash(&b));
        b.notes.push(Note { kind_zh: "更正".into(), text: "x".into() });
        assert_ne!(content_hash(&a), content_hash(&b));
        assert_eq!(content_hash(&a).len(), 64);
    }

    #[test]
    fn signing_waits_for_everything_and_a_leader() {
        assert_eq!(blockers(&Readiness { has_leader: true, ..Default::default() }), []);
        assert_eq!(blockers(&Readiness::default()), [Blocker::NoLeader]);
        let all = Readiness {
            compliance_pending: true,
            sheets_missing: true,
            flags_open: true,
            low_price_pending: true,
            conflict_checks_pending: true,
            has_leader: false,
        };
        assert_eq!(blockers(&all).len(), 6);
        assert_eq!(blockers(&all)[0], Blocker::CompliancePending);
    }
}
