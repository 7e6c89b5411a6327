//! Obligations that follow an award (the staffing an operator committed to, the communities it
//! serves, …): the template states the minimum per contract year; the operator records actuals.

use super::template::SchemeTemplate;
use super::verdict::Verdict;
use rust_decimal::Decimal;

/// Checks recorded actuals (`metric → value`) against the template's obligations for one
/// contract year. A metric with no recorded value fails: nothing is assumed.
pub fn obligation_verdicts(t: &SchemeTemplate, contract_year: u8, actuals: &[(String, Decimal)]) -> Vec<Verdict> {
    let year = usize::from(contract_year.max(1));
    t.obligations
        .iter()
        .map(|o| {
            let min = o.min_by_year.get(year - 1).or(o.min_by_year.last()).copied().unwrap_or_default();
            let actual = actuals.iter().find(|(m, _)| m == &o.metric).map(|(_, v)| *v);
            let shown = actual.map(|a| a.to_string()).unwrap_or_else(|| "—".into());
            Verdict::check(
                &format!("obligation.{}", o.id),
                actual.is_some_and(|a| a >= min),
                &o.citation,
                format!("第{year}年{}不少于{min}{}（现{shown}）", o.name.zh, o.unit.zh),
                format!("Year {year}: {} at least {min} {} (has {shown})", o.name.en, o.unit.en),
            )
            .fact("minimum", min)
            .fact("actual", shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::builtin_by_id;
    use crate::domain::verdict::Outcome;

    fn actual(metric: &str, v: i64) -> (String, Decimal) {
        (metric.to_string(), Decimal::from(v))
    }

    #[test]
    fn suzhou_staffing_five_then_eight() {
        let t = builtin_by_id("suzhou-street-4plus1").unwrap();
        let staff = |year, n| {
            obligation_verdicts(&t, year, &[actual("full_time_staff", n), actual("communities", 6)])[0].outcome
        };
        assert_eq!(staff(1, 5), Outcome::Pass);
        assert_eq!(staff(1, 4), Outcome::Fail);
        assert_eq!(staff(2, 7), Outcome::Fail);
        assert_eq!(staff(2, 8), Outcome::Pass);
    }

    #[test]
    fn dongguan_operator_team_and_a_missing_record() {
        let t = builtin_by_id("dongguan-centre-operator").unwrap();
        let v = obligation_verdicts(
            &t,
            1,
            &[
                actual("operator_staff", 10),
                actual("resident_service_teams", 9),
                actual("community_social_organisations", 2),
            ],
        );
        let outcomes: Vec<_> = v.iter().map(|v| (v.rule.as_str(), v.outcome)).collect();
        assert_eq!(
            outcomes,
            [
                ("obligation.operator-staff", Outcome::Pass),
                ("obligation.resident-teams", Outcome::Fail),
                ("obligation.social-organisations", Outcome::Pass),
                ("obligation.volunteers", Outcome::Fail),
            ]
        );
    }
}
