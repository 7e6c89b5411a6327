//! Issue 12: "per tender (and per lot where lots are reviewed apart)". A tender that gives each
//! lot its own panel forms, scores, reports and awards each lot apart: the tender's one review
//! does not exist, a member sees only the lot it sits for, and a lot is awarded on its own
//! panel's signed report while another lot's review is still under way.

use super::evaluation::{everything_at, identities, leaks};
use super::*;
use flow::*;

/// The members' sheet for one review: every entry the review shows, with the same points.
async fn rows_of(
    app: &TestApp,
    member: &reqwest::Client,
    rid: &str,
    points: [&'static str; 2],
) -> Vec<(String, Vec<&'static str>)> {
    let view: Value = sf(app, member, "review", &[("id", rid)]).await.json().await.unwrap();
    view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["alias"].as_str().unwrap().to_string(), points.to_vec()))
        .collect()
}

/// The form of a Suzhou tender of two lots, each with its own panel.
fn per_lot_form(app: &TestApp) -> Vec<(String, String)> {
    let mut form = suzhou_form(app, 21);
    form.push(("input[panels_per_lot]".into(), "true".into()));
    form
}

/// The three demo NGOs bid on tender `id` at `prices` (阳光, 益民, 和谐: lot position, yuan),
/// each with a proposal naming it; past the deadline the bids are opened and qualified. Returns
/// the officer's client.
async fn bid_and_open(app: &TestApp, id: &str, prices: [&[(i64, &str)]; 3]) -> reqwest::Client {
    for (user, p) in ["ngo-yangguang", "ngo-yimin", "ngo-hexie"].into_iter().zip(prices) {
        let client = app.sign_in_as(user, server::demo::DEMO_PASSWORD).await;
        let res = upload(app, &client, id, p, pdf(&format!("{user} plan")), pdf("qualification")).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{user}: {}", res.text().await.unwrap());
        advance(app, 60_000);
    }
    open_and_qualify(app, id).await
}

const EVEN: &[(i64, &str)] = &[(0, "290000"), (1, "290000")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_lot_is_reviewed_by_its_own_panel_when_the_tender_says_so() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let form = per_lot_form(&app);
        // A draft may still change how it is reviewed: no panel is planned for it.
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let draft: String = sf(&app, &officer, "create_tender", &pairs).await.json().await.unwrap();
        let (officer_id, today) = (user_id(&app, "officer").await, beijing_today(&app));
        let draft_lot = format!("{draft}-1");
        let res = sf(&app, &officer, "plan_panel", &lawful_plan(&draft_lot, &officer_id, &today)).await;
        assert_eq!(field_code(res).await, "panel_before_publication");
        let id = publish_form(&app, &officer, &form).await;
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["spec"]["panels_per_lot"], true);

        // Once a lot's panel is planned, whether lots have their own can no longer change.
        let lot1 = format!("{id}-1");
        let plan = lawful_plan(&lot1, &officer_id, &today);
        let res = sf(&app, &officer, "plan_panel", &plan).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        // And so do the lots, at their positions, though no bid is in yet.
        let mut one_panel = form.clone();
        one_panel.retain(|(k, _)| k != "input[panels_per_lot]");
        let swapped = lots_swapped(&form);
        for (mut amended, code) in [(one_panel, "panels_per_lot_frozen"), (swapped, "lots_frozen_by_panels")] {
            amended.push(("id".into(), id.clone()));
            amended.push(("reason".into(), "更正评审组织方式（测试）".into()));
            let pairs: Vec<(&str, &str)> = amended.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            assert_eq!(field_code(sf(&app, &officer, "amend_tender", &pairs).await).await, code);
        }

        // 阳光 is cheapest in 双塔, 和谐 in 定慧寺; every bid covers both lots.
        let officer =
            bid_and_open(&app, &id, [&[(0, "280000"), (1, "295000")], EVEN, &[(0, "295000"), (1, "280000")]]).await;

        // The tender's one review does not exist; a lot past the last does not either.
        for rid in [id.clone(), format!("{id}-3"), format!("{id}-0")] {
            let res = sf(&app, &officer, "panel", &[("id", &rid)]).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{rid}");
            let mut plan = plan;
            plan[0].1 = rid.as_str();
            let res = sf(&app, &officer, "plan_panel", &plan).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{rid}");
        }
        let lot2 = format!("{id}-2");
        let first = form_panel(&app, &officer, &lot1).await;
        let second = form_panel(&app, &officer, &lot2).await;
        let panel: Value = sf(&app, &officer, "panel", &[("id", &lot1)]).await.json().await.unwrap();
        // A lot's review is the tender's own unit's: another unit's officer, a bidder, an expert
        // not on it and anyone signed out find nothing to read or change.
        let gusu = app.sign_in_as("officer-gusu", server::demo::DEMO_PASSWORD).await;
        let outsider = first.iter().chain(&second).all(|(n, _)| n != "expert-han");
        assert!(outsider, "韩 (another province) is never drawn");
        let han = app.sign_in_as("expert-han", server::demo::DEMO_PASSWORD).await;
        let bidder = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        for (who, client) in
            [("another unit", &gusu), ("a bidder", &bidder), ("an expert", &han), ("anyone", &app.anon())]
        {
            for f in ["panel", "evaluation_overview", "review", "draw_panel"] {
                let status = sf(&app, client, f, &[("id", &lot1)]).await.status();
                assert!(
                    [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&status),
                    "{who} {f}: {status}"
                );
            }
            let status =
                client.get(format!("{}/api/v1/tenders/{lot1}/report.pdf", app.base)).send().await.unwrap().status();
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::FORBIDDEN, StatusCode::UNAUTHORIZED].contains(&status),
                "{who} report: {status}"
            );
        }
        assert_eq!(panel["review_id"], lot1.as_str());
        assert_eq!(panel["lot"], "双塔社区");
        let audit = app.audit().await.to_string();
        assert!(audit.contains(&format!("\"{lot2}\"")), "each lot's draw is audited under its review");

        // Each member sees its lot's entries only, named with the lot, and the invitation says
        // which lot it is for.
        let rows1 = rows_of(&app, &first[0].1, &lot1, ["40", "25"]).await;
        let keys: Vec<&str> = rows1.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert!(keys.iter().all(|k| k.ends_with("-1")), "{keys:?}");
        // The bid's one proposal is what the lot's panel reads.
        let mut read = Vec::new();
        for key in &keys {
            let res = first[0]
                .1
                .get(format!("{}/api/v1/tenders/{lot1}/review/{key}/proposal", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{key}");
            read.push(String::from_utf8_lossy(&res.bytes().await.unwrap()).to_string());
        }
        for user in ["ngo-yangguang", "ngo-yimin", "ngo-hexie"] {
            assert_eq!(read.iter().filter(|p| p.contains(&format!("{user} plan"))).count(), 1, "{user}");
        }
        let invitations: Value = sf(&app, &first[0].1, "my_panels", &[]).await.json().await.unwrap();
        let mine = invitations.as_array().unwrap().iter().find(|i| i["review_id"] == lot1.as_str()).unwrap();
        assert_eq!(mine["lot"], "双塔社区", "{invitations}");
        // An expert sits for one lot only: a bid's alias is the same in every lot, so the
        // bidders shown at one lot's conflict check would be known while scoring the other.
        let experts_of = |members: &[(String, reqwest::Client)]| -> Vec<String> {
            members.iter().map(|(n, _)| n.clone()).filter(|n| n != "officer").collect()
        };
        let (experts1, experts2) = (experts_of(&first), experts_of(&second));
        assert!(experts1.iter().all(|e| !experts2.contains(e)), "{experts1:?} {experts2:?}");
        let res = sf(&app, &first[0].1, "review", &[("id", &lot2)]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{} sits on lot 1's panel only", first[0].0);
        let panel2: Value = sf(&app, &officer, "panel", &[("id", &lot2)]).await.json().await.unwrap();
        let draw2 = panel2["draws"][0].to_string();
        assert!(draw2.contains("on_another_lot_panel"), "lot 1's experts are excluded from lot 2's draw: {draw2}");

        // Lot 1 is reviewed to its signed report; lot 2's panel has not begun.
        comply(&app, &first, &lot1).await;
        score_all(&app, &first, &lot1, &rows1).await;
        finish_review(&app, &officer, &first, &lot1).await;
        let overview: Value = sf(&app, &officer, "evaluation_overview", &[("id", &lot1)]).await.json().await.unwrap();
        let report = &overview["report"];
        assert_eq!(report["complete"], true, "{overview}");
        assert!(report["content"]["title"].as_str().unwrap().contains("双塔社区"), "{report}");
        assert_eq!(report["content"]["lots"].as_array().unwrap().len(), 1, "lot 1's report ranks lot 1 only");
        let overview2: Value = sf(&app, &officer, "evaluation_overview", &[("id", &lot2)]).await.json().await.unwrap();
        assert!(overview2["report"].is_null(), "{overview2}");

        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(ranking["lots"][0]["report_signed"], true, "{ranking}");
        assert_eq!(ranking["lots"][1]["report_signed"], false, "{ranking}");
        assert_eq!(ranking["report_signed"], false);
        let yangguang = bid_of(&app, &id, "ngo-yangguang").await;
        let top = |r: &Value, lot: usize| r["lots"][lot]["rows"][0]["bid_id"].as_str().unwrap().to_string();
        assert_eq!(ranking["lots"][1]["rows"], json!([]), "lot 2 has no sheets yet");
        let res = sf(&app, &officer, "award", &[("id", &id), ("lot", "1"), ("bid_id", &yangguang)]).await;
        assert_eq!(field_code(res).await, "report_not_signed");
        let res = sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", &top(&ranking, 0))]).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        assert_eq!(top(&ranking, 0), yangguang, "the lowest price wins lot 1 on equal technical scores");

        // Lot 2's panel scores on its own sheets; lot 1's stay as they were.
        let rows2 = rows_of(&app, &second[0].1, &lot2, ["44", "28"]).await;
        assert!(rows2.iter().all(|(k, _)| k.ends_with("-2")));
        comply(&app, &second, &lot2).await;
        score_all(&app, &second, &lot2, &rows2).await;
        finish_review(&app, &officer, &second, &lot2).await;
        let sheets: Vec<(i64, i64)> =
            sqlx::query("SELECT review_lot, COUNT(*) AS n FROM score_sheets WHERE tender_id = $1 GROUP BY review_lot ORDER BY review_lot")
                .bind(&id)
                .fetch_all(&app.state.db.pool)
                .await
                .unwrap()
                .iter()
                .map(|r| (r.get("review_lot"), r.get("n")))
                .collect();
        assert_eq!(sheets, [(0, 5), (1, 5)]);
        let lot1_points: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT points_centi FROM scores WHERE tender_id = $1 AND lot_position = 0 ORDER BY points_centi",
        )
        .bind(&id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(lot1_points, [2500, 4000]);

        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(ranking["report_signed"], true, "{ranking}");
        let res = sf(&app, &officer, "award", &[("id", &id), ("lot", "1"), ("bid_id", &top(&ranking, 1))]).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["summary"]["status"], "awarded", "{public}");
        let experts = public["panel_experts"].as_array().unwrap();
        let distinct: std::collections::HashSet<&str> = experts.iter().map(|e| e.as_str().unwrap()).collect();
        assert!(experts.len() == 8 && distinct.len() == 8, "both panels' experts, each once: {public}");

        // Each lot's report downloads on its own.
        for (rid, lot) in [(&lot1, "双塔社区"), (&lot2, "定慧寺社区")] {
            let res = officer.get(format!("{}/api/v1/tenders/{rid}/report.pdf", app.base)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{rid}");
            let text = pdf_text(&res.bytes().await.unwrap());
            assert!(text.contains(lot), "{rid}: {text}");
        }
    }
}

/// The anonymity test across lots: once lot 1's panel has been shown the bidders (its review
/// done and signed), lot 2's experts, scoring, still find no bidder name, credit code or roster
/// name in anything they can fetch: every page, server function and API route, addressed by the
/// tender's id and by either lot's review.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_lots_names_do_not_reach_the_other_lots_panel() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let id = publish_form(&app, &officer, &per_lot_form(&app)).await;
        let officer = bid_and_open(&app, &id, [EVEN; 3]).await;
        let secrets = identities(&app, &id).await;
        let (lot1, lot2) = (format!("{id}-1"), format!("{id}-2"));
        let first = form_panel(&app, &officer, &lot1).await;
        let second = form_panel(&app, &officer, &lot2).await;
        let rows = rows_of(&app, &first[0].1, &lot1, ["40", "25"]).await;
        comply(&app, &first, &lot1).await;
        score_all(&app, &first, &lot1, &rows).await;
        finish_review(&app, &officer, &first, &lot1).await;
        // Lot 1's experts were shown the names: the same scan sees them there.
        let view: Value = sf(&app, &first[0].1, "review", &[("id", &lot1)]).await.json().await.unwrap();
        assert_eq!(view["bidders"].as_array().unwrap().len(), 3, "{view}");
        let aliases: Vec<String> =
            ["A", "B", "C"].iter().flat_map(|a| [a.to_string(), format!("{a}-1"), format!("{a}-2")]).collect();
        let shown = leaks(&everything_at(&app, &first[0].1, &id, &lot1, &aliases).await, &secrets);
        assert!(shown.iter().any(|l| l.contains("server fn /api/review")), "{shown:?}");

        let mut found = Vec::new();
        for (name, client) in second.iter().filter(|(n, _)| n != "officer") {
            for at in [id.as_str(), lot1.as_str(), lot2.as_str()] {
                let seen = everything_at(&app, client, &id, at, &aliases).await;
                found.extend(leaks(&seen, &secrets).into_iter().map(|l| format!("{name} at {at}: {l}")));
            }
        }
        assert!(found.is_empty(), "{} leaks:\n{}", found.len(), found.join("\n"));
        // The scan reaches lot 2's proposals, so it would see a name in them.
        let seen = everything_at(&app, &second[0].1, &id, &lot2, &aliases).await;
        assert!(
            seen.iter().any(|(w, t)| w.contains("/review/A-2/proposal") && t.contains("plan")),
            "lot 2's proposals read"
        );
    }
}

/// A lot that failed at the qualification review (O87 art. 43: fewer than three bids) gets no
/// panel, and the tender's result stands once the lots still standing have their signed reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_lot_needs_no_panel() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let id = publish_form(&app, &officer, &per_lot_form(&app)).await;
        // 和谐 bids for the first lot only: the second has two bids and fails.
        let officer = bid_and_open(&app, &id, [EVEN, EVEN, &[(0, "285000")]]).await;
        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert!(ranking["lots"][1]["failed"].is_string(), "{ranking}");
        let (officer_id, today) = (user_id(&app, "officer").await, beijing_today(&app));
        let lot2 = format!("{id}-2");
        let res = sf(&app, &officer, "plan_panel", &lawful_plan(&lot2, &officer_id, &today)).await;
        assert_eq!(field_code(res).await, "lot_failed");

        let lot1 = format!("{id}-1");
        let members = form_panel(&app, &officer, &lot1).await;
        let rows = rows_of(&app, &members[0].1, &lot1, ["40", "25"]).await;
        comply(&app, &members, &lot1).await;
        score_all(&app, &members, &lot1, &rows).await;
        finish_review(&app, &officer, &members, &lot1).await;
        let ranking: Value = sf(&app, &officer, "ranking", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(ranking["report_signed"], true, "the failed lot waits for no report: {ranking}");
        let winner = ranking["lots"][0]["rows"][0]["bid_id"].as_str().unwrap().to_string();
        let res = sf(&app, &officer, "award", &[("id", &id), ("lot", "0"), ("bid_id", &winner)]).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let public: Value = sf(&app, &app.anon(), "public_tender", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(public["summary"]["status"], "awarded", "{public}");
    }
}

/// Two lots' panels drawn at the same moment never seat the same expert: each draw picks from
/// the pool as it was, and the second to write finds the first's seats and is refused (409),
/// to be drawn again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_lots_drawn_at_once_never_share_an_expert() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let id = publish_form(&app, &officer, &per_lot_form(&app)).await;
        let officer = bid_and_open(&app, &id, [EVEN; 3]).await;
        let (officer_id, today) = (user_id(&app, "officer").await, beijing_today(&app));
        let lots = [format!("{id}-1"), format!("{id}-2")];
        for lot in &lots {
            let res = sf(&app, &officer, "plan_panel", &lawful_plan(lot, &officer_id, &today)).await;
            assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        }
        let (first, second) = ([("id", lots[0].as_str())], [("id", lots[1].as_str())]);
        let (a, b) = tokio::join!(sf(&app, &officer, "draw_panel", &first), sf(&app, &officer, "draw_panel", &second));
        for (lot, res) in lots.iter().zip([a, b]) {
            match res.status() {
                StatusCode::OK => {}
                StatusCode::CONFLICT => {
                    let again = sf(&app, &officer, "draw_panel", &[("id", lot)]).await;
                    assert_eq!(again.status(), StatusCode::OK, "{}", again.text().await.unwrap());
                }
                other => panic!("{lot}: {other} {}", res.text().await.unwrap()),
            }
        }
        let mut seated = Vec::new();
        for lot in &lots {
            let panel: Value = sf(&app, &officer, "panel", &[("id", lot)]).await.json().await.unwrap();
            let experts: Vec<String> = panel["members"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["kind"] == "expert")
                .map(|m| m["user_id"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(experts.len(), 6, "four drawn and two alternates: {panel}");
            seated.push(experts);
        }
        assert!(seated[0].iter().all(|e| !seated[1].contains(e)), "{seated:?}");
    }
}

/// A draw sent twice at once (a double click) draws once: the second finds the panel drawn
/// meanwhile (409) and the panel keeps its four experts and two alternates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draw_sent_twice_draws_once() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let id = create_published(&app, &app.signed_in(Role::Officer).await, 21).await;
        let officer = bid_and_open(&app, &id, [EVEN; 3]).await;
        let (officer_id, today) = (user_id(&app, "officer").await, beijing_today(&app));
        let res = sf(&app, &officer, "plan_panel", &lawful_plan(&id, &officer_id, &today)).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let form = [("id", id.as_str())];
        let (a, b) = tokio::join!(sf(&app, &officer, "draw_panel", &form), sf(&app, &officer, "draw_panel", &form));
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        let bodies = [a.text().await.unwrap(), b.text().await.unwrap()];
        assert!(
            statuses == [StatusCode::OK, StatusCode::CONFLICT]
                || statuses == [StatusCode::OK, StatusCode::UNPROCESSABLE_ENTITY],
            "one draw, the other refused (409 meanwhile, or 422 panel_full once it saw the first): {statuses:?} {bodies:?}"
        );
        let panel: Value = sf(&app, &officer, "panel", &[("id", &id)]).await.json().await.unwrap();
        let experts = panel["members"].as_array().unwrap().iter().filter(|m| m["kind"] == "expert").count();
        assert_eq!(experts, 6, "{panel}");
        assert_eq!(panel["draws"].as_array().unwrap().len(), 1, "{panel}");
    }
}
