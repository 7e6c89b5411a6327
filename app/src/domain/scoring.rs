//! National evaluation rules for the comprehensive scoring method (综合评分法): price points,
//! the arithmetic mean of the panel's scores, and ranking with ties.
//!
//! Rounding: every intermediate value stays exact (`Decimal`); scores are *shown* to two
//! decimals (half away from zero) and ranking always uses the unrounded values.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How the tender is conducted; it decides the panel size and the price-weight bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// 公开招标 — MoF Order 87.
    OpenTender,
    /// 竞争性磋商 — Cai Ku [2014] 214.
    CompetitiveConsultation,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ScoringError {
    #[error("price weight {weight}% outside {min}%–{max}% allowed for services under this method")]
    PriceWeightOutOfBounds { weight: Decimal, min: Decimal, max: Decimal },
    #[error("bid price must be positive")]
    NonPositivePrice,
    #[error("no compliant bid to take the base price from")]
    NoBids,
    #[error("score {score} for criterion {criterion} outside 0–{max}")]
    ScoreOutOfRange { criterion: String, score: Decimal, max: Decimal },
    #[error("no expert scores")]
    NoScores,
}

/// Allowed price weight (percent of the total) for *services*, by method.
/// O87 art. 55: services ≥ 10 % (no upper bound in the Order). C214 art. 24: services 10 %–30 %.
pub fn price_weight_bounds(method: Method) -> (Decimal, Decimal) {
    match method {
        Method::OpenTender => (Decimal::from(10), Decimal::from(100)),
        Method::CompetitiveConsultation => (Decimal::from(10), Decimal::from(30)),
    }
}

/// O87 art. 55 / C214 art. 24: the price weight must lie within the method's bounds for services.
/// A fixed-price tender does not score price at all (pass `None`).
pub fn check_price_weight(method: Method, weight_percent: Decimal) -> Result<(), ScoringError> {
    let (min, max) = price_weight_bounds(method);
    if weight_percent < min || weight_percent > max {
        return Err(ScoringError::PriceWeightOutOfBounds { weight: weight_percent, min, max });
    }
    Ok(())
}

/// O87 art. 55: price points = (lowest compliant price / this bid's price) × 100 × weight.
/// The cheapest compliant bid earns the full weight (20 points at 20 %).
pub fn price_points(base_price: Decimal, bid_price: Decimal, weight_percent: Decimal) -> Result<Decimal, ScoringError> {
    if bid_price <= Decimal::ZERO || base_price <= Decimal::ZERO {
        return Err(ScoringError::NonPositivePrice);
    }
    Ok(base_price / bid_price * weight_percent)
}

/// The base price of O87 art. 55: the lowest price among compliant bids.
pub fn base_price(prices: &[Decimal]) -> Result<Decimal, ScoringError> {
    let min = prices.iter().copied().min().ok_or(ScoringError::NoBids)?;
    if min <= Decimal::ZERO {
        return Err(ScoringError::NonPositivePrice);
    }
    Ok(min)
}

/// Reg. art. 34 / O87: a bid's score is the arithmetic mean of the members' scores. No
/// normalisation, no dropping of the highest and lowest.
pub fn mean(scores: &[Decimal]) -> Result<Decimal, ScoringError> {
    if scores.is_empty() {
        return Err(ScoringError::NoScores);
    }
    Ok(scores.iter().copied().sum::<Decimal>() / Decimal::from(scores.len()))
}

/// Shown to two decimals, half away from zero.
pub fn display(score: Decimal) -> Decimal {
    score.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// One bid's totals, ready for ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidTotal {
    pub bid: String,
    /// Mean of the experts' technical (non-price) totals.
    pub technical: Decimal,
    /// Price points (zero in fixed-price mode).
    pub price_points: Decimal,
    pub total: Decimal,
    pub price: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1-based; bids tied on score *and* price share a rank.
    pub rank: usize,
    /// True when another bid shares this rank: the tender's stated method (else lots) decides.
    pub tied: bool,
    pub total: BidTotal,
}

/// O87 art. 57 (verify): by total score high → low; equal score → lower price first; equal
/// score and price → tied (resolved by the tender documents' method, else by drawing lots).
/// Uses unrounded totals.
pub fn rank(mut totals: Vec<BidTotal>) -> Vec<Ranked> {
    totals.sort_by(|a, b| b.total.cmp(&a.total).then(a.price.cmp(&b.price)).then(a.bid.cmp(&b.bid)));
    let mut out: Vec<Ranked> = Vec::with_capacity(totals.len());
    for (i, t) in totals.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.total.total == t.total && prev.total.price == t.price => prev.rank,
            _ => i + 1,
        };
        out.push(Ranked { rank, tied: false, total: t });
    }
    for i in 0..out.len() {
        let r = out[i].rank;
        out[i].tied = out.iter().filter(|o| o.rank == r).count() > 1;
    }
    out
}

/// A panel's scores for one tender: `scores[expert][bid][criterion]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub max_points: Decimal,
}

/// Computes every bid's totals from the experts' criterion scores and the prices.
/// `price_weight`: `None` for a fixed-price tender (price not scored).
pub fn totals(
    criteria: &[Criterion],
    bids: &[(String, Decimal)],
    expert_scores: &[Vec<Vec<Decimal>>],
    price_weight: Option<Decimal>,
) -> Result<Vec<BidTotal>, ScoringError> {
    if expert_scores.is_empty() {
        return Err(ScoringError::NoScores);
    }
    let base = base_price(&bids.iter().map(|(_, p)| *p).collect::<Vec<_>>())?;
    bids.iter()
        .enumerate()
        .map(|(b, (bid, price))| {
            let per_expert = expert_scores
                .iter()
                .map(|sheet| {
                    let row = sheet.get(b).ok_or(ScoringError::NoScores)?;
                    criteria
                        .iter()
                        .zip(row)
                        .map(|(c, s)| {
                            if *s < Decimal::ZERO || *s > c.max_points {
                                Err(ScoringError::ScoreOutOfRange {
                                    criterion: c.id.clone(),
                                    score: *s,
                                    max: c.max_points,
                                })
                            } else {
                                Ok(*s)
                            }
                        })
                        .sum::<Result<Decimal, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?;
            let technical = mean(&per_expert)?;
            let price_points = match price_weight {
                Some(w) => price_points(base, *price, w)?,
                None => Decimal::ZERO,
            };
            Ok(BidTotal { bid: bid.clone(), technical, price_points, total: technical + price_points, price: *price })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn total(bid: &str, total: &str, price: &str) -> BidTotal {
        BidTotal { bid: bid.into(), technical: d(total), price_points: Decimal::ZERO, total: d(total), price: d(price) }
    }

    #[test]
    fn cheapest_bid_earns_the_full_price_weight() {
        // RULES.md §6: at 20 % the cheapest compliant bid earns 20 points, one 5 % dearer ≈ 19.05.
        assert_eq!(price_points(d("600000"), d("600000"), d("20")).unwrap(), d("20"));
        assert_eq!(display(price_points(d("600000"), d("630000"), d("20")).unwrap()), d("19.05"));
    }

    #[test]
    fn price_weight_bounds_for_services() {
        assert!(check_price_weight(Method::OpenTender, d("10")).is_ok());
        assert!(check_price_weight(Method::OpenTender, d("9.99")).is_err());
        assert!(check_price_weight(Method::CompetitiveConsultation, d("30")).is_ok());
        assert!(check_price_weight(Method::CompetitiveConsultation, d("30.01")).is_err());
        assert!(check_price_weight(Method::CompetitiveConsultation, d("10")).is_ok());
    }

    #[test]
    fn mean_is_arithmetic_without_trimming() {
        assert_eq!(mean(&[d("80"), d("90"), d("100")]).unwrap(), d("90"));
        assert_eq!(display(mean(&[d("80"), d("85"), d("86")]).unwrap()), d("83.67"));
        assert!(mean(&[]).is_err());
    }

    #[test]
    fn ranking_breaks_score_ties_by_lower_price_then_declares_a_tie() {
        let ranked = rank(vec![
            total("A", "88", "600000"),
            total("B", "90", "650000"),
            total("C", "88", "590000"),
            total("D", "88", "600000"),
        ]);
        let order: Vec<_> = ranked.iter().map(|r| (r.total.bid.as_str(), r.rank, r.tied)).collect();
        assert_eq!(order, [("B", 1, false), ("C", 2, false), ("A", 3, true), ("D", 3, true)]);
    }

    #[test]
    fn ranking_uses_unrounded_totals() {
        let ranked = rank(vec![total("A", "85.004", "1"), total("B", "85.001", "1")]);
        assert_eq!(ranked[0].total.bid, "A");
        assert_eq!(display(ranked[0].total.total), display(ranked[1].total.total));
        assert_eq!(ranked[1].rank, 2);
    }

    #[test]
    fn totals_combine_mean_technical_and_price_points() {
        let criteria = vec![
            Criterion { id: "plan".into(), max_points: d("50") },
            Criterion { id: "team".into(), max_points: d("30") },
        ];
        let bids = vec![("A".to_string(), d("600000")), ("B".to_string(), d("630000"))];
        let sheets = vec![
            vec![vec![d("40"), d("25")], vec![d("45"), d("28")]],
            vec![vec![d("42"), d("27")], vec![d("44"), d("26")]],
        ];
        let t = totals(&criteria, &bids, &sheets, Some(d("20"))).unwrap();
        assert_eq!(t[0].technical, d("67"));
        assert_eq!(t[0].total, d("87"));
        assert_eq!(t[1].technical, d("71.5"));
        assert_eq!(display(t[1].total), d("90.55"));
        // Fixed price: no price points.
        let fixed = totals(&criteria, &bids, &sheets, None).unwrap();
        assert_eq!(fixed[0].total, d("67"));
    }

    #[test]
    fn a_score_above_the_criterion_maximum_is_refused() {
        let criteria = vec![Criterion { id: "plan".into(), max_points: d("50") }];
        let err = totals(&criteria, &[("A".into(), d("1"))], &[vec![vec![d("50.5")]]], None).unwrap_err();
        assert!(matches!(err, ScoringError::ScoreOutOfRange { .. }));
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// Scores with two decimals between 0 and 100.
        fn score() -> impl Strategy<Value = Decimal> {
            (0i64..=10_000).prop_map(|c| Decimal::new(c, 2))
        }

        /// Prices between ¥1.00 and ¥10,000,000.00.
        fn price() -> impl Strategy<Value = Decimal> {
            (100i64..=1_000_000_000).prop_map(|f| Decimal::new(f, 2))
        }

        proptest! {
            #[test]
            fn the_mean_lies_between_the_lowest_and_highest_score(scores in prop::collection::vec(score(), 1..15)) {
                let m = mean(&scores).unwrap();
                prop_assert!(m >= *scores.iter().min().unwrap());
                prop_assert!(m <= *scores.iter().max().unwrap());
            }

            #[test]
            fn scaling_every_price_leaves_price_points_unchanged(
                prices in prop::collection::vec(price(), 1..8),
                k in 1i64..=1000,
                weight in 10i64..=30,
            ) {
                let w = Decimal::from(weight);
                let k = Decimal::from(k);
                let base = base_price(&prices).unwrap();
                let scaled: Vec<Decimal> = prices.iter().map(|p| *p * k).collect();
                let base_k = base_price(&scaled).unwrap();
                for (p, q) in prices.iter().zip(&scaled) {
                    let a = price_points(base, *p, w).unwrap();
                    let b = price_points(base_k, *q, w).unwrap();
                    // Equal to Decimal's 28 significant digits.
                    prop_assert!((a - b).abs() < Decimal::new(1, 20), "{a} vs {b}");
                    prop_assert!(a <= w);
                }
            }

            #[test]
            fn ranking_is_a_total_preorder_consistent_with_the_tie_rules(
                bids in prop::collection::vec((0i64..=20, 1i64..=5), 1..12),
            ) {
                // Few distinct values, so ties happen often.
                let totals: Vec<BidTotal> = bids
                    .iter()
                    .enumerate()
                    .map(|(i, (s, p))| BidTotal {
                        bid: format!("b{i:02}"),
                        technical: Decimal::from(*s),
                        price_points: Decimal::ZERO,
                        total: Decimal::from(*s),
                        price: Decimal::from(*p),
                    })
                    .collect();
                let ranked = rank(totals.clone());
                prop_assert_eq!(ranked.len(), totals.len());
                for r in &ranked {
                    // rank = 1 + number of bids strictly better (higher score, or same score and cheaper).
                    let better = ranked
                        .iter()
                        .filter(|o| o.total.total > r.total.total || (o.total.total == r.total.total && o.total.price < r.total.price))
                        .count();
                    prop_assert_eq!(r.rank, better + 1);
                    let same = ranked.iter().filter(|o| o.total.total == r.total.total && o.total.price == r.total.price).count();
                    prop_assert_eq!(r.tied, same > 1);
                }
                for pair in ranked.windows(2) {
                    prop_assert!(pair[0].rank <= pair[1].rank);
                }
            }
        }
    }
}
