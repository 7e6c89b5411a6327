//! Questions answered in public without naming the asker.

use super::*;

/// Clarifications: bidders ask until the clarification deadline; the answer is public and never
/// names who asked; pending questions are seen only by their asker and the purchaser side.
#[tokio::test]
async fn clarifications_are_answered_in_public_without_the_asker() {
    use flow::*;
    for backend in backends() {
        let app = spawn_app(backend, true).await;
        let officer = app.signed_in(Role::Officer).await;
        let mut form = suzhou_form(&app, 21);
        form.push(("input[clarify_until]".into(), beijing_in(&app, 5 * 24)));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let id: String = sf(&app, &officer, "create_tender", &pairs).await.json().await.unwrap();
        // A draft is nobody's business but the officer's: no public notice, no questions.
        assert_eq!(
            app.anon().get(format!("{}/api/v1/tenders/{id}/notice.pdf", app.base)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.anon().get(format!("{}/api/v1/tenders/{id}/document.pdf", app.base)).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(sf(&app, &officer, "publish_tender", &[("id", &id)]).await.status(), StatusCode::OK);
        let asker = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        let other = app.sign_in_as("ngo-yimin", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(sf(&app, &asker, "ask_question", &[("id", &id), ("question", "?")]).await).await,
            "question_length"
        );
        // Questions are published anonymously and the panel reads them: one naming the asker's
        // organisation (in full, without its place names, or by credit code) is refused.
        for naming in [
            "苏州市姑苏区阳光社会工作服务社想了解场地面积",
            "我们阳光社会工作服务社能否使用场地？",
            "信用代码52320508mj59123453的机构能否投两个标段？",
        ] {
            assert_eq!(
                field_code(sf(&app, &asker, "ask_question", &[("id", &id), ("question", naming)]).await).await,
                "question_names_asker",
                "{naming}"
            );
        }
        let res =
            sf(&app, &asker, "ask_question", &[("id", &id), ("question", "定慧寺社区现有活动场地面积是多少？")]).await;
        assert_eq!(res.status(), StatusCode::OK);
        let qid: String = res.json().await.unwrap();
        let count = |v: &Value| v.as_array().unwrap().len();
        assert_eq!(count(&sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.json().await.unwrap()), 0);
        assert_eq!(count(&sf(&app, &other, "clarifications", &[("id", &id)]).await.json().await.unwrap()), 0);
        let own: Value = sf(&app, &asker, "clarifications", &[("id", &id)]).await.json().await.unwrap();
        assert_eq!(own[0]["mine"], true);
        assert_eq!(count(&sf(&app, &officer, "clarifications", &[("id", &id)]).await.json().await.unwrap()), 1);
        assert_eq!(
            sf(&app, &officer, "answer_question", &[("question_id", &qid), ("answer", "约420平方米，详见附件")])
                .await
                .status(),
            StatusCode::OK
        );
        assert_eq!(
            field_code(sf(&app, &officer, "answer_question", &[("question_id", &qid), ("answer", "再答一次")]).await)
                .await,
            "already_answered"
        );
        let public = sf(&app, &app.anon(), "clarifications", &[("id", &id)]).await.text().await.unwrap();
        assert!(public.contains("约420平方米") && public.contains("活动场地面积"), "{public}");
        for leak in ["ngo-yangguang", "阳光", "asked_by"] {
            assert!(!public.contains(leak), "{leak} in {public}");
        }
        advance(&app, 5 * 24 * 3_600_000);
        let asker = app.sign_in_as("ngo-yangguang", server::demo::DEMO_PASSWORD).await;
        assert_eq!(
            field_code(sf(&app, &asker, "ask_question", &[("id", &id), ("question", "还可以再提问吗？谢谢")]).await)
                .await,
            "clarification_closed"
        );
        // Before the opening the audit log does not say who asked (nor who bid); the answer is there.
        let audit = app.audit().await;
        let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(!actions.contains(&"clarification.ask") && actions.contains(&"clarification.answer"), "{actions:?}");
    }
}
