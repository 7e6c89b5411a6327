//! Suzhou street "4+1" / community "3+1" bundles (seed 002). The qualification and team rules
//! live in the templates (`templates/suzhou-*.toml`) and are checked by `qualification`; the
//! tests here hold that data to the seed's numbers. Budgets and the city/district split are here.

use serde::{Deserialize, Serialize};

/// Seed 002 §(六): the bundle's budget and the communities it covers, by contract year.
pub fn bundle_budget_yuan(contract_year: u8) -> (i64, u32) {
    if contract_year >= 2 {
        (1_000_000, 6)
    } else {
        (600_000, 3)
    }
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
    use crate::domain::profile::*;
    use crate::domain::qualification::{evaluate_org, evaluate_team, is_professional};
    use crate::domain::template::builtin_by_id;
    use crate::domain::verdict::{all_pass, Outcome, Verdict};

    fn rules() -> (Vec<crate::domain::qualification::RuleSpec>, Vec<crate::domain::qualification::RuleSpec>) {
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        (t.qualification, t.team)
    }

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

    fn supervisor() -> Person {
        Person { practice_months: 36, ..worker("督导") }
    }

    fn org() -> Organisation {
        Organisation {
            legal_form: LegalForm::PrivateNonEnterprise,
            registration_level: RegistrationLevel::County,
            civil_affairs_registration: true,
            social_work_scope: true,
            board: vec![Some(Certificate::SocialWorker), None],
            staff: vec![worker("甲"), worker("乙"), layperson("丙"), layperson("丁")],
            region: "苏州市姑苏区".into(),
            registered_capital_yuan: None,
            annual_revenue_yuan: None,
        }
    }

    fn team(year: u8, staff: Vec<Person>, manager: Person, supervisors: Vec<Person>) -> Team {
        Team { contract_year: year, staff, manager: Some(manager), supervisors }
    }

    fn org_outcome(o: &Organisation, rule: &str) -> Outcome {
        evaluate_org(&rules().0, o).into_iter().find(|v| v.rule == rule).unwrap().outcome
    }

    fn outcome(vs: &[Verdict], rule: &str) -> Outcome {
        vs.iter().find(|v| v.rule == rule).unwrap().outcome
    }

    #[test]
    fn a_county_registered_ngo_with_the_minimum_qualifies() {
        let v = evaluate_org(&rules().0, &org());
        assert_eq!(v.len(), 4);
        assert!(all_pass(&v), "{v:#?}");
        assert!(v.iter().all(|v| v.citation.starts_with("seed 002 附件1")));
    }

    #[test]
    fn registration_below_county_or_not_a_pneu_fails() {
        let mut o = org();
        o.registration_level = RegistrationLevel::BelowCounty;
        assert_eq!(org_outcome(&o, "registration"), Outcome::Fail);
        let mut o = org();
        o.legal_form = LegalForm::Company;
        assert_eq!(org_outcome(&o, "legal-form"), Outcome::Fail);
        let mut o = org();
        o.social_work_scope = false;
        assert_eq!(org_outcome(&o, "registration"), Outcome::Fail);
    }

    #[test]
    fn board_needs_one_social_worker_or_two_assistants() {
        let mut o = org();
        o.board = vec![Some(Certificate::Assistant), None];
        assert_eq!(org_outcome(&o, "board"), Outcome::Fail);
        o.board = vec![Some(Certificate::Assistant), Some(Certificate::Assistant)];
        assert_eq!(org_outcome(&o, "board"), Outcome::Pass);
    }

    #[test]
    fn employees_need_one_year_contracts_and_insurance() {
        let mut o = org();
        o.staff[3].contract_months = 11;
        assert_eq!(org_outcome(&o, "employees"), Outcome::Fail);
        let mut o = org();
        o.staff[0].social_insurance = false;
        assert_eq!(org_outcome(&o, "employees"), Outcome::Fail);
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
        let staff = vec![worker("1"), worker("2"), worker("3"), layperson("4"), layperson("5"), layperson("6")];
        let v = evaluate_team(&rules().1, &team(1, staff, worker("主管"), vec![supervisor()]));
        assert!(all_pass(&v), "{v:#?}");
        let staff5 = vec![worker("1"), worker("2"), layperson("3"), layperson("4"), layperson("5")];
        let v = evaluate_team(&rules().1, &team(1, staff5, worker("主管"), vec![supervisor()]));
        assert_eq!(outcome(&v, "professional-share"), Outcome::Fail);
        assert_eq!(outcome(&v, "experience-share"), Outcome::Fail);
    }

    #[test]
    fn year_two_needs_eight() {
        let staff: Vec<_> = (0..7).map(|i| worker(&i.to_string())).collect();
        let v = evaluate_team(&rules().1, &team(2, staff.clone(), worker("主管"), vec![supervisor()]));
        assert_eq!(outcome(&v, "team-size"), Outcome::Fail);
        let v = evaluate_team(&rules().1, &team(1, staff, worker("主管"), vec![supervisor()]));
        assert_eq!(outcome(&v, "team-size"), Outcome::Pass);
    }

    #[test]
    fn manager_needs_exactly_two_years() {
        let staff: Vec<_> = (0..5).map(|i| worker(&i.to_string())).collect();
        let check =
            |m: Person| outcome(&evaluate_team(&rules().1, &team(1, staff.clone(), m, vec![supervisor()])), "manager");
        assert_eq!(check(Person { related_months: 24, ..worker("主管") }), Outcome::Pass);
        assert_eq!(check(Person { related_months: 23, ..worker("主管") }), Outcome::Fail);
        assert_eq!(check(Person { related_months: 60, ..layperson("主管") }), Outcome::Fail);
    }

    #[test]
    fn supervisor_branches() {
        let staff: Vec<_> = (0..5).map(|i| worker(&i.to_string())).collect();
        let ok = |s: Person| all_pass(&evaluate_team(&rules().1, &team(1, staff.clone(), worker("主管"), vec![s])));
        assert!(ok(supervisor()));
        assert!(!ok(Person { practice_months: 35, ..supervisor() }));
        // Certificate route needs the Jiangsu registration.
        let cert = Person {
            major: Major::Other,
            education: Education::JuniorCollege,
            certificate: Some(Certificate::SocialWorker),
            ..supervisor()
        };
        assert!(!ok(cert.clone()));
        assert!(ok(Person { jiangsu_registered: true, ..cert }));
        // University teacher: ≥ 3 projects and ≥ 36 months in total, no certificate needed.
        let teacher = |projects, months| Person {
            education: Education::Master,
            practice_months: 0,
            university_teacher: Some(TeacherRecord { projects_led: projects, project_months_total: months }),
            ..supervisor()
        };
        assert!(ok(teacher(3, 36)));
        assert!(!ok(teacher(3, 35)));
        assert!(!ok(teacher(2, 48)));
        // Overseas: registration and practice proof both required.
        let overseas = |reg, proof| Person {
            overseas: Some(OverseasProof { registration_certificate: reg, practice_proof: proof }),
            ..supervisor()
        };
        assert!(ok(overseas(true, true)));
        assert!(!ok(overseas(true, false)));
    }

    #[test]
    fn supervisors_one_or_two_with_a_local() {
        let staff: Vec<_> = (0..5).map(|i| worker(&i.to_string())).collect();
        let outsider = Person { local: false, ..supervisor() };
        let check = |sups: Vec<Person>| {
            outcome(&evaluate_team(&rules().1, &team(1, staff.clone(), worker("主管"), sups)), "supervisors")
        };
        assert_eq!(check(vec![outsider.clone()]), Outcome::Fail);
        assert_eq!(check(vec![outsider, supervisor()]), Outcome::Pass);
        assert_eq!(check(vec![supervisor(), supervisor(), supervisor()]), Outcome::Fail);
        assert_eq!(check(vec![]), Outcome::Fail);
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
