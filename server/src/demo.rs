//! Demo data for `make run`: one account per role, three NGOs with a bidder each.
//! Idempotent: running it again creates nothing twice.

use app::accounts::server as accounts;
use app::accounts::{NewUser, OrgKind};
use app::identity::Role;
use app::purchasers::server as purchasers;
use app::server::audit::Actor;
use app::server::state::AppState;

/// The password of every demo account. Demo data only: `seed-demo` is for local trials.
pub const DEMO_PASSWORD: &str = "caiping-demo";

pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub org: Option<&'static str>,
    /// The purchaser unit of an officer or supervisor.
    pub unit: Option<&'static str>,
}

/// A demo purchaser unit: name, level, region code (GB/T 2260), region name, parent unit.
pub struct DemoUnit {
    pub name: &'static str,
    pub level: &'static str,
    pub region_code: &'static str,
    pub region_name: &'static str,
    pub parent: Option<&'static str>,
}

/// Purchaser units, parents first: a city bureau and a district bureau below it (whose officers
/// cannot see each other's tenders), the city's finance bureau for the supervisor, and the
/// Shenzhen and Shandong bodies that publish the calls.
pub const DEMO_UNITS: &[DemoUnit] = &[
    DemoUnit {
        name: "苏州市民政局", level: "city", region_code: "320500", region_name: "苏州市", parent: None
    },
    DemoUnit {
        name: "苏州市姑苏区民政局",
        level: "district",
        region_code: "320508",
        region_name: "苏州市姑苏区",
        parent: Some("苏州市民政局"),
    },
    DemoUnit {
        name: "苏州市财政局", level: "city", region_code: "320500", region_name: "苏州市", parent: None
    },
    DemoUnit {
        name: "深圳市民政局", level: "city", region_code: "440300", region_name: "深圳市", parent: None
    },
    DemoUnit {
        name: "山东省民政厅", level: "province", region_code: "370000", region_name: "山东省", parent: None
    },
];

pub const DEMO_ORGS: &[(&str, &str)] = &[
    ("苏州市姑苏区阳光社会工作服务社", "52320508MJ59123453"),
    ("苏州工业园区益民社工事务所", "52320594MJ5967890H"),
    ("苏州市吴中区和谐社会工作服务中心", "52320508MJ59135795"),
];

/// A residents' committee, the applicant kind of Shenzhen's demonstration-site call.
pub const DEMO_COMMITTEE: (&str, &str) = ("深圳市福田区莲花北社区居民委员会", "55440304MJ6123456Y");

/// A county-level government, the applicant kind of Shandong's experimental-zone call.
pub const DEMO_COUNTY: (&str, &str) = ("济南市历下区人民政府", "11370102004123456X");
/// An NGO that registered itself and waits for the admin's review (it cannot bid yet).
pub const DEMO_PENDING: (&str, &str) = ("吴中区启航社会工作服务中心", "52320507MJ5987654X");

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        username: "officer",
        display_name: "李采购（苏州市民政局）",
        role: Role::Officer,
        org: None,
        unit: Some("苏州市民政局"),
    },
    DemoLogin {
        username: "officer-gusu",
        display_name: "钱采购（姑苏区民政局）",
        role: Role::Officer,
        org: None,
        unit: Some("苏州市姑苏区民政局"),
    },
    DemoLogin {
        username: "officer-sz",
        display_name: "林采购（深圳市民政局）",
        role: Role::Officer,
        org: None,
        unit: Some("深圳市民政局"),
    },
    DemoLogin {
        username: "officer-sd",
        display_name: "张采购（山东省民政厅）",
        role: Role::Officer,
        org: None,
        unit: Some("山东省民政厅"),
    },
    DemoLogin {
        username: "ngo-yangguang",
        display_name: "王社工",
        role: Role::Bidder,
        org: Some("苏州市姑苏区阳光社会工作服务社"),
        unit: None,
    },
    DemoLogin {
        username: "ngo-yimin",
        display_name: "陈社工",
        role: Role::Bidder,
        org: Some("苏州工业园区益民社工事务所"),
        unit: None,
    },
    DemoLogin {
        username: "ngo-hexie",
        display_name: "刘社工",
        role: Role::Bidder,
        org: Some("苏州市吴中区和谐社会工作服务中心"),
        unit: None,
    },
    DemoLogin {
        username: "sq-lianhua",
        display_name: "黄主任（莲花北社区）",
        role: Role::Bidder,
        org: Some("深圳市福田区莲花北社区居民委员会"),
        unit: None,
    },
    DemoLogin {
        username: "qx-lixia",
        display_name: "孙科长（历下区民政局）",
        role: Role::Bidder,
        org: Some("济南市历下区人民政府"),
        unit: None,
    },
    DemoLogin { username: "expert-zhou", display_name: "周专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-wu", display_name: "吴专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-zheng", display_name: "郑专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-wang", display_name: "王专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-chen", display_name: "陈专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-chu", display_name: "褚专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-feng", display_name: "冯专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-wei", display_name: "卫专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-yang", display_name: "杨专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-jiang", display_name: "蒋专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-shen", display_name: "沈专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-han", display_name: "韩专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-zhu", display_name: "朱专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-qin", display_name: "秦专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-you", display_name: "尤专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-xu", display_name: "许专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-he", display_name: "何专家", role: Role::Expert, org: None, unit: None },
    DemoLogin { username: "expert-lv", display_name: "吕专家", role: Role::Expert, org: None, unit: None },
    DemoLogin {
        username: "auditor",
        display_name: "赵审计（苏州市财政局）",
        role: Role::Auditor,
        org: None,
        unit: Some("苏州市财政局"),
    },
    DemoLogin { username: "admin", display_name: "系统管理员", role: Role::Admin, org: None, unit: None },
];

/// A valid citizen ID number for demo person `n` of organisation `org` (GB 11643 check character).
fn demo_id_number(org: usize, n: usize) -> String {
    let first = format!("32050{org}1988{:02}{:02}{:03}", 1 + n % 9, 10 + n, 100 + n);
    let check = app::domain::roster::id_check_character(&first).expect("17 digits");
    format!("{first}{check}")
}

/// A demo expert's profile: categories, region, employer, former employers, interests.
pub struct DemoExpert {
    pub username: &'static str,
    pub categories: &'static str,
    pub region: &'static str,
    pub employer: &'static str,
    pub past_employers: &'static str,
    pub interests: &'static str,
}

/// Eighteen experts in several categories. For the Suzhou demo tenders (category 公益服务类,
/// region 江苏省) twelve are eligible — enough for two lots' panels of four drawn and two in
/// reserve each, an expert sitting for one lot only — and the others show the exclusions: a
/// former employee of a bidder (冯), a relative's interest in one (杨), the purchaser's own staff
/// (卫), other categories (蒋, 沈) and another province (韩).
pub const DEMO_EXPERTS: &[DemoExpert] = &[
    DemoExpert {
        username: "expert-zhou",
        categories: "public_welfare,social_work",
        region: "320500",
        employer: "苏州大学社会学院",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-wu",
        categories: "public_welfare",
        region: "320500",
        employer: "苏州科技大学",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-zheng",
        categories: "public_welfare,community_governance",
        region: "320500",
        employer: "苏州市社会工作协会",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-wang",
        categories: "public_welfare,elderly_care",
        region: "320500",
        employer: "苏州市养老服务指导中心",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-chen",
        categories: "public_welfare",
        region: "320500",
        employer: "苏州市职业大学",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-chu",
        categories: "public_welfare,social_work",
        region: "320200",
        employer: "江南大学",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-feng",
        categories: "public_welfare,social_work",
        region: "320500",
        employer: "常熟理工学院",
        past_employers: "苏州市姑苏区阳光社会工作服务社|52320508MJ59123453|2025-03-31",
        interests: "",
    },
    DemoExpert {
        username: "expert-wei",
        categories: "public_welfare",
        region: "320500",
        employer: "苏州市民政局",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-yang",
        categories: "public_welfare",
        region: "320500",
        employer: "苏州市吴江区社会组织服务中心",
        past_employers: "",
        interests: "苏州工业园区益民社工事务所|52320594MJ5967890H",
    },
    DemoExpert {
        username: "expert-jiang",
        categories: "finance",
        region: "320500",
        employer: "苏州天平会计师事务所",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-shen",
        categories: "law",
        region: "320500",
        employer: "江苏苏州律师事务所",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-han",
        categories: "public_welfare,social_work",
        region: "440300",
        employer: "深圳大学",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-zhu",
        categories: "public_welfare,social_work",
        region: "320500",
        employer: "苏州城市学院",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-qin",
        categories: "public_welfare",
        region: "320500",
        employer: "苏州市慈善总会",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-you",
        categories: "public_welfare,community_governance",
        region: "320500",
        employer: "苏州市城乡社区治理研究会",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-xu",
        categories: "public_welfare,elderly_care",
        region: "320500",
        employer: "苏州卫生职业技术学院",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-he",
        categories: "public_welfare",
        region: "320100",
        employer: "南京理工大学",
        past_employers: "",
        interests: "",
    },
    DemoExpert {
        username: "expert-lv",
        categories: "public_welfare,social_work",
        region: "320400",
        employer: "常州大学",
        past_employers: "",
        interests: "",
    },
];

async fn seed_experts(state: &AppState, now: i64) -> anyhow::Result<()> {
    use app::domain::evaluation::pool::ExpertInput;
    use app::experts::server as experts;
    for (n, e) in DEMO_EXPERTS.iter().enumerate() {
        let Some(expert) = accounts::user_by_username(&state.db, e.username).await? else { continue };
        if experts::profile(&state.db, &expert.id).await?.is_some() {
            continue;
        }
        let first = format!("3205021970{:02}{:02}{:03}", 1 + n % 12, 10 + n, 200 + n);
        let id_number = format!("{first}{}", app::domain::roster::id_check_character(&first).expect("17 digits"));
        let input = ExpertInput {
            id_number,
            categories: vec![e.categories.into()],
            region_code: e.region.into(),
            employer: e.employer.into(),
            employer_credit_code: String::new(),
            past_employers: e.past_employers.into(),
            interests: e.interests.into(),
            blackout: String::new(),
            available: true,
        };
        experts::save(&state.db, &expert, &input, now).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    Ok(())
}

/// The person both 益民 and 和谐 keep on their rosters (one ID number): promising them in two bids
/// is what personnel de-duplication flags.
pub const DEMO_SHARED_PERSON: &str = "周共享";

/// Each NGO's profile and a roster of sixteen of its own, two lots' teams (three of each eight
/// certified 社会工作师), and, for 益民 and 和谐, the same seventeenth person.
async fn seed_profiles(state: &AppState, now: i64) -> anyhow::Result<()> {
    use app::domain::roster::{PersonInput, ProfileInput};
    use app::profiles::server as profiles;
    for (o, (name, _)) in DEMO_ORGS.iter().enumerate() {
        let Some(org_id) = accounts::find_organisation_by_name(&state.db, name).await? else { continue };
        if profiles::profile(&state.db, &org_id).await?.is_some() {
            continue;
        }
        let login = DEMO_LOGINS.iter().find(|l| l.org == Some(*name)).expect("every demo NGO has a login");
        let member = accounts::user_by_username(&state.db, login.username)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo user missing"))?;
        let profile = ProfileInput {
            legal_form: "private_non_enterprise".into(),
            registration_level: "county".into(),
            civil_affairs_registration: true,
            social_work_scope: true,
            region: "苏州市".into(),
            board_social_workers: "1".into(),
            board_others: "4".into(),
            ..Default::default()
        };
        profiles::save_profile(&state.db, &member, &profile, now).await?;
        let surname = ["王", "陈", "刘"][o];
        // Two lots' worth of people, then the shared one.
        let own = 2 * DEMO_TEAM_SIZE;
        for n in 0..=own {
            let shared = n == own && o > 0;
            if n == own && !shared {
                break;
            }
            let certified = n % DEMO_TEAM_SIZE < 3 || shared;
            let person = PersonInput {
                name: if shared { DEMO_SHARED_PERSON.to_string() } else { format!("{surname}社工{}", n + 1) },
                id_number: if shared { demo_id_number(9, 9) } else { demo_id_number(o, n) },
                education: "bachelor".into(),
                major: if n % 3 == 2 { "sociology".into() } else { "social_work".into() },
                certificate: if certified { "social_worker".into() } else { String::new() },
                certificate_number: if certified { format!("SW{o}{n:04}") } else { String::new() },
                certificate_expiry: if certified { "2029-12-31".into() } else { String::new() },
                full_time: true,
                contract_months: "36".into(),
                social_insurance: true,
                practice_months: "48".into(),
                related_months: "30".into(),
                local: true,
                jiangsu_registered: true,
                supervision_norms: true,
                ..Default::default()
            };
            // One millisecond apart, so the roster keeps this order.
            profiles::add_member(&state.db, &member, &person, now + n as i64).await?;
        }
    }
    Ok(())
}

/// The demo teams, one per lot: eight of the organisation's own people each (the first as
/// manager, the second as supervisor), the same every year; the person the demo shares between
/// two NGOs joins the first lot's staff only when `with_shared`.
pub async fn demo_teams(
    state: &AppState,
    org_id: &str,
    lots: &[String],
    with_shared: bool,
) -> anyhow::Result<Vec<app::domain::roster::LotTeam>> {
    use app::domain::roster::{LotTeam, TeamChoice};
    let roster = app::profiles::server::roster(&state.db, org_id).await?;
    let own: Vec<String> =
        roster.iter().filter(|m| m.person.name != DEMO_SHARED_PERSON).map(|m| m.id.clone()).collect();
    let shared = roster.iter().find(|m| m.person.name == DEMO_SHARED_PERSON).map(|m| m.id.clone());
    Ok(lots
        .iter()
        .enumerate()
        .map(|(i, lot)| {
            let mut staff: Vec<String> = own.iter().skip(i * DEMO_TEAM_SIZE).take(DEMO_TEAM_SIZE).cloned().collect();
            let team = TeamChoice {
                manager: staff.first().cloned(),
                supervisors: staff.get(1).cloned().into_iter().collect(),
                staff: Vec::new(),
                later_staff: Vec::new(),
            };
            if i == 0 && with_shared {
                staff.extend(shared.clone());
            }
            LotTeam { lot: lot.clone(), team: TeamChoice { staff, ..team } }
        })
        .collect())
}

/// Each demo lot's team: Suzhou's year-2 minimum of full-time staff.
pub const DEMO_TEAM_SIZE: usize = 8;

pub async fn seed(state: &AppState) -> anyhow::Result<()> {
    let now = state.now_ms();
    for (name, code) in DEMO_ORGS {
        if accounts::find_organisation_by_name(&state.db, name).await?.is_none() {
            accounts::create_organisation(&state.db, Actor::Console, name, OrgKind::Ngo, Some(code), now).await?;
        }
    }
    if accounts::find_organisation_by_name(&state.db, DEMO_COMMITTEE.0).await?.is_none() {
        accounts::create_organisation(
            &state.db,
            Actor::Console,
            DEMO_COMMITTEE.0,
            OrgKind::ResidentsCommittee,
            Some(DEMO_COMMITTEE.1),
            now,
        )
        .await?;
    }
    if accounts::find_organisation_by_name(&state.db, DEMO_COUNTY.0).await?.is_none() {
        accounts::create_organisation(
            &state.db,
            Actor::Console,
            DEMO_COUNTY.0,
            OrgKind::CountyGovernment,
            Some(DEMO_COUNTY.1),
            now,
        )
        .await?;
    }
    for unit in DEMO_UNITS {
        if purchasers::by_name(&state.db, unit.name).await?.is_some() {
            continue;
        }
        let parent_id = match unit.parent {
            Some(p) => purchasers::by_name(&state.db, p).await?.map(|p| p.id),
            None => None,
        };
        let new = app::purchasers::NewPurchaser {
            name: unit.name.into(),
            credit_code: String::new(),
            level: unit.level.into(),
            region_code: unit.region_code.into(),
            region_name: unit.region_name.into(),
            parent_id,
        };
        purchasers::create(&state.db, Actor::Console, &new, now).await?;
    }
    for login in DEMO_LOGINS {
        if accounts::user_exists(&state.db, login.username).await? {
            continue;
        }
        let org_id = match login.org {
            Some(name) => accounts::find_organisation_by_name(&state.db, name).await?,
            None => None,
        };
        let purchaser_id = match login.unit {
            Some(name) => purchasers::by_name(&state.db, name).await?.map(|p| p.id),
            None => None,
        };
        let new = NewUser {
            username: login.username.to_string(),
            display_name: login.display_name.to_string(),
            role: login.role,
            org_id,
            purchaser_id,
            password: DEMO_PASSWORD.to_string(),
        };
        accounts::create_user(&state.db, Actor::Console, &new, now).await?;
    }
    if accounts::find_organisation_by_name(&state.db, DEMO_PENDING.0).await?.is_none() {
        let first = NewUser {
            username: "ngo-qihang".into(),
            display_name: "陆社工".into(),
            role: Role::Bidder,
            org_id: None,
            purchaser_id: None,
            password: DEMO_PASSWORD.to_string(),
        };
        accounts::register_organisation(&state.db, DEMO_PENDING.0, DEMO_PENDING.1, OrgKind::Ngo, &first, now).await?;
    }
    seed_profiles(state, now).await?;
    seed_experts(state, now).await
}

/// A tender whose bid deadline and opening time have passed (three sealed bids waiting to be
/// opened), and one still taking bids.
pub const DEMO_TENDER_TO_OPEN: &str = "双塔街道“4+1”社区服务综合包（演示：已到开标时间）";
pub const DEMO_TENDER_OPEN: &str = "沧浪街道“4+1”社区服务综合包（演示：接受投标中）";
/// A tender evaluated to the signed report: opened, qualified, a panel drawn with a bidder's
/// recusal request filled by an alternate, compliance reviewed, scored with an outlier the
/// expert explained, the bidders confirmed, and the report signed by all five, one dissenting.
pub const DEMO_TENDER_EVALUATED: &str = "金阊街道“4+1”社区服务综合包（演示：评审报告已签署）";
pub const DEMO_CALL: &str = "2026年社区民生示范点申报（演示）";
pub const DEMO_ZONE_CALL: &str = "山东省城乡社区治理和服务创新实验区申报（演示）";

/// A Shenzhen demonstration-site call: residents' committees apply with their project choice.
pub fn demo_call_input(deadline_ms: i64) -> app::domain::tender::TenderInput {
    call_input("shenzhen-demonstration-site", DEMO_CALL, "深圳市民政局", "150000", deadline_ms)
}

/// A Shandong experimental-zone call: county-level governments apply with the 申报表.
pub fn demo_zone_call_input(deadline_ms: i64) -> app::domain::tender::TenderInput {
    call_input("shandong-experimental-zone", DEMO_ZONE_CALL, "山东省民政厅", "600000", deadline_ms)
}

fn call_input(
    template_id: &str,
    title: &str,
    buyer: &str,
    budget: &str,
    deadline_ms: i64,
) -> app::domain::tender::TenderInput {
    let template = app::domain::template::builtin_by_id(template_id).expect("shipped template");
    app::domain::tender::TenderInput {
        title: title.into(),
        buyer: buyer.into(),
        budget: budget.into(),
        bid_deadline: beijing(deadline_ms),
        opening_time: beijing(deadline_ms),
        contact: demo_contact(buyer),
        ..app::domain::tender::input_from_template(&template)
    }
}

/// The notice's contact block for a demo purchaser (made-up numbers and addresses).
fn demo_contact(buyer: &str) -> app::domain::contact::ContactInput {
    let (person, phone) = match buyer {
        "深圳市民政局" => ("李老师", "0755-88120000"),
        "山东省民政厅" => ("赵老师", "0531-86190000"),
        _ => ("王老师", "0512-65220000"),
    };
    app::domain::contact::ContactInput {
        person: person.into(),
        phone: phone.into(),
        address: format!("{buyer}（演示地址）"),
        ..Default::default()
    }
}

async fn user(state: &AppState, name: &str) -> anyhow::Result<app::identity::SessionUser> {
    accounts::user_by_username(&state.db, name).await?.ok_or_else(|| anyhow::anyhow!("demo user {name} missing"))
}

fn beijing(ms: i64) -> String {
    app::domain::time::from_millis(ms)
        .map(|t| t.with_timezone(&app::domain::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A Suzhou street "4+1" tender with two of the street's communities as lots, scored on price.
fn demo_input(title: &str, communities: [&str; 2], deadline_ms: i64) -> app::domain::tender::TenderInput {
    use app::domain::tender::{CriterionInput, LotInput, TenderInput};
    let template = app::domain::template::builtin_by_id("suzhou-street-4plus1").expect("shipped template");
    TenderInput {
        template_id: template.id.clone(),
        method: "open_tender".into(),
        title: title.into(),
        buyer: "苏州市民政局".into(),
        contact: demo_contact("苏州市民政局"),
        lots: vec![
            LotInput { name: communities[0].into(), budget: "30万/50万".into() },
            LotInput { name: communities[1].into(), budget: "30万/50万".into() },
        ],
        bid_deadline: beijing(deadline_ms),
        opening_time: beijing(deadline_ms),
        price_weight_pct: "20".into(),
        criteria: vec![
            CriterionInput {
                name: "服务方案".into(),
                max_points: "50".into(),
                guidance: "需求分析准确、目标可衡量、活动安排可行".into(),
                objective: false,
            },
            CriterionInput {
                name: "团队配备与督导".into(),
                max_points: "30".into(),
                guidance: "持证社工比例、督导资质与本地经验".into(),
                objective: true,
            },
        ],
        lint_override: "苏州市民政局文件对承接主体的组织形式和人数有明确规定（演示）".into(),
        ..TenderInput::default()
    }
}

/// The demo tender's panel: 5 members (4 experts from Jiangsu's 公益服务类 pool and the officer),
/// 2 alternates, outliers flagged beyond 20 % of a criterion's points.
pub fn demo_panel_plan(review_date: chrono::NaiveDate) -> app::domain::evaluation::panel::PlanInput {
    app::domain::evaluation::panel::PlanInput {
        size: "5".into(),
        purchaser_representatives: "1".into(),
        alternates: "2".into(),
        category: "public_welfare".into(),
        region: "320000".into(),
        complex: false,
        above_threshold: false,
        review_date: review_date.to_string(),
        outlier_pct: "20".into(),
    }
}

/// Demo data only: moves a tender's bid deadline and opening into the past hours (audited), so
/// its opening can be tried at once.
async fn move_timeline(state: &AppState, id: &str, now: i64) -> anyhow::Result<()> {
    let hour = 3_600_000;
    let mut spec = app::tenders::server::load(&state.db, id).await?.spec()?;
    spec.bid_deadline_ms = now - 2 * hour;
    spec.opening_ms = now - hour;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE tenders SET bid_deadline = $1, opening_at = $2, spec_json = $3 WHERE id = $4")
        .bind(spec.bid_deadline_ms)
        .bind(spec.opening_ms)
        .bind(serde_json::to_string(&spec)?)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    app::server::audit::record(
        &mut tx,
        now,
        Actor::Console,
        app::server::audit::Change::new("demo.timeline_moved", "tender", id)
            .after(serde_json::json!({"bid_deadline": spec.bid_deadline_ms, "opening_at": spec.opening_ms})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// [`DEMO_TENDER_EVALUATED`], taken through every step by the same functions the pages call.
async fn seed_evaluated(
    state: &AppState,
    officer: &app::identity::SessionUser,
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    use app::identity::SessionUser;
    let err = |e: app::error::AppError| anyhow::anyhow!("demo evaluation: {e:?}");
    let (db, now) = (&state.db, state.now_ms());
    let hour = 3_600_000;
    let id = app::tenders::server::create(
        db,
        officer,
        &demo_input(DEMO_TENDER_EVALUATED, ["彩香社区", "三元社区"], now + 21 * 24 * hour),
        now,
    )
    .await?;
    app::tenders::server::publish(db, &state.sealer, officer, &id, now).await?;
    for (bidder, price) in [("ngo-yangguang", "785000"), ("ngo-yimin", "800000"), ("ngo-hexie", "790000")] {
        demo_bid(state, bidder, &id, price).await?;
    }
    move_timeline(state, &id, now).await?;
    app::opening::server::open(db, &state.sealer, officer, &id, now).await.map_err(err)?;
    for row in app::opening::server::review_rows(db, &id).await.map_err(err)? {
        let pass = app::opening::ReviewOutcome::Pass;
        app::opening::server::review_bid(db, officer, &id, &row.bid.bid_id, pass, "", now).await.map_err(err)?;
    }
    app::opening::server::conclude(db, officer, &id, now).await.map_err(err)?;
    use app::panels::server as panels;
    let rid = app::panels::ReviewId::joint(&id);
    panels::plan(db, officer, &rid, &demo_panel_plan(today), std::slice::from_ref(&officer.id), now)
        .await
        .map_err(err)?;
    panels::draw(db, officer, &rid, now).await.map_err(err)?;
    // 阳光 asks that a person be recused (O87 art. 42): the first drawn expert, matched privately;
    // the first alternate takes the seat.
    let invited = |members: Vec<app::panels::server::Member>| {
        members
            .into_iter()
            .filter(|m| m.status == app::domain::evaluation::panel::MemberStatus::Invited)
            .collect::<Vec<_>>()
    };
    let first = invited(panels::members(db, &rid).await.map_err(err)?).remove(0);
    let named = first.name.clone();
    let yangguang = user(state, "ngo-yangguang").await?;
    panels::request_recusal(db, &yangguang, &id, &named, "", now).await.map_err(err)?;
    let mut seated: Vec<SessionUser> = Vec::new();
    for m in invited(panels::members(db, &rid).await.map_err(err)?) {
        let username: String =
            sqlx::query_scalar("SELECT username FROM users WHERE id = $1").bind(&m.user_id).fetch_one(&db.pool).await?;
        let expert = user(state, &username).await?;
        panels::answer(db, &expert, &rid, true, "", now).await.map_err(err)?;
        panels::declare(db, &expert, &rid, now).await.map_err(err)?;
        seated.push(expert);
    }
    panels::declare(db, officer, &rid, now).await.map_err(err)?;
    seated.push(officer.clone());
    // Compliance: every bid complies on every item, in every member's view.
    let t = app::tenders::server::load(db, &id).await?;
    let items = app::compliance::server::items(db, &t).await.map_err(err)?;
    let aliases: Vec<String> =
        sqlx::query_scalar("SELECT alias FROM bids WHERE tender_id = $1 AND alias IS NOT NULL ORDER BY alias")
            .bind(&id)
            .fetch_all(&db.pool)
            .await?;
    let votes: Vec<app::compliance::VoteInput> = aliases
        .iter()
        .flat_map(|a| {
            items.iter().map(|i| app::compliance::VoteInput {
                alias: a.clone(),
                item: i.id.clone(),
                pass: true,
                reason: None,
            })
        })
        .collect();
    for member in &seated {
        app::compliance::server::submit(db, &t, &rid, member, &votes, now).await.map_err(err)?;
    }
    // Scores: the service plan (50, subjective) and the team (30, objective); the first expert
    // marks the first bid's plan 12 points under the others, beyond the tender's 20 % (10 points).
    let points = [["42", "26"], ["40", "25"], ["38", "24"]];
    for (n, member) in seated.iter().enumerate() {
        let rows: Vec<app::evaluation::SheetRow> = aliases
            .iter()
            .zip(points)
            .enumerate()
            .map(|(i, (alias, p))| app::evaluation::SheetRow {
                alias: alias.clone(),
                points: vec![if n == 0 && i == 0 { "30".into() } else { p[0].into() }, p[1].into()],
                reasons: vec!["需求分析与活动安排具体可行".into(), String::new()],
            })
            .collect();
        app::evaluation::server::submit(db, member, &rid, &rows, now).await.map_err(err)?;
    }
    let explanation = "该方案的需求调研仅覆盖部分小区，目标缺少可衡量指标，坚持原评分";
    let confirm = app::domain::evaluation::diagnostics::Answer::Confirm { explanation: explanation.into() };
    app::evaluation::server::answer_flag(db, &seated[0], &rid, &aliases[0], 0, &confirm, now).await.map_err(err)?;
    for member in &seated {
        app::evaluation::server::confirm(db, member, &rid, false, "", now).await.map_err(err)?;
    }
    panels::set_leader(db, officer, &rid, &seated[0].id, now).await.map_err(err)?;
    for (n, member) in seated.iter().enumerate() {
        let dissent =
            if n == 1 { "本人认为投标人C的服务方案评分偏低，对评审结论保留意见" } else { "" };
        app::evaluation::server::sign(db, member, &rid, DEMO_PASSWORD, dissent, now).await.map_err(err)?;
    }
    Ok(())
}

/// Submits a demo bid through the same sealing path as an upload.
async fn demo_bid(state: &AppState, bidder: &str, tender_id: &str, price: &str) -> anyhow::Result<()> {
    use app::bids::server::{self as bids, file_aad, SealedFile};
    use app::bids::{FileKind, FileReceipt};
    let b = user(state, bidder).await?;
    let ctx = bids::context(&state.db, &state.sealer, &b, tender_id, state.now_ms()).await?;
    let org = b.org_name.clone().unwrap_or_default();
    let mut files = Vec::new();
    // One proposal for the bid, or one for each lot where the tender takes them per lot.
    let proposals: Vec<Option<i64>> =
        if ctx.spec.proposals_per_lot { (0..ctx.spec.lots.len() as i64).map(Some).collect() } else { vec![None] };
    let parts = proposals
        .into_iter()
        .map(|lot| (FileKind::Technical, lot, "技术方案.pdf", crate::documents::demo_proposal_pdf(DEMO_TENDER_TO_OPEN)))
        .chain([(FileKind::Qualification, None, "资格证明文件.pdf", crate::documents::demo_qualification_pdf(&org))]);
    for (kind, lot, name, pdf) in parts {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&pdf));
        let tmp = state.storage.temp_path();
        let mut out = std::fs::File::create(&tmp)?;
        ctx.key.seal_file(&file_aad(tender_id, kind, lot), &pdf[..], pdf.len() as u64, &mut out)?;
        drop(out);
        let stored = state.storage.adopt(&tmp)?;
        files.push(SealedFile {
            receipt: FileReceipt {
                kind,
                file_name: name.into(),
                file_size: pdf.len() as i64,
                content_type: "application/pdf".into(),
                sha256: sha,
                entries: 0,
                lot,
            },
            stored_sha256: stored.sha256,
            blind_hits: None,
        });
    }
    let prices = bids::parse_prices(&ctx.spec, &[0, 1], &[price.to_string(), price.to_string()])?;
    let lots: Vec<String> = ctx.spec.lots.iter().map(|l| l.name.clone()).collect();
    let teams = demo_teams(state, &ctx.org_id, &lots, false).await?;
    let declaration = app::profiles::server::declaration(&state.db, &ctx.org_id, teams).await?;
    let contents =
        bids::BidContents { prices: &prices, files: &files, declaration: declaration.as_ref(), application: None };
    bids::submit(&state.db, &b, &ctx, contents, state.settings.org_quota_bytes, state.now_ms()).await?;
    Ok(())
}

pub async fn seed_tenders(state: &AppState) -> anyhow::Result<()> {
    use app::tenders::server as tenders;
    let exists = sqlx::query("SELECT id FROM tenders WHERE title = $1")
        .bind(DEMO_TENDER_TO_OPEN)
        .fetch_optional(&state.db.pool)
        .await?;
    if exists.is_some() {
        return Ok(());
    }
    let now = state.now_ms();
    let officer = user(state, "officer").await?;
    let hour = 3_600_000;
    let id = tenders::create(
        &state.db,
        &officer,
        &demo_input(DEMO_TENDER_TO_OPEN, ["双塔社区", "定慧寺社区"], now + 21 * 24 * hour),
        now,
    )
    .await?;
    tenders::publish(&state.db, &state.sealer, &officer, &id, now).await?;
    // Prices are for each lot's whole two-year term (budget 30万 + 50万). 和谐's ¥340,000 is
    // under 45 % of the ceiling and 55 % of the next-lowest price (财库〔2026〕2号), so the demo
    // shows the panel asking for, and deciding on, a written explanation (O87 art. 60).
    for (bidder, price) in [("ngo-yangguang", "785000"), ("ngo-yimin", "800000"), ("ngo-hexie", "340000")] {
        demo_bid(state, bidder, &id, price).await?;
    }
    // Demo data only: move this tender's timeline into the past so the opening can be tried at once.
    move_timeline(state, &id, now).await?;
    // Its panel's plan, lawful for an open tender (O87 art. 47): four drawn experts and the
    // officer as the purchaser's representative, two alternates, reviewing today.
    let today = app::domain::time::from_millis(now)
        .map(|t| t.with_timezone(&app::domain::time::shanghai()).date_naive())
        .ok_or_else(|| anyhow::anyhow!("clock out of range"))?;
    app::panels::server::plan(
        &state.db,
        &officer,
        &app::panels::ReviewId::joint(&id),
        &demo_panel_plan(today),
        std::slice::from_ref(&officer.id),
        now,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    seed_evaluated(state, &officer, today).await?;
    // Taking bids with one technical proposal per community, each scored on its own by the
    // community's own panel.
    let mut open_input = demo_input(DEMO_TENDER_OPEN, ["南门社区", "杨枝社区"], now + 21 * 24 * hour);
    open_input.proposals_per_lot = true;
    open_input.panels_per_lot = true;
    let open = tenders::create(&state.db, &officer, &open_input, now).await?;
    tenders::publish(&state.db, &state.sealer, &officer, &open, now).await?;
    // Each call is published by its own province's or city's unit.
    for (publisher, input) in [
        ("officer-sz", demo_call_input(now + 21 * 24 * hour)),
        ("officer-sd", demo_zone_call_input(now + 21 * 24 * hour)),
    ] {
        let publisher = user(state, publisher).await?;
        let call = tenders::create(&state.db, &publisher, &input, now).await?;
        tenders::publish(&state.db, &state.sealer, &publisher, &call, now).await?;
    }
    Ok(())
}

pub fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for l in DEMO_LOGINS {
        println!("  {:<14} {:<8} {}", l.username, l.role.as_str(), l.display_name);
    }
    println!(
        "  {:<14} {:<8} 陆社工 ({}: registered, awaiting the admin's review)",
        "ngo-qihang", "bidder", DEMO_PENDING.0
    );
}
