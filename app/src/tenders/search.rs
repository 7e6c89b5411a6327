//! The board's search index: the bigrams of the text a search matches. A tender contains a
//! search's text only if it has every bigram of it, so the tenders sharing its rarest bigrams
//! are the only candidates; the exact match (LIKE) is still made on them.
//!
//! Numbers and Latin words are indexed whole as well: their bigrams (`00`, `05`, `20`) are in
//! most notices, but a number a search encloses in other characters (`第050000号`) is a whole
//! token of every text that matches.

use std::collections::BTreeSet;

/// Tokens shorter than this are left to their bigrams, which are then as selective.
const TOKEN_MIN: usize = 3;

/// Marks a whole token in the index, which no bigram (two characters at most) can equal.
const TOKEN_MARK: char = '#';

/// Whether `c` belongs to a token: a run of ASCII letters and digits.
fn in_token(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The index entry of a whole token.
fn token_term(run: &[char]) -> String {
    std::iter::once(TOKEN_MARK).chain(run.iter().copied()).collect()
}

/// The distinct bigrams of each field, lower-cased as the search compares, and its whole
/// tokens of three characters or more; a one-character field stands for itself. No bigram or
/// token spans two fields.
pub fn terms<'a>(fields: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for field in fields {
        let chars: Vec<char> = field.to_lowercase().chars().collect();
        if chars.len() == 1 {
            out.insert(chars[0].to_string());
        }
        out.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
        out.extend(chars.split(|c| !in_token(*c)).filter(|run| run.len() >= TOKEN_MIN).map(token_term));
    }
    out
}

/// The whole tokens a search's text encloses: a run of three letters or digits or more with a
/// character of another kind on both sides inside the search (`第050000号`). Every text that
/// contains the search has that run as a whole token; a run at either end may continue in the
/// text (`050000` also matches `1050000`), so it gives none.
pub fn query_tokens(q: &str) -> Vec<String> {
    let chars: Vec<char> = q.to_lowercase().chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        if !in_token(chars[start]) {
            start += 1;
            continue;
        }
        let end = chars[start..].iter().position(|c| !in_token(*c)).map_or(chars.len(), |n| start + n);
        let enclosed = start > 0 && end < chars.len();
        let t = token_term(&chars[start..end]);
        if enclosed && end - start >= TOKEN_MIN && !out.contains(&t) {
            out.push(t);
        }
        start = end;
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
    fn numbers_and_latin_words_are_indexed_whole() {
        let t = terms(["苏州市第050000号社区服务项目", "S-00050000", "AB"]);
        assert!(t.contains("#050000"));
        assert!(t.contains("#00050000"));
        assert!(!t.contains("#s"), "a one-letter run is left to its bigrams");
        assert!(!t.contains("#ab"), "so is a two-letter one");
        assert!(t.contains("ab"));
    }

    #[test]
    fn a_search_encloses_a_token_only_between_other_characters() {
        assert_eq!(query_tokens("第050000号"), ["#050000"]);
        assert_eq!(query_tokens("（SZCG2026）第12号"), ["#szcg2026"], "12 is too short");
        // At either end of the search the run may go on in the text.
        assert!(query_tokens("050000").is_empty());
        assert!(query_tokens("050000号").is_empty());
        assert!(query_tokens("第050000").is_empty());
        assert!(query_tokens("第一号").is_empty());
        assert_eq!(query_tokens("第123号第123号"), ["#123"]);
        // What a search encloses, every text containing it has, whole.
        for (q, text) in [("第050000号", "苏州市第050000号社区服务项目"), ("-2026-", "320500-2026-0001")] {
            assert!(text.contains(q));
            assert!(query_tokens(q).iter().all(|k| terms([text]).contains(k)), "{q}");
        }
        assert!(!terms(["苏州市第1050000号"]).contains(&query_tokens("第050000号")[0]));
    }

    #[test]
    fn case_is_folded_repeats_dropped_and_the_count_bounded() {
        assert_eq!(query_terms("AbAb", 9), ["ab", "ba"]);
        assert_eq!(query_terms("第050000号", 3), ["第0", "05", "50"]);
        assert!(query_terms("苏", 9).is_empty());
        assert!(query_terms("", 9).is_empty());
    }
}
