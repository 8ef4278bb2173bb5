use crate::support::*;
use provincial_service::ServiceConfig;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn login_with_the_sms_code_gives_tokens() {
    let s = start().await;
    let pair = s.login(0).await;
    assert!(pair["access_token"].as_str().unwrap().starts_with("pja_"));
    assert!(pair["refresh_token"].as_str().unwrap().starts_with("pjr_"));
    assert_eq!(pair["name"], "王䶮");
    let (status, _) = s
        .get(
            "/v1/receipts?limit=1",
            pair["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_the_code_dies_after_five_tries() {
    let s = start().await;
    let id = s.citizen_id(1);
    let code = s.sms_code(&id).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (status, body) = s
            .post(
                "/v1/auth/login",
                json!({ "id_number": id, "sms_code": wrong }),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("auth.invalid_code"))
        );
    }
    let (status, _) = s
        .post(
            "/v1/auth/login",
            json!({ "id_number": id, "sms_code": code }),
        )
        .await;
    assert_eq!(
        status, 401,
        "the right code after five wrong ones must fail"
    );
}

#[tokio::test]
async fn a_code_works_once() {
    let s = start().await;
    let id = s.citizen_id(2);
    let code = s.sms_code(&id).await;
    let (first, _) = s
        .post(
            "/v1/auth/login",
            json!({ "id_number": id, "sms_code": code }),
        )
        .await;
    let (second, _) = s
        .post(
            "/v1/auth/login",
            json!({ "id_number": id, "sms_code": code }),
        )
        .await;
    assert_eq!((first, second), (200, 401));
}

#[tokio::test]
async fn unknown_id_numbers_look_the_same_and_get_no_code() {
    let s = start().await;
    let (status, body) = s
        .post("/v1/auth/sms", json!({ "id_number": "110101190001011237" }))
        .await;
    assert_eq!(status, 202);
    assert_eq!(body["expires_in"], 300);
    let (status, _) = s.get("/test/sms/110101190001011237", "").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_family() {
    let s = start().await;
    let first = s.login(0).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let (status, second) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    assert_eq!(status, 200);
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    // r2 is used: r1 can no longer be honoured as a crash retry.
    let (status, third) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r2 }))
        .await;
    assert_eq!(status, 200);
    let r3 = third["refresh_token"].as_str().unwrap();
    let (status, body) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.token_reused"))
    );
    // The reuse revoked the family: the newest refresh and access tokens are dead too.
    let (status, _) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r3 }))
        .await;
    assert_eq!(status, 401);
    assert_eq!(
        s.get("/v1/receipts", third["access_token"].as_str().unwrap())
            .await
            .0,
        401
    );
    let (status, _) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": "pjr_forged" }))
        .await;
    assert_eq!(status, 401);
}

/// A client that crashed after the service rotated its token, before keeping the
/// new one, presents the old one again: honoured once, and the lost pair dies.
#[tokio::test]
async fn a_crash_retry_within_the_grace_period_is_honoured() {
    let s = start().await;
    let first = s.login(0).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let (_, lost) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    let (status, retried) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(
        s.get("/v1/receipts", retried["access_token"].as_str().unwrap())
            .await
            .0,
        200
    );
    assert_eq!(
        s.get("/v1/receipts", lost["access_token"].as_str().unwrap())
            .await
            .0,
        401,
        "the lost pair is revoked"
    );
    let (status, kept) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": retried["refresh_token"].as_str().unwrap() }),
        )
        .await;
    assert_eq!(status, 200);
    // The lost pair never reached the client: whoever presents it copied it, and
    // the family ends.
    let (status, _) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": lost["refresh_token"].as_str().unwrap() }),
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": kept["refresh_token"].as_str().unwrap() }),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn no_grace_after_the_grace_period() {
    let s = start_with(ServiceConfig {
        refresh_grace: Duration::from_secs(0),
        ..config()
    })
    .await;
    let first = s.login(0).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    s.post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r1 }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.token_reused"))
    );
}

#[tokio::test]
async fn expired_access_tokens_are_refused() {
    let s = start_with(ServiceConfig {
        access_token_ttl: Duration::from_secs(1),
        ..config()
    })
    .await;
    let token = s.access_token(0).await;
    assert_eq!(s.get("/v1/receipts?limit=1", &token).await.0, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, body) = s.get("/v1/receipts?limit=1", &token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.expired_token"))
    );
}

#[tokio::test]
async fn missing_bad_and_refresh_tokens_do_not_open_receipts() {
    let s = start().await;
    let pair = s.login(0).await;
    let response = s.http.get(s.url("/v1/receipts")).send().await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.missing_token"))
    );
    for token in [
        "garbage",
        "pja_0000",
        pair["refresh_token"].as_str().unwrap(),
    ] {
        let (status, body) = s.get("/v1/receipts", token).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("auth.invalid_token")),
            "{token}"
        );
    }
}

/// The review's replay: the owner rotates r0 to r1, a thief who copied r0 replays
/// it within the grace period and gets a pair (it looks like a crash retry). When
/// the owner then presents r1, which the replay replaced, that is reuse: the whole
/// family is revoked, the thief's pair with it.
#[tokio::test]
async fn a_stolen_refresh_token_replayed_gets_the_family_revoked() {
    let s = start().await;
    let r0 = s.login(0).await["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, owner) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r0 }))
        .await;
    let (status, thief) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r0 }))
        .await;
    assert_eq!(status, 200);
    let thief_access = thief["access_token"].as_str().unwrap();
    assert_eq!(s.get("/v1/receipts?limit=1", thief_access).await.0, 200);

    let (status, body) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": owner["refresh_token"] }),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.token_reused"))
    );
    assert_eq!(s.get("/v1/receipts?limit=1", thief_access).await.0, 401);
    let (status, _) = s
        .post(
            "/v1/auth/refresh",
            json!({ "refresh_token": thief["refresh_token"] }),
        )
        .await;
    assert_eq!(
        status, 401,
        "the thief's refresh token died with the family"
    );
}

/// The grace period counts from the first use: replays do not slide it.
#[tokio::test]
async fn the_grace_period_does_not_slide() {
    let s = start_with(ServiceConfig {
        refresh_grace: Duration::from_secs(2),
        ..config()
    })
    .await;
    let r0 = s.login(0).await["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    s.post("/v1/auth/refresh", json!({ "refresh_token": r0 }))
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Old code: this replay moved the start of the grace period to now.
    let (status, _) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r0 }))
        .await;
    assert_eq!(status, 200, "a crash retry within the grace period");
    tokio::time::sleep(Duration::from_millis(1600)).await;
    let (status, body) = s
        .post("/v1/auth/refresh", json!({ "refresh_token": r0 }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.token_reused")),
        "3 s after the first use, past a 2 s grace"
    );
}

/// Logins at the same moment, on a store in a file (a pool of connections, as
/// deployed), all succeed. Before write transactions took the write lock when they
/// began, two that had both read failed one another at once with "database is
/// locked", and the citizen got a 500 (found by the load bench).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_at_the_same_moment_all_succeed_on_a_file_store() {
    let dir = tempfile::tempdir().unwrap();
    let s = std::sync::Arc::new(
        start_with(ServiceConfig {
            db: provincial_service::StoreAt::shared_for_test(dir.path()),
            demo_receipts: 1,
            other_receipts: 1,
            load_citizens: 35,
            auth_limits: provincial_service::AuthLimits {
                sms_interval: std::time::Duration::ZERO,
                sms_per_address_minute: 1000,
                logins_per_address_minute: 1000,
                ..Default::default()
            },
            ..config()
        })
        .await,
    );
    let mut logins = tokio::task::JoinSet::new();
    for citizen in 0..40 {
        let s = s.clone();
        logins.spawn(async move { s.login(citizen).await["access_token"].is_string() });
    }
    let mut done = 0;
    while let Some(login) = logins.join_next().await {
        assert!(login.expect("every login answers 200"));
        done += 1;
    }
    assert_eq!(done, 40);
}
