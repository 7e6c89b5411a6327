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
