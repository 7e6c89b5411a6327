//! An organisation that registers itself is checked by the platform before it may bid or
//! apply: a checksum-valid credit code proves nothing about who typed it. The review's states
//! and the reason a refusal must carry.

use serde::{Deserialize, Serialize};

/// Where a self-registered organisation stands with the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Registered, not yet reviewed: may sign in and prepare its profile, may not bid.
    Pending,
    Approved,
    /// Refused with a reason the organisation reads; an admin may still approve it later
    /// (after the organisation has put right what the reason names).
    Refused,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Pending => "pending",
            Standing::Approved => "approved",
            Standing::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Standing::Pending),
            "approved" => Some(Standing::Approved),
            "refused" => Some(Standing::Refused),
            _ => None,
        }
    }

    /// Only an approved organisation takes part in procurement (submits bids or applications,
    /// asks questions on a tender).
    pub fn may_take_part(self) -> bool {
        self == Standing::Approved
    }
}

/// The admin's decision on one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Refuse(RefusalReason),
}

/// Why a registration was refused, as the organisation will read it: 4–500 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalReason(String);

pub const REASON_MIN_CHARS: usize = 4;
pub const REASON_MAX_CHARS: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("a refusal states its reason in 4–500 characters")]
    ReasonLength,
    #[error("the organisation is approved already")]
    AlreadyApproved,
    #[error("the organisation was refused already")]
    AlreadyRefused,
}

impl ReviewError {
    pub fn code(self) -> &'static str {
        match self {
            ReviewError::ReasonLength => "refusal_reason_length",
            ReviewError::AlreadyApproved => "org_already_approved",
            ReviewError::AlreadyRefused => "org_already_refused",
        }
    }
}

impl RefusalReason {
    /// Parses the reason as typed (surrounding whitespace dropped).
    pub fn parse(input: &str) -> Result<Self, ReviewError> {
        let text = input.trim();
        let n = text.chars().count();
        if !(REASON_MIN_CHARS..=REASON_MAX_CHARS).contains(&n) {
            return Err(ReviewError::ReasonLength);
        }
        Ok(RefusalReason(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The standing after a decision: pending organisations are approved or refused, a refused one
/// may be approved later; an approval is final (deactivating its accounts is the remedy) and a
/// refusal is not repeated.
pub fn decide(current: Standing, decision: &Decision) -> Result<Standing, ReviewError> {
    match (current, decision) {
        (Standing::Approved, _) => Err(ReviewError::AlreadyApproved),
        (Standing::Pending | Standing::Refused, Decision::Approve) => Ok(Standing::Approved),
        (Standing::Pending, Decision::Refuse(_)) => Ok(Standing::Refused),
        (Standing::Refused, Decision::Refuse(_)) => Err(ReviewError::AlreadyRefused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_needs_a_reason_of_4_to_500_characters() {
        assert_eq!(RefusalReason::parse("  资料  "), Err(ReviewError::ReasonLength));
        assert_eq!(RefusalReason::parse("代码不符").unwrap().as_str(), "代码不符");
        assert!(RefusalReason::parse(&"字".repeat(500)).is_ok());
        assert_eq!(RefusalReason::parse(&"字".repeat(501)), Err(ReviewError::ReasonLength));
        assert_eq!(RefusalReason::parse(""), Err(ReviewError::ReasonLength));
    }

    #[test]
    fn pending_is_approved_or_refused_and_a_refusal_can_be_reversed() {
        let refuse = Decision::Refuse(RefusalReason::parse("信用代码与登记证书不符").unwrap());
        assert_eq!(decide(Standing::Pending, &Decision::Approve), Ok(Standing::Approved));
        assert_eq!(decide(Standing::Pending, &refuse), Ok(Standing::Refused));
        assert_eq!(decide(Standing::Refused, &Decision::Approve), Ok(Standing::Approved));
        assert_eq!(decide(Standing::Refused, &refuse), Err(ReviewError::AlreadyRefused));
        assert_eq!(decide(Standing::Approved, &Decision::Approve), Err(ReviewError::AlreadyApproved));
        assert_eq!(decide(Standing::Approved, &refuse), Err(ReviewError::AlreadyApproved));
    }

    #[test]
    fn only_an_approved_organisation_takes_part() {
        assert!(Standing::Approved.may_take_part());
        assert!(!Standing::Pending.may_take_part() && !Standing::Refused.may_take_part());
        for s in [Standing::Pending, Standing::Approved, Standing::Refused] {
            assert_eq!(Standing::parse(s.as_str()), Some(s));
        }
        assert_eq!(Standing::parse("approved "), None);
    }
}
