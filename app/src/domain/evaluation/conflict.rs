//! Conflicts of interest (回避), Reg. art. 9: checked privately by the system against each
//! bidder, so an expert is excluded or recused without being told which bidder it concerns.

use super::normalise;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// An organisation as an expert declares it: a name and, where known, its credit code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRef {
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
}

impl OrgRef {
    fn matches(&self, name: &str, credit_code: Option<&str>) -> bool {
        let code = normalise(&self.credit_code);
        if !code.is_empty() && credit_code.is_some_and(|c| normalise(c) == code) {
            return true;
        }
        let mine = normalise(&self.name);
        !mine.is_empty() && mine == normalise(name)
    }
}

/// An employment the expert declares, with its end (none while it lasts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employment {
    pub org: OrgRef,
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

/// What an expert keeps current in the profile for these checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertDeclaration {
    pub name: String,
    /// Citizen ID number; never shown to bidders or other experts.
    pub id_number: String,
    /// The current employer and those of the last three years.
    pub employments: Vec<Employment>,
    /// Organisations where the expert or a close relative (spouse, lineal relative, collateral
    /// within three generations, close in-law) is a director, supervisor, controlling
    /// shareholder or actual controller, or the legal representative.
    pub interests: Vec<OrgRef>,
}

/// A bidder as the checks see it: the organisation and the people of its declaration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidderFacts {
    pub org_name: String,
    pub credit_code: Option<String>,
    /// (name, ID number) of everyone on the roster the bid declared.
    pub people: Vec<(String, String)>,
}

/// A ground of recusal found against one bidder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    /// Employed by the bidder within the three years before the procurement.
    EmployedWithin3Years,
    /// The expert or a close relative holds office in or controls the bidder.
    DeclaredInterest,
    /// The expert is on the bidder's own staff roster.
    OnBiddersRoster,
    /// The bidder asked for this person's recusal (O87 art. 42).
    RequestedByBidder,
    /// The expert declared a relationship when shown the bidders.
    DeclaredByExpert,
}

impl Ground {
    pub fn as_str(self) -> &'static str {
        match self {
            Ground::EmployedWithin3Years => "employed_within_3_years",
            Ground::DeclaredInterest => "declared_interest",
            Ground::OnBiddersRoster => "on_bidders_roster",
            Ground::RequestedByBidder => "requested_by_bidder",
            Ground::DeclaredByExpert => "declared_by_expert",
        }
    }

    pub fn message_zh(self) -> &'static str {
        match self {
            Ground::EmployedWithin3Years => "采购活动前三年内曾在投标人任职",
            Ground::DeclaredInterest => "本人或近亲属在投标人担任职务或控制投标人",
            Ground::OnBiddersRoster => "系投标人人员名册中的人员",
            Ground::RequestedByBidder => "投标人申请回避",
            Ground::DeclaredByExpert => "专家本人申明存在应当回避的关系",
        }
    }
}

/// Reg. art. 9: the grounds on which the expert must not review `bidder`, for a procurement on
/// `procurement_date`. Employment counts if it lasted into the three years before that date.
pub fn grounds(expert: &ExpertDeclaration, bidder: &BidderFacts, procurement_date: NaiveDate) -> Vec<Ground> {
    let code = bidder.credit_code.as_deref();
    let mut out = Vec::new();
    // "三年内": from the same date three years earlier (the later of the two possible days).
    let window_start = procurement_date - Duration::days(3 * 365 + 1);
    if expert
        .employments
        .iter()
        .any(|e| e.org.matches(&bidder.org_name, code) && e.until.is_none_or(|until| until >= window_start))
    {
        out.push(Ground::EmployedWithin3Years);
    }
    if expert.interests.iter().any(|i| i.matches(&bidder.org_name, code)) {
        out.push(Ground::DeclaredInterest);
    }
    let id = normalise(&expert.id_number);
    if !id.is_empty() && bidder.people.iter().any(|(_, p)| normalise(p) == id) {
        out.push(Ground::OnBiddersRoster);
    }
    out
}

/// A person a bidder asks to be recused (O87 art. 42): by name, with the ID number when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecusalRequest {
    pub name: String,
    #[serde(default)]
    pub id_number: String,
}

/// Whether a bidder's request names this expert: the ID number decides when the request gives
/// one; otherwise the name.
pub fn request_names(request: &RecusalRequest, expert: &ExpertDeclaration) -> bool {
    let id = normalise(&request.id_number);
    if !id.is_empty() {
        return id == normalise(&expert.id_number);
    }
    !normalise(&request.name).is_empty() && normalise(&request.name) == normalise(&expert.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn expert() -> ExpertDeclaration {
        ExpertDeclaration {
            name: "周专家".into(),
            id_number: "320502197001011234".into(),
            employments: vec![Employment {
                org: OrgRef {
                    name: "苏州市姑苏区阳光社会工作服务社".into(), credit_code: String::new()
                },
                until: Some(date(2024, 6, 30)),
            }],
            interests: vec![OrgRef { name: String::new(), credit_code: "52320594MJ5967890H".into() }],
        }
    }

    fn bidder(name: &str, code: &str) -> BidderFacts {
        BidderFacts { org_name: name.into(), credit_code: Some(code.into()), people: vec![] }
    }

    #[test]
    fn a_former_employer_within_three_years_is_a_ground() {
        let yangguang = bidder("苏州市姑苏区 阳光社会工作服务社", "52320508MJ59123453");
        assert_eq!(grounds(&expert(), &yangguang, date(2026, 12, 23)), [Ground::EmployedWithin3Years]);
        // Left in mid-2024: still within three years of a procurement in 2027-06; not in 2027-07.
        assert_eq!(grounds(&expert(), &yangguang, date(2027, 6, 30)), [Ground::EmployedWithin3Years]);
        assert!(grounds(&expert(), &yangguang, date(2027, 7, 2)).is_empty());
    }

    #[test]
    fn a_declared_interest_matches_by_credit_code() {
        let yimin = bidder("苏州工业园区益民社工事务所", "52320594mj5967890h");
        assert_eq!(grounds(&expert(), &yimin, date(2026, 12, 23)), [Ground::DeclaredInterest]);
    }

    #[test]
    fn an_expert_on_the_bidders_roster_is_a_ground() {
        let mut hexie = bidder("苏州市吴中区和谐社会工作服务中心", "52320508MJ59135795");
        assert!(grounds(&expert(), &hexie, date(2026, 12, 23)).is_empty());
        hexie.people.push(("周专家".into(), "320502197001011234".into()));
        assert_eq!(grounds(&expert(), &hexie, date(2026, 12, 23)), [Ground::OnBiddersRoster]);
    }

    #[test]
    fn a_bidders_request_names_by_id_number_first() {
        let e = expert();
        assert!(request_names(&RecusalRequest { name: "周专家".into(), id_number: String::new() }, &e));
        assert!(!request_names(&RecusalRequest { name: "周专家".into(), id_number: "110101199001011234".into() }, &e));
        assert!(request_names(&RecusalRequest { name: "别名".into(), id_number: "320502197001011234".into() }, &e));
        assert!(!request_names(&RecusalRequest::default(), &e));
    }
}
