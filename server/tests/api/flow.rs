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
    let form = suzhou_form(app, days);
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
        .spawn()
        .expect("pdftotext (Debian poppler-utils) is installed by make test");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

pub const _UNUSED: fn() -> chrono::DateTime<Utc> = Utc::now;
