use crate::support::*;

#[tokio::test]
async fn the_bundle_verifies_against_the_pinned_root() {
    let s = start().await;
    let trust = s.trust().await;
    assert_eq!(trust.version, 1);
    assert_eq!(
        trust.certificates().count(),
        13,
        "12 issuers and the supervisor"
    );
}

#[tokio::test]
async fn revoking_an_issuer_publishes_a_new_bundle_and_its_receipts_fail() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (code, _) = s.issuer_key(0);
    let (status, body) = s
        .post(
            &format!("/test/issuers/{code}/revoke"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!((status, body["version"].as_u64()), (200, Some(2)), "{body}");
    let trust = s.trust().await;
    assert_eq!(trust.version, 2);
    let items = s.all_receipts(&token, 1000).await;
    let mut revoked = 0;
    for item in &items {
        match piaojia_receipt::verify(&original(item), &trust) {
            Err(piaojia_receipt::Error::CertificateRevoked { .. }) => revoked += 1,
            other => assert!(other.is_ok(), "{other:?}"),
        }
    }
    assert!(revoked > 0);
    let (status, _) = s.get(&format!("/test/issuers/{code}/revoke"), "").await;
    assert_eq!(status, 405);
}
