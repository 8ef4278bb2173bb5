use crate::support::*;
use serde_json::json;

/// A hand-off code from citizen `index`'s own login.
async fn handoff_code(s: &TestService, index: usize) -> String {
    let token = s.access_token(index).await;
    let (status, body) = s.post_auth("/v1/auth/handoff", &token, json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["expires_in"], 120);
    body["code"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_handoff_code_logs_the_same_citizen_in_once() {
    let s = start().await;
    let code = handoff_code(&s, 0).await;
    assert!(code.len() == 12 && code.bytes().all(|b| b.is_ascii_digit()));

    // Shown in groups, typed with spaces: still the code.
    let shown = format!("{} {}-{}", &code[..4], &code[4..8], &code[8..]);
    let (status, session) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": shown }))
        .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["id_number"], s.citizen_id(0));
    assert_eq!(session["tokens"]["name"], "王䶮");
    let kiosk_token = session["tokens"]["access_token"].as_str().unwrap();
    let mine = s.all_receipts(&s.access_token(0).await, 500).await;
    let kiosks = s.all_receipts(kiosk_token, 500).await;
    assert_eq!(kiosks.len(), mine.len());
    assert!(!kiosks.is_empty());

    let (again, body) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": code }))
        .await;
    assert_eq!(
        (again, body["code"].as_str()),
        (401, Some("auth.invalid_code"))
    );
}

#[tokio::test]
async fn a_new_code_replaces_the_old_and_wrong_or_expired_codes_look_the_same() {
    let s = start().await;
    let old = handoff_code(&s, 1).await;
    let new = handoff_code(&s, 1).await;
    let (status, _) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": old }))
        .await;
    assert_eq!(status, 401, "the older code died with the new one");

    sqlx::query("UPDATE handoff_codes SET expires_at = 0")
        .execute(&s.state.db)
        .await
        .unwrap();
    for code in [new.as_str(), "000000000000", "12345", "abcdefghijkl", ""] {
        let (status, body) = s
            .post("/v1/auth/handoff/redeem", json!({ "code": code }))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("auth.invalid_code")),
            "{code:?}"
        );
    }
}

#[tokio::test]
async fn only_a_logged_in_citizen_gets_a_code() {
    let s = start().await;
    let (status, body) = s.post("/v1/auth/handoff", json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.missing_token"))
    );
    let (status, _) = s
        .post_auth("/v1/auth/handoff", "pja_not-a-token", json!({}))
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn the_kiosks_tokens_are_a_family_of_their_own() {
    let s = start().await;
    let mine = s.login(2).await;
    let code = {
        let token = mine["access_token"].as_str().unwrap();
        let (_, body) = s.post_auth("/v1/auth/handoff", token, json!({})).await;
        body["code"].as_str().unwrap().to_string()
    };
    let (_, kiosk) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": code }))
        .await;
    let family = |token: &str| {
        sqlx::query_scalar::<_, String>("SELECT family FROM tokens WHERE hash = $1")
            .bind(provincial_service::keys::sha256_hex(token))
            .fetch_one(&s.state.db)
    };
    let kiosk_family = family(kiosk["tokens"]["access_token"].as_str().unwrap())
        .await
        .unwrap();
    let own_family = family(mine["refresh_token"].as_str().unwrap())
        .await
        .unwrap();
    assert_ne!(kiosk_family, own_family);
    // So revoking the kiosk's family (as a reuse would) leaves the citizen logged in.
    sqlx::query("UPDATE tokens SET revoked = 1 WHERE family = $1")
        .bind(&kiosk_family)
        .execute(&s.state.db)
        .await
        .unwrap();
    let (status, _) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": mine["refresh_token"] }),
        )
        .await;
    assert_eq!(status, 200, "the citizen's own login is untouched");
}

#[tokio::test]
async fn redeeming_is_rate_limited_per_address() {
    let s = start().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _) = s
            .post("/v1/auth/handoff/redeem", json!({ "code": "000000000000" }))
            .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(&statuses[10..], &[429, 429]);
    // Even the right code waits for the next minute.
    let code = handoff_code(&s, 0).await;
    let (status, body) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": code }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited"))
    );
}

/// The review's S5: a redeemed code (someone in the queue photographed the QR) gave
/// a full 30-day family that could file a claim to any bank account, and an access
/// token could be turned into such a family. A hand-off session now reads only,
/// has no refresh token, and ends within 15 minutes.
#[tokio::test]
async fn a_handoff_session_reads_and_prints_only_and_ends_within_minutes() {
    let s = start().await;
    let code = handoff_code(&s, 0).await;
    let (status, session) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": code }))
        .await;
    assert_eq!(status, 200);
    let tokens = &session["tokens"];
    assert!(tokens.get("refresh_token").is_none(), "{tokens}");
    let ttl = tokens["expires_in"].as_i64().unwrap();
    assert!((1..=900).contains(&ttl), "{ttl}");
    let kiosk = tokens["access_token"].as_str().unwrap();
    assert!(!s.all_receipts(kiosk, 500).await.is_empty());

    let (status, body) = s
        .post_auth(
            "/v1/claims",
            kiosk,
            json!({"idempotency_key": "k", "relying_party": "RP-EMP-001", "purpose": "p",
                   "payee_account": "6222 0000 ATTACKER", "amount_requested": 1, "receipts": []}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("auth.scope")));
    assert_eq!(s.get("/v1/claims", kiosk).await.0, 403);
    let (status, _) = s.post_auth("/v1/auth/handoff", kiosk, json!({})).await;
    assert_eq!(status, 403, "a kiosk session cannot hand itself on");
}

#[tokio::test]
async fn logout_ends_the_whole_family() {
    let s = start().await;
    let pair = s.login(0).await;
    let access = pair["access_token"].as_str().unwrap();
    let (status, _) = s.post_auth("/v1/auth/logout", access, json!({})).await;
    assert_eq!(status, 204);
    assert_eq!(s.get("/v1/receipts?limit=1", access).await.0, 401);
    let (status, _) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": pair["refresh_token"] }),
        )
        .await;
    assert_eq!(status, 401);

    let code = handoff_code(&s, 1).await;
    let (_, session) = s
        .post("/v1/auth/handoff/redeem", json!({ "code": code }))
        .await;
    let kiosk = session["tokens"]["access_token"].as_str().unwrap();
    assert_eq!(
        s.post_auth("/v1/auth/logout", kiosk, json!({})).await.0,
        204
    );
    assert_eq!(s.get("/v1/receipts?limit=1", kiosk).await.0, 401);
}

/// Limits count per account too, not only per address.
#[tokio::test]
async fn a_citizen_gets_a_limited_number_of_codes_an_hour() {
    let s = start().await;
    let token = s.access_token(2).await;
    for _ in 0..provincial_service::api::handoff::CODES_PER_HOUR {
        let (status, _) = s.post_auth("/v1/auth/handoff", &token, json!({})).await;
        assert_eq!(status, 201);
    }
    let (status, body) = s.post_auth("/v1/auth/handoff", &token, json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited"))
    );
}
