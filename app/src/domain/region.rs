//! Administrative regions and the levels of purchaser units (采购人单位). Codes follow GB/T 2260
//! (six digits: province `32` + city `05` + district `08`, e.g. 320508 苏州市姑苏区) and, below a
//! district, GB/T 10114 (three more digits: 001–099 街道, 100–199 镇, 200–399 乡). `000000` is
//! the whole country, for national supervisors. A code *covers* every code below it, which is how
//! a supervisor's scope and a unit's parent are checked.

use serde::{Deserialize, Serialize};

/// The level of government a purchaser unit (or a supervisor's unit) belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    National,
    Province,
    City,
    District,
    Street,
    Town,
}

impl Level {
    pub const ALL: [Level; 6] =
        [Level::National, Level::Province, Level::City, Level::District, Level::Street, Level::Town];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::National => "national",
            Level::Province => "province",
            Level::City => "city",
            Level::District => "district",
            Level::Street => "street",
            Level::Town => "town",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Province => "省级",
            Level::City => "市级",
            Level::District => "县（区）级",
            Level::Street => "街道",
            Level::Town => "乡镇",
        }
    }
}

/// A validated region code and the level it names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegionCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    #[error("a region code has 6 digits (GB/T 2260) or 9 digits (GB/T 10114)")]
    Format,
    #[error("the code names no province")]
    Province,
    #[error("the level does not match the code")]
    LevelMismatch,
}

impl RegionError {
    pub fn code(self) -> &'static str {
        match self {
            RegionError::Format => "region_code_format",
            RegionError::Province => "region_code_province",
            RegionError::LevelMismatch => "region_level_mismatch",
        }
    }
}

impl RegionCode {
    /// The whole country.
    pub fn national() -> RegionCode {
        RegionCode("000000".into())
    }

    /// GB/T 2260 / GB/T 10114: a six-digit division code or a nine-digit street/town code.
    pub fn parse(input: &str) -> Result<RegionCode, RegionError> {
        let code = input.trim();
        if !(code.len() == 6 || code.len() == 9) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Format);
        }
        if code == "000000" {
            return Ok(RegionCode::national());
        }
        // Province codes run from 11 (北京) to 82 (澳门).
        let province: u32 = code[..2].parse().map_err(|_| RegionError::Format)?;
        if !(11..=82).contains(&province) {
            return Err(RegionError::Province);
        }
        // A street or town code adds a non-zero number to its district (or, in 东莞 and 中山,
        // to its city: 441900101 is 石碣镇).
        if code.len() == 9 && &code[6..] == "000" {
            return Err(RegionError::Format);
        }
        Ok(RegionCode(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level the code itself names.
    pub fn level(&self) -> Level {
        let c = &self.0;
        match c.len() {
            9 => {
                // GB/T 10114: 001–099 街道办事处, 100–399 镇 and 乡 (both township level).
                let n: u32 = c[6..].parse().unwrap_or(0);
                if n < 100 {
                    Level::Street
                } else {
                    Level::Town
                }
            }
            _ if c == "000000" => Level::National,
            _ if c.ends_with("0000") => Level::Province,
            _ if c.ends_with("00") => Level::City,
            _ => Level::District,
        }
    }

    /// The significant prefix: what every code below this one starts with.
    fn prefix(&self) -> &str {
        match self.level() {
            Level::National => "",
            Level::Province => &self.0[..2],
            Level::City => &self.0[..4],
            _ => &self.0,
        }
    }

    /// True when `other` lies within this region (itself included).
    pub fn covers(&self, other: &RegionCode) -> bool {
        other.0.starts_with(self.prefix())
    }

    /// Checks that a stated level matches the code (a 320500 unit is city level).
    pub fn with_level(self, level: Level) -> Result<RegionCode, RegionError> {
        if self.level() == level {
            Ok(self)
        } else {
            Err(RegionError::LevelMismatch)
        }
    }
}

/// A purchaser unit's parent must be a higher level whose region covers the unit's.
pub fn parent_fits(parent: &RegionCode, child: &RegionCode) -> bool {
    parent.level() < child.level() && parent.covers(child)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels_follow_the_code() {
        assert_eq!(code("000000").level(), Level::National);
        assert_eq!(code("320000").level(), Level::Province);
        assert_eq!(code("320500").level(), Level::City);
        assert_eq!(code("320508").level(), Level::District);
        // GB/T 10114: 001–099 streets, 100 and above towns.
        assert_eq!(code("320508001").level(), Level::Street);
        assert_eq!(code("320508099").level(), Level::Street);
        assert_eq!(code("320506100").level(), Level::Town);
        assert_eq!(code("441900101").level(), Level::Town, "东莞's towns sit directly under the city");
    }

    #[test]
    fn malformed_codes_are_refused() {
        assert_eq!(RegionCode::parse("3205"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("32050a"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("990000"), Err(RegionError::Province));
        assert_eq!(RegionCode::parse("100000"), Err(RegionError::Province));
        assert_eq!(RegionCode::parse("320508000"), Err(RegionError::Format));
        assert!(RegionCode::parse(" 320508 ").is_ok());
    }

    #[test]
    fn a_region_covers_what_lies_below_it() {
        let suzhou = code("320500");
        assert!(suzhou.covers(&code("320500")));
        assert!(suzhou.covers(&code("320508")));
        assert!(suzhou.covers(&code("320508001")));
        assert!(!suzhou.covers(&code("320200")), "无锡 is not in 苏州");
        assert!(!suzhou.covers(&code("320000")), "the province is above the city");
        assert!(code("320000").covers(&code("320508")));
        assert!(!code("320508").covers(&code("320506")));
        assert!(RegionCode::national().covers(&code("440300")));
    }

    #[test]
    fn a_stated_level_must_match() {
        assert_eq!(code("320500").with_level(Level::City), Ok(code("320500")));
        assert_eq!(code("320500").with_level(Level::District), Err(RegionError::LevelMismatch));
    }

    #[test]
    fn a_parent_is_above_and_covers_its_child() {
        assert!(parent_fits(&code("320500"), &code("320508")));
        assert!(parent_fits(&code("320508"), &code("320508001")));
        assert!(!parent_fits(&code("320508"), &code("320508")), "not its own level");
        assert!(!parent_fits(&code("320200"), &code("320508")), "another city");
        assert!(!parent_fits(&code("320508001"), &code("320508")), "below is not above");
    }
}
