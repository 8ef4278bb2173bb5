use crate::support::*;
use provincial_service::{Faults, ServiceConfig};
use std::time::Duration;

fn with(faults: Faults) -> ServiceConfig {
    ServiceConfig {
        faults: Faults { seed: 7, ..faults },
        ..config()
    }
}

#[tokio::test]
async fn no_faults_unless_asked() {
    assert!(!ServiceConfig::demo().faults.any());
}

#[tokio::test]
async fn injected_503s_come_with_a_json_code_and_pass_on_retry() {
    let s = start_with(with(Faults {
        error_per_mille: 500,
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let (status, body) = s.get("/v1/receipts?limit=5", &token).await;
        if status == 503 {
            assert_eq!(body["code"], "service.unavailable");
        }
        statuses.push(status);
    }
    assert!(
        statuses.contains(&503) && statuses.contains(&200),
        "{statuses:?}"
    );
    // Other routes are untouched.
    assert_eq!(s.get("/v1/trust-bundle", "").await.0, 200);
}

#[tokio::test]
async fn truncated_bodies_do_not_parse() {
    let s = start_with(with(Faults {
        truncate_per_mille: 500,
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let mut cut = 0;
    for _ in 0..30 {
        let response = s
            .http
            .get(s.url("/v1/receipts?limit=5"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let bytes = response.bytes().await.unwrap();
        if serde_json::from_slice::<serde_json::Value>(&bytes).is_err() {
            cut += 1;
        }
    }
    assert!(cut > 0 && cut < 30, "{cut} of 30 cut");
}

#[tokio::test]
async fn tampered_receipts_fail_the_issuer_signature_and_stay_tampered() {
    let s = start_with(with(Faults {
        tamper_per_mille: 100,
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let trust = s.trust().await;
    let run = || async {
        let items = s.all_receipts(&token, 1000).await;
        let originals: Vec<_> = items.iter().map(original).collect();
        piaojia_receipt::verify_batch(&originals, &trust)
            .into_iter()
            .map(|r| r.err())
            .collect::<Vec<_>>()
    };
    let first = run().await;
    let bad: Vec<_> = first.iter().flatten().collect();
    assert!(
        !bad.is_empty() && bad.len() < first.len() / 4,
        "{} bad",
        bad.len()
    );
    assert!(bad
        .iter()
        .all(|e| **e == piaojia_receipt::Error::IssuerSignature));
    assert_eq!(
        first,
        run().await,
        "the same receipts are tampered each time"
    );
}

#[tokio::test]
async fn replayed_and_reordered_pages_happen() {
    let s = start_with(with(Faults {
        replay_per_mille: 500,
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let (_, first) = s.get("/v1/receipts?limit=10", &token).await;
    let after = first["next_cursor"].as_str().unwrap().to_string();
    let mut replayed = 0;
    let mut reordered = 0;
    for _ in 0..30 {
        let (_, page) = s
            .get(&format!("/v1/receipts?limit=10&after={after}"), &token)
            .await;
        let cursors: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["cursor"].as_str().unwrap().parse().unwrap())
            .collect();
        let first_cursor: i64 = after.parse().unwrap();
        if cursors.iter().all(|c| *c <= first_cursor) {
            replayed += 1;
        } else if cursors.windows(2).any(|w| w[0] > w[1]) {
            reordered += 1;
        }
    }
    assert!(
        replayed > 0 && reordered > 0,
        "replayed {replayed}, reordered {reordered}"
    );
}

#[tokio::test]
async fn latency_is_added() {
    let s = start_with(with(Faults {
        latency: Duration::from_millis(300),
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let started = std::time::Instant::now();
    s.get("/v1/receipts?limit=1", &token).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn stalled_requests_outlast_a_client_timeout() {
    let s = start_with(with(Faults {
        stall_per_mille: 1000,
        ..Faults::default()
    }))
    .await;
    let token = s.access_token(0).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client
        .get(s.url("/v1/receipts"))
        .bearer_auth(&token)
        .send()
        .await
        .err()
        .unwrap();
    assert!(error.is_timeout());
    // Other routes are untouched.
    assert_eq!(s.get("/v1/trust-bundle", "").await.0, 200);
}
