//! The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
//! 31-character alphabet (no I, O, S, V, Z); the 18th is a check character over the first 17.

use serde::{Deserialize, Serialize};

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("must be 18 characters")]
    Length,
    #[error("contains a character outside the code's alphabet")]
    Character,
    #[error("the check character does not match")]
    CheckCharacter,
}

impl CreditCodeError {
    pub fn code(self) -> &'static str {
        match self {
            CreditCodeError::Length => "credit_code_length",
            CreditCodeError::Character => "credit_code_character",
            CreditCodeError::CheckCharacter => "credit_code_check",
        }
    }
}

fn value(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

/// GB 32100-2015 §5: check = 31 − (Σ value × weight mod 31), with 31 written as 0.
pub fn check_character(first17: &str) -> Option<char> {
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| value(c).map(|v| v * w)).sum::<Option<u32>>()?;
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

impl CreditCode {
    /// Parses a code as typed (spaces ignored, letters upper-cased).
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        if code.chars().count() != 18 {
            return Err(CreditCodeError::Length);
        }
        if !code.chars().all(|c| value(c).is_some()) {
            return Err(CreditCodeError::Character);
        }
        if check_character(&code[..17]) != code.chars().nth(17) {
            return Err(CreditCodeError::CheckCharacter);
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration authority (登记管理部门) code: `5` is civil affairs (民政).
    pub fn registered_with_civil_affairs(&self) -> bool {
        self.0.starts_with('5')
    }

    /// GB 32100-2015 §4.1–4.2: authority `1` (机构编制) with type `1` (机关) is a government organ.
    pub fn registered_as_government_organ(&self) -> bool {
        self.0.starts_with("11")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_example_validates() {
        // GB 32100-2015 Annex example.
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn typing_is_forgiven_but_errors_are_not() {
        assert!(CreditCode::parse(" 91350100m000100y43 ").is_ok());
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err(CreditCodeError::CheckCharacter));
        assert_eq!(CreditCode::parse("91350100M000100Y4"), Err(CreditCodeError::Length));
        assert_eq!(CreditCode::parse("91350100M000100I43"), Err(CreditCodeError::Character));
    }

    #[test]
    fn civil_affairs_registrations_start_with_five() {
        let code = format!("52320508MJ591234{}", "5");
        let full = format!("{code}{}", check_character(&code).unwrap());
        let parsed = CreditCode::parse(&full).unwrap();
        assert!(parsed.registered_with_civil_affairs());
        assert!(!CreditCode::parse("91350100M000100Y43").unwrap().registered_with_civil_affairs());
        assert!(!parsed.registered_as_government_organ());
    }

    #[test]
    fn government_organs_start_with_one_one() {
        let organ =
            CreditCode::parse(&format!("11370102004123456{}", check_character("11370102004123456").unwrap())).unwrap();
        assert!(organ.registered_as_government_organ() && !organ.registered_with_civil_affairs());
        // Authority 1 with type 2 (事业单位) is not an organ.
        let institution =
            CreditCode::parse(&format!("12370102004123456{}", check_character("12370102004123456").unwrap())).unwrap();
        assert!(!institution.registered_as_government_organ());
    }
}
