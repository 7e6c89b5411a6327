//! An organisation's profile and staff roster as the bidder types them, the team a bid proposes
//! from that roster, the declaration a bid keeps, and the checks on it: the template's
//! qualification and team rules, certificate expiry, and personnel promised twice.

use super::field::FieldError;
use super::profile::{
    Certificate, Education, LegalForm, Major, Organisation, OverseasProof, Person, RegistrationLevel, TeacherRecord,
    Team,
};
use super::qualification::{evaluate_org, evaluate_team, RuleSpec};
use super::verdict::Verdict;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// GB 11643-1999: the check character over the first 17 digits of a citizen ID number.
pub fn id_check_character(first17: &str) -> Option<char> {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let digits: Vec<u32> = first17.chars().map(|c| c.to_digit(10)).collect::<Option<_>>()?;
    if digits.len() != 17 {
        return None;
    }
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// GB 11643-1999: 17 digits and the right check character.
pub fn id_number_valid(id: &str) -> bool {
    let id = id.trim().to_ascii_uppercase();
    id.len() == 18 && id.is_ascii() && id_check_character(&id[..17]) == id.chars().last()
}

/// Shown on screens and records: the region and the last four characters only.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    format!(
        "{}{}{}",
        chars[..4].iter().collect::<String>(),
        "*".repeat(chars.len() - 8),
        chars[chars.len() - 4..].iter().collect::<String>()
    )
}

/// The organisation's facts other than its staff, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProfileInput {
    /// `private_non_enterprise`, `social_group`, `foundation`, `company`.
    pub legal_form: String,
    /// `below_county`, `county`, `city`, `province`, `national`.
    pub registration_level: String,
    pub civil_affairs_registration: bool,
    pub social_work_scope: bool,
    pub region: String,
    /// Board members holding 社会工作师 or higher, holding 助理社会工作师, and without a certificate.
    pub board_social_workers: String,
    pub board_assistants: String,
    pub board_others: String,
}

fn count(field: &str, text: &str, errors: &mut Vec<FieldError>) -> usize {
    match text.trim() {
        "" => 0,
        t => t.parse::<usize>().ok().filter(|n| *n <= 100).unwrap_or_else(|| {
            errors.push(FieldError::new(
                field,
                "count_invalid",
                "请填写0–100的整数",
                "Enter a whole number from 0 to 100",
            ));
            0
        }),
    }
}

fn pick<T: Copy>(field: &str, text: &str, options: &[(&str, T)], errors: &mut Vec<FieldError>) -> Option<T> {
    let found = options.iter().find(|(k, _)| *k == text.trim()).map(|(_, v)| *v);
    if found.is_none() {
        errors.push(FieldError::new(field, "choice_invalid", "请选择一项", "Choose one option"));
    }
    found
}

const LEGAL_FORMS: [(&str, LegalForm); 4] = [
    ("private_non_enterprise", LegalForm::PrivateNonEnterprise),
    ("social_group", LegalForm::SocialGroup),
    ("foundation", LegalForm::Foundation),
    ("company", LegalForm::Company),
];
const LEVELS: [(&str, RegistrationLevel); 5] = [
    ("below_county", RegistrationLevel::BelowCounty),
    ("county", RegistrationLevel::County),
    ("city", RegistrationLevel::City),
    ("province", RegistrationLevel::Province),
    ("national", RegistrationLevel::National),
];
const EDUCATION: [(&str, Education); 6] = [
    ("none", Education::None),
    ("secondary", Education::Secondary),
    ("junior_college", Education::JuniorCollege),
    ("bachelor", Education::Bachelor),
    ("master", Education::Master),
    ("doctorate", Education::Doctorate),
];
const MAJORS: [(&str, Major); 3] =
    [("social_work", Major::SocialWork), ("sociology", Major::Sociology), ("other", Major::Other)];
const CERTIFICATES: [(&str, Option<Certificate>); 4] = [
    ("", None),
    ("assistant", Some(Certificate::Assistant)),
    ("social_worker", Some(Certificate::SocialWorker)),
    ("senior", Some(Certificate::Senior)),
];

/// The organisation's profile without staff (the roster is kept per person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub legal_form: LegalForm,
    pub registration_level: RegistrationLevel,
    pub civil_affairs_registration: bool,
    pub social_work_scope: bool,
    pub region: String,
    pub board: Vec<Option<Certificate>>,
}

/// Parses the profile form, reporting every bad field.
pub fn parse_profile(input: &ProfileInput) -> Result<Profile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let legal_form = pick("legal_form", &input.legal_form, &LEGAL_FORMS, &mut errors);
    let level = pick("registration_level", &input.registration_level, &LEVELS, &mut errors);
    let region = input.region.trim().to_string();
    if region.chars().count() > 50 {
        errors.push(FieldError::new(
            "region",
            "region_too_long",
            "登记地不得超过50字",
            "The region is limited to 50 characters",
        ));
    }
    let sw = count("board_social_workers", &input.board_social_workers, &mut errors);
    let assistants = count("board_assistants", &input.board_assistants, &mut errors);
    let others = count("board_others", &input.board_others, &mut errors);
    match (legal_form, level, errors.is_empty()) {
        (Some(legal_form), Some(registration_level), true) => {
            let mut board = vec![Some(Certificate::SocialWorker); sw];
            board.extend(vec![Some(Certificate::Assistant); assistants]);
            board.extend(vec![None; others]);
            Ok(Profile {
                legal_form,
                registration_level,
                civil_affairs_registration: input.civil_affairs_registration,
                social_work_scope: input.social_work_scope,
                region,
                board,
            })
        }
        _ => Err(errors),
    }
}

/// One person as typed into the roster form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonInput {
    pub name: String,
    pub id_number: String,
    pub education: String,
    pub major: String,
    /// Empty, `assistant`, `social_worker`, `senior`.
    pub certificate: String,
    pub certificate_number: String,
    /// `2027-06-30`; empty when there is no certificate.
    pub certificate_expiry: String,
    pub full_time: bool,
    pub contract_months: String,
    pub social_insurance: bool,
    pub practice_months: String,
    pub related_months: String,
    pub local: bool,
    pub jiangsu_registered: bool,
    pub supervision_norms: bool,
    /// University social-work teacher: projects led and their months in total.
    pub teacher_projects: String,
    pub teacher_months: String,
    /// Overseas social worker: both proofs held.
    pub overseas_registration: bool,
    pub overseas_practice: bool,
}

/// A roster member: the person as the rules see them plus the identifiers de-duplication uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub id_number: String,
    pub certificate_number: String,
    pub certificate_expiry: Option<NaiveDate>,
    pub person: Person,
}

fn months(field: &str, text: &str, errors: &mut Vec<FieldError>) -> u32 {
    match text.trim() {
        "" => 0,
        t => t.parse::<u32>().ok().filter(|m| *m <= 600).unwrap_or_else(|| {
            errors.push(FieldError::new(
                field,
                "months_invalid",
                "请填写0–600的整数（月）",
                "Enter whole months from 0 to 600",
            ));
            0
        }),
    }
}

/// Parses a roster entry (`id` is assigned by the caller). A certificate needs its number and expiry.
pub fn parse_person(id: &str, input: &PersonInput) -> Result<Member, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 50 {
        errors.push(FieldError::new("name", "name_required", "请填写姓名", "Enter the name"));
    }
    let id_number = input.id_number.trim().to_ascii_uppercase();
    if !id_number_valid(&id_number) {
        errors.push(FieldError::new(
            "id_number",
            "id_number_invalid",
            "身份证号码无效（18位，末位校验码不符）",
            "Invalid citizen ID number (18 characters with a valid check character)",
        ));
    }
    let education = pick("education", &input.education, &EDUCATION, &mut errors);
    let major = pick("major", &input.major, &MAJORS, &mut errors);
    let certificate = pick("certificate", &input.certificate, &CERTIFICATES, &mut errors).flatten();
    let certificate_number = input.certificate_number.trim().to_string();
    let expiry = match input.certificate_expiry.trim() {
        "" => None,
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(
                    "certificate_expiry",
                    "date_invalid",
                    "日期格式应为 2027-06-30",
                    "Dates look like 2027-06-30",
                ));
                None
            }
        },
    };
    if certificate.is_some() && (certificate_number.is_empty() || input.certificate_expiry.trim().is_empty()) {
        errors.push(FieldError::new(
            "certificate_number",
            "certificate_details_required",
            "持证人员须填写证书编号和有效期",
            "A certificate needs its number and expiry date",
        ));
    }
    let contract_months = months("contract_months", &input.contract_months, &mut errors);
    let practice_months = months("practice_months", &input.practice_months, &mut errors);
    let related_months = months("related_months", &input.related_months, &mut errors);
    let teacher_projects = months("teacher_projects", &input.teacher_projects, &mut errors);
    let teacher_months = months("teacher_months", &input.teacher_months, &mut errors);
    match (education, major, errors.is_empty()) {
        (Some(education), Some(major), true) => Ok(Member {
            id: id.to_string(),
            id_number,
            certificate_number,
            certificate_expiry: expiry,
            person: Person {
                name,
                education,
                major,
                certificate,
                full_time: input.full_time,
                contract_months,
                social_insurance: input.social_insurance,
                practice_months,
                related_months,
                local: input.local,
                jiangsu_registered: input.jiangsu_registered,
                university_teacher: (teacher_projects > 0)
                    .then_some(TeacherRecord { projects_led: teacher_projects, project_months_total: teacher_months }),
                overseas: (input.overseas_registration || input.overseas_practice).then_some(OverseasProof {
                    registration_certificate: input.overseas_registration,
                    practice_proof: input.overseas_practice,
                }),
                supervision_norms: input.supervision_norms,
            },
        }),
        _ => Err(errors),
    }
}

/// The roster members a bid proposes for one lot, by roster id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChoice {
    /// Full-time staff in contract year 1.
    pub staff: Vec<String>,
    pub manager: Option<String>,
    pub supervisors: Vec<String>,
    /// Full-time staff in contract years 2, 3, …; a year not listed keeps the year before's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub later_staff: Vec<Vec<String>>,
}

impl TeamChoice {
    /// Suzhou Annex 1 §2: staff are promised per contract year (≥ 5 in year 1, ≥ 8 in year 2).
    pub fn staff_in(&self, contract_year: u8) -> &[String] {
        let later = usize::from(contract_year.max(1)) - 1;
        match later {
            0 => &self.staff,
            n => self
                .later_staff
                .get(..n)
                .and_then(|l| l.last())
                .map(Vec::as_slice)
                .unwrap_or_else(|| self.staff_in(contract_year - 1)),
        }
    }

    /// The team without the people `keep` refuses (those since removed from the roster, when a
    /// resubmission starts from an earlier bid).
    pub fn only(mut self, keep: impl Fn(&str) -> bool) -> TeamChoice {
        self.staff.retain(|id| keep(id));
        self.supervisors.retain(|id| keep(id));
        self.later_staff.iter_mut().for_each(|year| year.retain(|id| keep(id)));
        self.manager = self.manager.filter(|id| keep(id));
        self
    }

    /// Everyone named in the team, each once.
    pub fn everyone(&self) -> Vec<&String> {
        let mut ids: Vec<&String> = self
            .staff
            .iter()
            .chain(self.later_staff.iter().flatten())
            .chain(self.manager.iter())
            .chain(self.supervisors.iter())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// A team as the bid form sends it: staff ticked for every year or for one year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamInput {
    pub manager: Option<String>,
    pub supervisors: Vec<String>,
    pub every_year: Vec<String>,
    /// (contract year, roster id)
    pub by_year: Vec<(u8, String)>,
}

impl TeamInput {
    /// The team with each year's staff spelt out, for `contract_years` years.
    pub fn choice(&self, contract_years: u8) -> TeamChoice {
        let year = |y: u8| -> Vec<String> {
            let mut ids: Vec<String> = self
                .every_year
                .iter()
                .cloned()
                .chain(self.by_year.iter().filter(|(n, _)| *n == y).map(|(_, id)| id.clone()))
                .collect();
            let mut seen = std::collections::HashSet::new();
            ids.retain(|id| seen.insert(id.clone()));
            ids
        };
        let mut supervisors = self.supervisors.clone();
        let mut seen = std::collections::HashSet::new();
        supervisors.retain(|id| seen.insert(id.clone()));
        TeamChoice {
            staff: year(1),
            manager: self.manager.clone().filter(|m| !m.trim().is_empty()),
            supervisors,
            later_staff: (2..=contract_years.max(1)).map(year).collect(),
        }
    }
}

/// How a person serves in a lot's team (Suzhou Annex 1 §2: a manager, supervisors, staff).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    Manager,
    Supervisor,
    Staff,
}

impl TeamRole {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            TeamRole::Manager => ("项目主管", "manager"),
            TeamRole::Supervisor => ("督导", "supervisor"),
            TeamRole::Staff => ("服务人员", "staff"),
        }
    }
}

/// The team a bid proposes for one of its lots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotTeam {
    /// The lot's name as the tender states it.
    pub lot: String,
    pub team: TeamChoice,
}

/// What a bid declared about its organisation and teams, kept with the bid as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredDeclaration")]
pub struct Declaration {
    pub profile: Profile,
    pub roster: Vec<Member>,
    /// One team per lot of the bid (Suzhou Annex 1 §2: each lot has its own manager and supervisors).
    pub teams: Vec<LotTeam>,
}

/// Declarations stored before teams were per lot kept a single `team` for the whole bid.
#[derive(Deserialize)]
struct StoredDeclaration {
    profile: Profile,
    roster: Vec<Member>,
    #[serde(default)]
    teams: Vec<LotTeam>,
    #[serde(default)]
    team: Option<TeamChoice>,
}

impl From<StoredDeclaration> for Declaration {
    fn from(s: StoredDeclaration) -> Self {
        let teams = match (s.teams.is_empty(), s.team) {
            (true, Some(team)) => vec![LotTeam { lot: String::new(), team }],
            _ => s.teams,
        };
        Declaration { profile: s.profile, roster: s.roster, teams }
    }
}

impl Declaration {
    pub fn organisation(&self) -> Organisation {
        Organisation {
            legal_form: self.profile.legal_form,
            registration_level: self.profile.registration_level,
            civil_affairs_registration: self.profile.civil_affairs_registration,
            social_work_scope: self.profile.social_work_scope,
            board: self.profile.board.clone(),
            staff: self.roster.iter().map(|m| m.person.clone()).collect(),
            region: self.profile.region.clone(),
            registered_capital_yuan: None,
            annual_revenue_yuan: None,
        }
    }

    fn member(&self, id: &str) -> Option<&Member> {
        self.roster.iter().find(|m| m.id == id)
    }

    /// A lot's proposed team in a contract year.
    pub fn team(&self, lot: &TeamChoice, contract_year: u8) -> Team {
        Team {
            contract_year,
            staff: lot
                .staff_in(contract_year)
                .iter()
                .filter_map(|id| self.member(id))
                .map(|m| m.person.clone())
                .collect(),
            manager: lot.manager.as_deref().and_then(|id| self.member(id)).map(|m| m.person.clone()),
            supervisors: lot.supervisors.iter().filter_map(|id| self.member(id)).map(|m| m.person.clone()).collect(),
        }
    }

    /// The roles roster member `id` is promised in, lot by lot (a manager who is also on the
    /// staff counts as the manager), for the bidder's receipt.
    pub fn roles_of(&self, id: &str) -> Vec<(String, TeamRole)> {
        self.teams
            .iter()
            .filter_map(|t| {
                let c = &t.team;
                let role = if c.manager.as_deref() == Some(id) {
                    TeamRole::Manager
                } else if c.supervisors.iter().any(|s| s == id) {
                    TeamRole::Supervisor
                } else if c.staff.iter().chain(c.later_staff.iter().flatten()).any(|s| s == id) {
                    TeamRole::Staff
                } else {
                    return None;
                };
                Some((t.lot.clone(), role))
            })
            .collect()
    }

    /// Everyone the bid promises in any lot (staff, manager, supervisors), each once.
    pub fn promised(&self) -> Vec<&Member> {
        let mut ids: Vec<&String> = self.teams.iter().flat_map(|t| t.team.everyone()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().filter_map(|id| self.member(id)).collect()
    }
}

/// Every team member must be on the roster.
pub fn check_choice(roster: &[Member], teams: &[LotTeam]) -> Result<(), FieldError> {
    let known = |id: &&String| roster.iter().any(|m| &m.id == *id);
    if teams.iter().flat_map(|t| t.team.everyone()).all(|id| known(&id)) {
        Ok(())
    } else {
        Err(FieldError::new(
            "team",
            "team_member_unknown",
            "所选人员不在本机构人员名册中",
            "A chosen person is not on the organisation's roster",
        ))
    }
}

/// The template's qualification rules on the organisation; its team rules on each lot's team
/// for each contract year; nobody promised to two lots; and each promised certificate still
/// valid at the bid deadline.
pub fn verdicts(
    qualification: &[RuleSpec],
    team_rules: &[RuleSpec],
    contract_years: u8,
    d: &Declaration,
    deadline: NaiveDate,
) -> Vec<Verdict> {
    let mut out = evaluate_org(qualification, &d.organisation());
    // A bid without any team is judged on an empty one, so each team rule shows why it fails.
    let none = [LotTeam::default()];
    let teams: &[LotTeam] = if d.teams.is_empty() { &none } else { &d.teams };
    for lt in teams {
        for year in 1..=contract_years.max(1) {
            for v in evaluate_team(team_rules, &d.team(&lt.team, year)) {
                let mut v = if contract_years > 1 { v.fact("contract_year", year) } else { v };
                if teams.len() > 1 {
                    v.message_zh = format!("【{}】{}", lt.lot, v.message_zh);
                    v.message_en = format!("[{}] {}", lt.lot, v.message_en);
                    v = v.fact("lot", &lt.lot);
                }
                out.push(v);
            }
        }
    }
    for m in d.promised() {
        let lots: Vec<&str> =
            d.teams.iter().filter(|t| t.team.everyone().contains(&&m.id)).map(|t| t.lot.as_str()).collect();
        if lots.len() > 1 {
            out.push(
                Verdict::check(
                    "team.one_lot_each",
                    false,
                    "人员不得重复承诺（招标文件要求）",
                    format!("{}同时承诺于本投标的多个标段（{}）", m.person.name, lots.join("、")),
                    format!("{} is promised to several lots of this bid ({})", m.person.name, lots.join(", ")),
                )
                .fact("person", &m.person.name),
            );
        }
        if let (Some(_), Some(expiry)) = (m.person.certificate, m.certificate_expiry) {
            out.push(
                Verdict::check(
                    "team.certificate_valid",
                    expiry >= deadline,
                    "证书有效期（招标文件要求）",
                    format!("{}的证书（{}）有效期至{}", m.person.name, m.certificate_number, expiry),
                    format!("{}'s certificate ({}) is valid until {}", m.person.name, m.certificate_number, expiry),
                )
                .fact("person", &m.person.name),
            );
        }
    }
    out
}

/// Personnel de-duplication: a person (by ID number or certificate number) promised in this bid
/// who is also promised in `others` — another bid of the same tender, or a live contract.
pub fn duplicates(mine: &Declaration, others: &[(String, Declaration)]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for m in mine.promised() {
        for (label, other) in others {
            let hit = other.promised().into_iter().any(|o| {
                o.id_number == m.id_number
                    || (!m.certificate_number.is_empty() && o.certificate_number == m.certificate_number)
            });
            if hit {
                out.push(
                    Verdict::check(
                        "team.not_promised_elsewhere",
                        false,
                        "人员不得重复承诺（招标文件要求）",
                        format!("{}（{}）同时出现在{}", m.person.name, mask_id(&m.id_number), label),
                        format!("{} ({}) is also promised in {}", m.person.name, mask_id(&m.id_number), label),
                    )
                    .fact("person", &m.person.name),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::builtin_by_id;
    use crate::domain::verdict::Outcome;

    // GB 11643-1999 check characters computed by hand: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2.
    const ID_A: &str = "320508199001011232";

    fn person(i: usize, cert: &str) -> PersonInput {
        PersonInput {
            name: format!("社工{i}"),
            id_number: ids()[i].clone(),
            education: "bachelor".into(),
            major: "social_work".into(),
            certificate: cert.into(),
            certificate_number: if cert.is_empty() { String::new() } else { format!("Z{i:05}") },
            certificate_expiry: if cert.is_empty() { String::new() } else { "2028-12-31".into() },
            full_time: true,
            contract_months: "36".into(),
            social_insurance: true,
            practice_months: "48".into(),
            related_months: "30".into(),
            local: true,
            jiangsu_registered: true,
            supervision_norms: true,
            ..Default::default()
        }
    }

    /// Valid ID numbers made with the check function itself, for roster fixtures.
    fn ids() -> Vec<String> {
        (0..20)
            .map(|i| {
                let first = format!("3205081990010{:04}", 1000 + i);
                format!("{first}{}", id_check_character(&first).unwrap())
            })
            .collect()
    }

    fn declaration(n: usize, certified: usize) -> Declaration {
        let roster: Vec<Member> = (0..n)
            .map(|i| parse_person(&format!("m{i}"), &person(i, if i < certified { "assistant" } else { "" })).unwrap())
            .collect();
        let profile = parse_profile(&ProfileInput {
            legal_form: "private_non_enterprise".into(),
            registration_level: "county".into(),
            civil_affairs_registration: true,
            social_work_scope: true,
            region: "苏州市姑苏区".into(),
            board_social_workers: "1".into(),
            ..Default::default()
        })
        .unwrap();
        let team = TeamChoice {
            staff: roster.iter().map(|m| m.id.clone()).collect(),
            manager: Some("m0".into()),
            supervisors: vec!["m1".into()],
            later_staff: vec![],
        };
        Declaration { profile, roster, teams: vec![LotTeam { lot: "双塔社区".into(), team }] }
    }

    fn ids_of(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("m{i}")).collect()
    }

    #[test]
    fn the_receipt_names_each_persons_role_lot_by_lot() {
        let mut d = declaration(6, 6);
        let mut second = d.teams[0].team.clone();
        second.manager = Some("m2".into());
        second.supervisors = vec!["m0".into()];
        d.teams.push(LotTeam { lot: "定慧寺社区".into(), team: second });
        // m0 manages lot 1 (though also on its staff) and supervises lot 2.
        assert_eq!(
            d.roles_of("m0"),
            [("双塔社区".to_string(), TeamRole::Manager), ("定慧寺社区".to_string(), TeamRole::Supervisor)]
        );
        assert_eq!(d.roles_of("m1")[0], ("双塔社区".to_string(), TeamRole::Supervisor));
        assert_eq!(d.roles_of("m5")[1], ("定慧寺社区".to_string(), TeamRole::Staff));
        assert!(d.roles_of("nobody").is_empty());
    }

    #[test]
    fn a_team_keeps_only_the_people_still_on_the_roster() {
        let team = TeamChoice {
            staff: vec!["a".into(), "gone".into()],
            manager: Some("gone".into()),
            supervisors: vec!["b".into()],
            later_staff: vec![vec!["gone".into(), "c".into()]],
        };
        let kept = team.only(|id| id != "gone");
        assert_eq!(kept.staff, ["a"]);
        assert_eq!(kept.manager, None);
        assert_eq!(kept.supervisors, ["b"]);
        assert_eq!(kept.later_staff, [vec!["c".to_string()]]);
    }

    #[test]
    fn id_numbers_carry_their_check_character() {
        assert!(id_number_valid(ID_A));
        assert!(!id_number_valid("320508199001011238"));
        assert!(!id_number_valid("32050819900101123"));
        assert_eq!(mask_id(ID_A), "3205**********1232");
    }

    #[test]
    fn a_certificate_needs_number_and_expiry() {
        let mut p = person(0, "social_worker");
        p.certificate_number.clear();
        let e = parse_person("x", &p).unwrap_err();
        assert_eq!(e[0].code, "certificate_details_required");
    }

    #[test]
    fn suzhou_team_rules_pass_at_the_seed_numbers() {
        // Suzhou street 4+1: ≥ 5 staff in year 1 and ≥ 8 in year 2; ≥ 50 % professional.
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let d = declaration(8, 4);
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let v = verdicts(&t.qualification, &t.team, t.contract_years, &d, deadline);
        let failed: Vec<&str> = v.iter().filter(|x| x.outcome == Outcome::Fail).map(|x| x.rule.as_str()).collect();
        assert!(failed.is_empty(), "{failed:?}");
        // Seven people cannot meet year 2's eight.
        let d7 = declaration(7, 4);
        let v = verdicts(&t.qualification, &t.team, t.contract_years, &d7, deadline);
        assert!(v.iter().any(|x| x.outcome == Outcome::Fail && x.rule.contains("team-size")), "{v:#?}");
    }

    #[test]
    fn an_expired_certificate_fails_at_the_deadline() {
        let mut d = declaration(5, 1);
        d.roster[0].certificate_expiry = NaiveDate::from_ymd_opt(2026, 12, 19);
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let v = verdicts(&t.qualification, &t.team, 1, &d, NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
        assert!(v.iter().any(|x| x.rule == "team.certificate_valid" && x.outcome == Outcome::Fail));
        let v = verdicts(&t.qualification, &t.team, 1, &d, NaiveDate::from_ymd_opt(2026, 12, 19).unwrap());
        assert!(v.iter().filter(|x| x.rule == "team.certificate_valid").all(|x| x.outcome == Outcome::Pass));
    }

    #[test]
    fn a_person_promised_twice_is_flagged() {
        let mine = declaration(5, 2);
        let mut other = declaration(5, 2);
        // Another organisation, different people except one shared ID number.
        for (i, m) in other.roster.iter_mut().enumerate() {
            m.id_number = ids()[6 + i.min(5)].clone();
            m.certificate_number = format!("Y{i}");
        }
        assert!(duplicates(&mine, &[("投标人乙".into(), other.clone())]).is_empty());
        other.roster[3].id_number = mine.roster[2].id_number.clone();
        let flags = duplicates(&mine, &[("投标人乙".into(), other)]);
        assert_eq!(flags.len(), 1);
        assert!(flags[0].message_zh.contains("社工2") && flags[0].message_zh.contains("投标人乙"));
    }

    #[test]
    fn staff_are_promised_per_year_five_then_eight() {
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let mut d = declaration(8, 4);
        // Year 1 with five, year 2 with all eight: the seed's numbers exactly.
        let input = TeamInput {
            manager: Some("m0".into()),
            supervisors: vec!["m1".into()],
            every_year: ids_of(0..5),
            by_year: ids_of(5..8).into_iter().map(|id| (2, id)).collect(),
        };
        d.teams[0].team = input.choice(t.contract_years);
        assert_eq!(d.teams[0].team.staff_in(1).len(), 5);
        assert_eq!(d.teams[0].team.staff_in(2).len(), 8);
        let failed: Vec<String> = verdicts(&t.qualification, &t.team, t.contract_years, &d, deadline)
            .into_iter()
            .filter(|v| !v.passed())
            .map(|v| v.rule)
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
        // Four in year 1 is one short, and only year 1 fails.
        let short = TeamInput {
            every_year: ids_of(0..4),
            by_year: ids_of(4..8).into_iter().map(|id| (2, id)).collect(),
            ..input
        };
        d.teams[0].team = short.choice(t.contract_years);
        let years: Vec<String> = verdicts(&t.qualification, &t.team, t.contract_years, &d, deadline)
            .into_iter()
            .filter(|v| !v.passed() && v.rule.contains("team-size"))
            .flat_map(|v| v.facts.into_iter().filter(|(k, _)| k == "contract_year").map(|(_, y)| y))
            .collect();
        assert_eq!(years, ["1"]);
    }

    #[test]
    fn each_lot_has_its_own_team_and_nobody_serves_two() {
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        let mut d = declaration(16, 8);
        let lot = |name: &str, people: std::ops::Range<usize>| {
            let ids = ids_of(people);
            LotTeam {
                lot: name.into(),
                team: TeamChoice {
                    manager: ids.first().cloned(),
                    supervisors: ids.get(1).cloned().into_iter().collect(),
                    staff: ids,
                    later_staff: vec![],
                },
            }
        };
        d.teams = vec![lot("双塔社区", 0..8), lot("定慧寺社区", 8..16)];
        let v = verdicts(&t.qualification, &t.team, t.contract_years, &d, deadline);
        assert!(v.iter().all(|x| x.passed()), "{:?}", v.iter().filter(|x| !x.passed()).collect::<Vec<_>>());
        assert!(v.iter().any(|x| x.message_zh.starts_with("【定慧寺社区】")));
        // The second lot borrows the first lot's manager as its ninth person.
        d.teams[1].team.staff.push("m0".into());
        let twice: Vec<Verdict> = verdicts(&t.qualification, &t.team, t.contract_years, &d, deadline)
            .into_iter()
            .filter(|x| x.rule == "team.one_lot_each")
            .collect();
        assert_eq!(twice.len(), 1);
        assert!(twice[0].message_zh.contains("双塔社区、定慧寺社区"), "{}", twice[0].message_zh);
    }

    #[test]
    fn a_declaration_stored_with_one_team_reads_as_one_lot() {
        let d = declaration(5, 2);
        let mut json = serde_json::to_value(&d).unwrap();
        let team = json["teams"][0]["team"].clone();
        json.as_object_mut().unwrap().remove("teams");
        json["team"] = team;
        let read: Declaration = serde_json::from_value(json).unwrap();
        assert_eq!(read.teams.len(), 1);
        assert_eq!(read.teams[0].team, d.teams[0].team);
        assert_eq!(read.promised().len(), 5);
    }
}
