//! An applicant as the rules see it: the organisation and the people it proposes. Shared by
//! every scheme's rules; filled from the organisation profile and the bid's team.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    None,
    /// 中专/高中
    Secondary,
    /// 大专
    JuniorCollege,
    /// 本科
    Bachelor,
    Master,
    Doctorate,
}

/// National social-worker qualification levels (全国社会工作者职业水平证书).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certificate {
    /// 助理社会工作师
    Assistant,
    /// 社会工作师
    SocialWorker,
    /// 高级社会工作师
    Senior,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Major {
    SocialWork,
    Sociology,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalForm {
    /// 民办非企业单位（社会服务机构）
    PrivateNonEnterprise,
    SocialGroup,
    Foundation,
    Company,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationLevel {
    /// 乡镇/街道备案
    BelowCounty,
    County,
    City,
    Province,
    National,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub legal_form: LegalForm,
    pub registration_level: RegistrationLevel,
    /// Registered with a civil-affairs department (民政部门).
    pub civil_affairs_registration: bool,
    /// Business scope names social-work services (fields, methods and content).
    pub social_work_scope: bool,
    /// Certificates held by board (理事会) members; `None` for members without one.
    pub board: Vec<Option<Certificate>>,
    pub staff: Vec<Person>,
    /// Where it is registered (city or district), e.g. "苏州市姑苏区".
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub registered_capital_yuan: Option<rust_decimal::Decimal>,
    #[serde(default)]
    pub annual_revenue_yuan: Option<rust_decimal::Decimal>,
}

/// The team a bid proposes for one contract year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    pub contract_year: u8,
    pub staff: Vec<Person>,
    pub manager: Option<Person>,
    pub supervisors: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub education: Education,
    pub major: Major,
    pub certificate: Option<Certificate>,
    pub full_time: bool,
    pub contract_months: u32,
    pub social_insurance: bool,
    /// Months of practical social-work experience.
    pub practice_months: u32,
    /// Months of experience related to the project (for the project manager).
    pub related_months: u32,
    pub local: bool,
    /// Registered in the Jiangsu social-work information system.
    pub jiangsu_registered: bool,
    /// University social-work teacher: projects led and their total duration in months.
    pub university_teacher: Option<TeacherRecord>,
    /// Overseas social worker: registration certificate and practice proof from the local authority.
    pub overseas: Option<OverseasProof>,
    /// Able to supervise per the supervision service norms (declared, checked at review).
    pub supervision_norms: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherRecord {
    pub projects_led: u32,
    pub project_months_total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverseasProof {
    pub registration_certificate: bool,
    pub practice_proof: bool,
}
