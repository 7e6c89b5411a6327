//! Line breaking for formal documents as Chinese official documents are set (GB/T 9704-2012 and
//! the usual 避头尾 rules of Chinese typesetting): a number, amount, date, hash or file name is
//! never split across lines unless it is longer than a whole line; a line never starts with
//! closing punctuation (it hangs at the end of the previous line instead) and never ends with
//! opening punctuation (it moves to the next line).

/// Characters that may not start a line.
const NO_LINE_START: &str = "，。、；：？！）》」』】〕〉”’…—%·,.;:?!)]}";
/// Characters that may not end a line.
const NO_LINE_END: &str = "（《「『【〔〈“‘([{¥￥";
/// Counters and units written straight after a number: kept on its line (`0.00元`, `12月`).
const NUMBER_UNITS: &str = "元万亿角分年月日时秒个家名人份页%";

/// Advance width of a character in ems of the font size: CJK and full-width forms take one em;
/// the embedded font's Latin letters and digits take about half (0.55 keeps a margin for wide
/// letters such as W).
pub fn em_width(c: char) -> f32 {
    if c.is_ascii() {
        0.55
    } else {
        1.0
    }
}

/// The width of `text` in ems.
pub fn text_width(text: &str) -> f32 {
    text.chars().map(em_width).sum()
}

/// A run of characters that must stay on one line (a number with its unit, a word, one CJK
/// character) or a breakable space.
#[derive(Debug)]
struct Token {
    text: String,
    space: bool,
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            out.push(Token { text: " ".into(), space: true });
        } else if c.is_ascii() || c == '¥' || c == '￥' {
            let mut run = String::from(c);
            while let Some(&n) = chars.peek() {
                if n != ' ' && (n.is_ascii() || n == '¥' || n == '￥') {
                    run.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            if run.chars().any(|c| c.is_ascii_digit()) {
                if let Some(&unit) = chars.peek().filter(|u| NUMBER_UNITS.contains(**u)) {
                    run.push(unit);
                    chars.next();
                }
            }
            out.push(Token { text: run, space: false });
        } else {
            out.push(Token { text: c.to_string(), space: false });
        }
    }
    out
}

/// Breaks `text` into lines at most `max_em` ems wide (a closing punctuation mark may hang one
/// em beyond it). Leading spaces of a paragraph are kept (indentation); a line's trailing and a
/// continuation line's leading spaces are not.
pub fn lines(text: &str, max_em: f32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut width = 0.0f32;
    for tok in tokens(text) {
        let w = text_width(&tok.text);
        if tok.space && line.is_empty() && !out.is_empty() {
            continue;
        }
        if w > max_em {
            // Longer than a line (a SHA-256 digest): split by characters after all, from here.
            for c in tok.text.chars() {
                let cw = em_width(c);
                if width + cw > max_em + 1e-3 && !line.is_empty() {
                    out.push(std::mem::take(&mut line).trim_end().to_string());
                    width = 0.0;
                }
                line.push(c);
                width += cw;
            }
            continue;
        }
        let hangs = tok.text.chars().count() == 1 && NO_LINE_START.contains(tok.text.as_str());
        if width + w <= max_em + 1e-3 || line.is_empty() || (hangs && width + w <= max_em + 1.0) {
            line.push_str(&tok.text);
            width += w;
            continue;
        }
        // Break before this token. A closing mark that can no longer hang takes the character it
        // closes down with it; an opening mark at the end of the line moves down too.
        let mut carried = String::new();
        if !tok.space && tok.text.chars().next().is_some_and(|c| NO_LINE_START.contains(c)) {
            let chars: Vec<char> = line.chars().collect();
            let mut k = chars.len();
            while k > 0 && NO_LINE_START.contains(chars[k - 1]) {
                k -= 1;
            }
            if k > 1 && !chars[k - 1].is_ascii() {
                carried = chars[k - 1..].iter().collect();
                line = chars[..k - 1].iter().collect();
            }
        }
        while let Some(last) = line.chars().last().filter(|c| NO_LINE_END.contains(*c)) {
            if line.chars().count() == 1 {
                break;
            }
            line.pop();
            carried.insert(0, last);
        }
        out.push(line.trim_end().to_string());
        line = carried;
        width = text_width(&line);
        if !tok.space {
            line.push_str(&tok.text);
            width += w;
        }
    }
    if !line.trim().is_empty() || out.is_empty() {
        out.push(line.trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_or_amount_is_never_split() {
        // The award notice used to break `¥785,000.00` into `¥785,00` / `0.00元`.
        let text = "经评审委员会评审并经采购人确认，贵单位中标金额合计人民币¥785,000.00元，请于三十日内签订合同。";
        for width in 10..40 {
            let ls = lines(text, width as f32);
            assert!(ls.iter().any(|l| l.contains("¥785,000.00元")), "{width}: {ls:?}");
            assert_eq!(ls.concat(), text, "nothing lost at {width}");
        }
    }

    #[test]
    fn dates_stay_whole() {
        let text = "投标截止时间：2026-12-22 09:30（北京时间）；开标时间：2026-12-22 09:30（北京时间）";
        for width in 12..40 {
            for l in lines(text, width as f32) {
                assert!(!l.ends_with("2026") && !l.starts_with("-12"), "{width}: {l}");
            }
        }
    }

    #[test]
    fn no_line_starts_with_closing_or_ends_with_opening_punctuation() {
        let text = "采购人：苏州市姑苏区民政局，代理机构：无。服务内容（含“4+1”社区服务综合包）、履约承诺《合同》。";
        for width in 6..30 {
            let ls = lines(text, width as f32);
            for (i, l) in ls.iter().enumerate() {
                let first = l.chars().next().unwrap();
                let last = l.chars().last().unwrap();
                assert!(i == 0 || !NO_LINE_START.contains(first), "{width}: line {i} starts with {first}: {ls:?}");
                assert!(!NO_LINE_END.contains(last) || l.chars().count() == 1, "{width}: {l}");
                // A hanging mark exceeds the measure by one em at most.
                assert!(text_width(l) <= width as f32 + 1.0, "{width}: {l}");
            }
            assert_eq!(ls.concat(), text);
        }
    }

    #[test]
    fn a_digest_longer_than_a_line_is_split_by_characters() {
        let hash = "a".repeat(64);
        let ls = lines(&format!("SHA-256 {hash}"), 20.0);
        assert!(ls.iter().all(|l| text_width(l) <= 20.0 + 1e-3), "{ls:?}");
        assert_eq!(ls.concat().replace(' ', ""), format!("SHA-256{hash}"));
    }

    #[test]
    fn indentation_is_kept_and_empty_text_is_one_empty_line() {
        assert_eq!(lines("    第1年 不少于 12 次", 36.0), vec!["    第1年 不少于 12 次"]);
        assert_eq!(lines("", 36.0), vec![String::new()]);
    }
}
