//! The evaluation (评审) as the law runs it, as pure functions: the panel's composition, the
//! reproducible draw with its exclusions, conflicts of interest, the diagnostics of the
//! submitted sheets and their corrections, abnormally low prices, ties settled by drawn lots,
//! and the report every member signs. Sources: EVALUATION-AWARD-CONTRACT.md §1–2, RULES.md §6.

pub mod compliance;
pub mod conflict;
pub mod diagnostics;
pub mod draw;
pub mod low_price;
pub mod panel;
pub mod pool;
pub mod report;
pub mod rereview;
pub mod ties;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Citations as the documents print them.
pub mod cite {
    pub const O87_42: &str = "《政府采购货物和服务招标投标管理办法》第四十二条";
    pub const O87_47: &str = "《政府采购货物和服务招标投标管理办法》第四十七条";
    pub const O87_48: &str = "《政府采购货物和服务招标投标管理办法》第四十八条";
    pub const O87_49: &str = "《政府采购货物和服务招标投标管理办法》第四十九条";
    pub const O87_45: &str = "《政府采购货物和服务招标投标管理办法》第四十五条";
    pub const O87_55: &str = "《政府采购货物和服务招标投标管理办法》第五十五条";
    pub const O87_57: &str = "《政府采购货物和服务招标投标管理办法》第五十七条";
    pub const O87_58: &str = "《政府采购货物和服务招标投标管理办法》第五十八条";
    pub const O87_60: &str = "《政府采购货物和服务招标投标管理办法》第六十条";
    pub const O87_61: &str = "《政府采购货物和服务招标投标管理办法》第六十一条";
    pub const O87_63: &str = "《政府采购货物和服务招标投标管理办法》第六十三条";
    pub const O87_64: &str = "《政府采购货物和服务招标投标管理办法》第六十四条";
    pub const O87_68: &str = "《政府采购货物和服务招标投标管理办法》第六十八条";
    pub const O74_7: &str = "《政府采购非招标采购方式管理办法》第七条";
    pub const C214_14: &str = "《政府采购竞争性磋商采购方式管理暂行办法》第十四条";
    pub const REG_9: &str = "《政府采购法实施条例》第九条";
    pub const REG_39: &str = "《政府采购法实施条例》第三十九条";
    pub const REG_41: &str = "《政府采购法实施条例》第四十一条";
    pub const Q198_14: &str = "《政府采购评审专家管理办法》（财库〔2016〕198号）第十四条";
    pub const Q2026_2: &str = "财库〔2026〕2号";
}

/// Speciality categories of the expert pool (专家专业分类). Seed 002 asks for 公益服务类 experts;
/// the national category codes are not confirmed (verify), so these are caiping's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 公益服务类 (seed 002).
    PublicWelfare,
    /// 社会工作
    SocialWork,
    /// 社区治理
    CommunityGovernance,
    /// 养老服务
    ElderlyCare,
    /// 财务会计
    Finance,
    /// 法律
    Law,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::PublicWelfare,
        Category::SocialWork,
        Category::CommunityGovernance,
        Category::ElderlyCare,
        Category::Finance,
        Category::Law,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::PublicWelfare => "public_welfare",
            Category::SocialWork => "social_work",
            Category::CommunityGovernance => "community_governance",
            Category::ElderlyCare => "elderly_care",
            Category::Finance => "finance",
            Category::Law => "law",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        let s = s.trim();
        Category::ALL.into_iter().find(|c| c.as_str() == s || c.name_zh() == s)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Category::PublicWelfare => "公益服务类",
            Category::SocialWork => "社会工作",
            Category::CommunityGovernance => "社区治理",
            Category::ElderlyCare => "养老服务",
            Category::Finance => "财务会计",
            Category::Law => "法律",
        }
    }
}

/// SHA-256 in lower-case hex: what the draw record, the tie commitment and the report signatures
/// bind to.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A name as typed, for matching: spaces and full-width spaces dropped, full-width letters and
/// digits folded to ASCII, upper-cased (credit codes and ID numbers are upper-case).
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_uppercase()
}

/// The order in which bids receive the aliases A, B, C…: the bids (in submission order, the
/// order of the opening record every bidder holds) sorted by random keys from the CSPRNG, and
/// never the submission order itself, so the record cannot tell an alias's bidder.
/// `order[i]` is the bid that gets alias `i`.
pub fn alias_order(keys: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&i| (keys[i], i));
    if order.len() >= 2 && order.iter().enumerate().all(|(i, b)| i == *b) {
        order.rotate_left(1);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_by_code_or_chinese_name() {
        assert_eq!(Category::parse("public_welfare"), Some(Category::PublicWelfare));
        assert_eq!(Category::parse(" 公益服务类 "), Some(Category::PublicWelfare));
        assert_eq!(Category::parse("engineering"), None);
    }

    #[test]
    fn names_compare_without_spaces_or_full_width_forms() {
        assert_eq!(normalise(" 阳光 社工　Ｓ１ "), "阳光社工S1");
        assert_eq!(normalise("52320508mj59123453"), "52320508MJ59123453");
    }

    #[test]
    fn sha256_is_the_standard_digest() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn aliases_never_follow_the_submission_order() {
        assert_eq!(alias_order(&[5, 9, 1]), [2, 0, 1]);
        // Keys that happen to keep the submission order are rotated.
        assert_eq!(alias_order(&[1, 2, 3]), [1, 2, 0]);
        assert_eq!(alias_order(&[7]), [0]);
        assert_eq!(alias_order(&[]), Vec::<usize>::new());
        // Every order but the identity can come out of the keys.
        let mut seen = std::collections::HashSet::new();
        for a in 0..3u64 {
            for b in 0..3u64 {
                for c in 0..3u64 {
                    seen.insert(alias_order(&[a * 10 + 1, b * 10 + 2, c * 10 + 3]));
                }
            }
        }
        assert!(!seen.contains(&vec![0, 1, 2]));
        assert_eq!(seen.len(), 5);
    }
}
