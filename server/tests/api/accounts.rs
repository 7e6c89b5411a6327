//! Sign-in and sign-out, throttling, account creation, and an NGO registering itself.

use super::flow::{create_published, field_code, pdf, sf, upload};
use super::*;

#[tokio::test]
async fn sign_in_lands_on_the_role_home_and_sign_out_ends_the_session() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        for role in ALL {
            let client = app.anon();
            // The browser's form post: redirected to the role's home page.
            let res = client
                .post(format!("{}/api/sign_in", app.base))
                .header("accept", "text/html")
                .form(&[("username", demo_user(role)), ("password", server::demo::DEMO_PASSWORD)])
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), StatusCode::FOUND);
            assert_eq!(res.headers()["location"], role.home_path());
            let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
            assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
            let me: Value = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
            assert_eq!(me["role"], role.as_str());
            let out = client.delete(format!("{}/api/v1/session", app.base)).send().await.unwrap();
            assert_eq!(out.status(), StatusCode::OK);
            let after = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap();
            assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
        }
    }
}

/// A sign-in through the API from `client`: the test server's peer is loopback, so
/// X-Forwarded-For (as a local proxy sets it) names the client.
async fn attempt(app: &TestApp, client: &str, username: &str, password: &str) -> StatusCode {
    app.anon()
        .post(format!("{}/api/v1/session", app.base))
        .header("x-forwarded-for", client)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

/// Throttling by client as well as username: a third party locks out only itself, concurrent
/// guesses cannot pass the limit, one client cannot spray many usernames, and guessing spread
/// over many addresses is capped without locking the officer out of the office it signs in from.
#[tokio::test]
async fn throttling_counts_per_client_and_cannot_be_raced() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let right = server::demo::DEMO_PASSWORD;
        // The officer signs in from the office: a known client from now on.
        assert_eq!(attempt(&app, "10.0.0.1", "officer", right).await, StatusCode::OK);
        // Someone elsewhere exhausts the officer's attempts: locked out there only.
        for _ in 0..5 {
            assert_eq!(attempt(&app, "10.6.6.6", "officer", "guess").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(attempt(&app, "10.6.6.6", "officer", right).await, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
        assert_eq!(
            attempt(&app, "10.0.0.1", "officer", right).await,
            StatusCode::OK,
            "{backend:?}: the office still signs in"
        );

        // Thirty guesses at once from one client: no more than five passwords are ever checked.
        let statuses = futures::future::join_all((0..30).map(|_| attempt(&app, "10.7.7.7", "auditor", "guess"))).await;
        let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
        assert!(checked <= 5, "{backend:?}: {checked} passwords checked");
        assert!(statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED || *s == StatusCode::TOO_MANY_REQUESTS));

        // One client trying many usernames is stopped after twenty failures, whatever the name.
        let app = spawn_app(backend, true).await;
        for i in 0..20 {
            assert_eq!(attempt(&app, "10.8.8.8", &format!("user{i}"), "guess").await, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(attempt(&app, "10.8.8.8", "admin", right).await, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");

        // Guessing spread over ten addresses (five each: fifty) caps the account for new clients…
        let app = spawn_app(backend, true).await;
        assert_eq!(attempt(&app, "10.0.0.1", "officer", right).await, StatusCode::OK);
        for c in 0..10 {
            for _ in 0..5 {
                assert_eq!(attempt(&app, &format!("10.9.0.{c}"), "officer", "guess").await, StatusCode::UNAUTHORIZED);
            }
        }
        assert_eq!(attempt(&app, "10.9.1.1", "officer", right).await, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
        // …but not for the client the officer signed in from.
        assert_eq!(attempt(&app, "10.0.0.1", "officer", right).await, StatusCode::OK, "{backend:?}");
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_username_for_fifteen_minutes() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let try_sign_in = |password: &'static str| {
            let client = app.anon();
            let url = format!("{}/api/v1/session", app.base);
            async move { client.post(url).json(&json!({"username": "officer", "password": password})).send().await.unwrap() }
        };
        for _ in 0..5 {
            assert_eq!(try_sign_in("wrong-password").await.status(), StatusCode::UNAUTHORIZED);
        }
        // Now even the right password is refused.
        let locked = try_sign_in(server::demo::DEMO_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(locked.json::<Value>().await.unwrap()["error"]["code"], "too_many_attempts");
        // Other accounts are unaffected.
        assert!(app
            .anon()
            .post(format!("{}/api/v1/session", app.base))
            .json(&json!({"username": "auditor", "password": server::demo::DEMO_PASSWORD}))
            .send()
            .await
            .unwrap()
            .status()
            .is_success());
        app.state.test_clock.as_ref().unwrap().advance_ms(15 * 60 * 1000 + 1);
        assert_eq!(try_sign_in(server::demo::DEMO_PASSWORD).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn creating_accounts_validates_and_audits() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let admin = app.signed_in(Role::Admin).await;
        let url = format!("{}/api/v1/users", app.base);
        let bad = admin
            .post(&url)
            .json(&json!({"username": "X", "display_name": "", "role": "expert", "org_id": null, "password": "short"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad.json().await.unwrap();
        let fields: Vec<&str> =
            body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["username", "display_name", "password"]);
        assert!(body["error"]["fields"][0]["message_zh"].as_str().unwrap().contains("用户名"));

        let ok = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED);
        let dup = admin.post(&url).json(&json!({"username": "expert.sun", "display_name": "孙专家", "role": "expert", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(dup.json::<Value>().await.unwrap()["error"]["fields"][0]["code"], "username_taken");
        let bidder_without_org = admin.post(&url).json(&json!({"username": "lonely", "display_name": "无机构", "role": "bidder", "org_id": null, "password": "0123456789abc"})).send().await.unwrap();
        assert_eq!(bidder_without_org.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let audit = app.audit().await;
        let entries = audit.as_array().unwrap();
        let created = entries
            .iter()
            .find(|e| e["action"] == "user.create" && e["after"].as_str().unwrap_or("").contains("expert.sun"))
            .expect("audit entry for the new user");
        assert!(created["actor"].as_str().unwrap().starts_with("admin"));
        assert!(entries.iter().any(|e| e["action"] == "session.sign_in"));
        // The new account can sign in.
        app.sign_in_as("expert.sun", "0123456789abc").await;
    }
}

/// Public sign-up is limited per client: ten attempts an hour, refused or not; another client
/// is unaffected, and the hour passes.
#[tokio::test]
async fn sign_up_is_limited_per_client() {
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let register = |client: &'static str, n: usize| {
            let req = app
                .anon()
                .post(format!("{}/api/register_organisation", app.base))
                .header("x-forwarded-for", client)
                .form(&[
                    ("org_name", format!("测试社会工作服务中心{n}")),
                    ("credit_code", "52320508MJ5912345X".to_string()),
                    ("username", format!("signup{n}")),
                    ("display_name", "林社工".to_string()),
                    ("password", "register-pw-2026".to_string()),
                ]);
            async move { req.send().await.unwrap().status() }
        };
        for n in 0..10 {
            assert_eq!(
                register("10.5.5.5", n).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{backend:?}: a wrong check character"
            );
        }
        assert_eq!(register("10.5.5.5", 10).await, StatusCode::TOO_MANY_REQUESTS, "{backend:?}");
        assert_eq!(register("10.5.5.6", 11).await, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: another client");
        app.state.test_clock.as_ref().unwrap().advance_ms(3_600_001);
        assert_eq!(register("10.5.5.5", 12).await, StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}: an hour later");
    }
}

/// Registers an NGO as the public form does, with 林社工 as its first member: the member's
/// client (signed in if it worked) and the answer.
async fn register(app: &TestApp, org: &str, code: &str, user: &str) -> (reqwest::Client, reqwest::Response) {
    let client = app.anon();
    let res = client
        .post(format!("{}/api/register_organisation", app.base))
        .form(&[
            ("org_name", org),
            ("credit_code", code),
            ("username", user),
            ("display_name", "林社工"),
            ("password", "register-pw-2026"),
        ])
        .send()
        .await
        .unwrap();
    (client, res)
}

/// An NGO registers itself with a valid credit code; a refused registration leaves nothing.
#[tokio::test]
async fn an_ngo_registers_and_nothing_is_half_saved() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let register = |org, code, user| register(&app, org, code, user);
        // A wrong check character, and a username that exists: both reported, nothing stored.
        let (_, bad) = register("吴江区同心社会工作服务中心", "52320509MJ5912345X", "officer").await;
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = bad.json().await.unwrap();
        let fields: Vec<&str> =
            body["detail"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["credit_code", "username"]);
        let orgs: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM organisations WHERE name = $1")
            .bind("吴江区同心社会工作服务中心")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap()
            .get("n");
        assert_eq!(orgs, 0);

        let (client, ok) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin").await;
        assert_eq!(ok.status(), StatusCode::OK, "{}", ok.text().await.unwrap());
        let me: Value = client.get(format!("{}/api/v1/me", app.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(
            (me["role"].as_str(), me["org_name"].as_str()),
            (Some("bidder"), Some("吴江区同心社会工作服务中心"))
        );
        let (_, twice) = register("吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin2").await;
        assert_eq!(twice.json::<Value>().await.unwrap()["detail"][0]["code"], "org_name_taken");
        let audit = app.audit().await;
        assert!(audit
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "organisation.register" && e["actor"] == "anonymous"));
    }
}

/// A self-registered organisation waits for the platform's review: it cannot bid, apply or ask
/// until an admin approves it; a refusal needs a reason, which the organisation reads; every
/// decision is in the audit log.
#[tokio::test]
async fn a_registered_organisation_bids_only_once_approved() {
    for backend in backends() {
        let app = spawn_app(backend, false).await;
        let officer = app.signed_in(Role::Officer).await;
        let tender = create_published(&app, &officer, 25).await;
        let (ngo, res) = register(&app, "吴江区同心社会工作服务中心", "52320508MJ59123453", "tongxin").await;
        assert_eq!(res.status(), StatusCode::OK, "{}", res.text().await.unwrap());
        let standing: Value = sf(&app, &ngo, "my_standing", &[]).await.json().await.unwrap();
        assert_eq!(standing["standing"], "pending", "{backend:?}");

        // Pending: the bid is refused before its body is read, and so is a question.
        let bid = upload(&app, &ngo, &tender, &[(0, "100000")], pdf("tech"), pdf("qual")).await;
        assert_eq!(bid.status(), StatusCode::UNPROCESSABLE_ENTITY, "{backend:?}");
        assert_eq!(field_code(bid).await, "org_not_approved");
        let ask = sf(&app, &ngo, "ask_question", &[("id", &tender), ("question", "服务场地由谁提供？")]).await;
        assert_eq!(field_code(ask).await, "org_not_approved", "{backend:?}");

        // The admin's queue lists it; only admins may decide.
        let admin = app.signed_in(Role::Admin).await;
        let queue: Value = sf(&app, &admin, "organisation_reviews", &[]).await.json().await.unwrap();
        let entry = queue
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "吴江区同心社会工作服务中心")
            .expect("the new organisation is in the queue");
        assert_eq!(
            (entry["first_member"].as_str(), entry["standing"].as_str()),
            (Some("林社工 (tongxin)"), Some("pending"))
        );
        let org_id = entry["id"].as_str().unwrap().to_string();
        let by_officer = sf(&app, &officer, "review_organisation", &[("org_id", &org_id), ("approve", "true")]).await;
        assert_eq!(by_officer.status(), StatusCode::FORBIDDEN, "{backend:?}");

        // A refusal without a reason is refused; with one, the organisation reads it.
        let bare = sf(&app, &admin, "review_organisation", &[("org_id", &org_id), ("approve", "false")]).await;
        assert_eq!(field_code(bare).await, "refusal_reason_length", "{backend:?}");
        let reason = "信用代码与登记证书不符，请核对后联系平台";
        let refuse =
            sf(&app, &admin, "review_organisation", &[("org_id", &org_id), ("approve", "false"), ("reason", reason)])
                .await;
        assert_eq!(refuse.status(), StatusCode::OK, "{backend:?}");
        let standing: Value = sf(&app, &ngo, "my_standing", &[]).await.json().await.unwrap();
        assert_eq!((standing["standing"].as_str(), standing["reason"].as_str()), (Some("refused"), Some(reason)));
        let bid = upload(&app, &ngo, &tender, &[(0, "100000")], pdf("tech"), pdf("qual")).await;
        assert_eq!(field_code(bid).await, "org_refused", "{backend:?}");

        // Approved after all: the question goes through, the bid is no longer refused for standing,
        // and the organisation leaves the queue.
        let approve = sf(&app, &admin, "review_organisation", &[("org_id", &org_id), ("approve", "true")]).await;
        assert_eq!(approve.status(), StatusCode::OK, "{backend:?}");
        let again = sf(&app, &admin, "review_organisation", &[("org_id", &org_id), ("approve", "true")]).await;
        assert_eq!(field_code(again).await, "org_already_approved", "{backend:?}");
        let ask = sf(&app, &ngo, "ask_question", &[("id", &tender), ("question", "服务场地由谁提供？")]).await;
        assert_eq!(ask.status(), StatusCode::OK, "{backend:?}");
        let bid = upload(&app, &ngo, &tender, &[(0, "100000")], pdf("tech"), pdf("qual")).await;
        if !bid.status().is_success() {
            let code = field_code(bid).await;
            assert!(!["org_not_approved", "org_refused"].contains(&code.as_str()), "{backend:?}: {code}");
        }
        let queue: Value = sf(&app, &admin, "organisation_reviews", &[]).await.json().await.unwrap();
        assert!(queue.as_array().unwrap().iter().all(|o| o["id"] != org_id.as_str()), "{backend:?}");

        let audit = app.audit().await;
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["entity_id"] == org_id.as_str())
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["organisation.approve", "organisation.refuse", "organisation.register"], "{backend:?}");
    }
}
