//! Demo data for `make run`: one account per role, two NGOs with a bidder each.
//! Idempotent: running it again creates nothing twice.

use app::accounts::{NewUser, OrgKind};
use app::identity::Role;
use app::server::accounts;
use app::server::audit::Actor;
use app::server::state::AppState;

/// The password of every demo account. Demo data only: `seed-demo` is for local trials.
pub const DEMO_PASSWORD: &str = "caiping-demo";

pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub org: Option<&'static str>,
}

pub const DEMO_ORGS: &[(&str, &str)] = &[
    ("苏州市姑苏区阳光社会工作服务社", "52320508MJ5912345X"),
    ("苏州工业园区益民社工事务所", "52320594MJ5967890Y"),
];

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin { username: "officer", display_name: "李采购（苏州市民政局）", role: Role::Officer, org: None },
    DemoLogin { username: "ngo-yangguang", display_name: "王社工", role: Role::Bidder, org: Some("苏州市姑苏区阳光社会工作服务社") },
    DemoLogin { username: "ngo-yimin", display_name: "陈社工", role: Role::Bidder, org: Some("苏州工业园区益民社工事务所") },
    DemoLogin { username: "expert-zhou", display_name: "周专家", role: Role::Expert, org: None },
    DemoLogin { username: "expert-wu", display_name: "吴专家", role: Role::Expert, org: None },
    DemoLogin { username: "expert-zheng", display_name: "郑专家", role: Role::Expert, org: None },
    DemoLogin { username: "auditor", display_name: "赵审计（市财政局）", role: Role::Auditor, org: None },
    DemoLogin { username: "admin", display_name: "系统管理员", role: Role::Admin, org: None },
];

pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    let now = state.now_ms();
    for (name, code) in DEMO_ORGS {
        if accounts::find_organisation_by_name(&state.db, name).await?.is_none() {
            accounts::create_organisation(&state.db, Actor::Console, name, OrgKind::Ngo, Some(code), now).await?;
        }
    }
    for login in DEMO_LOGINS {
        if accounts::user_exists(&state.db, login.username).await? {
            continue;
        }
        let org_id = match login.org {
            Some(name) => accounts::find_organisation_by_name(&state.db, name).await?,
            None => None,
        };
        let new = NewUser {
            username: login.username.to_string(),
            display_name: login.display_name.to_string(),
            role: login.role,
            org_id,
            password: DEMO_PASSWORD.to_string(),
        };
        accounts::create_user(&state.db, Actor::Console, &new, now).await?;
    }
    Ok(())
}

pub fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for l in DEMO_LOGINS {
        println!("  {:<14} {:<8} {}", l.username, l.role.as_str(), l.display_name);
    }
}

