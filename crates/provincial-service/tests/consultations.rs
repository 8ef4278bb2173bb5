use crate::support::*;
use provincial_service::ServiceConfig;
use serde_json::{json, Value};
use std::time::Duration;

/// The path to ask about an issued receipt.
fn ask_path(issued: &Value) -> String {
    format!(
        "/v1/receipts/{}/{}/consultations",
        issued["key"]["code"].as_str().unwrap(),
        issued["key"]["number"].as_str().unwrap()
    )
}

fn thread(id: &Value, action: &str) -> String {
    format!("/v1/consultations/{id}{action}")
}

fn answer_path(id: &Value) -> String {
    format!("/v1/issuer/consultations/{id}/answer")
}

impl TestService {
    /// The last event of a citizen's changes feed.
    async fn last_change(&self, token: &str) -> Value {
        let (_, changes) = self.get("/v1/changes?limit=1000", token).await;
        changes["events"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone()
    }
}

#[tokio::test]
async fn a_citizen_asks_and_the_issuer_answers_through_the_feed() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (_, issuer) = s.issuer_key(0);
    let issued = s.issued(0, 0, 500).await;

    let blank = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "other", "text": "  " }),
        )
        .await;
    assert_eq!(code(&blank), (400, Some("consultation.invalid_text")));
    let long = "长".repeat(1001);
    let too_long = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "other", "text": long }),
        )
        .await;
    assert_eq!(code(&too_long), (400, Some("consultation.invalid_text")));
    let unknown_reason = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "angry", "text": "?" }),
        )
        .await;
    assert_eq!(unknown_reason.0, 400, "{}", unknown_reason.1);

    let (status, asked) = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "charged_twice", "text": " 同一次检查收了两次费。\n" }),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    assert_eq!(asked["state"], "open");
    assert_eq!(asked["reason"], "charged_twice");
    assert_eq!(asked["receipt"], issued["key"]);
    assert_eq!(
        asked["messages"],
        json!([{ "author": "citizen", "text": "同一次检查收了两次费。", "at": asked["opened_at"] }])
    );
    let id = &asked["id"];
    let again = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "other", "text": "还有一个问题" }),
        )
        .await;
    assert_eq!(code(&again), (409, Some("consultation.already_open")));

    // The payer's feed names the thread and its state; the texts stay out of it.
    let change = s.last_change(&token).await;
    assert_eq!(change["receipt"], issued["key"]);
    assert_eq!(change["consultation"], json!({ "id": id, "state": "open" }));
    assert!(!change.to_string().contains("两次"), "{change}");

    // The issuer sees it in its list, and answers.
    let (status, list) = s.get("/v1/issuer/consultations", &issuer).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], *id);
    assert_eq!(list[0]["messages"][0]["text"], "同一次检查收了两次费。");
    let (status, answered) = s
        .post_auth(
            &answer_path(id),
            &issuer,
            json!({ "text": "正在核实，请稍候。" }),
        )
        .await;
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["messages"][1]["author"], "issuer");
    assert_eq!(
        s.last_change(&token).await["consultation"]["state"],
        "answered"
    );

    // The citizen writes again: open again.
    let (status, written) = s
        .post_auth(
            &thread(id, "/messages"),
            &token,
            json!({ "text": "好的，谢谢。" }),
        )
        .await;
    assert_eq!((status, &written["state"]), (200, &json!("open")));
    assert_eq!(written["messages"].as_array().unwrap().len(), 3);

    // A correction names the receipt issued in its place, once this one is
    // reversed, and only one of this issuer's to the same payer.
    let replacement = s.issued(0, 0, 250).await;
    let not_reversed = s
        .post_auth(
            &answer_path(id),
            &issuer,
            json!({ "text": "已重开", "corrected_by": replacement["key"] }),
        )
        .await;
    assert_eq!(
        code(&not_reversed),
        (409, Some("consultation.not_reversed"))
    );
    let (status, _) = s
        .post_auth(
            &issuer_action(&issued, "reverse"),
            &issuer,
            json!({ "reason": "重复收费" }),
        )
        .await;
    assert_eq!(status, 201);
    let someone_elses = s.issued(0, 1, 250).await["key"].clone();
    let other_issuers = s.issued(1, 0, 250).await["key"].clone();
    let mut other_province = replacement["key"].clone();
    other_province["province"] = json!("310000");
    for wrong in [someone_elses, other_issuers, other_province] {
        let reply = s
            .post_auth(
                &answer_path(id),
                &issuer,
                json!({ "text": "已重开", "corrected_by": wrong }),
            )
            .await;
        assert_eq!(code(&reply), (400, Some("consultation.invalid_correction")));
    }
    let (status, closed) = s
        .post_auth(
            &answer_path(id),
            &issuer,
            json!({ "text": "原票据已冲红并重新开具。", "close": true, "corrected_by": replacement["key"] }),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["corrected_by"], replacement["key"]);
    assert_eq!(closed["messages"].as_array().unwrap().len(), 4);
    // Kept for the retention period (90 days by default) after closing.
    let kept =
        chrono::DateTime::parse_from_rfc3339(closed["texts_kept_until"].as_str().unwrap()).unwrap();
    let updated =
        chrono::DateTime::parse_from_rfc3339(closed["updated_at"].as_str().unwrap()).unwrap();
    assert_eq!(kept - updated, chrono::Duration::days(90));
    assert_eq!(
        s.last_change(&token).await["consultation"]["state"],
        "closed"
    );
    let (_, mine) = s.get(&thread(id, ""), &token).await;
    assert_eq!(mine["messages"], closed["messages"]);

    // Closed is closed: a new question is a new thread.
    let late = s
        .post_auth(&thread(id, "/messages"), &token, json!({ "text": "还有" }))
        .await;
    assert_eq!(code(&late), (409, Some("consultation.closed")));
    let late_answer = s
        .post_auth(&answer_path(id), &issuer, json!({ "text": "补充" }))
        .await;
    assert_eq!(code(&late_answer), (409, Some("consultation.closed")));
    let (status, second) = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "other", "text": "退款什么时候到账？" }),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    assert_ne!(second["id"], *id);
}

#[tokio::test]
async fn only_the_payer_and_the_issuer_see_a_thread() {
    let s = start().await;
    let payer = s.access_token(0).await;
    let other_citizen = s.access_token(1).await;
    let (_, issuer) = s.issuer_key(0);
    let (_, other_issuer) = s.issuer_key(1);
    let relying_party = provincial_service::keys::relying_party_api_key(
        &s.state.config.secret(),
        &s.state.config.province,
        "RP-EMP-001",
    );
    let issued = s.issued(0, 0, 700).await;
    let (status, asked) = s
        .post_auth(
            &ask_path(&issued),
            &payer,
            json!({ "reason": "not_mine", "text": "这不是我的就诊记录" }),
        )
        .await;
    assert_eq!(status, 201, "{asked}");
    let id = &asked["id"];

    // Another citizen: no such thread, no such receipt, nothing in their feed.
    for reply in [
        s.get(&thread(id, ""), &other_citizen).await,
        s.post_auth(
            &thread(id, "/messages"),
            &other_citizen,
            json!({ "text": "x" }),
        )
        .await,
        s.post_auth(&thread(id, "/close"), &other_citizen, json!({}))
            .await,
    ] {
        assert_eq!(code(&reply), (404, Some("consultation.not_found")));
    }
    let theirs = s
        .post_auth(
            &ask_path(&issued),
            &other_citizen,
            json!({ "reason": "other", "text": "x" }),
        )
        .await;
    assert_eq!(code(&theirs), (404, Some("receipt.not_found")));
    let (_, feed) = s.get("/v1/changes?limit=1000", &other_citizen).await;
    assert!(
        feed["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("consultation").is_none()),
        "{feed}"
    );

    // Another issuer: not in its list, cannot answer.
    let (_, list) = s.get("/v1/issuer/consultations", &other_issuer).await;
    assert!(list.as_array().unwrap().iter().all(|t| t["id"] != *id));
    let reply = s
        .post_auth(&answer_path(id), &other_issuer, json!({ "text": "x" }))
        .await;
    assert_eq!(code(&reply), (404, Some("consultation.not_found")));

    // A relying party's key is neither a citizen's token nor an issuer's key.
    for reply in [
        s.get(&thread(id, ""), &relying_party).await,
        s.post_auth(&answer_path(id), &relying_party, json!({ "text": "x" }))
            .await,
        s.get("/v1/issuer/consultations", &relying_party).await,
    ] {
        assert_eq!(code(&reply), (401, Some("auth.invalid_token")));
    }
    // A citizen's token is not an issuer's key, nor the reverse.
    let reply = s
        .post_auth(&answer_path(id), &payer, json!({ "text": "x" }))
        .await;
    assert_eq!(code(&reply), (401, Some("auth.invalid_token")));
    let reply = s.get(&thread(id, ""), &issuer).await;
    assert_eq!(code(&reply), (401, Some("auth.invalid_token")));

    // A kiosk session of the payer reads and prints; it does not consult.
    let (_, handoff) = s.post_auth("/v1/auth/handoff", &payer, json!({})).await;
    let (_, session) = s
        .post(
            "/v1/auth/handoff/redeem",
            json!({ "code": handoff["code"] }),
        )
        .await;
    let kiosk = session["tokens"]["access_token"].as_str().unwrap();
    for reply in [
        s.get(&thread(id, ""), kiosk).await,
        s.post_auth(
            &ask_path(&issued),
            kiosk,
            json!({ "reason": "other", "text": "x" }),
        )
        .await,
    ] {
        assert_eq!(code(&reply), (403, Some("auth.scope")));
    }
    // Nobody at all.
    let response = s.http.get(s.url(&thread(id, ""))).send().await.unwrap();
    assert_eq!(response.status(), 401);

    // The two parties themselves still see it whole.
    let (status, mine) = s.get(&thread(id, ""), &payer).await;
    assert_eq!((status, &mine["messages"]), (200, &asked["messages"]));
    let (_, list) = s.get("/v1/issuer/consultations", &issuer).await;
    assert!(list.as_array().unwrap().iter().any(|t| t["id"] == *id));
}

#[tokio::test]
async fn a_closed_threads_texts_are_deleted_after_the_retention_period() {
    let s = start_with(ServiceConfig {
        consultation_retention: Duration::ZERO,
        ..config()
    })
    .await;
    let token = s.access_token(0).await;
    let (_, issuer) = s.issuer_key(0);
    let issued = s.issued(0, 0, 900).await;
    let (_, asked) = s
        .post_auth(
            &ask_path(&issued),
            &token,
            json!({ "reason": "name_wrong", "text": "名字写错了：应为王䶮" }),
        )
        .await;
    let id = &asked["id"];
    let messages = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM consultation_messages WHERE consultation_id = $1",
        )
        .bind(id.as_i64().unwrap())
        .fetch_one(&s.state.db)
        .await
        .unwrap()
    };
    // Open and answered threads keep their texts, whatever the retention.
    s.post_auth(&answer_path(id), &issuer, json!({ "text": "已收到" }))
        .await;
    let (_, answered) = s.get(&thread(id, ""), &token).await;
    assert_eq!(answered["messages"].as_array().unwrap().len(), 2);
    assert_eq!(messages().await, 2);

    let (status, closed) = s.post_auth(&thread(id, "/close"), &token, json!({})).await;
    assert_eq!((status, &closed["state"]), (200, &json!("closed")));
    // Closing twice changes nothing.
    let (status, _) = s.post_auth(&thread(id, "/close"), &token, json!({})).await;
    assert_eq!(status, 200);
    let (_, later) = s.get(&thread(id, ""), &token).await;
    assert_eq!(later["state"], "closed");
    assert_eq!(later["messages"], json!([]));
    assert_eq!(later["reason"], "name_wrong");
    assert_eq!(messages().await, 0, "the texts are gone from the database");
    let (_, list) = s.get("/v1/issuer/consultations", &issuer).await;
    let theirs = list.as_array().unwrap().iter().find(|t| t["id"] == *id);
    assert_eq!(theirs.unwrap()["messages"], json!([]));
}
