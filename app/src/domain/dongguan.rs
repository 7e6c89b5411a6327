//! Dongguan community service centres (seed 000): the annual composite score, the star
//! rating with its consequences, and the city subsidy per site.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DongguanError {
    #[error("{field} must be between 0 and {max}")]
    OutOfRange { field: &'static str, max: Decimal },
    #[error("resident population must be positive")]
    NoResidents,
}

/// Inputs of the annual evaluation (Annex 1 §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualEvaluation {
    /// Indicator score out of 100 (facilities 40, team 20, activities 20, funding 20).
    pub indicator_score: Decimal,
    /// Person-times served in the year.
    pub service_person_times: Decimal,
    pub resident_population: Decimal,
    /// Satisfaction in percent (0–100).
    pub satisfaction_pct: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Composite {
    pub indicator_points: Decimal,
    pub participation_points: Decimal,
    pub satisfaction_points: Decimal,
    pub total: Decimal,
    pub stars: Stars,
}

/// Seed 000 Annex 1 §3(一): composite = 40 % × indicator score + participation points (30 at
/// a participation rate of 30 % or more, proportionally below) + 30 % × satisfaction percent.
pub fn composite(e: &AnnualEvaluation) -> Result<Composite, DongguanError> {
    if e.indicator_score < Decimal::ZERO || e.indicator_score > dec(100) {
        return Err(DongguanError::OutOfRange { field: "indicator_score", max: dec(100) });
    }
    if e.satisfaction_pct < Decimal::ZERO || e.satisfaction_pct > dec(100) {
        return Err(DongguanError::OutOfRange { field: "satisfaction_pct", max: dec(100) });
    }
    if e.resident_population <= Decimal::ZERO {
        return Err(DongguanError::NoResidents);
    }
    if e.service_person_times < Decimal::ZERO {
        return Err(DongguanError::OutOfRange { field: "service_person_times", max: Decimal::MAX });
    }
    let indicator_points = e.indicator_score * Decimal::new(4, 1);
    let rate = e.service_person_times / e.resident_population;
    // 30 × min(1, rate ÷ 0.30) written as min(30, 100 × rate): the same value, and exact in
    // Decimal (dividing by 0.30 first would leave 24.999… for the seed's 25 % example).
    let participation_points = (dec(100) * rate).min(dec(30));
    let satisfaction_points = e.satisfaction_pct * Decimal::new(3, 1);
    let total = indicator_points + participation_points + satisfaction_points;
    Ok(Composite { indicator_points, participation_points, satisfaction_points, total, stars: stars(total) })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stars {
    Five,
    Four,
    Three,
    /// Below three stars: rectification within a deadline, the operator loses eligibility to
    /// run centres in future, and the city's final payment is withheld.
    BelowThree,
}

impl Stars {
    /// Seed 000 Annex 1 §3(二): consequences of a below-three-star result.
    pub fn consequences(self) -> &'static [&'static str] {
        match self {
            Stars::BelowThree => &["rectify_within_deadline", "operator_loses_eligibility", "final_payment_withheld"],
            _ => &[],
        }
    }
}

/// Seed 000 Annex 1 §3(二): "90分以上" five stars, "80—90分" four, "70—80分" three. The seed's
/// ranges overlap at 80 and 90; caiping reads 以上 as inclusive (Chinese legal usage), so a score
/// of exactly 90 is five stars, 80 ≤ s < 90 four, 70 ≤ s < 80 three, below 70 below three.
pub fn stars(total: Decimal) -> Stars {
    if total >= dec(90) {
        Stars::Five
    } else if total >= dec(80) {
        Stars::Four
    } else if total >= dec(70) {
        Stars::Three
    } else {
        Stars::BelowThree
    }
}

/// Seed 000 Annex 2: city subsidy rates.
pub const RENOVATION_YUAN_PER_M2: i64 = 685;
pub const RENOVATION_MAX_AREA_M2: i64 = 2300;
pub const EQUIPMENT_YUAN: i64 = 500_000;
pub const OPERATOR_CAP_YUAN: i64 = 700_000;
pub const CITY_CAP_PER_SITE_YUAN: i64 = 2_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubsidyRequest {
    pub renovated_area_m2: Decimal,
    /// What the operator's first year is requested to cost the city (paid as actually spent
    /// and per the evaluation, within the cap).
    pub operator_cost_yuan: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subsidy {
    pub renovation_total_yuan: Decimal,
    pub renovation_city_yuan: Decimal,
    /// The town's half of the eligible area plus all area beyond 2,300 m².
    pub renovation_town_yuan: Decimal,
    pub equipment_city_yuan: Decimal,
    pub operator_city_yuan: Decimal,
    pub city_total_yuan: Decimal,
    /// True when the ¥2,000,000 per-site cap cut the city's total.
    pub city_capped: bool,
    /// Town and community must add at least 50 % of the city's subsidy.
    pub minimum_matching_yuan: Decimal,
}

fn fen(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Seed 000 Annex 2 §(一)–(三) and §二(二): renovation at ¥685/m² for at most 2,300 m², split
/// city:town 5:5; equipment ¥500,000 from the city; operator up to ¥700,000; city total at most
/// ¥2,000,000 per site; town and community match at least 50 % of the city's subsidy.
pub fn subsidy(r: &SubsidyRequest) -> Result<Subsidy, DongguanError> {
    if r.renovated_area_m2 < Decimal::ZERO {
        return Err(DongguanError::OutOfRange { field: "renovated_area_m2", max: Decimal::MAX });
    }
    if r.operator_cost_yuan < Decimal::ZERO {
        return Err(DongguanError::OutOfRange { field: "operator_cost_yuan", max: Decimal::MAX });
    }
    let rate = dec(RENOVATION_YUAN_PER_M2);
    let eligible = r.renovated_area_m2.min(dec(RENOVATION_MAX_AREA_M2));
    let renovation_total = fen(r.renovated_area_m2 * rate);
    let renovation_city = fen(eligible * rate / dec(2));
    let renovation_town = renovation_total - renovation_city;
    let operator = r.operator_cost_yuan.min(dec(OPERATOR_CAP_YUAN));
    let uncapped = renovation_city + dec(EQUIPMENT_YUAN) + operator;
    let city_total = uncapped.min(dec(CITY_CAP_PER_SITE_YUAN));
    Ok(Subsidy {
        renovation_total_yuan: renovation_total,
        renovation_city_yuan: renovation_city,
        renovation_town_yuan: renovation_town,
        equipment_city_yuan: dec(EQUIPMENT_YUAN),
        operator_city_yuan: operator,
        city_total_yuan: city_total,
        city_capped: uncapped > city_total,
        minimum_matching_yuan: fen(city_total / dec(2)),
    })
}

/// Seed 000 Annex 1 (一).3: a function room of the catalogue and its minimum area in m².
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomSpec {
    pub id: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub min_area_m2: i64,
}

/// The 10 mandatory rooms (必备功能室).
pub const MANDATORY_ROOMS: [RoomSpec; 10] = [
    RoomSpec {
        id: "elderly-day-care", name_zh: "老人日间照料室", name_en: "Elderly day care", min_area_m2: 100
    },
    RoomSpec {
        id: "youth",
        name_zh: "青少年活动室（四点半学校）",
        name_en: "Youth room (4:30 school)",
        min_area_m2: 100,
    },
    RoomSpec {
        id: "social-work-volunteers",
        name_zh: "社会工作室及志愿者活动室",
        name_en: "Social-work and volunteer room",
        min_area_m2: 50,
    },
    RoomSpec { id: "library", name_zh: "图书阅览室", name_en: "Library", min_area_m2: 100 },
    RoomSpec { id: "sports", name_zh: "体育活动室", name_en: "Sports room", min_area_m2: 200 },
    RoomSpec {
        id: "rehabilitation", name_zh: "残疾人康复室", name_en: "Disability rehabilitation", min_area_m2: 100
    },
    RoomSpec { id: "citizens-school", name_zh: "市民学校", name_en: "Citizens' school", min_area_m2: 100 },
    RoomSpec { id: "housekeeping", name_zh: "家政服务室", name_en: "Housekeeping services", min_area_m2: 50 },
    RoomSpec { id: "family", name_zh: "家庭服务室", name_en: "Family services", min_area_m2: 50 },
    RoomSpec { id: "family-planning", name_zh: "计生服务室", name_en: "Family planning", min_area_m2: 50 },
];

/// The 8 optional rooms (选择功能室), of which at least half must be built.
pub const OPTIONAL_ROOMS: [RoomSpec; 8] = [
    RoomSpec { id: "dance", name_zh: "舞蹈室", name_en: "Dance", min_area_m2: 100 },
    RoomSpec { id: "calligraphy", name_zh: "书画室", name_en: "Calligraphy and painting", min_area_m2: 50 },
    RoomSpec { id: "opera", name_zh: "曲艺室", name_en: "Opera", min_area_m2: 50 },
    RoomSpec { id: "chess", name_zh: "棋艺室", name_en: "Chess", min_area_m2: 50 },
    RoomSpec { id: "craft", name_zh: "工艺小作坊", name_en: "Craft workshop", min_area_m2: 100 },
    RoomSpec { id: "charity-shop", name_zh: "爱心小超市", name_en: "Charity shop", min_area_m2: 50 },
    RoomSpec { id: "canteen", name_zh: "社区餐厅", name_en: "Community canteen", min_area_m2: 100 },
    RoomSpec { id: "convenience", name_zh: "便民服务室", name_en: "Convenience services", min_area_m2: 50 },
];

pub const MIN_TOTAL_AREA_M2: i64 = 1500;
pub const MIN_LIBRARY_BOOKS: u32 = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityPlan {
    /// Rooms of the catalogue by id, with their areas in m².
    pub rooms: Vec<(String, Decimal)>,
    /// Extension rooms (拓展功能室) chosen by the community.
    pub extension_rooms: u32,
    pub library_books: u32,
    pub total_area_m2: Decimal,
}

fn room_area(plan: &FacilityPlan, id: &str) -> Option<Decimal> {
    plan.rooms.iter().find(|(r, _)| r == id).map(|(_, a)| *a)
}

/// Seed 000 Annex 1 (一): total ≥ 1,500 m²; every mandatory room at its minimum area (library
/// with ≥ 5,000 books); at least half of the 8 optional rooms at their minimum areas; ≥ 1
/// extension room.
pub fn facility_verdicts(plan: &FacilityPlan) -> Vec<super::verdict::Verdict> {
    use super::verdict::Verdict;
    const CITE: &str = "seed 000 附件1 (一)";
    let missing: Vec<&RoomSpec> =
        MANDATORY_ROOMS.iter().filter(|r| room_area(plan, r.id).is_none_or(|a| a < dec(r.min_area_m2))).collect();
    let optional_built =
        OPTIONAL_ROOMS.iter().filter(|r| room_area(plan, r.id).is_some_and(|a| a >= dec(r.min_area_m2))).count();
    vec![
        Verdict::check(
            "dongguan.facilities.total_area",
            plan.total_area_m2 >= dec(MIN_TOTAL_AREA_M2),
            CITE,
            format!("服务功能室总面积原则上不少于1500平方米（现{}平方米）", plan.total_area_m2),
            format!("Function rooms should total at least 1,500 m² (has {} m²)", plan.total_area_m2),
        ),
        Verdict::check(
            "dongguan.facilities.mandatory_rooms",
            missing.is_empty(),
            CITE,
            format!(
                "必备功能室缺少或面积不足：{}",
                missing.iter().map(|r| format!("{}（≥{}㎡）", r.name_zh, r.min_area_m2)).collect::<Vec<_>>().join("、")
            ),
            format!(
                "Mandatory rooms missing or too small: {}",
                missing
                    .iter()
                    .map(|r| format!("{} (≥ {} m²)", r.name_en, r.min_area_m2))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .fact("missing", missing.len()),
        Verdict::check(
            "dongguan.facilities.library_books",
            plan.library_books >= MIN_LIBRARY_BOOKS,
            CITE,
            format!("图书阅览室藏书不少于5000册（现{}册）", plan.library_books),
            format!("The library needs at least 5,000 books (has {})", plan.library_books),
        ),
        Verdict::check(
            "dongguan.facilities.optional_rooms",
            optional_built * 2 >= OPTIONAL_ROOMS.len(),
            CITE,
            format!("选择功能室不少于8类中的50%（现{optional_built}类）"),
            format!("At least half of the 8 optional rooms (has {optional_built})"),
        )
        .fact("optional_built", optional_built),
        Verdict::check(
            "dongguan.facilities.extension_rooms",
            plan.extension_rooms >= 1,
            CITE,
            format!("拓展功能室原则上不少于1个（现{}个）", plan.extension_rooms),
            format!("At least one extension room (has {})", plan.extension_rooms),
        ),
    ]
}

/// Seed 000 Annex 1: the indicator score's four parts and their maxima.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorScores {
    pub facilities: Decimal,
    pub team: Decimal,
    pub activities: Decimal,
    pub funding: Decimal,
}

/// Seed 000 Annex 1 (一)–(四): facilities 40 + team 20 + activities 20 + funding 20 = 100.
pub fn indicator_score(s: &IndicatorScores) -> Result<Decimal, DongguanError> {
    for (field, value, max) in [
        ("facilities", s.facilities, 40),
        ("team", s.team, 20),
        ("activities", s.activities, 20),
        ("funding", s.funding, 20),
    ] {
        if value < Decimal::ZERO || value > dec(max) {
            return Err(DongguanError::OutOfRange { field, max: dec(max) });
        }
    }
    Ok(s.facilities + s.team + s.activities + s.funding)
}

/// Seed 000 Annex 2 §二(一): the city's renovation money, 50 % when works start and the rest
/// after acceptance. Returns (at start, after acceptance) in yuan; the fen of an odd amount goes
/// to the second instalment so the two always add up.
pub fn renovation_instalments(city_renovation_yuan: Decimal) -> (Decimal, Decimal) {
    let first = (city_renovation_yuan / dec(2)).round_dp_with_strategy(2, RoundingStrategy::ToZero);
    (first, city_renovation_yuan - first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn seed_worked_example() {
        // Seed 000 Annex 1: indicator 90 → 36; participation 25 % → 25; satisfaction 80 % → 24.
        let c = composite(&AnnualEvaluation {
            indicator_score: d("90"),
            service_person_times: d("2500"),
            resident_population: d("10000"),
            satisfaction_pct: d("80"),
        })
        .unwrap();
        assert_eq!(c.indicator_points, d("36"));
        assert_eq!(c.participation_points, d("25"));
        assert_eq!(c.satisfaction_points, d("24"));
        assert_eq!(c.total, d("85"));
        assert_eq!(c.stars, Stars::Four);
    }

    #[test]
    fn participation_is_capped_at_thirty_percent() {
        let at = |times: &str| {
            composite(&AnnualEvaluation {
                indicator_score: d("0"),
                service_person_times: d(times),
                resident_population: d("1000"),
                satisfaction_pct: d("0"),
            })
            .unwrap()
            .participation_points
        };
        assert_eq!(at("300"), d("30"));
        assert_eq!(at("900"), d("30"));
        assert_eq!(at("299"), d("29.9"));
    }

    #[test]
    fn star_boundaries() {
        assert_eq!(stars(d("90")), Stars::Five);
        assert_eq!(stars(d("89.99")), Stars::Four);
        assert_eq!(stars(d("80")), Stars::Four);
        assert_eq!(stars(d("79.99")), Stars::Three);
        assert_eq!(stars(d("70")), Stars::Three);
        assert_eq!(stars(d("69.99")), Stars::BelowThree);
        assert_eq!(Stars::BelowThree.consequences().len(), 3);
        assert!(Stars::Three.consequences().is_empty());
    }

    #[test]
    fn out_of_range_inputs_are_refused() {
        let mut e = AnnualEvaluation {
            indicator_score: d("101"),
            service_person_times: d("1"),
            resident_population: d("1"),
            satisfaction_pct: d("50"),
        };
        assert!(composite(&e).is_err());
        e.indicator_score = d("100");
        e.resident_population = d("0");
        assert_eq!(composite(&e), Err(DongguanError::NoResidents));
    }

    #[test]
    fn subsidy_for_a_1500_m2_site() {
        let s = subsidy(&SubsidyRequest { renovated_area_m2: d("1500"), operator_cost_yuan: d("700000") }).unwrap();
        assert_eq!(s.renovation_total_yuan, d("1027500"));
        assert_eq!(s.renovation_city_yuan, d("513750"));
        assert_eq!(s.renovation_town_yuan, d("513750"));
        assert_eq!(s.city_total_yuan, d("1713750"));
        assert!(!s.city_capped);
        assert_eq!(s.minimum_matching_yuan, d("856875"));
    }

    #[test]
    fn area_beyond_2300_m2_is_the_towns() {
        let s = subsidy(&SubsidyRequest { renovated_area_m2: d("2500"), operator_cost_yuan: d("900000") }).unwrap();
        assert_eq!(s.renovation_city_yuan, d("787750")); // 2,300 × 685 ÷ 2
        assert_eq!(s.renovation_town_yuan, d("924750")); // its half + 200 m² × 685
        assert_eq!(s.operator_city_yuan, d("700000")); // capped
        assert_eq!(s.city_total_yuan, d("1987750"));
        assert!(!s.city_capped); // the rates alone never exceed ¥2,000,000
    }

    fn full_plan() -> FacilityPlan {
        let mut rooms: Vec<(String, Decimal)> =
            MANDATORY_ROOMS.iter().map(|r| (r.id.to_string(), dec(r.min_area_m2))).collect();
        rooms.extend(OPTIONAL_ROOMS[..4].iter().map(|r| (r.id.to_string(), dec(r.min_area_m2))));
        FacilityPlan { rooms, extension_rooms: 1, library_books: 5000, total_area_m2: d("1500") }
    }

    #[test]
    fn the_room_catalogue_matches_the_seed() {
        // 100+100+50+100+200+100+100+50+50+50 = 900 m² of mandatory rooms.
        assert_eq!(MANDATORY_ROOMS.iter().map(|r| r.min_area_m2).sum::<i64>(), 900);
        assert_eq!(OPTIONAL_ROOMS.iter().map(|r| r.min_area_m2).sum::<i64>(), 550);
    }

    #[test]
    fn a_plan_at_every_minimum_passes() {
        assert!(crate::domain::verdict::all_pass(&facility_verdicts(&full_plan())));
    }

    #[test]
    fn facility_boundaries() {
        let fails = |p: &FacilityPlan| {
            facility_verdicts(p).into_iter().filter(|v| !v.passed()).map(|v| v.rule).collect::<Vec<_>>()
        };
        let mut p = full_plan();
        p.total_area_m2 = d("1499.99");
        p.library_books = 4999;
        p.extension_rooms = 0;
        assert_eq!(
            fails(&p),
            [
                "dongguan.facilities.total_area",
                "dongguan.facilities.library_books",
                "dongguan.facilities.extension_rooms"
            ]
        );
        let mut p = full_plan();
        p.rooms.retain(|(id, _)| id != "chess"); // 3 of 8 optional
        p.rooms.iter_mut().find(|(id, _)| id == "sports").unwrap().1 = d("199");
        assert_eq!(fails(&p), ["dongguan.facilities.mandatory_rooms", "dongguan.facilities.optional_rooms"]);
    }

    #[test]
    fn indicator_parts_are_capped_40_20_20_20() {
        let s = IndicatorScores { facilities: d("40"), team: d("20"), activities: d("20"), funding: d("20") };
        assert_eq!(indicator_score(&s).unwrap(), d("100"));
        let over = IndicatorScores { team: d("20.5"), ..s };
        assert_eq!(indicator_score(&over), Err(DongguanError::OutOfRange { field: "team", max: d("20") }));
    }

    #[test]
    fn renovation_is_paid_half_at_start_half_after_acceptance() {
        assert_eq!(renovation_instalments(d("513750")), (d("256875"), d("256875")));
        assert_eq!(renovation_instalments(d("0.03")), (d("0.01"), d("0.02")));
    }
}
