//! Ties among the first-ranked bids (equal score and price, O87 art. 57) are settled as the
//! tender documents say; by default by drawing lots (O87 art. 68). The drawing is verifiable: a
//! random seed is fixed when the tender is published and only its SHA-256 (the commitment) is
//! shown; once a tie exists the seed is revealed and each tied bid draws the key
//! SHA-256(seed ":" lot ":" alias). The lowest key wins. Anyone can check the seed against the
//! commitment and recompute the keys.

use super::sha256_hex;
use serde::{Deserialize, Serialize};

/// How the tender documents settle a tie, stated at publication.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// 抽签 (O87 art. 68): the default when the documents say nothing else.
    #[default]
    DrawLots,
    /// The higher technical (non-price) score first, then drawing lots.
    TechnicalScoreFirst,
}

impl TieBreak {
    pub fn description_zh(self) -> &'static str {
        match self {
            TieBreak::DrawLots => "得分且投标报价均相同的，以随机抽签方式确定（抽签种子已在招标公告中以哈希承诺公示）",
            TieBreak::TechnicalScoreFirst => "得分且投标报价均相同的，技术得分高者优先；仍相同的，以随机抽签方式确定",
        }
    }
}

/// The public commitment to a seed.
pub fn commitment(seed: &str) -> String {
    sha256_hex(seed.as_bytes())
}

/// One tied bid's key in the drawing of lot `lot`.
pub fn lot_key(seed: &str, lot: i64, alias: &str) -> String {
    sha256_hex(format!("{seed}:{lot}:{alias}").as_bytes())
}

/// The record of a drawing: what was drawn among whom, the revealed seed and the order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDrawing {
    pub lot: i64,
    pub commitment: String,
    pub seed: String,
    /// The tied aliases, winner first, each with its key.
    pub order: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TieError {
    #[error("the revealed seed does not match the published commitment")]
    CommitmentMismatch,
    #[error("a drawing needs at least two tied bids")]
    NotATie,
}

/// O87 art. 68: draws lots among `tied` aliases with the tender's seed, after checking it against
/// the commitment published before.
pub fn draw_lots(seed: &str, published: &str, lot: i64, tied: &[String]) -> Result<LotDrawing, TieError> {
    if commitment(seed) != published {
        return Err(TieError::CommitmentMismatch);
    }
    if tied.len() < 2 {
        return Err(TieError::NotATie);
    }
    let mut order: Vec<(String, String)> = tied.iter().map(|a| (a.clone(), lot_key(seed, lot, a))).collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(LotDrawing { lot, commitment: published.to_string(), seed: seed.to_string(), order })
}

/// Anyone's check of a published drawing.
pub fn verify(d: &LotDrawing) -> bool {
    let tied: Vec<String> = d.order.iter().map(|(a, _)| a.clone()).collect();
    draw_lots(&d.seed, &d.commitment, d.lot, &tied).is_ok_and(|again| again.order == d.order)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "a3f1c0de5eed00000000000000000000000000000000000000000000000000ff";

    #[test]
    fn the_seed_must_match_its_commitment() {
        let c = commitment(SEED);
        let tied = vec!["B".to_string(), "D".to_string()];
        assert!(draw_lots(SEED, &c, 0, &tied).is_ok());
        assert_eq!(draw_lots(&"0".repeat(64), &c, 0, &tied), Err(TieError::CommitmentMismatch));
        assert_eq!(draw_lots(SEED, &c, 0, &tied[..1]), Err(TieError::NotATie));
    }

    #[test]
    fn the_order_follows_the_keys_and_anyone_can_recompute_it() {
        let c = commitment(SEED);
        let tied: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let d = draw_lots(SEED, &c, 1, &tied).unwrap();
        let keys: Vec<&String> = d.order.iter().map(|(_, k)| k).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(d.order[0].1, lot_key(SEED, 1, &d.order[0].0));
        assert!(verify(&d));
        let mut forged = d.clone();
        forged.order.swap(0, 1);
        assert!(!verify(&forged));
        // Input order does not matter; the lot does.
        let reversed: Vec<String> = tied.iter().rev().cloned().collect();
        assert_eq!(draw_lots(SEED, &c, 1, &reversed).unwrap().order, d.order);
        assert_ne!(
            draw_lots(SEED, &c, 2, &tied).unwrap().order.iter().map(|(_, k)| k.clone()).collect::<Vec<_>>(),
            d.order.iter().map(|(_, k)| k.clone()).collect::<Vec<_>>()
        );
    }
}
