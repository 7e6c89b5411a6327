//! Who is signed in, and in which role. Shared by the server (binding checks) and the browser
//! (navigation only — the browser's view of the role never grants anything).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The five roles of caiping. An awarded operator is not a role of its own: it is a bidder
/// organisation that holds a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 采购人/代理
    Officer,
    /// 社工机构成员（投标人）
    Bidder,
    /// 评审专家
    Expert,
    /// 监督/审计 — read-only
    Auditor,
    /// 系统管理员
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Officer, Role::Bidder, Role::Expert, Role::Auditor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Bidder => "bidder",
            Role::Expert => "expert",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// The page a user of this role lands on after signing in.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Officer => "/officer",
            Role::Bidder => "/bidder",
            Role::Expert => "/expert",
            Role::Auditor => "/auditor",
            Role::Admin => "/admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which roles may open a page, by path; `None` for public pages. The server checks this before
/// rendering (redirect to sign-in, or 403); the pages' guards only decide what to show.
pub fn page_roles(path: &str) -> Option<&'static [Role]> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match first {
        "officer" if path.starts_with("/officer/calculators") => Some(&[Role::Officer, Role::Admin]),
        "officer" => Some(&[Role::Officer]),
        "bidder" => Some(&[Role::Bidder]),
        "expert" => Some(&[Role::Expert]),
        // Panel members: experts, and officers sitting as purchaser representatives.
        "review" => Some(&[Role::Expert, Role::Officer]),
        "auditor" => Some(&[Role::Auditor]),
        "admin" => Some(&[Role::Admin]),
        _ => None,
    }
}

/// Who may call a route or a server function.
#[derive(Debug, Clone, Copy)]
pub enum Access {
    Public,
    AnySignedIn,
    Roles(&'static [Role]),
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::AnySignedIn => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

/// Who may call each server function (its endpoint under `/api/`). The access matrix test
/// (`server/tests/api/access.rs`) calls every registered function as every kind of caller
/// against this table: a function missing here, or one answering otherwise, fails it. Functions
/// about one tender also check that the caller belongs to that tender (its unit's officers, its
/// panel, its bidders); those refusals are 404s and tested per capability.
pub const SERVER_FN_ACCESS: &[(&str, Access)] = {
    use Role::*;
    const PURCHASER_SIDE: &[Role] = &[Officer, Auditor, Admin];
    const PANEL: &[Role] = &[Expert, Officer];
    &[
        // accounts
        ("sign_in", Access::Public),
        ("register_organisation", Access::Public),
        ("sign_out", Access::Public),
        ("current_user", Access::Public),
        ("list_users", Access::Roles(&[Admin])),
        ("create_user", Access::Roles(&[Admin])),
        ("colleagues", Access::Roles(&[Bidder])),
        ("add_colleague", Access::Roles(&[Bidder])),
        // An admin deactivates accounts; an NGO its own members.
        ("set_account_active", Access::Roles(&[Admin, Bidder])),
        ("organisation_reviews", Access::Roles(&[Admin])),
        ("review_organisation", Access::Roles(&[Admin])),
        ("my_standing", Access::Roles(&[Bidder])),
        ("audit_log", Access::Roles(&[Auditor, Admin])),
        // bids
        ("bid_action", Access::Roles(&[Bidder])),
        ("my_bid", Access::Roles(&[Bidder])),
        ("open_tenders", Access::Roles(&[Bidder])),
        ("bid_form", Access::Roles(&[Bidder])),
        // clarifications: questions and answers are published without the asker
        ("clarifications", Access::Public),
        ("ask_question", Access::Roles(&[Bidder])),
        ("answer_question", Access::Roles(&[Officer])),
        // contracts
        ("award", Access::Roles(&[Officer])),
        ("my_contracts", Access::Roles(&[Bidder])),
        ("record_obligation", Access::Roles(&[Bidder])),
        // evaluation: an officer sits on a panel as the purchaser's representative
        ("review", Access::Roles(PANEL)),
        ("submit_compliance", Access::Roles(PANEL)),
        ("submit_sheet", Access::Roles(PANEL)),
        ("answer_flag", Access::Roles(PANEL)),
        ("confirm_no_conflict", Access::Roles(PANEL)),
        ("sign_report", Access::Roles(PANEL)),
        ("evaluation_overview", Access::Roles(PURCHASER_SIDE)),
        ("draw_tie", Access::Roles(&[Officer])),
        ("start_rereview", Access::Roles(&[Officer])),
        ("ranking", Access::Roles(PURCHASER_SIDE)),
        // experts
        ("my_expert_profile", Access::Roles(&[Expert])),
        ("save_expert_profile", Access::Roles(&[Expert])),
        ("expert_pool", Access::Roles(&[Admin])),
        ("import_experts", Access::Roles(&[Admin])),
        ("import_experts_file", Access::Roles(&[Admin])),
        // low prices: the panel leader asks and concludes, the bidder explains
        ("request_price_explanation", Access::Roles(PANEL)),
        ("decide_low_price", Access::Roles(PANEL)),
        ("my_low_price", Access::Roles(&[Bidder])),
        // opening
        ("open_bids", Access::Roles(&[Officer])),
        ("conclude_review", Access::Roles(&[Officer])),
        ("opening_record", Access::Roles(&[Officer, Auditor, Admin, Bidder])),
        ("review_rows", Access::Roles(PURCHASER_SIDE)),
        ("review_bid", Access::Roles(&[Officer])),
        // panels
        ("panel", Access::Roles(PURCHASER_SIDE)),
        ("plan_panel", Access::Roles(&[Officer])),
        ("draw_panel", Access::Roles(&[Officer])),
        ("self_select_expert", Access::Roles(&[Officer])),
        ("replace_member", Access::Roles(&[Officer])),
        ("set_leader", Access::Roles(&[Officer])),
        ("my_panels", Access::Roles(PANEL)),
        ("answer_invitation", Access::Roles(&[Expert])),
        ("declare_no_conflict", Access::Roles(PANEL)),
        ("request_recusal", Access::Roles(&[Bidder])),
        // profiles
        ("my_profile", Access::Roles(&[Bidder])),
        ("save_profile", Access::Roles(&[Bidder])),
        ("add_staff", Access::Roles(&[Bidder])),
        ("remove_staff", Access::Roles(&[Bidder])),
        // purchasers
        ("purchasers", Access::Roles(&[Admin, Auditor])),
        ("create_purchaser", Access::Roles(&[Admin])),
        // schemes and tenders
        ("tender_templates", Access::Roles(&[Officer])),
        ("working_calendar", Access::Roles(&[Officer, Admin])),
        ("public_tenders", Access::Public),
        ("public_tender", Access::Public),
        ("officer_tenders", Access::Roles(&[Officer])),
        ("create_tender", Access::Roles(&[Officer])),
        ("tender_detail", Access::Roles(PURCHASER_SIDE)),
        ("tender_form", Access::Roles(&[Officer])),
        ("amend_tender", Access::Roles(&[Officer])),
        ("publish_tender", Access::Roles(&[Officer])),
    ]
};

/// What a caller with a permitted role but no part in a tender gets from each server function
/// (`server/tests/api/access.rs` calls every one as another unit's officer, a bidder that did
/// not bid and an expert not on the panel, against a tender with a signed report; a function
/// missing here fails it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outsider {
    /// About one tender: refused without anything of it — 404 as if it did not exist, or, where
    /// the tender is public anyway, 403 or a refusal naming the rule (e.g. only its bidders may
    /// ask for a recusal).
    Refused,
    /// About the caller itself or public data: answered, without anything of the tender's
    /// bidders or panel.
    OwnOnly,
}

pub const SERVER_FN_OUTSIDER: &[(&str, Outsider)] = {
    use Outsider::*;
    &[
        ("sign_in", OwnOnly),
        ("register_organisation", OwnOnly),
        ("sign_out", OwnOnly),
        ("current_user", OwnOnly),
        ("list_users", OwnOnly),
        ("create_user", OwnOnly),
        ("colleagues", OwnOnly),
        ("add_colleague", OwnOnly),
        ("set_account_active", OwnOnly),
        ("organisation_reviews", OwnOnly),
        ("review_organisation", OwnOnly),
        ("my_standing", OwnOnly),
        ("audit_log", OwnOnly),
        ("bid_action", OwnOnly),
        ("my_bid", OwnOnly),
        ("open_tenders", OwnOnly),
        ("bid_form", OwnOnly),
        ("clarifications", OwnOnly),
        ("ask_question", OwnOnly),
        ("answer_question", Refused),
        ("award", Refused),
        ("my_contracts", OwnOnly),
        ("record_obligation", OwnOnly),
        ("review", Refused),
        ("submit_compliance", Refused),
        ("submit_sheet", Refused),
        ("answer_flag", Refused),
        ("confirm_no_conflict", Refused),
        ("sign_report", Refused),
        ("evaluation_overview", Refused),
        ("draw_tie", Refused),
        ("start_rereview", Refused),
        ("ranking", Refused),
        ("my_expert_profile", OwnOnly),
        ("save_expert_profile", OwnOnly),
        ("expert_pool", OwnOnly),
        ("import_experts", OwnOnly),
        ("import_experts_file", OwnOnly),
        ("request_price_explanation", Refused),
        ("decide_low_price", Refused),
        ("my_low_price", OwnOnly),
        ("open_bids", Refused),
        ("conclude_review", Refused),
        ("opening_record", Refused),
        ("review_rows", Refused),
        ("review_bid", Refused),
        ("panel", Refused),
        ("plan_panel", Refused),
        ("draw_panel", Refused),
        ("self_select_expert", Refused),
        ("replace_member", Refused),
        ("set_leader", Refused),
        ("my_panels", OwnOnly),
        ("answer_invitation", Refused),
        ("declare_no_conflict", Refused),
        ("request_recusal", Refused),
        ("my_profile", OwnOnly),
        ("save_profile", OwnOnly),
        ("add_staff", OwnOnly),
        ("remove_staff", OwnOnly),
        ("purchasers", OwnOnly),
        ("create_purchaser", OwnOnly),
        ("tender_templates", OwnOnly),
        ("working_calendar", OwnOnly),
        ("public_tenders", OwnOnly),
        ("public_tender", OwnOnly),
        ("officer_tenders", OwnOnly),
        ("create_tender", OwnOnly),
        ("tender_detail", Refused),
        ("tender_form", OwnOnly),
        ("amend_tender", Refused),
        ("publish_tender", Refused),
    ]
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}` (expected officer, bidder, expert, auditor or admin)")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| UnknownRole(s.to_string()))
    }
}

/// The signed-in user as the pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// The purchaser unit (采购人单位) an officer or supervisor belongs to.
    #[serde(default)]
    pub purchaser_id: Option<String>,
    #[serde(default)]
    pub purchaser_name: Option<String>,
    /// The unit's region code (GB/T 2260): a supervisor reads what lies within it.
    #[serde(default)]
    pub purchaser_region: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("supervisor".parse::<Role>().is_err());
    }

    #[test]
    fn every_home_is_guarded_for_its_role_only() {
        for role in Role::ALL {
            assert_eq!(page_roles(role.home_path()), Some(&[role][..]));
        }
        assert_eq!(page_roles("/officer/tenders/abc"), Some(&[Role::Officer][..]));
        assert_eq!(page_roles("/officer/calculators"), Some(&[Role::Officer, Role::Admin][..]));
        assert_eq!(page_roles("/"), None);
        assert_eq!(page_roles("/login"), None);
        assert_eq!(page_roles("/officers-club"), None);
    }

    #[test]
    fn every_role_has_its_own_home() {
        let mut homes: Vec<_> = Role::ALL.iter().map(|r| r.home_path()).collect();
        homes.sort();
        homes.dedup();
        assert_eq!(homes.len(), Role::ALL.len());
    }
}
