//! Demo data for `make run`: one account per role, three NGOs with a bidder each.
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
    ("苏州市姑苏区阳光社会工作服务社", "52320508MJ59123453"),
    ("苏州工业园区益民社工事务所", "52320594MJ5967890H"),
    ("苏州市吴中区和谐社会工作服务中心", "52320508MJ59135795"),
];

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin { username: "officer", display_name: "李采购（苏州市民政局）", role: Role::Officer, org: None },
    DemoLogin { username: "ngo-yangguang", display_name: "王社工", role: Role::Bidder, org: Some("苏州市姑苏区阳光社会工作服务社") },
    DemoLogin { username: "ngo-yimin", display_name: "陈社工", role: Role::Bidder, org: Some("苏州工业园区益民社工事务所") },
    DemoLogin { username: "ngo-hexie", display_name: "刘社工", role: Role::Bidder, org: Some("苏州市吴中区和谐社会工作服务中心") },
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

/// A tender whose bid deadline and opening time have passed (three sealed bids waiting to be
/// opened), and one still taking bids.
pub const DEMO_TENDER_TO_OPEN: &str = "双塔街道“4+1”社区服务综合包（演示：已到开标时间）";
pub const DEMO_TENDER_OPEN: &str = "沧浪街道“4+1”社区服务综合包（演示：接受投标中）";

async fn user(state: &AppState, name: &str) -> anyhow::Result<app::identity::SessionUser> {
    accounts::user_by_username(&state.db, name).await?.ok_or_else(|| anyhow::anyhow!("demo user {name} missing"))
}

fn beijing(ms: i64) -> String {
    app::domain::time::from_millis(ms)
        .map(|t| t.with_timezone(&app::domain::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string())
        .unwrap_or_default()
}

/// A Suzhou street "4+1" tender with two communities as lots, scored on price.
fn demo_input(title: &str, deadline_ms: i64) -> app::domain::tender::TenderInput {
    use app::domain::tender::{CriterionInput, LotInput, TenderInput};
    let template = app::domain::template::builtin_by_id("suzhou-street-4plus1").expect("shipped template");
    TenderInput {
        template_id: template.id.clone(),
        method: "open_tender".into(),
        title: title.into(),
        buyer: "苏州市民政局".into(),
        lots: vec![LotInput { name: "双塔社区".into(), budget: "300000".into() }, LotInput { name: "定慧寺社区".into(), budget: "300000".into() }],
        bid_deadline: beijing(deadline_ms),
        opening_time: beijing(deadline_ms),
        price_weight_pct: "20".into(),
        criteria: vec![
            CriterionInput { name: "服务方案".into(), max_points: "50".into(), guidance: "需求分析准确、目标可衡量、活动安排可行".into(), objective: false },
            CriterionInput { name: "团队配备与督导".into(), max_points: "30".into(), guidance: "持证社工比例、督导资质与本地经验".into(), objective: true },
        ],
        lint_override: "苏州市民政局文件对承接主体的组织形式和人数有明确规定（演示）".into(),
        ..TenderInput::default()
    }
}

/// Submits a demo bid through the same sealing path as an upload.
async fn demo_bid(state: &AppState, bidder: &str, tender_id: &str, price: &str) -> anyhow::Result<()> {
    use app::server::bids::{self, file_aad, SealedFile};
    use app::tenders::FileReceipt;
    let b = user(state, bidder).await?;
    let ctx = bids::context(&state.db, &state.sealer, &b, tender_id, state.now_ms()).await?;
    let org = b.org_name.clone().unwrap_or_default();
    let mut files = Vec::new();
    for (kind, name, pdf) in [
        ("technical", "技术方案.pdf", crate::documents::demo_proposal_pdf(DEMO_TENDER_TO_OPEN)),
        ("qualification", "资格证明文件.pdf", crate::documents::demo_qualification_pdf(&org)),
    ] {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&pdf));
        let tmp = state.storage.temp_path();
        let mut out = std::fs::File::create(&tmp)?;
        ctx.key.seal_file(&file_aad(tender_id, kind), &pdf[..], pdf.len() as u64, &mut out)?;
        drop(out);
        let stored = state.storage.adopt(&tmp)?;
        files.push(SealedFile {
            receipt: FileReceipt { kind: kind.into(), file_name: name.into(), file_size: pdf.len() as i64, content_type: "application/pdf".into(), sha256: sha, entries: 0 },
            stored_sha256: stored.sha256,
        });
    }
    let prices = bids::parse_prices(&ctx.spec, &[0, 1], &[price.to_string(), price.to_string()])?;
    bids::submit(&state.db, &b, &ctx, &prices, &files, state.now_ms()).await?;
    Ok(())
}

pub async fn seed_tenders(state: &AppState) -> anyhow::Result<()> {
    use app::server::tenders;
    let exists = sqlx::query("SELECT id FROM tenders WHERE title = $1").bind(DEMO_TENDER_TO_OPEN).fetch_optional(&state.db.pool).await?;
    if exists.is_some() {
        return Ok(());
    }
    let now = state.now_ms();
    let officer = user(state, "officer").await?;
    let hour = 3_600_000;
    let id = tenders::create(&state.db, &officer, &demo_input(DEMO_TENDER_TO_OPEN, now + 21 * 24 * hour), now).await?;
    tenders::publish(&state.db, &state.sealer, &officer, &id, now).await?;
    for (bidder, price) in [("ngo-yangguang", "295000"), ("ngo-yimin", "300000"), ("ngo-hexie", "288000")] {
        demo_bid(state, bidder, &id, price).await?;
    }
    // Demo data only: move this tender's timeline into the past so the opening can be tried at once.
    let mut spec = tenders::load(&state.db, &id).await?.spec()?;
    spec.bid_deadline_ms = now - 2 * hour;
    spec.opening_ms = now - hour;
    let mut tx = state.db.pool.begin().await?;
    sqlx::query("UPDATE tenders SET bid_deadline = $1, opening_at = $2, spec_json = $3 WHERE id = $4")
        .bind(spec.bid_deadline_ms)
        .bind(spec.opening_ms)
        .bind(serde_json::to_string(&spec)?)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    app::server::audit::record(
        &mut *tx,
        now,
        Actor::Console,
        app::server::audit::Change::new("demo.timeline_moved", "tender", &id).after(serde_json::json!({"bid_deadline": spec.bid_deadline_ms, "opening_at": spec.opening_ms})),
    )
    .await?;
    tx.commit().await?;
    let open = tenders::create(&state.db, &officer, &demo_input(DEMO_TENDER_OPEN, now + 21 * 24 * hour), now).await?;
    tenders::publish(&state.db, &state.sealer, &officer, &open, now).await?;
    Ok(())
}

pub fn print_logins() {
    println!("Demo logins (password for all: {DEMO_PASSWORD}):");
    for l in DEMO_LOGINS {
        println!("  {:<14} {:<8} {}", l.username, l.role.as_str(), l.display_name);
    }
}

