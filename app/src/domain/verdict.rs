//! The structured result of checking one rule: which rule, the outcome, the facts it used,
//! the message in both languages, and where the rule comes from.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    /// Not a hard failure; the purchaser should look (e.g. a rule that risks discrimination).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub rule: String,
    pub outcome: Outcome,
    /// The facts the rule used, as `(name, value)` pairs, e.g. `("professional_share", "3/5")`.
    pub facts: Vec<(String, String)>,
    pub message_zh: String,
    pub message_en: String,
    /// Seed file and section, or law and article.
    pub citation: String,
}

impl Verdict {
    pub fn check(rule: &str, ok: bool, citation: &str, zh: String, en: String) -> Self {
        Verdict {
            rule: rule.to_string(),
            outcome: if ok { Outcome::Pass } else { Outcome::Fail },
            facts: Vec::new(),
            message_zh: zh,
            message_en: en,
            citation: citation.to_string(),
        }
    }

    pub fn fact(mut self, name: &str, value: impl ToString) -> Self {
        self.facts.push((name.to_string(), value.to_string()));
        self
    }

    pub fn passed(&self) -> bool {
        self.outcome != Outcome::Fail
    }

    /// This verdict as a refusal of `field`, its citation written for each language's reader.
    pub fn field_error(&self, field: &str, code: &str) -> super::field::FieldError {
        super::field::FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message_zh: format!("{}（依据：{}）", self.message_zh, super::citation::zh(&self.citation)),
            message_en: format!("{} ({})", self.message_en, super::citation::en(&self.citation)),
        }
    }
}

/// True when no verdict is a hard failure.
pub fn all_pass(verdicts: &[Verdict]) -> bool {
    verdicts.iter().all(Verdict::passed)
}

/// The fact `roster::verdicts` adds to a team rule's verdict for each contract year.
const CONTRACT_YEAR: &str = "contract_year";

/// One bid's verdicts as the purchaser reviews them (O87 art. 44: the purchaser checks each
/// bidder's qualifications): failures first, then warnings, then passes, each group in rule
/// order; verdicts that differ only in their contract year are merged into one naming the years.
pub fn for_review(verdicts: &[Verdict]) -> Vec<Verdict> {
    let mut merged: Vec<(Verdict, Vec<String>)> = Vec::new();
    for v in verdicts {
        let year = v.facts.iter().find(|(k, _)| k == CONTRACT_YEAR).map(|(_, y)| y.clone());
        let mut bare = v.clone();
        bare.facts.retain(|(k, _)| k != CONTRACT_YEAR);
        match merged.iter_mut().find(|(m, _)| *m == bare) {
            Some((_, years)) => years.extend(year),
            None => merged.push((bare, year.into_iter().collect())),
        }
    }
    let rank = |o: Outcome| match o {
        Outcome::Fail => 0,
        Outcome::Warning => 1,
        Outcome::Pass => 2,
    };
    // A stable sort keeps rule order within each outcome.
    merged.sort_by_key(|(v, _)| rank(v.outcome));
    merged
        .into_iter()
        .map(|(mut v, years)| {
            if !years.is_empty() {
                let zh = format!("第{}年：", years.join("、"));
                let en = format!("{} {}: ", if years.len() == 1 { "Year" } else { "Years" }, years.join(", "));
                v.message_zh = after_lot(&v.message_zh, '】', &zh);
                v.message_en = after_lot(&v.message_en, ']', &en);
                v.facts.push((CONTRACT_YEAR.to_string(), years.join(",")));
            }
            v
        })
        .collect()
}

/// `message` with `prefix` put after its leading lot tag (`【一标段】`, `[Lot 1]`), if it has one.
fn after_lot(message: &str, close: char, prefix: &str) -> String {
    let opens = message.starts_with('【') || message.starts_with('[');
    match message.find(close).filter(|_| opens) {
        Some(i) => {
            let (lot, rest) = message.split_at(i + close.len_utf8());
            let space = if close == ']' { " " } else { "" };
            format!("{lot}{space}{prefix}{}", rest.trim_start())
        }
        None => format!("{prefix}{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(ok: bool, zh: &str, year: u8) -> Verdict {
        Verdict::check("team_size", ok, "seed 002 附件1 二", zh.to_string(), format!("en {zh}"))
            .fact(CONTRACT_YEAR, year)
    }

    #[test]
    fn failures_come_first_and_rule_order_is_kept() {
        let org = Verdict::check("legal_form", true, "c", "法人形式".into(), "legal form".into());
        let warn = Verdict {
            outcome: Outcome::Warning,
            ..Verdict::check("registered_in", true, "c", "地域".into(), "region".into())
        };
        let fail = Verdict::check("employees", false, "c", "员工不足".into(), "too few".into());
        let fail2 = Verdict::check("manager", false, "c", "无项目主管".into(), "no manager".into());
        let out = for_review(&[org.clone(), fail.clone(), warn.clone(), fail2.clone()]);
        let rules: Vec<&str> = out.iter().map(|v| v.rule.as_str()).collect();
        assert_eq!(rules, ["employees", "manager", "registered_in", "legal_form"]);
        assert_eq!(out[3], org);
    }

    #[test]
    fn identical_years_merge_and_a_differing_year_is_named() {
        // Suzhou street 4+1: ≥ 50 % professional in every year (the same verdict twice), while
        // the staff count is 5 in year 1 and 8 in year 2 (two different verdicts).
        let share = |y| {
            Verdict::check("professional_share", true, "c", "专业社工占比60%，不低于50%".into(), "60 % ≥ 50 %".into())
                .fact(CONTRACT_YEAR, y)
        };
        let out = for_review(&[
            team(true, "全职员工5名，不少于5名", 1),
            share(1),
            team(false, "全职员工5名，少于8名", 2),
            share(2),
        ]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].message_zh, "第2年：全职员工5名，少于8名");
        assert_eq!(out[0].message_en, "Year 2: en 全职员工5名，少于8名");
        assert_eq!(out[1].message_zh, "第1年：全职员工5名，不少于5名");
        assert_eq!(out[2].message_zh, "第1、2年：专业社工占比60%，不低于50%");
        assert_eq!(out[2].message_en, "Years 1, 2: 60 % ≥ 50 %");
        assert_eq!(out[2].facts, vec![(CONTRACT_YEAR.to_string(), "1,2".to_string())]);
    }

    #[test]
    fn the_years_follow_a_lot_tag_and_lots_never_merge() {
        let lot = |name: &str, y| {
            Verdict::check("manager", true, "c", format!("【{name}】有项目主管"), format!("[{name}] has a manager"))
                .fact("lot", name)
                .fact(CONTRACT_YEAR, y)
        };
        let out = for_review(&[lot("一标段", 1), lot("一标段", 2), lot("二标段", 1), lot("二标段", 2)]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].message_zh, "【一标段】第1、2年：有项目主管");
        assert_eq!(out[0].message_en, "[一标段] Years 1, 2: has a manager");
        assert_eq!(out[1].message_zh, "【二标段】第1、2年：有项目主管");
    }

    #[test]
    fn verdicts_without_years_pass_through_unchanged() {
        let v = Verdict::check("legal_form", false, "c", "不是社会组织".into(), "not an NGO".into());
        assert_eq!(for_review(std::slice::from_ref(&v)), vec![v.clone()]);
        // Two identical verdicts without a year are one.
        assert_eq!(for_review(&[v.clone(), v.clone()]), vec![v]);
    }
}
