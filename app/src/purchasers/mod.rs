//! Purchaser units (采购人单位): the government bodies that buy services, by level and region.
//! Officers belong to one and act only on their unit's tenders; supervisors belong to one and
//! read what lies within its region. Admins keep the list.

#[cfg(feature = "ssr")]
pub mod server;
pub mod units;

use crate::domain::credit_code::CreditCode;
use crate::domain::region::{self, Level, RegionCode};
use crate::error::{AppError, FieldError};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaserView {
    pub id: String,
    pub name: String,
    pub credit_code: Option<String>,
    pub level: Level,
    pub region_code: String,
    pub region_name: String,
    pub parent_id: Option<String>,
    pub parent_name: Option<String>,
}

/// A unit as an admin types it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPurchaser {
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    pub level: String,
    pub region_code: String,
    pub region_name: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// A unit whose fields parsed: what the database stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPurchaser {
    pub name: String,
    pub credit_code: Option<CreditCode>,
    pub level: Level,
    pub region: RegionCode,
    pub region_name: String,
    pub parent_id: Option<String>,
}

impl NewPurchaser {
    /// Every field checked at once; `parent` is the parent unit's region when one is named.
    pub fn parse(&self, parent: Option<&RegionCode>) -> Result<ValidPurchaser, AppError> {
        let mut errors = Vec::new();
        let name = self.name.trim();
        if !(2..=100).contains(&name.chars().count()) {
            errors.push(FieldError::new(
                "name",
                "unit_name_length",
                "单位名称须为 2–100 个字",
                "A unit's name has 2–100 characters",
            ));
        }
        let credit_code = match self.credit_code.trim() {
            "" => None,
            c => match CreditCode::parse(c) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(FieldError::new(
                        "credit_code",
                        e.code(),
                        "统一社会信用代码无效（18位，校验位须正确）",
                        "Invalid unified social credit code (18 characters with a valid check character)",
                    ));
                    None
                }
            },
        };
        let level = Level::parse(self.level.trim());
        if level.is_none() {
            errors.push(FieldError::new("level", "unit_level_unknown", "请选择单位层级", "Choose the unit's level"));
        }
        let region = match RegionCode::parse(&self.region_code) {
            Ok(r) => match level.map(|l| r.clone().with_level(l)) {
                Some(Err(e)) => {
                    errors.push(FieldError::new(
                        "region_code",
                        e.code(),
                        "区划代码与单位层级不符（省级如320000，市级如320500，县区级如320508，街道乡镇为9位）",
                        "The region code does not match the level (province 320000, city 320500, district 320508, street or town 9 digits)",
                    ));
                    None
                }
                _ => Some(r),
            },
            Err(e) => {
                errors.push(FieldError::new(
                    "region_code",
                    e.code(),
                    "区划代码须为6位（GB/T 2260）或9位（街道乡镇，GB/T 10114）数字",
                    "A region code has 6 digits (GB/T 2260) or 9 for a street or town (GB/T 10114)",
                ));
                None
            }
        };
        let region_name = self.region_name.trim();
        if !(2..=60).contains(&region_name.chars().count()) {
            errors.push(FieldError::new(
                "region_name",
                "region_name_length",
                "请填写所在地区（2–60字）",
                "Name the region (2–60 characters)",
            ));
        }
        if let (Some(parent), Some(r)) = (parent, &region) {
            if !region::parent_fits(parent, r) {
                errors.push(FieldError::new(
                    "parent_id",
                    "unit_parent_mismatch",
                    "上级单位的层级须更高，且其区划须包含本单位",
                    "The parent unit must be of a higher level and its region must contain this unit's",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(ValidPurchaser {
            name: name.to_string(),
            credit_code,
            level: level.expect("checked above"),
            region: region.expect("checked above"),
            region_name: region_name.to_string(),
            parent_id: self.parent_id.clone().filter(|p| !p.trim().is_empty()),
        })
    }
}

/// Every unit, by region; admins keep the list, supervisors read it.
#[server(endpoint = "purchasers")]
pub async fn purchasers() -> Result<Vec<PurchaserView>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    auth::require(&[Role::Admin, Role::Auditor]).await?;
    server::list(&auth::state()?.db).await
}

#[server(endpoint = "create_purchaser")]
pub async fn create_purchaser(unit: NewPurchaser) -> Result<String, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let admin = auth::require(&[Role::Admin]).await?;
    let state = auth::state()?;
    server::create(&state.db, crate::server::audit::Actor::User(&admin), &unit, state.now_ms())
        .await
        .inspect_err(auth::set_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(level: &str, code: &str) -> NewPurchaser {
        NewPurchaser {
            name: "苏州市民政局".into(),
            credit_code: String::new(),
            level: level.into(),
            region_code: code.into(),
            region_name: "苏州市".into(),
            parent_id: None,
        }
    }

    fn codes(e: AppError) -> Vec<String> {
        match e {
            AppError::Validation(v) => v.into_iter().map(|f| f.code).collect(),
            other => vec![other.code().to_string()],
        }
    }

    #[test]
    fn a_city_unit_parses() {
        let v = unit("city", "320500").parse(None).unwrap();
        assert_eq!((v.level, v.region.as_str()), (Level::City, "320500"));
    }

    #[test]
    fn level_and_code_must_agree() {
        assert_eq!(codes(unit("district", "320500").parse(None).unwrap_err()), ["region_level_mismatch"]);
        assert_eq!(codes(unit("city", "3205").parse(None).unwrap_err()), ["region_code_format"]);
        assert_eq!(codes(unit("county", "320500").parse(None).unwrap_err()), ["unit_level_unknown"]);
    }

    #[test]
    fn a_parent_must_sit_above_and_around() {
        let suzhou = RegionCode::parse("320500").unwrap();
        let wuxi = RegionCode::parse("320200").unwrap();
        let gusu = NewPurchaser { region_name: "姑苏区".into(), ..unit("district", "320508") };
        assert!(gusu.parse(Some(&suzhou)).is_ok());
        assert_eq!(codes(gusu.parse(Some(&wuxi)).unwrap_err()), ["unit_parent_mismatch"]);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewPurchaser {
            name: "局".into(),
            credit_code: "12345".into(),
            level: "city".into(),
            region_code: "x".into(),
            region_name: String::new(),
            parent_id: None,
        };
        assert_eq!(
            codes(bad.parse(None).unwrap_err()),
            ["unit_name_length", "credit_code_length", "region_code_format", "region_name_length"]
        );
    }
}
