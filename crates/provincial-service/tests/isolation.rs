use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn a_citizen_lists_only_their_own_receipts() {
    let s = start().await;
    let trust = s.trust().await;
    for index in [0, 1] {
        let token = s.access_token(index).await;
        let id = s.citizen_id(index);
        let items = s.all_receipts(&token, 50).await;
        assert!(!items.is_empty());
        for item in &items {
            let verified = piaojia_receipt::verify(&original(item), &trust).unwrap();
            assert_eq!(verified.receipt.payer.id, id);
        }
    }
}

#[tokio::test]
async fn another_citizens_receipt_is_not_found() {
    let s = start().await;
    let a = s.access_token(0).await;
    let b = s.access_token(1).await;
    let b_items = s.all_receipts(&b, 100).await;
    let receipt = piaojia_receipt::parse_document(&original(&b_items[0]).document).unwrap();
    let path = format!("/v1/receipts/{}/{}", receipt.code, receipt.number);
    assert_eq!(s.get(&path, &b).await.0, 200);
    let (status, body) = s.get(&path, &a).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("receipt.not_found"))
    );
}

#[tokio::test]
async fn the_changes_feed_is_per_citizen() {
    let s = start().await;
    let (_, issuer_key) = s.issuer_key(0);
    // A change for citizen 1 only.
    let (status, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &issuer_key,
            issue_request(&s.citizen_id(1), 1200),
        )
        .await;
    assert_eq!(status, 201, "{issued}");
    let path = issuer_action(&issued, "reverse");
    assert_eq!(
        s.post_auth(&path, &issuer_key, json!({"reason": "退费"}))
            .await
            .0,
        201
    );
    let b = s.access_token(1).await;
    let a = s.access_token(0).await;
    let (_, b_changes) = s.get("/v1/changes?limit=1000", &b).await;
    let (_, a_changes) = s.get("/v1/changes?limit=1000", &a).await;
    let has = |page: &serde_json::Value| {
        page["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["receipt"] == issued["key"])
    };
    assert!(has(&b_changes));
    assert!(!has(&a_changes));
}

#[tokio::test]
async fn a_citizen_token_cannot_use_issuer_endpoints() {
    let s = start().await;
    let a = s.access_token(0).await;
    let (status, body) = s
        .post_auth(
            "/v1/issuer/receipts",
            &a,
            issue_request(&s.citizen_id(0), 100),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.invalid_token"))
    );
}
