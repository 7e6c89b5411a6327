//! Suzhou street "4+1" / community "3+1" bundles (seed 002, Annex 1): bidder qualification,
//! the definitions of professional social worker, project manager and supervisor, and the
//! project-team rules.

use super::verdict::{at_least_half, Verdict};
use serde::{Deserialize, Serialize};

const SEED: &str = "seed 002 (苏州, 2016)";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    None,
    /// 中专/高中
    Secondary,
    /// 大专
    JuniorCollege,
    /// 本科
    Bachelor,
    Master,
    Doctorate,
}

/// National social-worker qualification levels (全国社会工作者职业水平证书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certificate {
    /// 助理社会工作师
    Assistant,
    /// 社会工作师
    SocialWorker,
    /// 高级社会工作师
    Senior,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Major {
    SocialWork,
    Sociology,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// 民办非企业单位（社会服务机构）
    PrivateNonEnterprise,
    SocialGroup,
    Foundation,
    Company,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationLevel {
    /// 乡镇/街道备案
    BelowCounty,
    County,
    City,
    Province,
    National,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub legal_form: LegalForm,
    pub registration_level: RegistrationLevel,
    /// Registered with a civil-affairs department (民政部门).
    pub civil_affairs_registration: bool,
    /// Business scope names social-work services (fields, methods and content).
    pub social_work_scope: bool,
    /// Certificates held by board (理事会) members; `None` for members without one.
    pub board: Vec<Option<Certificate>>,
    pub staff: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub education: Education,
    pub major: Major,
    pub certificate: Option<Certificate>,
    pub full_time: bool,
    pub contract_months: u32,
    pub social_insurance: bool,
    /// Months of practical social-work experience.
    pub practice_months: u32,
    /// Months of experience related to the project (for the project manager).
    pub related_months: u32,
    pub local: bool,
    /// Registered in the Jiangsu social-work information system.
    pub jiangsu_registered: bool,
    /// University social-work teacher: projects led and their total duration in months.
    pub university_teacher: Option<TeacherRecord>,
    /// Overseas social worker: registration certificate and practice proof from the local authority.
    pub overseas: Option<OverseasProof>,
    /// Able to supervise per the supervision service norms (declared, checked at review).
    pub supervision_norms: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherRecord {
    pub projects_led: u32,
    pub project_months_total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverseasProof {
    pub registration_certificate: bool,
    pub practice_proof: bool,
}

/// Annex 1 §2: a professional social worker has a social-work junior-college degree or above,
/// or holds the national social-worker certificate (any level).
pub fn is_professional(p: &Person) -> bool {
    (p.major == Major::SocialWork && p.education >= Education::JuniorCollege) || p.certificate.is_some()
}

/// Annex 1 §1.3: a full-time employee in the sense of the seed has a labour contract of at least
/// one year and social insurance paid.
pub fn is_qualifying_employee(p: &Person) -> bool {
    p.full_time && p.contract_months >= 12 && p.social_insurance
}

/// Annex 1 §1: the three bidder qualifications, all required.
pub fn organisation_verdicts(org: &Organisation) -> Vec<Verdict> {
    let registered = org.legal_form == LegalForm::PrivateNonEnterprise
        && org.civil_affairs_registration
        && org.registration_level >= RegistrationLevel::County
        && org.social_work_scope;
    let social_workers = org.board.iter().filter(|c| matches!(c, Some(c) if *c >= Certificate::SocialWorker)).count();
    let assistants = org.board.iter().filter(|c| c.is_some()).count();
    let board_ok = social_workers >= 1 || assistants >= 2;
    let employees: Vec<&Person> = org.staff.iter().filter(|p| is_qualifying_employee(p)).collect();
    let professionals = employees.iter().filter(|p| is_professional(p)).count();
    vec![
        Verdict::check(
            "suzhou.org.registration",
            registered,
            &format!("{SEED} 附件1 一.1"),
            "须为在县级以上民政部门登记的民办非企业单位，业务范围明确包含社会工作服务".into(),
            "Must be a private non-enterprise unit registered with a civil-affairs department at county level or above, with social-work services in its business scope".into(),
        )
        .fact("legal_form", format!("{:?}", org.legal_form))
        .fact("registration_level", format!("{:?}", org.registration_level))
        .fact("social_work_scope", org.social_work_scope),
        Verdict::check(
            "suzhou.org.board",
            board_ok,
            &format!("{SEED} 附件1 一.2"),
            format!("理事会须至少有1名社会工作师或2名助理社会工作师（现有社会工作师{social_workers}名、持证者共{assistants}名）"),
            format!("The board needs ≥ 1 social worker or ≥ 2 assistant social workers (has {social_workers} social worker(s), {assistants} certified in all)"),
        )
        .fact("board_social_workers", social_workers)
        .fact("board_certified", assistants),
        Verdict::check(
            "suzhou.org.employees",
            employees.len() >= 4 && professionals >= 2,
            &format!("{SEED} 附件1 一.3"),
            format!("须有不少于4名全职员工（一年以上劳动合同并缴纳社保），其中不少于2名专业社工（现有{}名，其中专业社工{professionals}名）", employees.len()),
            format!("Needs ≥ 4 full-time employees (≥ 1-year contract, social insurance), ≥ 2 of them professional social workers (has {}, {professionals} professional)", employees.len()),
        )
        .fact("qualifying_employees", employees.len())
        .fact("professional_employees", professionals),
    ]
}

/// Annex 1 §2: the project manager is a professional social worker with ≥ 2 years related experience.
pub fn manager_verdict(p: &Person) -> Verdict {
    let ok = is_professional(p) && p.related_months >= 24;
    Verdict::check(
        "suzhou.team.manager",
        ok,
        &format!("{SEED} 附件1 二"),
        format!("项目主管须为专业社工并具备2年以上相关工作经验（{}：{}个月）", p.name, p.related_months),
        format!("The project manager must be a professional social worker with ≥ 2 years related experience ({}: {} months)", p.name, p.related_months),
    )
    .fact("professional", is_professional(p))
    .fact("related_months", p.related_months)
}

/// Annex 1 §2: a supervisor meets all of (a) education or certificate, (b) practice, (c) norms.
pub fn supervisor_verdicts(p: &Person) -> Vec<Verdict> {
    let teacher = p.university_teacher.is_some();
    let degree = matches!(p.major, Major::SocialWork | Major::Sociology) && p.education >= Education::Bachelor;
    let certified = p.certificate.is_some_and(|c| c >= Certificate::SocialWorker) && p.jiangsu_registered;
    // University social-work teachers are exempt from the certificate, not from the degree.
    let a = degree || certified || (teacher && p.major == Major::SocialWork);
    let b = match (p.university_teacher, p.overseas) {
        (Some(t), _) => t.projects_led >= 3 && t.project_months_total >= 36,
        (None, Some(o)) => o.registration_certificate && o.practice_proof && p.practice_months >= 36,
        (None, None) => p.practice_months >= 36,
    };
    vec![
        Verdict::check(
            "suzhou.supervisor.qualification",
            a,
            &format!("{SEED} 附件1 二 督导1"),
            format!("督导须为社会工作或社会学本科以上，或取得社会工作师资格并在江苏省社会工作信息系统登记（{}）", p.name),
            format!("A supervisor needs a bachelor's in social work or sociology, or the social-worker qualification registered in Jiangsu's system ({})", p.name),
        ),
        Verdict::check(
            "suzhou.supervisor.practice",
            b,
            &format!("{SEED} 附件1 二 督导2"),
            format!("督导须有3年以上实务经验；高校教师须主持不少于3个项目、合计不少于36个月；境外社工须提供注册证明和从业证明（{}）", p.name),
            format!("A supervisor needs ≥ 3 years of practice; a university teacher ≥ 3 projects totalling ≥ 36 months; an overseas social worker registration and practice proof ({})", p.name),
        )
        .fact("practice_months", p.practice_months),
        Verdict::check(
            "suzhou.supervisor.norms",
            p.supervision_norms,
            &format!("{SEED} 附件1 二 督导3"),
            "督导须能够按社会工作督导服务规范提供督导服务".into(),
            "A supervisor must be able to supervise according to the supervision service norms".into(),
        ),
    ]
}

/// Annex 1 §2 and §(四): staff ≥ 5 in contract year 1 and ≥ 8 in year 2; ≥ 50 % professional;
/// ≥ 50 % with ≥ 1 year of practice; one manager; 1–2 supervisors of whom ≥ 1 local.
pub fn team_verdicts(contract_year: u8, staff: &[Person], manager: &Person, supervisors: &[Person]) -> Vec<Verdict> {
    let required = if contract_year >= 2 { 8 } else { 5 };
    let full_time: Vec<&Person> = staff.iter().filter(|p| p.full_time).collect();
    let n = full_time.len();
    let professional = full_time.iter().filter(|p| is_professional(p)).count();
    let experienced = full_time.iter().filter(|p| p.practice_months >= 12).count();
    let locals = supervisors.iter().filter(|s| s.local).count();
    let mut v = vec![
        Verdict::check(
            "suzhou.team.size",
            n >= required,
            &format!("{SEED} 一(四)、附件1 二"),
            format!("第{contract_year}年须配备不少于{required}名常驻全职员工（现{n}名）"),
            format!("Contract year {contract_year} needs ≥ {required} resident full-time staff (has {n})"),
        )
        .fact("full_time", n)
        .fact("required", required),
        Verdict::check(
            "suzhou.team.professional_share",
            at_least_half(professional, n),
            &format!("{SEED} 附件1 二"),
            format!("全职员工中专业社工须占50%以上（{professional}/{n}）"),
            format!("≥ 50 % of full-time staff must be professional social workers ({professional}/{n})"),
        )
        .fact("professional", format!("{professional}/{n}")),
        Verdict::check(
            "suzhou.team.experience_share",
            at_least_half(experienced, n),
            &format!("{SEED} 附件1 二"),
            format!("全职员工中具备1年以上实际工作经验的不少于50%（{experienced}/{n}）"),
            format!("≥ 50 % of full-time staff need ≥ 1 year of practical experience ({experienced}/{n})"),
        )
        .fact("experienced", format!("{experienced}/{n}")),
        manager_verdict(manager),
        Verdict::check(
            "suzhou.team.supervisors",
            (1..=2).contains(&supervisors.len()) && locals >= 1,
            &format!("{SEED} 附件1 二"),
            format!("每个标段须配备1~2名专业督导，其中至少1名本土督导（现{}名，本土{locals}名）", supervisors.len()),
            format!("Each lot needs 1–2 supervisors, at least one local (has {}, {locals} local)", supervisors.len()),
        ),
    ];
    for s in supervisors {
        v.extend(supervisor_verdicts(s));
    }
    v
}

/// Seed 002 §(六): the bundle's budget and the communities it covers, by contract year.
pub fn bundle_budget_yuan(contract_year: u8) -> (i64, u32) {
    if contract_year >= 2 { (1_000_000, 6) } else { (600_000, 3) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum District {
    Gusu,
    Sip,
    Snd,
    Wuzhong,
    Xiangcheng,
}

/// Seed 002 §(六): Gusu, SIP and SND pilots are paid fully by the city; Wuzhong and Xiangcheng
/// are split city 50 % / district 50 %. Returns (city, district) in yuan.
pub fn funding_split(district: District, amount_yuan: i64) -> (i64, i64) {
    match district {
        District::Gusu | District::Sip | District::Snd => (amount_yuan, 0),
        District::Wuzhong | District::Xiangcheng => (amount_yuan / 2, amount_yuan - amount_yuan / 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::verdict::{all_pass, Outcome};

    fn worker(name: &str) -> Person {
        Person {
            name: name.into(),
            education: Education::Bachelor,
            major: Major::SocialWork,
            certificate: None,
            full_time: true,
            contract_months: 12,
            social_insurance: true,
            practice_months: 12,
            related_months: 24,
            local: true,
            jiangsu_registered: false,
            university_teacher: None,
            overseas: None,
            supervision_norms: true,
        }
    }

    fn layperson(name: &str) -> Person {
        Person { major: Major::Other, education: Education::Secondary, practice_months: 0, ..worker(name) }
    }

    fn org() -> Organisation {
        Organisation {
            legal_form: LegalForm::PrivateNonEnterprise,
            registration_level: RegistrationLevel::County,
            civil_affairs_registration: true,
            social_work_scope: true,
            board: vec![Some(Certificate::SocialWorker), None],
            staff: vec![worker("甲"), worker("乙"), layperson("丙"), layperson("丁")],
        }
    }

    fn outcome(vs: &[Verdict], rule: &str) -> Outcome {
        vs.iter().find(|v| v.rule == rule).unwrap().outcome
    }

    #[test]
    fn a_county_registered_ngo_with_the_minimum_qualifies() {
        assert!(all_pass(&organisation_verdicts(&org())));
    }

    #[test]
    fn registration_below_county_or_not_a_pneu_fails() {
        let mut o = org();
        o.registration_level = RegistrationLevel::BelowCounty;
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.registration"), Outcome::Fail);
        let mut o = org();
        o.legal_form = LegalForm::Company;
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.registration"), Outcome::Fail);
    }

    #[test]
    fn board_needs_one_social_worker_or_two_assistants() {
        let mut o = org();
        o.board = vec![Some(Certificate::Assistant), None];
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.board"), Outcome::Fail);
        o.board = vec![Some(Certificate::Assistant), Some(Certificate::Assistant)];
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.board"), Outcome::Pass);
    }

    #[test]
    fn employees_need_one_year_contracts_and_insurance() {
        let mut o = org();
        o.staff[3].contract_months = 11;
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.employees"), Outcome::Fail);
        let mut o = org();
        o.staff[0].social_insurance = false;
        assert_eq!(outcome(&organisation_verdicts(&o), "suzhou.org.employees"), Outcome::Fail);
    }

    #[test]
    fn professional_by_degree_or_by_certificate() {
        let mut p = layperson("戊");
        assert!(!is_professional(&p));
        p.certificate = Some(Certificate::Assistant);
        assert!(is_professional(&p));
        let mut q = layperson("己");
        q.major = Major::SocialWork;
        q.education = Education::JuniorCollege;
        assert!(is_professional(&q));
        q.education = Education::Secondary;
        assert!(!is_professional(&q));
    }

    #[test]
    fn team_shares_at_exactly_half_pass() {
        // Year 1: 5 staff is not enough for 50 % with 2 professionals; 6 with 3 is exactly half.
        let staff = vec![worker("1"), worker("2"), worker("3"), layperson("4"), layperson("5"), layperson("6")];
        let sup = worker("督导");
        let v = team_verdicts(1, &staff, &worker("主管"), &[Person { practice_months: 36, ..sup }]);
        assert!(all_pass(&v), "{v:#?}");
        let staff5 = vec![worker("1"), worker("2"), layperson("3"), layperson("4"), layperson("5")];
        let v = team_verdicts(1, &staff5, &worker("主管"), &[Person { practice_months: 36, ..worker("督导") }]);
        assert_eq!(outcome(&v, "suzhou.team.professional_share"), Outcome::Fail);
        assert_eq!(outcome(&v, "suzhou.team.experience_share"), Outcome::Fail);
    }

    #[test]
    fn year_two_needs_eight() {
        let staff: Vec<_> = (0..7).map(|i| worker(&i.to_string())).collect();
        let v = team_verdicts(2, &staff, &worker("主管"), &[Person { practice_months: 36, ..worker("督导") }]);
        assert_eq!(outcome(&v, "suzhou.team.size"), Outcome::Fail);
        let v = team_verdicts(1, &staff, &worker("主管"), &[Person { practice_months: 36, ..worker("督导") }]);
        assert_eq!(outcome(&v, "suzhou.team.size"), Outcome::Pass);
    }

    #[test]
    fn manager_needs_exactly_two_years() {
        assert_eq!(manager_verdict(&Person { related_months: 24, ..worker("主管") }).outcome, Outcome::Pass);
        assert_eq!(manager_verdict(&Person { related_months: 23, ..worker("主管") }).outcome, Outcome::Fail);
        assert_eq!(manager_verdict(&Person { related_months: 60, ..layperson("主管") }).outcome, Outcome::Fail);
    }

    #[test]
    fn supervisor_branches() {
        // Three years of practice exactly.
        let base = Person { practice_months: 36, ..worker("督导") };
        assert!(all_pass(&supervisor_verdicts(&base)));
        assert!(!all_pass(&supervisor_verdicts(&Person { practice_months: 35, ..base.clone() })));
        // Certificate route needs the Jiangsu registration.
        let cert = Person { major: Major::Other, education: Education::JuniorCollege, certificate: Some(Certificate::SocialWorker), ..base.clone() };
        assert!(!all_pass(&supervisor_verdicts(&cert)));
        assert!(all_pass(&supervisor_verdicts(&Person { jiangsu_registered: true, ..cert })));
        // University teacher: ≥ 3 projects and ≥ 36 months in total, no certificate needed.
        let teacher = |projects, months| Person {
            education: Education::Master,
            practice_months: 0,
            university_teacher: Some(TeacherRecord { projects_led: projects, project_months_total: months }),
            ..base.clone()
        };
        assert!(all_pass(&supervisor_verdicts(&teacher(3, 36))));
        assert!(!all_pass(&supervisor_verdicts(&teacher(3, 35))));
        assert!(!all_pass(&supervisor_verdicts(&teacher(2, 48))));
        // Overseas: registration and practice proof both required.
        let overseas = |reg, proof| Person { overseas: Some(OverseasProof { registration_certificate: reg, practice_proof: proof }), ..base.clone() };
        assert!(all_pass(&supervisor_verdicts(&overseas(true, true))));
        assert!(!all_pass(&supervisor_verdicts(&overseas(true, false))));
    }

    #[test]
    fn supervisors_one_or_two_with_a_local() {
        let staff: Vec<_> = (0..5).map(|i| worker(&i.to_string())).collect();
        let s = Person { practice_months: 36, ..worker("督导") };
        let outsider = Person { local: false, ..s.clone() };
        let check = |sups: &[Person]| outcome(&team_verdicts(1, &staff, &worker("主管"), sups), "suzhou.team.supervisors");
        assert_eq!(check(&[outsider.clone()]), Outcome::Fail);
        assert_eq!(check(&[outsider.clone(), s.clone()]), Outcome::Pass);
        assert_eq!(check(&[s.clone(), s.clone(), s.clone()]), Outcome::Fail);
        assert_eq!(check(&[]), Outcome::Fail);
    }

    #[test]
    fn budgets_and_split_match_the_seed() {
        assert_eq!(bundle_budget_yuan(1), (600_000, 3));
        assert_eq!(bundle_budget_yuan(2), (1_000_000, 6));
        // 9 pilots × (60万 + 100万) = 1,440万.
        assert_eq!(9 * (bundle_budget_yuan(1).0 + bundle_budget_yuan(2).0), 14_400_000);
        assert_eq!(funding_split(District::Gusu, 600_000), (600_000, 0));
        assert_eq!(funding_split(District::Wuzhong, 1_000_000), (500_000, 500_000));
    }
}
