//! Henan planning norms (seed 004) as a calculator: community staffing, facility area, and the
//! minimum centre sizes by type.
//!
//! Rounding: the seed says "每300户配备1名" and "按暂住人口每1000人增配1名" without saying how to
//! treat a remainder. caiping rounds *up*: a started block of 300 households (or 1,000 temporary
//! residents) gets its worker, so no resident is left outside the norm. Areas are exact.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const HOUSEHOLDS_PER_WORKER: u64 = 300;
pub const TEMPORARY_RESIDENTS_PER_EXTRA_WORKER: u64 = 1000;
/// ≥ 20 m² of community-service facilities per 100 households.
pub const M2_PER_100_HOUSEHOLDS: i64 = 20;
/// Registered volunteers ≥ 15 % of residents; ≥ 5 volunteer teams and ≥ 5 community social
/// organisations per community.
pub const VOLUNTEER_SHARE_PCT: i64 = 15;
pub const MIN_VOLUNTEER_TEAMS: u64 = 5;
pub const MIN_SOCIAL_ORGANISATIONS: u64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CentreKind {
    /// 街道综合性社区服务中心 — about 1,000 m² ("不低于1000平方米左右").
    Street,
    /// 城市社区服务中心（站）— about 300 m².
    UrbanCommunity,
    /// 乡镇综合性社区服务中心 — at least 500 m².
    Township,
    /// "一村一社区"型农村社区 — at least 300 m².
    RuralOneVillage,
    /// "几村一社区"型农村社区 — at least 800 m².
    RuralSeveralVillages,
    /// 撤并整合新建农村新型社区 — generally at least 1,000 m².
    RuralMerged,
}

/// Seed 004 §三.1: minimum building area of a service centre by type.
pub fn centre_min_area_m2(kind: CentreKind) -> u64 {
    match kind {
        CentreKind::Street => 1000,
        CentreKind::UrbanCommunity => 300,
        CentreKind::Township => 500,
        CentreKind::RuralOneVillage => 300,
        CentreKind::RuralSeveralVillages => 800,
        CentreKind::RuralMerged => 1000,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityFacts {
    pub households: u64,
    pub temporary_residents: u64,
    pub residents: u64,
    pub kind: CentreKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Norms {
    pub workers_for_households: u64,
    pub extra_workers_for_temporary_residents: u64,
    pub full_time_workers: u64,
    /// households × 20 m² / 100, exact.
    pub facility_area_m2: Decimal,
    pub centre_min_area_m2: u64,
    /// 15 % of residents, rounded up to whole people.
    pub registered_volunteers: u64,
    pub volunteer_teams: u64,
    pub social_organisations: u64,
}

/// Seed 004 §五.3 (staff), §二.1 (facility area, centre sizes), §四 (volunteers).
pub fn norms(f: &CommunityFacts) -> Norms {
    let workers_for_households = f.households.div_ceil(HOUSEHOLDS_PER_WORKER);
    let extra = f.temporary_residents.div_ceil(TEMPORARY_RESIDENTS_PER_EXTRA_WORKER);
    Norms {
        workers_for_households,
        extra_workers_for_temporary_residents: extra,
        full_time_workers: workers_for_households + extra,
        facility_area_m2: Decimal::from(f.households) * Decimal::from(M2_PER_100_HOUSEHOLDS) / Decimal::from(100),
        centre_min_area_m2: centre_min_area_m2(f.kind),
        registered_volunteers: (f.residents * VOLUNTEER_SHARE_PCT as u64).div_ceil(100),
        volunteer_teams: MIN_VOLUNTEER_TEAMS,
        social_organisations: MIN_SOCIAL_ORGANISATIONS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(households: u64, temporary: u64) -> CommunityFacts {
        CommunityFacts {
            households,
            temporary_residents: temporary,
            residents: households * 3,
            kind: CentreKind::UrbanCommunity,
        }
    }

    #[test]
    fn one_worker_per_300_households_rounded_up() {
        assert_eq!(norms(&facts(300, 0)).full_time_workers, 1);
        assert_eq!(norms(&facts(301, 0)).full_time_workers, 2);
        assert_eq!(norms(&facts(900, 0)).full_time_workers, 3);
        assert_eq!(norms(&facts(0, 0)).full_time_workers, 0);
    }

    #[test]
    fn temporary_residents_add_one_per_thousand() {
        let n = norms(&facts(3000, 1000));
        assert_eq!(
            (n.workers_for_households, n.extra_workers_for_temporary_residents, n.full_time_workers),
            (10, 1, 11)
        );
        assert_eq!(norms(&facts(3000, 1001)).extra_workers_for_temporary_residents, 2);
    }

    #[test]
    fn twenty_square_metres_per_hundred_households() {
        assert_eq!(norms(&facts(1500, 0)).facility_area_m2, Decimal::from(300));
        assert_eq!(norms(&facts(1234, 0)).facility_area_m2, Decimal::new(2468, 1));
    }

    #[test]
    fn centre_sizes_by_type() {
        assert_eq!(centre_min_area_m2(CentreKind::Street), 1000);
        assert_eq!(centre_min_area_m2(CentreKind::Township), 500);
        assert_eq!(centre_min_area_m2(CentreKind::RuralSeveralVillages), 800);
    }

    #[test]
    fn volunteers_fifteen_percent_of_residents() {
        let mut f = facts(100, 0);
        f.residents = 1000;
        assert_eq!(norms(&f).registered_volunteers, 150);
        f.residents = 1001;
        assert_eq!(norms(&f).registered_volunteers, 151);
    }
}
