//! The random draw of experts (随机抽取, Reg. art. 39; O87 art. 48), made so that an auditor can
//! re-run it: every eligible expert gets the key SHA-256(seed ‖ ":" ‖ expert id), the panel is
//! the lowest keys in order and the alternates the next ones. The seed comes from the server's
//! CSPRNG at the moment of the draw; the record keeps it with a hash of the pool as it was, each
//! exclusion with its reason, and the resulting order.

use super::{sha256_hex, Category};
use crate::domain::region::RegionCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One expert of the pool as the draw sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub expert_id: String,
    pub active: bool,
    pub categories: Vec<Category>,
    /// The expert's region (GB/T 2260), if declared.
    pub region: Option<String>,
    /// Days the expert declared unavailable.
    pub blackout: Vec<NaiveDate>,
    /// Conflicts found privately against this tender's bidders, or the purchaser's own staff:
    /// decided before the draw (see `conflict`), recorded here with the rest.
    pub conflict: Option<Exclusion>,
}

/// Why an expert of the pool was not eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    Inactive,
    OtherCategory,
    OutsideRegion,
    Unavailable {
        date: NaiveDate,
    },
    /// Reg. art. 9: a ground of recusal against one of the bidders (the bidder is not named).
    ConflictWithBidder {
        ground: String,
    },
    /// O87 art. 47 ¶3: the purchaser's own staff sit only as purchaser representatives.
    PurchaserStaff,
    /// Already on this panel (drawn before, or replaced).
    AlreadyOnPanel,
    /// Issue 12, where each lot has its own panel (a choice, verify): on another lot's panel of
    /// the same tender. A bid's alias is the same in every lot, so a member shown the bidders at
    /// one lot's conflict check would know them while scoring another lot.
    OnAnotherLotPanel,
}

impl Exclusion {
    pub fn message_zh(&self) -> String {
        match self {
            Exclusion::Inactive => "专家已停用".into(),
            Exclusion::OtherCategory => "专业类别不符".into(),
            Exclusion::OutsideRegion => "不在抽取地区范围内".into(),
            Exclusion::Unavailable { date } => format!("{date}已申明不能参加评审"),
            Exclusion::ConflictWithBidder { .. } => "与投标人存在应当回避的关系（不显示投标人）".into(),
            Exclusion::PurchaserStaff => "系采购人本单位人员，只能作为采购人代表".into(),
            Exclusion::AlreadyOnPanel => "已在本项目评审委员会中".into(),
            Exclusion::OnAnotherLotPanel => {
                "已在本项目其他标段的评审委员会中（各标段投标人代号相同，为保证盲评不得兼任）".into()
            }
        }
    }
}

/// What the draw needs besides the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRules {
    pub category: Category,
    pub region: Option<String>,
    pub review_date: NaiveDate,
    pub experts: u32,
    pub alternates: u32,
}

/// Everything an auditor needs to re-run a draw and get the same panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// SHA-256 of the pool as the draw saw it (canonical JSON, sorted by expert id).
    pub pool_hash: String,
    /// 32 bytes from the CSPRNG, hex.
    pub seed: String,
    pub rules: DrawRules,
    pub exclusions: Vec<(String, Exclusion)>,
    /// Every eligible expert, lowest key first.
    pub order: Vec<String>,
    pub panel: Vec<String>,
    pub alternates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DrawError {
    #[error("only {eligible} eligible experts for {needed} seats")]
    NotEnough { eligible: usize, needed: usize },
    #[error("the seed must be 64 hex characters")]
    BadSeed,
}

/// Why `c` may not sit, if anything.
pub fn exclusion(c: &Candidate, rules: &DrawRules) -> Option<Exclusion> {
    if !c.active {
        return Some(Exclusion::Inactive);
    }
    if let Some(conflict) = &c.conflict {
        return Some(conflict.clone());
    }
    if !c.categories.contains(&rules.category) {
        return Some(Exclusion::OtherCategory);
    }
    if let Some(scope) = rules.region.as_deref().and_then(|r| RegionCode::parse(r).ok()) {
        let inside = c.region.as_deref().and_then(|r| RegionCode::parse(r).ok()).is_some_and(|r| scope.covers(&r));
        if !inside {
            return Some(Exclusion::OutsideRegion);
        }
    }
    if c.blackout.contains(&rules.review_date) {
        return Some(Exclusion::Unavailable { date: rules.review_date });
    }
    None
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SelfSelectError {
    #[error("self-selection needs the reason random drawing cannot find a suitable expert (at least 10 characters)")]
    ReasonRequired,
    #[error("self-selection needs the competent budget unit's approval (its document or reference)")]
    ApprovalRequired,
    #[error("this expert may not sit: {0:?}")]
    Excluded(Exclusion),
}

impl SelfSelectError {
    pub fn code(&self) -> &'static str {
        match self {
            SelfSelectError::ReasonRequired => "self_select_reason",
            SelfSelectError::ApprovalRequired => "self_select_approval",
            SelfSelectError::Excluded(_) => "self_select_excluded",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            SelfSelectError::ReasonRequired => {
                format!(
                    "自行选定须写明技术复杂、专业性强、随机抽取难以确定合适专家的理由（至少10个字）（{}）",
                    super::cite::O87_48
                )
            }
            SelfSelectError::ApprovalRequired => {
                format!("自行选定须经主管预算单位同意，请填写同意文件的文号或说明（{}）", super::cite::O87_48)
            }
            SelfSelectError::Excluded(e) => format!("该专家不能参加本项目评审：{}", e.message_zh()),
        }
    }
}

/// O87 art. 48 ¶2: for a technically complex, specialised project that random drawing cannot
/// staff, the purchaser may choose an expert of the field itself, with the competent budget
/// unit's approval. The chosen expert is still bound by every exclusion except the draw's region
/// (reaching beyond it is the point of choosing); the reason and approval are recorded and the
/// member is marked as self-selected when the panel is published.
pub fn self_selectable(c: &Candidate, rules: &DrawRules, reason: &str, approval: &str) -> Result<(), SelfSelectError> {
    if reason.trim().chars().count() < 10 {
        return Err(SelfSelectError::ReasonRequired);
    }
    if approval.trim().chars().count() < 4 {
        return Err(SelfSelectError::ApprovalRequired);
    }
    let anywhere = DrawRules { region: None, ..rules.clone() };
    match exclusion(c, &anywhere) {
        Some(e) => Err(SelfSelectError::Excluded(e)),
        None => Ok(()),
    }
}

/// SHA-256 of the pool, sorted by expert id, as canonical JSON.
pub fn pool_hash(pool: &[Candidate]) -> String {
    let mut sorted = pool.to_vec();
    sorted.sort_by(|a, b| a.expert_id.cmp(&b.expert_id));
    sha256_hex(serde_json::to_string(&sorted).expect("a pool serialises").as_bytes())
}

/// The key an expert draws with: SHA-256(seed ":" expert id).
pub fn key(seed: &str, expert_id: &str) -> String {
    sha256_hex(format!("{seed}:{expert_id}").as_bytes())
}

/// Reg. art. 39 / O87 art. 48: draws `rules.experts` experts and `rules.alternates` alternates
/// from the eligible part of `pool` with `seed`. The same pool, rules and seed always give the
/// same record.
pub fn draw(pool: &[Candidate], rules: &DrawRules, seed: &str) -> Result<DrawRecord, DrawError> {
    if seed.len() != 64 || !seed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(DrawError::BadSeed);
    }
    let mut exclusions = Vec::new();
    let mut eligible: Vec<(String, String)> = Vec::new();
    let mut ids: Vec<&Candidate> = pool.iter().collect();
    ids.sort_by(|a, b| a.expert_id.cmp(&b.expert_id));
    for c in ids {
        match exclusion(c, rules) {
            Some(e) => exclusions.push((c.expert_id.clone(), e)),
            None => eligible.push((key(seed, &c.expert_id), c.expert_id.clone())),
        }
    }
    let needed = rules.experts as usize;
    if eligible.len() < needed {
        return Err(DrawError::NotEnough { eligible: eligible.len(), needed });
    }
    eligible.sort();
    let order: Vec<String> = eligible.into_iter().map(|(_, id)| id).collect();
    let panel = order[..needed].to_vec();
    let alternates = order[needed..].iter().take(rules.alternates as usize).cloned().collect();
    Ok(DrawRecord {
        pool_hash: pool_hash(pool),
        seed: seed.to_string(),
        rules: rules.clone(),
        exclusions,
        order,
        panel,
        alternates,
    })
}

/// An auditor's check: the record's pool hash matches `pool` and re-running gives the same order.
pub fn verify(record: &DrawRecord, pool: &[Candidate]) -> bool {
    pool_hash(pool) == record.pool_hash
        && draw(pool, &record.rules, &record.seed).is_ok_and(|again| {
            again.order == record.order && again.panel == record.panel && again.alternates == record.alternates
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expert(id: &str) -> Candidate {
        Candidate {
            expert_id: id.into(),
            active: true,
            categories: vec![Category::PublicWelfare, Category::SocialWork],
            region: Some("320500".into()),
            blackout: vec![],
            conflict: None,
        }
    }

    fn rules(experts: u32, alternates: u32) -> DrawRules {
        DrawRules {
            category: Category::PublicWelfare,
            region: Some("320000".into()),
            review_date: NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(),
            experts,
            alternates,
        }
    }

    const SEED: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn the_same_seed_gives_the_same_panel_and_an_auditor_can_check_it() {
        let pool: Vec<Candidate> = (0..12).map(|i| expert(&format!("e{i:02}"))).collect();
        let a = draw(&pool, &rules(4, 2), SEED).unwrap();
        let b = draw(&pool.iter().rev().cloned().collect::<Vec<_>>(), &rules(4, 2), SEED).unwrap();
        assert_eq!(a, b, "the pool's order does not matter");
        assert_eq!((a.panel.len(), a.alternates.len(), a.order.len()), (4, 2, 12));
        assert!(verify(&a, &pool));
        // Another seed, another panel (with overwhelming probability for 12 choose 4).
        let other = draw(&pool, &rules(4, 2), &"f".repeat(64)).unwrap();
        assert_ne!(a.order, other.order);
        // A changed pool no longer matches the record.
        let mut changed = pool.clone();
        changed[3].active = false;
        assert!(!verify(&a, &changed));
    }

    #[test]
    fn the_order_is_the_published_key_order() {
        let pool: Vec<Candidate> = (0..5).map(|i| expert(&format!("e{i}"))).collect();
        let r = draw(&pool, &rules(3, 1), SEED).unwrap();
        let keys: Vec<String> = r.order.iter().map(|id| key(SEED, id)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
    }

    #[test]
    fn ineligible_experts_are_excluded_with_their_reason() {
        let mut pool: Vec<Candidate> = (0..6).map(|i| expert(&format!("e{i}"))).collect();
        pool[0].active = false;
        pool[1].categories = vec![Category::Finance];
        pool[2].region = Some("440300".into());
        pool[3].blackout = vec![NaiveDate::from_ymd_opt(2026, 12, 23).unwrap()];
        pool[4].conflict = Some(Exclusion::ConflictWithBidder { ground: "employed_within_3_years".into() });
        let r = draw(&pool, &rules(1, 0), SEED).unwrap();
        assert_eq!(r.panel, ["e5"]);
        let reasons: Vec<&Exclusion> = r.exclusions.iter().map(|(_, e)| e).collect();
        assert!(matches!(reasons[0], Exclusion::Inactive));
        assert!(matches!(reasons[1], Exclusion::OtherCategory));
        assert!(matches!(reasons[2], Exclusion::OutsideRegion));
        assert!(matches!(reasons[3], Exclusion::Unavailable { .. }));
        assert!(matches!(reasons[4], Exclusion::ConflictWithBidder { .. }));
        assert!(!reasons[4].message_zh().contains("阳光"), "the bidder is never named");
    }

    #[test]
    fn too_few_eligible_experts_is_an_error_not_a_smaller_panel() {
        let pool: Vec<Candidate> = (0..3).map(|i| expert(&format!("e{i}"))).collect();
        assert_eq!(draw(&pool, &rules(4, 0), SEED), Err(DrawError::NotEnough { eligible: 3, needed: 4 }));
        // Alternates are drawn only as far as the pool goes.
        assert_eq!(draw(&pool, &rules(3, 2), SEED).unwrap().alternates.len(), 0);
        assert_eq!(draw(&pool, &rules(4, 0), "xyz"), Err(DrawError::BadSeed));
    }

    #[test]
    fn self_selection_needs_reason_and_approval_and_keeps_the_exclusions_but_the_region() {
        let reason = "项目涉及精神障碍社区康复，本地专家库无相应专业专家";
        let approval = "苏民财〔2026〕15号";
        let mut far = expert("e01");
        far.region = Some("110000".into());
        assert_eq!(self_selectable(&far, &rules(4, 2), reason, approval), Ok(()));
        assert_eq!(self_selectable(&far, &rules(4, 2), "专业性强", approval), Err(SelfSelectError::ReasonRequired));
        assert_eq!(self_selectable(&far, &rules(4, 2), reason, "同意"), Err(SelfSelectError::ApprovalRequired));
        let mut conflicted = expert("e02");
        conflicted.conflict = Some(Exclusion::PurchaserStaff);
        assert_eq!(
            self_selectable(&conflicted, &rules(4, 2), reason, approval),
            Err(SelfSelectError::Excluded(Exclusion::PurchaserStaff))
        );
        let mut other = expert("e03");
        other.categories = vec![Category::Law];
        assert_eq!(self_selectable(&other, &rules(4, 2), reason, approval).unwrap_err().code(), "self_select_excluded");
    }
}
