//! A call for applications (Shenzhen demonstration sites, Shandong experimental zones): what the
//! applicant states besides its documents, and the seed's rules on it. The template's
//! [`ApplicationKind`] says which form a call uses; the stored answers are read back by it.

use super::template::{ApplicationKind, SchemeTemplate};
use super::verdict::Verdict;
use super::{shandong, shenzhen};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answers {
    Library(shenzhen::Application),
    Zone(shandong::ApplicationForm),
}

impl Answers {
    /// Reads stored answers as the template's kind; anything else is not an answer to this call.
    pub fn read(kind: ApplicationKind, json: &str) -> Option<Answers> {
        match kind {
            ApplicationKind::ProjectLibrary => serde_json::from_str(json).ok().map(Answers::Library),
            ApplicationKind::ZoneForm => serde_json::from_str(json).ok().map(Answers::Zone),
        }
    }
}

/// The seed's rules on an application: seed 003 (conditions, projects) or seed 001 (申报表). A
/// call's application without answers fails one check; a tender without a call has none.
pub fn verdicts(t: &SchemeTemplate, answers: Option<&Answers>) -> Vec<Verdict> {
    match (t.application_kind(), answers) {
        (None, _) => Vec::new(),
        (Some(ApplicationKind::ProjectLibrary), Some(Answers::Library(a))) => shenzhen::application_verdicts(t, a),
        (Some(ApplicationKind::ZoneForm), Some(Answers::Zone(f))) => shandong::form_verdicts(t, f),
        (Some(ApplicationKind::ProjectLibrary), _) => {
            vec![Verdict::check(
                "shenzhen.application",
                false,
                "seed 003",
                "未提交申报内容（项目选择等）".into(),
                "No application answers (project choice etc.) were submitted".into(),
            )]
        }
        (Some(ApplicationKind::ZoneForm), _) => {
            vec![Verdict::check(
                "shandong.application",
                false,
                "seed 001 申报表",
                "未提交申报表".into(),
                "No application form was submitted".into(),
            )]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::builtin_by_id;

    #[test]
    fn answers_are_read_as_the_call_asks() {
        let zone =
            shandong::ApplicationForm { unit: "历下区".into(), category: "urban".into(), ..Default::default() };
        let json = serde_json::to_string(&Answers::Zone(zone.clone())).unwrap();
        assert_eq!(Answers::read(ApplicationKind::ZoneForm, &json), Some(Answers::Zone(zone)));
        assert_eq!(Answers::read(ApplicationKind::ProjectLibrary, &json), None);
    }

    #[test]
    fn a_call_without_answers_fails_once_and_a_tender_has_no_such_rule() {
        let shandong = builtin_by_id("shandong-experimental-zone").unwrap();
        let rules: Vec<String> = verdicts(&shandong, None).into_iter().map(|v| v.rule).collect();
        assert_eq!(rules, ["shandong.application"]);
        let suzhou = builtin_by_id("suzhou-street-4plus1").unwrap();
        assert!(verdicts(&suzhou, None).is_empty());
    }
}
