//! Fuzzing of what the domain parses from outside: money and times as typed, scheme templates
//! and holiday calendars as TOML. Property tests with proptest: `make test` runs the default
//! 256 cases per target, `make fuzz` many more (`PROPTEST_CASES`); a failing input is saved
//! under `app/proptest-regressions/` and replayed by every later run.

use super::calendar::HolidayCalendar;
use super::money::Yuan;
use super::template::{SchemeTemplate, BUILTIN};
use super::time::parse_shanghai_local;
use proptest::prelude::*;

/// Characters people type into money fields, plus some that should be refused.
fn money_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            '0', '1', '2', '5', '9', '.', ',', '，', '¥', '￥', '元', '万', '-', '+', ' ', 'e', '亿', '\u{3000}',
        ]),
        0..30,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// One edit of a text: delete, insert or replace a character at a position.
fn mutate(text: &str, at: usize, op: u8, ch: char) -> String {
    let mut cs: Vec<char> = text.chars().collect();
    let i = if cs.is_empty() { 0 } else { at % cs.len() };
    match op % 3 {
        0 if !cs.is_empty() => {
            cs.remove(i);
        }
        1 => cs.insert(i, ch),
        _ if !cs.is_empty() => cs[i] = ch,
        _ => cs.push(ch),
    }
    cs.into_iter().collect()
}

fn toml_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec!['[', ']', '=', '"', '\n', '{', '}', ',', '.', '0', '9', '-', 'a', '中', '#', ' ', '\''])
}

proptest! {
    #[test]
    fn money_never_panics_and_what_it_prints_it_reads_back(text in money_text()) {
        if let Ok(y) = Yuan::parse(&text) {
            prop_assert_eq!(Yuan::parse(&y.to_string()), Ok(y));
        }
    }

    #[test]
    fn money_survives_any_text(text in ".{0,40}") {
        let _ = Yuan::parse(&text);
    }

    #[test]
    fn times_never_panic(text in "[0-9T:\\- ]{0,25}") {
        let _ = parse_shanghai_local(&text);
    }

    #[test]
    fn a_typed_time_reads_as_itself(y in 2000i32..2100, mo in 1u32..=12, d in 1u32..=28, h in 0u32..24, mi in 0u32..60) {
        let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}");
        let at = parse_shanghai_local(&text).expect("a valid time parses");
        let back = at.with_timezone(&super::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string();
        prop_assert_eq!(back, text);
    }

    #[test]
    fn templates_with_one_edit_parse_or_are_refused(which in 0..BUILTIN.len(), at in any::<usize>(), op in any::<u8>(), ch in toml_char()) {
        let (file, text) = BUILTIN[which];
        let _ = SchemeTemplate::from_toml(file, &mutate(text, at, op, ch));
    }

    #[test]
    fn any_text_as_a_template_is_refused_without_panic(text in "(?s).{0,200}") {
        let _ = SchemeTemplate::from_toml("fuzz.toml", &text);
    }

    #[test]
    fn calendars_with_one_edit_parse_or_are_refused(at in any::<usize>(), op in any::<u8>(), ch in toml_char()) {
        let _ = HolidayCalendar::from_toml(&mutate(super::calendar::BUILTIN_HOLIDAYS, at, op, ch));
    }
}
