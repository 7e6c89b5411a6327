//! The closed vocabulary of qualification and team rules. A scheme template lists rules of
//! these kinds with their parameters; `evaluate_org` / `evaluate_team` turn them into verdicts.
//! The definitions of professional social worker, project manager and supervisor follow
//! seed 002 Annex 1 §2, the most detailed in the seeds; their thresholds are parameters.

use super::profile::*;
use super::verdict::Verdict;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    // --- organisation rules ([[qualification]]) ---
    /// The applicant's legal form is one of `allowed`.
    LegalForm { allowed: Vec<LegalForm> },
    /// Registered at `min_level` or above (with civil affairs, if asked), social work in scope.
    Registration { min_level: RegistrationLevel, civil_affairs: bool, social_work_scope: bool },
    /// Board has ≥ `min_social_workers` 社会工作师 (or higher) or ≥ `or_min_certified` certified members.
    BoardCertificates { min_social_workers: usize, or_min_certified: usize },
    /// ≥ `min` employees with a contract of ≥ `min_contract_months` (and social insurance), of whom
    /// ≥ `min_professional` are professional social workers.
    Employees { min: usize, min_contract_months: u32, social_insurance: bool, min_professional: usize },
    /// Registered in one of `regions` (a location restriction: the linter warns).
    RegisteredIn { regions: Vec<String> },
    /// Registered capital of at least `yuan` (a scale condition: the linter warns).
    MinRegisteredCapital { yuan: Decimal },
    /// Annual revenue of at least `yuan` (a scale condition: the linter warns).
    MinAnnualRevenue { yuan: Decimal },
    // --- team rules ([[team]]) ---
    /// Full-time staff by contract year: `by_year[0]` in year 1, …
    TeamSize { by_year: Vec<usize> },
    /// ≥ `min_pct` % of full-time staff are professional social workers.
    ProfessionalShare { min_pct: u32 },
    /// ≥ `min_pct` % of full-time staff have ≥ `min_months` of practice.
    ExperienceShare { min_pct: u32, min_months: u32 },
    /// One project manager, a professional social worker with ≥ `min_related_months`.
    Manager { min_related_months: u32 },
    /// `min`–`max` supervisors, ≥ `min_local` local, each qualified (education or certificate,
    /// practice, or the university-teacher / overseas alternatives).
    Supervisors {
        min: usize,
        max: usize,
        min_local: usize,
        min_practice_months: u32,
        teacher_min_projects: u32,
        teacher_min_months: u32,
        certificate_needs_registration: bool,
    },
}

impl Rule {
    pub fn is_team_rule(&self) -> bool {
        matches!(
            self,
            Rule::TeamSize { .. }
                | Rule::ProfessionalShare { .. }
                | Rule::ExperienceShare { .. }
                | Rule::Manager { .. }
                | Rule::Supervisors { .. }
        )
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Rule::LegalForm { .. } => "legal_form",
            Rule::Registration { .. } => "registration",
            Rule::BoardCertificates { .. } => "board_certificates",
            Rule::Employees { .. } => "employees",
            Rule::RegisteredIn { .. } => "registered_in",
            Rule::MinRegisteredCapital { .. } => "min_registered_capital",
            Rule::MinAnnualRevenue { .. } => "min_annual_revenue",
            Rule::TeamSize { .. } => "team_size",
            Rule::ProfessionalShare { .. } => "professional_share",
            Rule::ExperienceShare { .. } => "experience_share",
            Rule::Manager { .. } => "manager",
            Rule::Supervisors { .. } => "supervisors",
        }
    }
}

/// A rule as a template states it: an id, where it comes from, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub citation: String,
    pub rule: Rule,
}

/// The rule as the tender document states it to bidders (招标文件 资格/团队要求), in Chinese.
pub fn requirement_zh(rule: &Rule) -> String {
    match rule {
        Rule::LegalForm { allowed } => format!("组织形式为{}", allowed.iter().map(|f| legal_form_zh(*f)).collect::<Vec<_>>().join("或")),
        Rule::Registration { min_level, civil_affairs, social_work_scope } => format!(
            "在{}以上{}登记{}",
            level_zh(*min_level),
            if *civil_affairs { "民政部门" } else { "登记机关" },
            if *social_work_scope { "，业务范围明确包含社会工作服务" } else { "" }
        ),
        Rule::BoardCertificates { min_social_workers, or_min_certified } => {
            format!("理事会成员中至少{min_social_workers}名社会工作师，或至少{or_min_certified}名持有社会工作者职业水平证书")
        }
        Rule::Employees { min, min_contract_months, social_insurance, min_professional } => format!(
            "签订{min_contract_months}个月以上劳动合同{}的员工不少于{min}名，其中专业社会工作者不少于{min_professional}名",
            if *social_insurance { "并缴纳社会保险" } else { "" }
        ),
        Rule::RegisteredIn { regions } => format!("在{}登记", regions.join("、")),
        Rule::MinRegisteredCapital { yuan } => format!("注册资金不少于{yuan}元"),
        Rule::MinAnnualRevenue { yuan } => format!("年收入不少于{yuan}元"),
        Rule::TeamSize { by_year } => {
            let years: Vec<String> = by_year.iter().enumerate().map(|(i, n)| format!("第{}年不少于{n}名", i + 1)).collect();
            format!("全职员工：{}", years.join("，"))
        }
        Rule::ProfessionalShare { min_pct } => format!("全职员工中专业社会工作者占{min_pct}%以上"),
        Rule::ExperienceShare { min_pct, min_months } => format!("全职员工中具备{min_months}个月以上实际工作经验的不少于{min_pct}%"),
        Rule::Manager { min_related_months } => format!("项目主管1名，为专业社会工作者，具备{min_related_months}个月以上相关工作经验"),
        Rule::Supervisors { min, max, min_local, min_practice_months, teacher_min_projects, teacher_min_months, certificate_needs_registration } => format!(
            "专业督导{min}至{max}名，其中本土督导不少于{min_local}名；督导须为社会工作或社会学本科以上，或取得社会工作师资格{}，具备{min_practice_months}个月以上实务经验（高校教师须主持不少于{teacher_min_projects}个项目、合计不少于{teacher_min_months}个月）",
            if *certificate_needs_registration { "并登记" } else { "" }
        ),
    }
}

/// Seed 002 Annex 1 §2: social-work junior-college degree or above, or the national
/// social-worker certificate (any level).
pub fn is_professional(p: &Person) -> bool {
    (p.major == Major::SocialWork && p.education >= Education::JuniorCollege) || p.certificate.is_some()
}

/// `part / whole ≥ pct %`, exactly, in integers; an empty team fails.
pub fn share_at_least(part: usize, whole: usize, pct: u32) -> bool {
    whole > 0 && part * 100 >= whole * pct as usize
}

fn region_matches(region: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|r| region.starts_with(r.as_str()))
}

/// Evaluates the organisation rules of a template.
pub fn evaluate_org(rules: &[RuleSpec], org: &Organisation) -> Vec<Verdict> {
    rules.iter().filter(|r| !r.rule.is_team_rule()).map(|spec| org_verdict(spec, org)).collect()
}

fn org_verdict(spec: &RuleSpec, org: &Organisation) -> Verdict {
    let id = spec.id.as_str();
    let cite = spec.citation.as_str();
    match &spec.rule {
        Rule::LegalForm { allowed } => Verdict::check(
            id,
            allowed.contains(&org.legal_form),
            cite,
            format!("组织形式须为{}", allowed.iter().map(|f| legal_form_zh(*f)).collect::<Vec<_>>().join("、")),
            format!(
                "Legal form must be one of: {}",
                allowed.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", ")
            ),
        )
        .fact("legal_form", format!("{:?}", org.legal_form)),
        Rule::Registration { min_level, civil_affairs, social_work_scope } => Verdict::check(
            id,
            org.registration_level >= *min_level
                && (!civil_affairs || org.civil_affairs_registration)
                && (!social_work_scope || org.social_work_scope),
            cite,
            format!(
                "须在{}以上{}登记{}",
                level_zh(*min_level),
                if *civil_affairs { "民政部门" } else { "登记机关" },
                if *social_work_scope { "，业务范围明确包含社会工作服务" } else { "" }
            ),
            format!(
                "Must be registered at {:?} level or above{}{}",
                min_level,
                if *civil_affairs { " with a civil-affairs department" } else { "" },
                if *social_work_scope { ", with social-work services in its business scope" } else { "" }
            ),
        )
        .fact("registration_level", format!("{:?}", org.registration_level))
        .fact("civil_affairs_registration", org.civil_affairs_registration)
        .fact("social_work_scope", org.social_work_scope),
        Rule::BoardCertificates { min_social_workers, or_min_certified } => {
            let sw = org.board.iter().filter(|c| matches!(c, Some(c) if *c >= Certificate::SocialWorker)).count();
            let certified = org.board.iter().filter(|c| c.is_some()).count();
            Verdict::check(
                id,
                sw >= *min_social_workers || certified >= *or_min_certified,
                cite,
                format!("理事会须至少有{min_social_workers}名社会工作师或{or_min_certified}名助理社会工作师（现社会工作师{sw}名、持证者共{certified}名）"),
                format!("The board needs ≥ {min_social_workers} social worker(s) or ≥ {or_min_certified} assistant social workers (has {sw}; {certified} certified in all)"),
            )
            .fact("board_social_workers", sw)
            .fact("board_certified", certified)
        }
        Rule::Employees { min, min_contract_months, social_insurance, min_professional } => {
            let qualifying: Vec<&Person> = org
                .staff
                .iter()
                .filter(|p| {
                    p.full_time
                        && p.contract_months >= *min_contract_months
                        && (!social_insurance || p.social_insurance)
                })
                .collect();
            let professional = qualifying.iter().filter(|p| is_professional(p)).count();
            Verdict::check(
                id,
                qualifying.len() >= *min && professional >= *min_professional,
                cite,
                format!(
                    "须有不少于{min}名全职员工（{min_contract_months}个月以上劳动合同{}），其中不少于{min_professional}名专业社工（现{}名，专业社工{professional}名）",
                    if *social_insurance { "并缴纳社保" } else { "" },
                    qualifying.len()
                ),
                format!(
                    "Needs ≥ {min} full-time employees (contract ≥ {min_contract_months} months{}), ≥ {min_professional} of them professional social workers (has {}, {professional} professional)",
                    if *social_insurance { ", social insurance paid" } else { "" },
                    qualifying.len()
                ),
            )
            .fact("qualifying_employees", qualifying.len())
            .fact("professional_employees", professional)
        }
        Rule::RegisteredIn { regions } => Verdict::check(
            id,
            region_matches(&org.region, regions),
            cite,
            format!("须在{}登记", regions.join("、")),
            format!("Must be registered in {}", regions.join(", ")),
        )
        .fact("region", &org.region),
        Rule::MinRegisteredCapital { yuan } => Verdict::check(
            id,
            org.registered_capital_yuan.is_some_and(|c| c >= *yuan),
            cite,
            format!("注册资金须不少于{yuan}元"),
            format!("Registered capital must be at least ¥{yuan}"),
        ),
        Rule::MinAnnualRevenue { yuan } => Verdict::check(
            id,
            org.annual_revenue_yuan.is_some_and(|c| c >= *yuan),
            cite,
            format!("年收入须不少于{yuan}元"),
            format!("Annual revenue must be at least ¥{yuan}"),
        ),
        team_rule => unreachable!("team rule {} filtered out", team_rule.kind()),
    }
}

/// Evaluates the team rules of a template against the team proposed for one contract year.
pub fn evaluate_team(rules: &[RuleSpec], team: &Team) -> Vec<Verdict> {
    let full_time: Vec<&Person> = team.staff.iter().filter(|p| p.full_time).collect();
    let n = full_time.len();
    let mut out = Vec::new();
    for spec in rules.iter().filter(|r| r.rule.is_team_rule()) {
        let id = spec.id.as_str();
        let cite = spec.citation.as_str();
        match &spec.rule {
            Rule::TeamSize { by_year } => {
                let year = usize::from(team.contract_year.max(1));
                let required = by_year.get(year - 1).or(by_year.last()).copied().unwrap_or(0);
                out.push(
                    Verdict::check(
                        id,
                        n >= required,
                        cite,
                        format!("第{year}年须配备不少于{required}名全职员工（现{n}名）"),
                        format!("Contract year {year} needs ≥ {required} full-time staff (has {n})"),
                    )
                    .fact("full_time", n)
                    .fact("required", required),
                );
            }
            Rule::ProfessionalShare { min_pct } => {
                let k = full_time.iter().filter(|p| is_professional(p)).count();
                out.push(
                    Verdict::check(
                        id,
                        share_at_least(k, n, *min_pct),
                        cite,
                        format!("全职员工中专业社工须占{min_pct}%以上（{k}/{n}）"),
                        format!("≥ {min_pct} % of full-time staff must be professional social workers ({k}/{n})"),
                    )
                    .fact("professional", format!("{k}/{n}")),
                );
            }
            Rule::ExperienceShare { min_pct, min_months } => {
                let k = full_time.iter().filter(|p| p.practice_months >= *min_months).count();
                out.push(
                    Verdict::check(
                        id,
                        share_at_least(k, n, *min_pct),
                        cite,
                        format!("全职员工中具备{min_months}个月以上实际工作经验的不少于{min_pct}%（{k}/{n}）"),
                        format!("≥ {min_pct} % of full-time staff need ≥ {min_months} months of practice ({k}/{n})"),
                    )
                    .fact("experienced", format!("{k}/{n}")),
                );
            }
            Rule::Manager { min_related_months } => {
                let (ok, name, months) = match &team.manager {
                    Some(m) => (
                        is_professional(m) && m.related_months >= *min_related_months,
                        m.name.clone(),
                        m.related_months,
                    ),
                    None => (false, "—".to_string(), 0),
                };
                out.push(
                    Verdict::check(
                        id,
                        ok,
                        cite,
                        format!("项目主管须为专业社工并具备{min_related_months}个月以上相关工作经验（{name}：{months}个月）"),
                        format!("The project manager must be a professional social worker with ≥ {min_related_months} months related experience ({name}: {months} months)"),
                    )
                    .fact("related_months", months),
                );
            }
            Rule::Supervisors {
                min,
                max,
                min_local,
                min_practice_months,
                teacher_min_projects,
                teacher_min_months,
                certificate_needs_registration,
            } => {
                let count = team.supervisors.len();
                let locals = team.supervisors.iter().filter(|s| s.local).count();
                out.push(
                    Verdict::check(
                        id,
                        (*min..=*max).contains(&count) && locals >= *min_local,
                        cite,
                        format!(
                            "须配备{min}~{max}名专业督导，其中至少{min_local}名本土督导（现{count}名，本土{locals}名）"
                        ),
                        format!(
                            "Needs {min}–{max} supervisors, at least {min_local} local (has {count}, {locals} local)"
                        ),
                    )
                    .fact("supervisors", count)
                    .fact("local", locals),
                );
                for s in &team.supervisors {
                    let teacher = s.university_teacher.is_some();
                    let degree =
                        matches!(s.major, Major::SocialWork | Major::Sociology) && s.education >= Education::Bachelor;
                    let certified = s.certificate.is_some_and(|c| c >= Certificate::SocialWorker)
                        && (!certificate_needs_registration || s.jiangsu_registered);
                    // University social-work teachers are exempt from the certificate only.
                    let qualification = degree || certified || (teacher && s.major == Major::SocialWork);
                    let practice = match (s.university_teacher, s.overseas) {
                        (Some(t), _) => {
                            t.projects_led >= *teacher_min_projects && t.project_months_total >= *teacher_min_months
                        }
                        (None, Some(o)) => {
                            o.registration_certificate && o.practice_proof && s.practice_months >= *min_practice_months
                        }
                        (None, None) => s.practice_months >= *min_practice_months,
                    };
                    out.push(Verdict::check(
                        &format!("{id}.qualification"),
                        qualification,
                        cite,
                        format!("督导{}须为社会工作或社会学本科以上，或取得社会工作师资格并登记", s.name),
                        format!("Supervisor {} needs a bachelor's in social work or sociology, or the registered social-worker qualification", s.name),
                    ));
                    out.push(
                        Verdict::check(
                            &format!("{id}.practice"),
                            practice,
                            cite,
                            format!("督导{}须有{min_practice_months}个月以上实务经验；高校教师须主持不少于{teacher_min_projects}个项目、合计不少于{teacher_min_months}个月；境外社工须提供注册证明和从业证明", s.name),
                            format!("Supervisor {} needs ≥ {min_practice_months} months of practice; a university teacher ≥ {teacher_min_projects} projects totalling ≥ {teacher_min_months} months; an overseas social worker registration and practice proof", s.name),
                        )
                        .fact("practice_months", s.practice_months),
                    );
                    out.push(Verdict::check(
                        &format!("{id}.norms"),
                        s.supervision_norms,
                        cite,
                        format!("督导{}须能够按社会工作督导服务规范提供督导服务", s.name),
                        format!("Supervisor {} must be able to supervise according to the supervision norms", s.name),
                    ));
                }
            }
            org_rule => unreachable!("organisation rule {} filtered out", org_rule.kind()),
        }
    }
    out
}

fn legal_form_zh(f: LegalForm) -> &'static str {
    match f {
        LegalForm::PrivateNonEnterprise => "民办非企业单位",
        LegalForm::SocialGroup => "社会团体",
        LegalForm::Foundation => "基金会",
        LegalForm::Company => "企业",
    }
}

fn level_zh(l: RegistrationLevel) -> &'static str {
    match l {
        RegistrationLevel::BelowCounty => "乡镇（街道）",
        RegistrationLevel::County => "县级",
        RegistrationLevel::City => "地市级",
        RegistrationLevel::Province => "省级",
        RegistrationLevel::National => "国家级",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_suzhou_rule_reads_as_a_requirement_with_its_numbers() {
        let t = crate::domain::template::builtin_by_id("suzhou-street-4plus1").unwrap();
        let texts: Vec<String> = t.qualification.iter().chain(&t.team).map(|r| requirement_zh(&r.rule)).collect();
        assert_eq!(texts.len(), t.qualification.len() + t.team.len());
        assert!(texts.iter().all(|x| !x.is_empty()));
        assert!(texts.iter().any(|x| x.contains("50%")), "{texts:?}");
        assert_eq!(
            requirement_zh(&Rule::TeamSize { by_year: vec![8, 10] }),
            "全职员工：第1年不少于8名，第2年不少于10名"
        );
    }
}
