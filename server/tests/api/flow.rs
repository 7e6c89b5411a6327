//! Helpers shared by the tender-lifecycle tests: server functions called as a browser form
//! does, uploads, the clock.

use super::*;
use chrono::{Duration, Utc};

/// Calls a server function the way a browser form does (URL-encoded, nested names).
pub async fn sf(app: &TestApp, client: &reqwest::Client, name: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client
        .post(format!("{}/api/{name}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded_pairs(form))
        .send()
        .await
        .unwrap()
}

fn serde_urlencoded_pairs(form: &[(&str, &str)]) -> String {
    form.iter().map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v))).collect::<Vec<_>>().join("&")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Beijing wall-clock time `hours` from the application clock's now.
pub fn beijing_in(app: &TestApp, hours: i64) -> String {
    let t = app.state.clock.now() + Duration::hours(hours);
    t.with_timezone(&app::domain::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string()
}

/// A document to upload: (file name, bytes).
pub type Doc = (&'static str, Vec<u8>);

pub fn pdf(marker: &str) -> Doc {
    ("文件.pdf", format!("%PDF-1.7\n% {marker}\n").into_bytes())
}

/// Uploads a bid: `prices` as (lot position, yuan), the two documents, and the demo team.
pub async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    tender: &str,
    prices: &[(i64, &str)],
    technical: Doc,
    qualification: Doc,
) -> reqwest::Response {
    upload_team(app, client, tender, prices, technical, qualification, false).await
}

/// [`upload`] with a team per lot taken from the bidder's roster, as the demo builds them: eight
/// people each, the person the demo shares between two NGOs in the first lot only when
/// `with_shared`.
pub async fn upload_team(
    app: &TestApp,
    client: &reqwest::Client,
    tender: &str,
    prices: &[(i64, &str)],
    technical: Doc,
    qualification: Doc,
    with_shared: bool,
) -> reqwest::Response {
    let profile: Value = sf(app, client, "my_profile", &[]).await.json().await.unwrap();
    let roster: Vec<(String, String)> = profile["roster"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["id"].as_str().unwrap().to_string(), m["person"]["name"].as_str().unwrap().to_string()))
        .collect();
    let own: Vec<&String> =
        roster.iter().filter(|(_, n)| n != server::demo::DEMO_SHARED_PERSON).map(|(id, _)| id).collect();
    let mut form = reqwest::multipart::Form::new();
    for (i, (lot, price)) in prices.iter().enumerate() {
        form = form.text("lot", lot.to_string()).text(format!("price_{lot}"), price.to_string());
        let team: Vec<&String> =
            own.iter().skip(i * server::demo::DEMO_TEAM_SIZE).take(server::demo::DEMO_TEAM_SIZE).copied().collect();
        for (j, id) in team.iter().enumerate() {
            form = form.text(format!("staff_{lot}"), id.to_string());
            match j {
                0 => form = form.text(format!("manager_{lot}"), id.to_string()),
                1 => form = form.text(format!("supervisor_{lot}"), id.to_string()),
                _ => {}
            }
        }
        if i == 0 && with_shared {
            let shared = roster
                .iter()
                .find(|(_, n)| n == server::demo::DEMO_SHARED_PERSON)
                .map(|(id, _)| id.clone())
                .expect("a shared person");
            form = form.text(format!("staff_{lot}"), shared);
        }
    }
    form = form
        .part("technical", reqwest::multipart::Part::bytes(technical.1).file_name(technical.0.to_string()))
        .part("qualification", reqwest::multipart::Part::bytes(qualification.1).file_name(qualification.0.to_string()));
    client.post(format!("{}/api/v1/tenders/{tender}/bids", app.base)).multipart(form).send().await.unwrap()
}

pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The form of a Suzhou street tender with two community lots, `days` days to the deadline.
pub fn suzhou_form(app: &TestApp, days: i64) -> Vec<(String, String)> {
    let deadline = beijing_in(app, days * 24);
    [
        ("input[template_id]", "suzhou-street-4plus1"),
        ("input[method]", "open_tender"),
        ("input[title]", "双塔街道“4+1”社区服务综合包"),
        ("input[buyer]", "苏州市民政局"),
        ("input[contact][person]", "王老师"),
        ("input[contact][phone]", "0512-65220000"),
        ("input[contact][address]", "苏州市姑苏区（测试地址）"),
        ("input[lots][0][name]", "双塔社区"),
        ("input[lots][0][budget]", "200000/400000"),
        ("input[lots][1][name]", "定慧寺社区"),
        ("input[lots][1][budget]", "30万"),
        ("input[bid_deadline]", &deadline),
        ("input[opening_time]", &deadline),
        ("input[price_weight_pct]", "20"),
        ("input[criteria][0][name]", "服务方案"),
        ("input[criteria][0][max_points]", "50"),
        ("input[criteria][0][guidance]", "需求分析与目标"),
        ("input[criteria][1][name]", "团队配备"),
        ("input[criteria][1][max_points]", "30"),
        ("input[criteria][1][objective]", "true"),
        ("input[lint_override]", "苏州市民政局文件明确规定承接主体的组织形式和人数"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

pub async fn create_published(app: &TestApp, officer: &reqwest::Client, days: i64) -> String {
    publish_form(app, officer, &suzhou_form(app, days)).await
}

/// A Suzhou tender form ([`suzhou_form`]) with its two lots in the other order.
pub fn lots_swapped(form: &[(String, String)]) -> Vec<(String, String)> {
    let mut swapped = form.to_vec();
    for (k, v) in swapped.iter_mut() {
        match k.as_str() {
            "input[lots][0][name]" => *v = "定慧寺社区".into(),
            "input[lots][1][name]" => *v = "双塔社区".into(),
            _ => {}
        }
    }
    swapped
}

/// Creates the tender the form describes and publishes it; its id.
pub async fn publish_form(app: &TestApp, officer: &reqwest::Client, form: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = sf(app, officer, "create_tender", &pairs).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let id: String = res.json().await.unwrap();
    let publish = sf(app, officer, "publish_tender", &[("id", &id)]).await;
    assert_eq!(publish.status(), StatusCode::OK, "{}", publish.text().await.unwrap());
    id
}

pub async fn field_code(res: reqwest::Response) -> String {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    body["error"]["fields"][0]["code"]
        .as_str()
        .or(body["detail"][0]["code"].as_str())
        .unwrap_or_else(|| panic!("{status} {body}"))
        .to_string()
}

pub fn advance(app: &TestApp, ms: i64) {
    app.state.test_clock.as_ref().unwrap().advance_ms(ms);
}

pub fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        // The test PDFs of bids are bare markers that pdftotext cannot parse: not a failure.
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("pdftotext (Debian poppler-utils) is installed by make test");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

pub const _UNUSED: fn() -> chrono::DateTime<Utc> = Utc::now;

/// The Beijing date of the application clock, as the panel form takes it.
pub fn beijing_today(app: &TestApp) -> String {
    app::domain::time::from_millis(app.state.now_ms())
        .unwrap()
        .with_timezone(&app::domain::time::shanghai())
        .date_naive()
        .to_string()
}

pub async fn user_id(app: &TestApp, username: &str) -> String {
    sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("id")
}

pub async fn username_of(app: &TestApp, id: &str) -> String {
    sqlx::query("SELECT username FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .get("username")
}

/// The alias the organisation `name` bid under on tender `id`.
pub async fn alias_of(app: &TestApp, id: &str, name: &str) -> String {
    sqlx::query(
        "SELECT b.alias FROM bids b JOIN organisations o ON o.id = b.org_id WHERE b.tender_id = $1 AND o.name = $2",
    )
    .bind(id)
    .bind(name)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
    .get("alias")
}

/// The id of the bid the organisation of `username` made on tender `id`.
pub async fn bid_of(app: &TestApp, id: &str, username: &str) -> String {
    sqlx::query_scalar(
        "SELECT b.id FROM bids b JOIN users u ON u.org_id = b.org_id WHERE b.tender_id = $1 AND u.username = $2",
    )
    .bind(id)
    .bind(username)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

/// Plans the lawful panel of an open tender (O87 art. 47: 4 drawn experts and the officer as the
/// purchaser's representative, 2 alternates), draws it, and has every drawn expert accept and
/// sign the declaration. Returns the members, the officer last.
pub async fn form_panel(app: &TestApp, officer: &reqwest::Client, id: &str) -> Vec<(String, reqwest::Client)> {
    let officer_id = user_id(app, "officer").await;
    let today = beijing_today(app);
    let res = sf(app, officer, "plan_panel", &lawful_plan(id, &officer_id, &today)).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let res = sf(app, officer, "draw_panel", &[("id", id)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    let panel: Value = sf(app, officer, "panel", &[("id", id)]).await.json().await.unwrap();
    let mut members = Vec::new();
    for m in panel["members"].as_array().unwrap().iter().filter(|m| m["status"] == "invited") {
        let username = username_of(app, m["user_id"].as_str().unwrap()).await;
        let client = app.sign_in_as(&username, server::demo::DEMO_PASSWORD).await;
        let res = sf(app, &client, "answer_invitation", &[("id", id), ("accept", "true")]).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let declared: Value = sf(app, &client, "declare_no_conflict", &[("id", id)]).await.json().await.unwrap();
        assert_eq!(declared, "unlocked");
        members.push((username, client));
    }
    assert_eq!(members.len(), 4, "{panel}");
    let declared: Value = sf(app, officer, "declare_no_conflict", &[("id", id)]).await.json().await.unwrap();
    assert_eq!(declared, "unlocked");
    members.push(("officer".into(), officer.clone()));
    members
}

/// The plan form of an open tender's lawful panel (O87 art. 47): 5 members, the officer
/// `officer_id` as the one purchaser representative, 2 alternates, reviewing on `date`.
pub fn lawful_plan<'a>(id: &'a str, officer_id: &'a str, date: &'a str) -> [(&'static str, &'a str); 9] {
    [
        ("id", id),
        ("plan[size]", "5"),
        ("plan[purchaser_representatives]", "1"),
        ("plan[alternates]", "2"),
        ("plan[category]", "public_welfare"),
        ("plan[region]", "320000"),
        ("plan[review_date]", date),
        ("plan[outlier_pct]", "20"),
        ("representatives[0]", officer_id),
    ]
}

/// A member's sheet as the form sends it: each alias with its points and, for subjective
/// criteria, a reason.
pub fn sheet_form<'a>(id: &'a str, rows: &'a [(String, Vec<&'a str>)]) -> Vec<(String, String)> {
    let mut form = vec![("id".to_string(), id.to_string()), ("submit".to_string(), "true".to_string())];
    for (i, (alias, points)) in rows.iter().enumerate() {
        form.push((format!("rows[{i}][alias]"), alias.clone()));
        for (j, p) in points.iter().enumerate() {
            form.push((format!("rows[{i}][points][{j}]"), p.to_string()));
            form.push((format!("rows[{i}][reasons][{j}]"), "方案完整，措施具体".to_string()));
        }
    }
    form
}

pub async fn submit_sheet(
    app: &TestApp,
    member: &reqwest::Client,
    id: &str,
    rows: &[(String, Vec<&str>)],
) -> reqwest::Response {
    let form = sheet_form(id, rows);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    sf(app, member, "submit_sheet", &pairs).await
}

/// Every member submits the same sheet.
pub async fn score_all(app: &TestApp, members: &[(String, reqwest::Client)], id: &str, rows: &[(String, Vec<&str>)]) {
    for (name, m) in members {
        let res = submit_sheet(app, m, id, rows).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
    }
}

/// Every member confirms no conflict once shown the bidders, the first expert leads, and every
/// member signs the report.
pub async fn finish_review(app: &TestApp, officer: &reqwest::Client, members: &[(String, reqwest::Client)], id: &str) {
    for (name, m) in members {
        let res = sf(app, m, "confirm_no_conflict", &[("id", id), ("conflict", "false")]).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
    }
    let leader = user_id(app, &members[0].0).await;
    let res = sf(app, officer, "set_leader", &[("id", id), ("user_id", &leader)]).await;
    assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    for (name, m) in members {
        let res = sf(app, m, "sign_report", &[("id", id), ("password", server::demo::DEMO_PASSWORD)]).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
    }
}

/// A member's compliance sheet as the form sends it: every alias on every item the review lists,
/// compliant except the `fails` given as (alias, item id, reason).
pub fn compliance_form(id: &str, view: &Value, fails: &[(&str, &str, &str)]) -> Vec<(String, String)> {
    let mut form = vec![("id".to_string(), id.to_string())];
    let items = view["compliance"]["items"].as_array().unwrap();
    let mut k = 0;
    for alias in view["compliance"]["aliases"].as_array().unwrap() {
        let alias = alias.as_str().unwrap();
        for item in items {
            let item = item[0].as_str().unwrap();
            let fail = fails.iter().find(|(a, i, _)| *a == alias && *i == item);
            form.push((format!("votes[{k}][alias]"), alias.to_string()));
            form.push((format!("votes[{k}][item]"), item.to_string()));
            form.push((format!("votes[{k}][pass]"), fail.is_none().to_string()));
            form.push((format!("votes[{k}][reason]"), fail.map(|f| f.2.to_string()).unwrap_or_default()));
            k += 1;
        }
    }
    form
}

pub async fn submit_compliance(
    app: &TestApp,
    member: &reqwest::Client,
    id: &str,
    fails: &[(&str, &str, &str)],
) -> reqwest::Response {
    let view: Value = sf(app, member, "review", &[("id", id)]).await.json().await.unwrap();
    let form = compliance_form(id, &view, fails);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    sf(app, member, "submit_compliance", &pairs).await
}

/// Every member finds every bid compliant (O87 art. 63), so scoring may start.
pub async fn comply(app: &TestApp, members: &[(String, reqwest::Client)], id: &str) {
    for (name, m) in members {
        let res = submit_compliance(app, m, id, &[]).await;
        assert_eq!(res.status(), StatusCode::OK, "{name}: {}", res.text().await.unwrap());
    }
}

/// Past the tender's deadline, the officer (signed in again: the clock moved on) opens the bids
/// and passes every bid's qualification review. Returns the officer's client.
pub async fn open_and_qualify(app: &TestApp, id: &str) -> reqwest::Client {
    let public: Value = sf(app, &app.anon(), "public_tender", &[("id", id)]).await.json().await.unwrap();
    advance(app, public["spec"]["bid_deadline_ms"].as_i64().unwrap() - app.state.now_ms());
    let officer = app.signed_in(Role::Officer).await;
    assert_eq!(sf(app, &officer, "open_bids", &[("id", id)]).await.status(), StatusCode::OK);
    let review: Value = sf(app, &officer, "review_rows", &[("id", id)]).await.json().await.unwrap();
    for row in review.as_array().unwrap() {
        let bid = row["bid"]["bid_id"].as_str().unwrap();
        let res = sf(
            app,
            &officer,
            "review_bid",
            &[("id", id), ("bid_id", bid), ("outcome", "pass"), ("reason", "资格审查材料齐全，经核对符合要求")],
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
    }
    assert_eq!(sf(app, &officer, "conclude_review", &[("id", id)]).await.status(), StatusCode::OK);
    officer
}
