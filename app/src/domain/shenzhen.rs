//! Shenzhen demonstration sites (seed 003): eligibility of the applying community, the choice of
//! projects from the template's library, district quotas, and the grant.

use super::template::{Funding, LibraryProject, SchemeTemplate, Selection};
use super::verdict::{Outcome, Verdict};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const CITE_CONDITIONS: &str = "seed 003 细则 一";
const CITE_LIBRARY: &str = "seed 003 方案 三(三)、四";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Premises and hardware available for the projects.
    pub premises_available: bool,
    /// Residents (or their representatives) consulted, and a majority agreed.
    pub residents_consulted: u32,
    pub residents_agreeing: u32,
    /// Months the community's service centre has been operating.
    pub centre_operating_months: u32,
    /// Chosen project ids from the library.
    pub selected: Vec<String>,
    /// Written justification for each expected project left out: (project id, reason).
    #[serde(default)]
    pub omissions: Vec<(String, String)>,
    /// Whether the district matches the grant.
    pub district_matches: bool,
}

fn library(t: &SchemeTemplate) -> (usize, &[LibraryProject]) {
    match &t.selection {
        Some(Selection::ProjectLibrary { min_selected, projects, .. }) => (*min_selected, projects),
        _ => (0, &[]),
    }
}

/// An application as typed into the bid form; numbers are text until parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub premises_available: bool,
    pub residents_consulted: String,
    pub residents_agreeing: String,
    pub centre_operating_months: String,
    pub selected: Vec<String>,
    pub omissions: Vec<(String, String)>,
    pub district_matches: bool,
}

/// Parses the application form; the rules themselves are judged by [`application_verdicts`].
pub fn parse_application(input: &ApplicationInput) -> Result<Application, Vec<crate::domain::field::FieldError>> {
    use crate::domain::field::FieldError;
    let mut errors = Vec::new();
    let mut number = |field: &str, text: &str| -> u32 {
        match text.trim() {
            "" => 0,
            t => t.parse::<u32>().ok().filter(|n| *n <= 1_000_000).unwrap_or_else(|| {
                errors.push(FieldError::new(
                    field,
                    "count_invalid",
                    "请填写不小于零的整数",
                    "Enter a whole number of at least zero",
                ));
                0
            }),
        }
    };
    let consulted = number("residents_consulted", &input.residents_consulted);
    let agreeing = number("residents_agreeing", &input.residents_agreeing);
    let months = number("centre_operating_months", &input.centre_operating_months);
    if agreeing > consulted {
        errors.push(FieldError::new(
            "residents_agreeing",
            "agreeing_over_consulted",
            "同意人数不能多于征求意见人数",
            "More residents agree than were consulted",
        ));
    }
    let mut selected =
        input.selected.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>();
    selected.dedup();
    let omissions = input
        .omissions
        .iter()
        .filter(|(_, why)| !why.trim().is_empty())
        .map(|(id, why)| (id.clone(), why.trim().to_string()))
        .collect();
    if errors.is_empty() {
        Ok(Application {
            premises_available: input.premises_available,
            residents_consulted: consulted,
            residents_agreeing: agreeing,
            centre_operating_months: months,
            selected,
            omissions,
            district_matches: input.district_matches,
        })
    } else {
        Err(errors)
    }
}

/// Seed 003 细则 一 and 方案 三(三): eligibility and project choice, rule by rule.
pub fn application_verdicts(t: &SchemeTemplate, a: &Application) -> Vec<Verdict> {
    let (min_selected, projects) = library(t);
    let majority = a.residents_consulted > 0 && a.residents_agreeing * 2 > a.residents_consulted;
    let unknown: Vec<&String> = a.selected.iter().filter(|id| !projects.iter().any(|p| &p.id == *id)).collect();
    let mut distinct = a.selected.clone();
    distinct.sort();
    distinct.dedup();
    let missing_expected: Vec<&LibraryProject> = projects
        .iter()
        .filter(|p| p.expected && !a.selected.contains(&p.id))
        .filter(|p| !a.omissions.iter().any(|(id, why)| id == &p.id && why.trim().chars().count() >= 4))
        .collect();
    vec![
        Verdict::check(
            "shenzhen.premises",
            a.premises_available,
            CITE_CONDITIONS,
            "社区须有可用于开展项目的场地及硬件条件".into(),
            "The community must have premises and hardware for the projects".into(),
        ),
        Verdict::check(
            "shenzhen.residents_consent",
            majority,
            CITE_CONDITIONS,
            format!("须征求居民意见并得到多数同意（{}/{}）", a.residents_agreeing, a.residents_consulted),
            format!(
                "Residents must be consulted and a majority agree ({}/{})",
                a.residents_agreeing, a.residents_consulted
            ),
        ),
        Verdict::check(
            "shenzhen.centre_operating",
            a.centre_operating_months >= 12,
            CITE_CONDITIONS,
            format!("社区服务中心须运营一年以上（现{}个月）", a.centre_operating_months),
            format!("The service centre must have operated for at least a year ({} months)", a.centre_operating_months),
        ),
        Verdict::check(
            "shenzhen.known_projects",
            unknown.is_empty(),
            CITE_LIBRARY,
            format!(
                "所选项目须来自项目库（未知：{}）；新项目须先申报入库",
                unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("、")
            ),
            format!(
                "Projects must come from the library (unknown: {}); propose new ones for the library first",
                unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ),
        Verdict::check(
            "shenzhen.min_projects",
            distinct.len() >= min_selected,
            CITE_LIBRARY,
            format!("每个示范点至少选取{min_selected}个项目（现{}个）", distinct.len()),
            format!("Each site picks at least {min_selected} projects (has {})", distinct.len()),
        ),
        Verdict::check(
            "shenzhen.expected_projects",
            missing_expected.is_empty(),
            CITE_LIBRARY,
            format!(
                "原则上应纳入的项目未选且未书面说明理由：{}",
                missing_expected.iter().map(|p| p.name.zh.as_str()).collect::<Vec<_>>().join("、")
            ),
            format!(
                "Expected projects left out without a written reason: {}",
                missing_expected.iter().map(|p| p.name.en.as_str()).collect::<Vec<_>>().join(", ")
            ),
        ),
    ]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub lottery_fund_yuan: Decimal,
    pub district_match_yuan: Decimal,
    pub total_yuan: Decimal,
    /// Commercial projects chosen: they get no lottery money and keep separate accounts.
    pub commercial_projects: Vec<String>,
}

/// Seed 003 方案 四: ¥150,000 per site from the welfare-lottery fund, optionally matched 1:1 by the
/// district; commercial projects get no lottery money.
pub fn grant(t: &SchemeTemplate, a: &Application) -> Grant {
    let (per_site, ratio) = match &t.funding {
        Funding::Grant { per_site_yuan, district_match_ratio, .. } => (*per_site_yuan, *district_match_ratio),
        _ => (Decimal::ZERO, Decimal::ZERO),
    };
    let (_, projects) = library(t);
    let commercial =
        projects.iter().filter(|p| p.commercial && a.selected.contains(&p.id)).map(|p| p.id.clone()).collect();
    let district = if a.district_matches { per_site * ratio } else { Decimal::ZERO };
    Grant {
        lottery_fund_yuan: per_site,
        district_match_yuan: district,
        total_yuan: per_site + district,
        commercial_projects: commercial,
    }
}

/// Seed 003 细则 二(一): the district quotas add up to the city's ~100 sites; a district may not
/// exceed its quota.
pub fn quota_verdict(t: &SchemeTemplate, district: &str, approved_so_far: u32) -> Verdict {
    let quota = match &t.selection {
        Some(Selection::ProjectLibrary { district_quotas, .. }) => {
            district_quotas.iter().find(|q| q.name == district).map(|q| q.count)
        }
        _ => None,
    };
    match quota {
        Some(q) => Verdict::check(
            "shenzhen.district_quota",
            approved_so_far < q,
            "seed 003 细则 二(一)",
            format!("{district}名额为{q}个，已确定{approved_so_far}个"),
            format!("{district} has a quota of {q}; {approved_so_far} already chosen"),
        ),
        None => Verdict {
            outcome: Outcome::Fail,
            ..Verdict::check(
                "shenzhen.district_quota",
                false,
                "seed 003 细则 二(一)",
                format!("{district}不在名额表中"),
                format!("{district} has no quota"),
            )
        },
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_application_form_parses_and_refuses_more_agreeing_than_consulted() {
        let input = ApplicationInput {
            residents_consulted: "40".into(),
            residents_agreeing: "21".into(),
            centre_operating_months: "12".into(),
            selected: vec!["a".into(), "a".into(), " ".into()],
            ..Default::default()
        };
        let a = parse_application(&input).unwrap();
        assert_eq!((a.residents_consulted, a.residents_agreeing, a.centre_operating_months), (40, 21, 12));
        assert_eq!(a.selected, ["a"]);
        let bad = ApplicationInput {
            residents_agreeing: "41".into(),
            residents_consulted: "40".into(),
            centre_operating_months: "x".into(),
            ..Default::default()
        };
        let codes: Vec<String> = parse_application(&bad).unwrap_err().into_iter().map(|e| e.code).collect();
        assert_eq!(codes, ["count_invalid", "agreeing_over_consulted"]);
    }

    use super::*;
    use crate::domain::template::builtin_by_id;
    use crate::domain::verdict::all_pass;

    fn template() -> SchemeTemplate {
        builtin_by_id("shenzhen-demonstration-site").unwrap()
    }

    fn expected_seven() -> Vec<String> {
        [
            "residents-council",
            "community-web",
            "stress-room",
            "family-education",
            "waste-sorting",
            "elderly-alarm",
            "women-children",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn application(extra: &[&str]) -> Application {
        let mut selected = expected_seven();
        selected.extend(extra.iter().map(|s| s.to_string()));
        Application {
            premises_available: true,
            residents_consulted: 100,
            residents_agreeing: 51,
            centre_operating_months: 12,
            selected,
            omissions: vec![],
            district_matches: true,
        }
    }

    #[test]
    fn the_library_has_seventeen_projects_seven_expected() {
        let t = template();
        let (min, projects) = library(&t);
        assert_eq!((min, projects.len(), projects.iter().filter(|p| p.expected).count()), (10, 17, 7));
    }

    #[test]
    fn ten_projects_with_the_seven_expected_pass() {
        let v =
            application_verdicts(&template(), &application(&["health-checks", "clothes-recycling", "charity-walk"]));
        assert!(all_pass(&v), "{v:#?}");
    }

    #[test]
    fn nine_projects_fail_and_duplicates_do_not_count() {
        let v = application_verdicts(&template(), &application(&["health-checks", "health-checks"]));
        assert_eq!(v.iter().find(|v| v.rule == "shenzhen.min_projects").unwrap().outcome, Outcome::Fail);
    }

    #[test]
    fn an_omitted_expected_project_needs_a_written_reason() {
        let mut a = application(&["health-checks", "clothes-recycling", "charity-walk", "information-screens"]);
        a.selected.retain(|p| p != "waste-sorting");
        let rule = |a: &Application| {
            application_verdicts(&template(), a).into_iter().find(|v| v.rule == "shenzhen.expected_projects").unwrap()
        };
        assert_eq!(rule(&a).outcome, Outcome::Fail);
        a.omissions.push(("waste-sorting".into(), "本社区已由街道统一实施垃圾分类".into()));
        assert_eq!(rule(&a).outcome, Outcome::Pass);
    }

    #[test]
    fn eligibility_boundaries() {
        let mut a = application(&["health-checks", "clothes-recycling", "charity-walk"]);
        a.residents_agreeing = 50; // exactly half is not a majority
        a.centre_operating_months = 11;
        let v = application_verdicts(&template(), &a);
        assert_eq!(v.iter().filter(|v| v.outcome == Outcome::Fail).count(), 2);
    }

    #[test]
    fn grant_with_match_and_no_lottery_money_for_commercial_projects() {
        let g = grant(&template(), &application(&["parcel-lockers", "health-checks", "charity-walk"]));
        assert_eq!(g.lottery_fund_yuan, Decimal::from(150_000));
        assert_eq!(g.total_yuan, Decimal::from(300_000));
        assert_eq!(g.commercial_projects, ["parcel-lockers"]);
        let mut a = application(&[]);
        a.district_matches = false;
        assert_eq!(grant(&template(), &a).total_yuan, Decimal::from(150_000));
    }

    #[test]
    fn district_quotas_sum_to_one_hundred() {
        let t = template();
        let Some(Selection::ProjectLibrary { district_quotas, .. }) = &t.selection else { panic!() };
        assert_eq!(district_quotas.iter().map(|q| q.count).sum::<u32>(), 100);
        assert_eq!(quota_verdict(&t, "盐田区", 5).outcome, Outcome::Pass);
        assert_eq!(quota_verdict(&t, "盐田区", 6).outcome, Outcome::Fail);
        assert_eq!(quota_verdict(&t, "不存在区", 0).outcome, Outcome::Fail);
    }
}
