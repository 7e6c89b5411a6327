//! Scheme templates: each seed's kind of call as data (TOML), validated at load. An officer
//! derives a new template by copying one and editing it; the same validation applies.

use super::qualification::{Rule, RuleSpec};
use super::scoring::{price_weight_bounds, Method};
use super::verdict::{Outcome, Verdict};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The templates shipped with caiping, one per seed scheme.
pub const BUILTIN: &[(&str, &str)] = &[
    ("suzhou-street-4plus1.toml", include_str!("templates/suzhou-street-4plus1.toml")),
    ("suzhou-community-3plus1.toml", include_str!("templates/suzhou-community-3plus1.toml")),
    ("dongguan-centre-operator.toml", include_str!("templates/dongguan-centre-operator.toml")),
    ("shenzhen-demonstration-site.toml", include_str!("templates/shenzhen-demonstration-site.toml")),
    ("shandong-experimental-zone.toml", include_str!("templates/shandong-experimental-zone.toml")),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Ngo,
    ResidentsCommittee,
    CountyGovernment,
}

impl ApplicantKind {
    /// The kind as organisations store it (`organisations.kind`), the serde name.
    pub fn code(self) -> &'static str {
        match self {
            ApplicantKind::Ngo => "ngo",
            ApplicantKind::ResidentsCommittee => "residents_committee",
            ApplicantKind::CountyGovernment => "county_government",
        }
    }
}

/// How applications are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    OpenTender,
    CompetitiveConsultation,
    /// Applications reviewed against conditions (Shenzhen demonstration sites).
    ApplicationReview,
    /// Statement, cross-questioning, expert vote (Shandong experimental zones).
    ExpertVote,
}

impl Procedure {
    pub fn procurement_method(self) -> Option<Method> {
        match self {
            Procedure::OpenTender => Some(Method::OpenTender),
            Procedure::CompetitiveConsultation => Some(Method::CompetitiveConsultation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub metric: String,
    pub min: Decimal,
    pub unit: Text,
    /// year | month | community_year | contract
    pub per: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceItem {
    pub id: String,
    /// street | community | site | zone
    pub level: String,
    pub mandatory: bool,
    pub name: Text,
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionSpec {
    pub id: String,
    pub name: Text,
    pub max_points: Decimal,
    /// Objective factors must be scored alike by every member (O87 art. 64 correction reason).
    pub objective: bool,
    /// Scoring guidance (评分细则).
    pub guidance: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub id: String,
    pub name: Text,
    pub metric: String,
    /// Minimum per contract year.
    pub min_by_year: Vec<Decimal>,
    pub unit: Text,
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitRule {
    /// Districts this split applies to.
    pub districts: Vec<String>,
    pub city_pct: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Funding {
    /// A fixed service fee per contract year, shared between city and district.
    FixedByYear { amounts_yuan: Vec<Decimal>, coverage_by_year: Vec<u32>, split: Vec<SplitRule> },
    /// Dongguan-style subsidy per site.
    SiteSubsidy {
        renovation_yuan_per_m2: Decimal,
        renovation_max_area_m2: Decimal,
        renovation_city_pct: Decimal,
        equipment_yuan: Decimal,
        operator_cap_yuan: Decimal,
        city_cap_yuan: Decimal,
        matching_min_pct: Decimal,
    },
    /// A grant per site with an optional district match.
    Grant { per_site_yuan: Decimal, district_match_ratio: Decimal, commercial_projects_funded: bool },
    /// No money attached (a designation).
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instalment {
    pub trigger: Text,
    pub pct: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodicEvaluation {
    /// half_year | annual | mid_term | final
    pub kind: String,
    pub contract_year: u8,
    /// third_party | expert_group | buyer
    pub by: String,
    /// score | stars | pass_fail
    pub result: String,
    pub consequence: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryProject {
    pub id: String,
    pub name: Text,
    /// 原则上应纳入: omitting it needs a written justification.
    pub expected: bool,
    pub commercial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Selection {
    /// Each site picks at least `min_selected` projects from the library.
    ProjectLibrary { min_selected: usize, projects: Vec<LibraryProject>, district_quotas: Vec<Quota> },
    /// Zones recommended by vote, in fixed numbers per category.
    ZoneQuota { quotas: Vec<Quota> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeTemplate {
    pub id: String,
    pub name: Text,
    /// Seed file and issuer the template encodes.
    pub source: String,
    #[serde(default)]
    pub derived_from: Option<String>,
    pub applicant: ApplicantKind,
    pub procedure: Procedure,
    /// Price weight in percent; absent for a fixed-price call (price not scored).
    #[serde(default)]
    pub price_weight_pct: Option<Decimal>,
    pub contract_years: u8,
    pub lot_unit: Text,
    /// The city or province whose scheme this is; a tender names its own region, this by default.
    #[serde(default)]
    pub region: Option<Text>,
    #[serde(default)]
    pub service_items: Vec<ServiceItem>,
    #[serde(default)]
    pub qualification: Vec<RuleSpec>,
    #[serde(default)]
    pub team: Vec<RuleSpec>,
    #[serde(default)]
    pub criteria: Vec<CriterionSpec>,
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    pub funding: Funding,
    #[serde(default)]
    pub payments: Vec<Instalment>,
    #[serde(default)]
    pub evaluations: Vec<PeriodicEvaluation>,
    #[serde(default)]
    pub selection: Option<Selection>,
}

/// A precise template error: which file, which field, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{file}: {field}: {reason}")]
pub struct TemplateError {
    pub file: String,
    pub field: String,
    pub reason: String,
}

struct Errors<'a> {
    file: &'a str,
    list: Vec<TemplateError>,
}

impl Errors<'_> {
    fn check(&mut self, ok: bool, field: impl Into<String>, reason: impl Into<String>) {
        if !ok {
            self.list.push(TemplateError { file: self.file.to_string(), field: field.into(), reason: reason.into() });
        }
    }
}

fn hundred() -> Decimal {
    Decimal::from(100)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.')
}

/// What a call for applications asks the applicant to state besides its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationKind {
    /// Seed 003: conditions and the chosen projects.
    ProjectLibrary,
    /// Seed 001: the 申报表 with the zone's category.
    ZoneForm,
}

impl SchemeTemplate {
    /// The application the template's selection asks for, if it is a call for applications.
    pub fn application_kind(&self) -> Option<ApplicationKind> {
        match self.selection {
            Some(Selection::ProjectLibrary { .. }) => Some(ApplicationKind::ProjectLibrary),
            Some(Selection::ZoneQuota { .. }) => Some(ApplicationKind::ZoneForm),
            None => None,
        }
    }

    /// Parses and validates; a parse error names the line, a validation error the field.
    pub fn from_toml(file: &str, text: &str) -> Result<Self, Vec<TemplateError>> {
        let template: SchemeTemplate = toml::from_str(text).map_err(|e| {
            vec![TemplateError {
                file: file.to_string(),
                field: "(syntax)".into(),
                reason: e.to_string().trim().replace('\n', " "),
            }]
        })?;
        template.validate(file)?;
        Ok(template)
    }

    /// Every template rule that does not depend on a particular tender.
    pub fn validate(&self, file: &str) -> Result<(), Vec<TemplateError>> {
        let mut e = Errors { file, list: Vec::new() };
        let years = usize::from(self.contract_years);
        e.check(valid_id(&self.id), "id", "lowercase letters, digits, '-', '_' or '.' only");
        e.check(
            !self.name.zh.trim().is_empty() && !self.name.en.trim().is_empty(),
            "name",
            "both zh and en are required",
        );
        e.check((1..=5).contains(&self.contract_years), "contract_years", "between 1 and 5");

        match (self.procedure.procurement_method(), self.price_weight_pct) {
            (Some(method), Some(w)) => {
                let (min, max) = price_weight_bounds(method);
                e.check(
                    w >= min && w <= max,
                    "price_weight_pct",
                    format!("{w}% is outside {min}%–{max}% for services under {method:?}"),
                );
            }
            (None, Some(_)) => e.check(false, "price_weight_pct", "only open tenders and consultations score price"),
            _ => {}
        }

        let mut ids = HashSet::new();
        for (i, c) in self.criteria.iter().enumerate() {
            e.check(
                valid_id(&c.id) && ids.insert(format!("criterion:{}", c.id)),
                format!("criteria[{i}].id"),
                "missing, malformed or duplicate",
            );
            e.check(c.max_points > Decimal::ZERO, format!("criteria[{i}].max_points"), "must be positive");
        }
        let scored = matches!(self.procedure, Procedure::OpenTender | Procedure::CompetitiveConsultation);
        if scored {
            let sum: Decimal =
                self.criteria.iter().map(|c| c.max_points).sum::<Decimal>() + self.price_weight_pct.unwrap_or_default();
            e.check(
                sum == hundred(),
                "criteria",
                format!("criteria points plus price weight must total 100 (they total {sum})"),
            );
        }

        for (list, name, team) in [(&self.qualification, "qualification", false), (&self.team, "team", true)] {
            for (i, r) in list.iter().enumerate() {
                let at = format!("{name}[{i}]");
                e.check(
                    valid_id(&r.id) && ids.insert(format!("rule:{}", r.id)),
                    format!("{at}.id"),
                    "missing, malformed or duplicate",
                );
                e.check(!r.citation.trim().is_empty(), format!("{at}.citation"), "every rule cites its source");
                e.check(
                    r.rule.is_team_rule() == team,
                    format!("{at}.rule.kind"),
                    format!("`{}` belongs in [[{}]]", r.rule.kind(), if team { "qualification" } else { "team" }),
                );
                match &r.rule {
                    Rule::TeamSize { by_year } => e.check(
                        by_year.len() == years,
                        format!("{at}.rule.by_year"),
                        format!("one entry per contract year ({years})"),
                    ),
                    Rule::ProfessionalShare { min_pct } | Rule::ExperienceShare { min_pct, .. } => {
                        e.check(*min_pct <= 100, format!("{at}.rule.min_pct"), "at most 100")
                    }
                    Rule::Supervisors { min, max, min_local, .. } => e.check(
                        min <= max && min_local <= max,
                        format!("{at}.rule"),
                        "need min ≤ max and min_local ≤ max",
                    ),
                    Rule::LegalForm { allowed } => {
                        e.check(!allowed.is_empty(), format!("{at}.rule.allowed"), "list at least one legal form")
                    }
                    Rule::RegisteredIn { regions } => {
                        e.check(!regions.is_empty(), format!("{at}.rule.regions"), "list at least one region")
                    }
                    _ => {}
                }
            }
        }

        for (i, s) in self.service_items.iter().enumerate() {
            e.check(
                valid_id(&s.id) && ids.insert(format!("item:{}", s.id)),
                format!("service_items[{i}].id"),
                "missing, malformed or duplicate",
            );
            e.check(
                ["street", "community", "site", "zone"].contains(&s.level.as_str()),
                format!("service_items[{i}].level"),
                "street, community, site or zone",
            );
            for (j, t) in s.targets.iter().enumerate() {
                e.check(t.min >= Decimal::ZERO, format!("service_items[{i}].targets[{j}].min"), "must not be negative");
                e.check(
                    ["year", "month", "community_year", "contract"].contains(&t.per.as_str()),
                    format!("service_items[{i}].targets[{j}].per"),
                    "year, month, community_year or contract",
                );
            }
        }
        for (i, o) in self.obligations.iter().enumerate() {
            e.check(
                valid_id(&o.id) && ids.insert(format!("obligation:{}", o.id)),
                format!("obligations[{i}].id"),
                "missing, malformed or duplicate",
            );
            e.check(
                o.min_by_year.len() == years,
                format!("obligations[{i}].min_by_year"),
                format!("one entry per contract year ({years})"),
            );
        }
        match &self.funding {
            Funding::FixedByYear { amounts_yuan, coverage_by_year, split } => {
                e.check(
                    amounts_yuan.len() == years,
                    "funding.amounts_yuan",
                    format!("one entry per contract year ({years})"),
                );
                e.check(
                    coverage_by_year.len() == years,
                    "funding.coverage_by_year",
                    format!("one entry per contract year ({years})"),
                );
                for (i, s) in split.iter().enumerate() {
                    e.check(
                        s.city_pct >= Decimal::ZERO && s.city_pct <= hundred(),
                        format!("funding.split[{i}].city_pct"),
                        "between 0 and 100",
                    );
                }
            }
            Funding::SiteSubsidy { renovation_city_pct, matching_min_pct, .. } => {
                e.check(*renovation_city_pct <= hundred(), "funding.renovation_city_pct", "at most 100");
                e.check(*matching_min_pct <= hundred(), "funding.matching_min_pct", "at most 100");
            }
            Funding::Grant { per_site_yuan, .. } => {
                e.check(*per_site_yuan > Decimal::ZERO, "funding.per_site_yuan", "must be positive")
            }
            Funding::None => {}
        }
        if !self.payments.is_empty() {
            let sum: Decimal = self.payments.iter().map(|p| p.pct).sum();
            e.check(sum == hundred(), "payments", format!("instalments must total 100% (they total {sum}%)"));
        }
        for (i, ev) in self.evaluations.iter().enumerate() {
            e.check(
                ev.contract_year >= 1 && ev.contract_year <= self.contract_years,
                format!("evaluations[{i}].contract_year"),
                "within the contract term",
            );
            e.check(
                ["half_year", "annual", "mid_term", "final"].contains(&ev.kind.as_str()),
                format!("evaluations[{i}].kind"),
                "half_year, annual, mid_term or final",
            );
            e.check(
                ["score", "stars", "pass_fail"].contains(&ev.result.as_str()),
                format!("evaluations[{i}].result"),
                "score, stars or pass_fail",
            );
        }
        if let Some(Selection::ProjectLibrary { min_selected, projects, .. }) = &self.selection {
            let mut pids = HashSet::new();
            for (i, p) in projects.iter().enumerate() {
                e.check(
                    valid_id(&p.id) && pids.insert(p.id.clone()),
                    format!("selection.projects[{i}].id"),
                    "missing, malformed or duplicate",
                );
            }
            e.check(*min_selected <= projects.len(), "selection.min_selected", "more than the library holds");
        }
        if e.list.is_empty() {
            Ok(())
        } else {
            Err(e.list)
        }
    }

    /// A copy to edit into a new template; validate it again before use.
    pub fn derive(&self, id: &str, name: Text) -> SchemeTemplate {
        SchemeTemplate { id: id.to_string(), name, derived_from: Some(self.id.clone()), ..self.clone() }
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a template always serialises")
    }
}

/// Loads every shipped template; any error in any file is reported.
pub fn builtin() -> Result<Vec<SchemeTemplate>, Vec<TemplateError>> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in BUILTIN {
        match SchemeTemplate::from_toml(file, text) {
            Ok(t) => ok.push(t),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(errors)
    }
}

pub fn builtin_by_id(id: &str) -> Option<SchemeTemplate> {
    builtin().ok()?.into_iter().find(|t| t.id == id)
}

/// Warns a template author about rules that risk discrimination (Reg. art. 20: restricting
/// organisation form or location without legal basis) or that set scale conditions (O87 art. 17:
/// registered capital, headcount, revenue). Warnings, not errors: the officer may override with a
/// recorded reason.
pub fn lint(t: &SchemeTemplate) -> Vec<Verdict> {
    let warn = |rule: &RuleSpec, code: &str, citation: &str, zh: String, en: String| Verdict {
        outcome: Outcome::Warning,
        ..Verdict::check(&format!("lint.{code}.{}", rule.id), true, citation, zh, en)
    };
    let mut out = Vec::new();
    for r in &t.qualification {
        match &r.rule {
            Rule::RegisteredIn { regions } => out.push(warn(
                r,
                "location",
                "Reg. art. 20",
                format!("规则“{}”限定注册地（{}），若无法律依据属于以不合理条件对供应商实行差别待遇", r.id, regions.join("、")),
                format!("Rule `{}` restricts the place of registration ({}); without a legal basis this discriminates between suppliers", r.id, regions.join(", ")),
            )),
            Rule::LegalForm { .. } => out.push(warn(
                r,
                "legal_form",
                "Reg. art. 20",
                format!("规则“{}”限定组织形式，须有法律或政策依据（请在覆盖理由中注明）", r.id),
                format!("Rule `{}` restricts the organisation form; it needs a legal or policy basis (state it in the override)", r.id),
            )),
            Rule::MinRegisteredCapital { .. } | Rule::MinAnnualRevenue { .. } => out.push(warn(
                r,
                "scale",
                "MoF Order 87 art. 17 (verify)",
                format!("规则“{}”以注册资本或营业收入等规模条件作为资格要求", r.id),
                format!("Rule `{}` uses a scale condition (registered capital or revenue) as a qualification", r.id),
            )),
            Rule::Employees { min, .. } => out.push(warn(
                r,
                "headcount",
                "MoF Order 87 art. 17 (verify)",
                format!("规则“{}”要求从业人员不少于{min}人，属于规模条件，请确认其与履约能力直接相关且有依据", r.id),
                format!("Rule `{}` requires at least {min} employees, a scale condition; confirm it is tied to performing the contract and has a basis", r.id),
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn applicant_codes_are_the_serde_names() {
        for k in [ApplicantKind::Ngo, ApplicantKind::ResidentsCommittee, ApplicantKind::CountyGovernment] {
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.code().into()));
        }
    }

    use super::*;

    #[test]
    fn every_shipped_template_loads_and_validates() {
        let all = builtin().unwrap_or_else(|e| panic!("{e:#?}"));
        let ids: Vec<_> = all.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "suzhou-street-4plus1",
                "suzhou-community-3plus1",
                "dongguan-centre-operator",
                "shenzhen-demonstration-site",
                "shandong-experimental-zone"
            ]
        );
    }

    #[test]
    fn a_syntax_error_names_the_file_and_line() {
        let err = SchemeTemplate::from_toml("broken.toml", "id = \"x\"\nname = {").unwrap_err();
        assert_eq!(err[0].file, "broken.toml");
        assert!(err[0].reason.contains("line 2"), "{}", err[0].reason);
    }

    #[test]
    fn an_unknown_field_is_refused() {
        let text = BUILTIN[0].1.replacen("contract_years = 2", "contract_years = 2\ncontract_yaers = 3", 1);
        let err = SchemeTemplate::from_toml("typo.toml", &text).unwrap_err();
        assert!(err[0].reason.contains("contract_yaers"), "{err:?}");
    }

    #[test]
    fn validation_errors_name_the_field() {
        let mut t = builtin_by_id("suzhou-street-4plus1").unwrap();
        t.criteria[0].max_points += Decimal::ONE;
        t.contract_years = 3;
        let errors = t.validate("edited.toml").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"criteria"), "{fields:?}");
        assert!(fields.iter().any(|f| f.starts_with("team[") && f.ends_with(".rule.by_year")), "{fields:?}");
        assert!(fields.contains(&"funding.amounts_yuan"), "{fields:?}");
    }

    #[test]
    fn price_weight_is_checked_against_the_method() {
        let mut t = builtin_by_id("dongguan-centre-operator").unwrap();
        t.procedure = Procedure::CompetitiveConsultation;
        t.price_weight_pct = Some(Decimal::from(40));
        let errors = t.validate("x.toml").unwrap_err();
        assert!(errors.iter().any(|e| e.field == "price_weight_pct"), "{errors:?}");
    }

    #[test]
    fn a_rule_in_the_wrong_list_is_refused() {
        let mut t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let moved = t.team.remove(0);
        t.qualification.push(moved);
        let errors = t.validate("x.toml").unwrap_err();
        assert!(errors.iter().any(|e| e.field.ends_with(".rule.kind") && e.reason.contains("[[team]]")), "{errors:?}");
    }

    #[test]
    fn an_officer_derives_a_template_without_code() {
        let base = builtin_by_id("suzhou-street-4plus1").unwrap();
        let mut mine = base.derive(
            "wujiang-street-4plus1",
            Text { zh: "吴江区街道综合包".into(), en: "Wujiang street bundle".into() },
        );
        if let Funding::FixedByYear { amounts_yuan, .. } = &mut mine.funding {
            amounts_yuan[0] = Decimal::from(700_000);
        }
        assert!(mine.validate("wujiang.toml").is_ok());
        assert_eq!(mine.derived_from.as_deref(), Some("suzhou-street-4plus1"));
        // Round trip through TOML, as it would be stored.
        let again = SchemeTemplate::from_toml("wujiang.toml", &mine.to_toml()).unwrap();
        assert_eq!(again, mine);
    }

    #[test]
    fn the_linter_flags_headcount_legal_form_and_location() {
        let suzhou = builtin_by_id("suzhou-street-4plus1").unwrap();
        let codes: Vec<_> = lint(&suzhou).into_iter().map(|v| v.rule).collect();
        assert!(codes.iter().any(|c| c.starts_with("lint.headcount.")), "{codes:?}");
        assert!(codes.iter().any(|c| c.starts_with("lint.legal_form.")), "{codes:?}");
        let mut local_only = suzhou.clone();
        local_only.qualification.push(RuleSpec {
            id: "local-registration".into(),
            citation: "officer".into(),
            rule: Rule::RegisteredIn { regions: vec!["苏州市".into()] },
        });
        assert!(lint(&local_only)
            .iter()
            .any(|v| v.rule == "lint.location.local-registration" && v.outcome == Outcome::Warning));
        assert!(lint(&builtin_by_id("shandong-experimental-zone").unwrap()).is_empty());
    }
}
