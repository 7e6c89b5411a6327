//! The blind technical proposal (暗标): the panel judges proposals by alias, so a proposal's
//! text and metadata must not give its bidder away. What the platform extracts from a PDF (its
//! document properties, XMP metadata and page text) is scanned for the organisation's name, its
//! name without place names, its credit code, and the names of the people on its roster. The
//! organisation named is refused at upload, as a file name naming it is; a roster name is left
//! to the purchaser, who sees where it was found and decides under the tender's blind-bid rule
//! (a name may also be an author the proposal cites).

use serde::{Deserialize, Serialize};

/// Who the bidder is, as a proposal could betray it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub org_name: String,
    pub credit_code: Option<String>,
    /// The roster's names.
    pub people: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The organisation's name, short name or credit code.
    Organisation,
    /// A person on the organisation's roster.
    Person,
}

/// One place a proposal names its bidder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    /// Where, in Chinese: "文件属性“作者”", "第3页", "附件/方案.pdf 第2页".
    pub place: String,
    pub found: Found,
    /// The name found (for a person) or what of the organisation matched.
    pub text: String,
}

/// Scans each `(place, text)` a proposal yields. Whitespace is ignored, as PDF text extraction
/// puts spaces between characters.
pub fn scan(who: &Identity, texts: &[(String, String)]) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut push = |hit: Hit| {
        if !hits.contains(&hit) {
            hits.push(hit);
        }
    };
    for (place, text) in texts {
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if flat.is_empty() {
            continue;
        }
        if super::tender::identifies_bidder(&flat, &who.org_name, who.credit_code.as_deref()) {
            push(Hit { place: place.clone(), found: Found::Organisation, text: who.org_name.clone() });
        }
        for person in &who.people {
            let name: String = person.chars().filter(|c| !c.is_whitespace()).collect();
            if name.chars().count() >= 2 && flat.contains(&name) {
                push(Hit { place: place.clone(), found: Found::Person, text: name });
            }
        }
    }
    hits
}

/// The first hit that refuses the upload: the organisation itself named.
pub fn refusal(hits: &[Hit]) -> Option<&Hit> {
    hits.iter().find(|h| h.found == Found::Organisation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hexie() -> Identity {
        Identity {
            org_name: "苏州市吴中区和谐社会工作服务中心".into(),
            credit_code: Some("52320506MJ5913579X".into()),
            people: vec!["王芳".into(), "李 建国".into(), "张".into()],
        }
    }

    fn texts(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect()
    }

    #[test]
    fn the_organisation_in_metadata_or_text_is_found_and_refuses() {
        let hits = scan(&hexie(), &texts(&[("文件属性“作者”", "和谐社会工作服务中心"), ("第1页", "服务方案")]));
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].place.as_str(), hits[0].found), ("文件属性“作者”", Found::Organisation));
        assert!(refusal(&hits).is_some());
        // Spaces from text extraction do not hide it, nor lower case the credit code.
        let spaced =
            scan(&hexie(), &texts(&[("第2页", "承办：和 谐 社 会 工 作 服 务 中 心"), ("XMP", "52320506mj5913579x")]));
        assert_eq!(spaced.len(), 2);
    }

    #[test]
    fn roster_names_are_reported_not_refused_and_single_characters_ignored() {
        let hits = scan(&hexie(), &texts(&[("第3页", "督导：王芳；项目主管：李建国；张罗活动")]));
        let names: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(names, ["王芳", "李建国"]);
        assert!(hits.iter().all(|h| h.found == Found::Person));
        assert!(refusal(&hits).is_none());
        assert!(scan(&hexie(), &texts(&[("第1页", "社区服务方案")])).is_empty());
    }

    #[test]
    fn a_name_found_twice_in_one_place_is_one_hit() {
        let hits = scan(&hexie(), &texts(&[("第1页", "王芳 王芳"), ("第2页", "王芳")]));
        assert_eq!(hits.len(), 2);
    }
}
