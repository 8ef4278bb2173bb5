use crate::support::*;
use provincial_service::{AuthLimits, ServiceConfig};
use serde_json::{json, Value};
use std::time::Duration;

const UNKNOWN_ID: &str = "110101190001011237";

async fn ask_code(s: &TestService, id: &str) -> (u16, Option<u64>, Value) {
    s.post_with_wait("/v1/auth/sms", json!({ "id_number": id }))
        .await
}

async fn try_code(s: &TestService, id: &str, code: &str) -> (u16, Option<u64>, Value) {
    s.post_with_wait(
        "/v1/auth/login",
        json!({ "id_number": id, "sms_code": code }),
    )
    .await
}

/// The production limits but for the minute between two codes, to reach the
/// hourly limits within a test.
fn codes_without_interval() -> ServiceConfig {
    ServiceConfig {
        auth_limits: AuthLimits {
            sms_interval: Duration::ZERO,
            ..AuthLimits::default()
        },
        ..config()
    }
}

fn wrong_for(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// The review's attack: ask a code, try five wrong ones, ask a new code (which used
/// to reset the tries), again and again. With the production limits the second
/// request for a code is refused, and the guessing stops at the hourly budget.
#[tokio::test]
async fn the_review_attack_stops_at_the_second_code_and_the_tenth_wrong_guess() {
    let s = start().await;
    let id = s.citizen_id(1);
    let code = s.sms_code(&id).await;
    for _ in 0..5 {
        let (status, _, body) = try_code(&s, &id, wrong_for(&code)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("auth.invalid_code"))
        );
    }
    let (status, wait, body) = ask_code(&s, &id).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited"))
    );
    let wait = wait.expect("a 429 says when to come back");
    assert!((1..=60).contains(&wait), "{wait}");

    for _ in 0..5 {
        let (status, _, _) = try_code(&s, &id, "123456").await;
        assert_eq!(status, 401);
    }
    let (status, wait, body) = try_code(&s, &id, "654321").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited"))
    );
    let wait = wait.unwrap();
    assert!(
        (3000..=3600).contains(&wait),
        "locked for the rest of the hour: {wait}"
    );
}

/// A new code does not reset the count of wrong ones: with codes free to ask for
/// (no interval), two rounds of five wrong guesses lock the ID number, and the
/// right code of a third round is refused.
#[tokio::test]
async fn a_new_code_does_not_reset_the_failures() {
    let s = start_with(codes_without_interval()).await;
    let id = s.citizen_id(1);
    for _ in 0..2 {
        let code = s.sms_code(&id).await;
        for _ in 0..5 {
            assert_eq!(try_code(&s, &id, wrong_for(&code)).await.0, 401);
        }
    }
    let code = s.sms_code(&id).await;
    let (status, wait, body) = try_code(&s, &id, &code).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited")),
        "{body}"
    );
    assert!(wait.is_some());
}

/// The same questions about an ID number with an account and one without get the
/// same answers, limits included: the limits tell nobody who has an account.
#[tokio::test]
async fn limits_answer_the_same_for_unknown_id_numbers() {
    let s = start().await;
    let known = s.citizen_id(2);
    let mut answers = Vec::new();
    for id in [known.as_str(), UNKNOWN_ID] {
        let mut seen = Vec::new();
        for _ in 0..2 {
            let (status, wait, body) = ask_code(&s, id).await;
            seen.push((
                status,
                wait.is_some(),
                body["code"].as_str().map(str::to_string),
            ));
        }
        let pending = s.state.pending_sms_code(id).await.unwrap();
        let wrong = wrong_for(pending.as_deref().unwrap_or(""));
        for _ in 0..11 {
            let (status, wait, body) = try_code(&s, id, wrong).await;
            seen.push((
                status,
                wait.is_some(),
                body["code"].as_str().map(str::to_string),
            ));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0][1].0, 429, "second code within the minute");
    assert_eq!(answers[0][2].0, 401);
    assert_eq!(answers[0][12].0, 429, "eleventh wrong code");
}

/// A phone cannot be flooded: unused codes are capped per hour even when asking is
/// otherwise free; a successful login clears the count.
#[tokio::test]
async fn unused_codes_are_capped_per_hour_and_a_login_clears_the_count() {
    let s = start_with(codes_without_interval()).await;
    let id = s.citizen_id(3);
    for _ in 0..5 {
        assert_eq!(ask_code(&s, &id).await.0, 202);
    }
    let (status, wait, _) = ask_code(&s, &id).await;
    assert_eq!(status, 429);
    assert!(wait.unwrap() > 3000);

    let other = s.citizen_id(4);
    for _ in 0..4 {
        s.login(4).await;
    }
    // Four logins used four codes: nothing held against the fifth and sixth.
    assert_eq!(ask_code(&s, &other).await.0, 202);
    assert_eq!(ask_code(&s, &other).await.0, 202);
}

/// Per address: many ID numbers from one address are cut off too.
#[tokio::test]
async fn one_address_asking_for_many_id_numbers_is_cut_off() {
    let s = start().await;
    let limit = AuthLimits::default().sms_per_address_minute;
    let mut statuses = Vec::new();
    for i in 0..=limit {
        let id = format!("1101011900010{i:05}");
        statuses.push(ask_code(&s, &id).await.0);
    }
    assert!(
        statuses[..limit as usize].iter().all(|&s| s == 202),
        "{statuses:?}"
    );
    let (status, wait, body) = ask_code(&s, UNKNOWN_ID).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("auth.rate_limited"))
    );
    assert!((1..=60).contains(&wait.unwrap()));

    let limit = AuthLimits::default().logins_per_address_minute;
    let mut last = 0;
    for i in 0..=limit {
        let id = format!("1101011900020{i:05}");
        last = try_code(&s, &id, "000000").await.0;
    }
    assert_eq!(last, 429, "login attempts from one address are capped too");
}

/// Two instances over one store count an address together: the limit holds
/// whichever instance a request reaches (the windows are in the store).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_over_one_store_share_an_address_limit() {
    let dir = tempfile::tempdir().unwrap();
    let config = ServiceConfig {
        db: provincial_service::StoreAt::shared_for_test(dir.path()),
        demo_receipts: 1,
        other_receipts: 1,
        load_citizens: 5,
        auth_limits: AuthLimits {
            sms_interval: Duration::ZERO,
            sms_per_address_minute: 4,
            ..AuthLimits::default()
        },
        ..config()
    };
    let a = start_with(config.clone()).await;
    let b = start_with(config).await;
    for citizen in 0..4 {
        let instance = if citizen % 2 == 0 { &a } else { &b };
        let (status, _, body) = ask_code(instance, &a.citizen_id(citizen)).await;
        assert_eq!(status, 202, "{body}");
    }
    for (instance, citizen) in [(&b, 4), (&a, 5)] {
        let (status, wait, body) = ask_code(instance, &a.citizen_id(citizen)).await;
        assert_eq!(status, 429, "{body}");
        assert!(wait.is_some_and(|w| (1..=60).contains(&w)), "{wait:?}");
    }
}
