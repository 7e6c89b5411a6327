//! The board's search index: the bigrams of the text a search matches. A tender contains a
//! search's text only if it has every bigram of it, so the tenders sharing its rarest bigrams
//! are the only candidates; the exact match (LIKE) is still made on them.

use std::collections::BTreeSet;

/// The distinct bigrams of each field, lower-cased as the search compares; a one-character
/// field stands for itself. No bigram spans two fields.
pub fn terms<'a>(fields: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for field in fields {
        let chars: Vec<char> = field.to_lowercase().chars().collect();
        if chars.len() == 1 {
            out.insert(chars[0].to_string());
        }
        out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
    }
    out
}

/// The bigrams a search's text needs, at most `limit` of them; none for a single character,
/// which the index cannot narrow (a one-character field is indexed, but a one-character search
/// also matches inside longer fields).
pub fn query_terms(q: &str, limit: usize) -> Vec<String> {
    let chars: Vec<char> = q.to_lowercase().chars().collect();
    let mut out: Vec<String> = Vec::new();
    for w in chars.windows(2) {
        let t: String = w.iter().collect();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bigram_of_each_field_and_none_across_fields() {
        let t = terms(["姑苏区社区", "S-01", "苏"]);
        let want: BTreeSet<String> =
            ["姑苏", "苏区", "区社", "社区", "s-", "-0", "01", "苏"].iter().map(|s| s.to_string()).collect();
        assert_eq!(t, want);
        assert!(!t.contains("区s"), "no bigram spans the title and the number");
    }

    #[test]
    fn a_search_needs_only_bigrams_its_matches_have() {
        // Any text containing the search contains all its bigrams: the index never loses a match.
        let title = "沧浪街道“4+1”社区服务综合包（演示：接受投标中）";
        let indexed = terms([title]);
        for q in ["沧浪", "社区服务", "“4+1”", "综合包（演示", "接受投标中）"] {
            assert!(query_terms(q, 99).iter().all(|b| indexed.contains(b)), "{q}");
        }
        assert!(!query_terms("双塔", 99).iter().all(|b| indexed.contains(b)));
    }

    #[test]
    fn case_is_folded_repeats_dropped_and_the_count_bounded() {
        assert_eq!(query_terms("AbAb", 9), ["ab", "ba"]);
        assert_eq!(query_terms("第050000号", 3), ["第0", "05", "50"]);
        assert!(query_terms("苏", 9).is_empty());
        assert!(query_terms("", 9).is_empty());
    }
}
