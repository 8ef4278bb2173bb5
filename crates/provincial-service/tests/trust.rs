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

/// The review's W4 (1): every start published version 1 again, so after a restart
/// wallets (which refuse an older bundle) ignored every new revocation. The version
/// lives in the store now and only grows.
#[tokio::test]
async fn the_bundle_version_survives_a_restart_and_only_grows() {
    let dir = tempfile::tempdir().unwrap();
    let db = provincial_service::StoreAt::shared_for_test(dir.path());
    let first = start_with(provincial_service::ServiceConfig {
        db: db.clone(),
        ..config()
    })
    .await;
    let (code, _) = first.issuer_key(0);
    let (status, body) = first
        .post(
            &format!("/test/issuers/{code}/revoke"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 200);
    let before = body["version"].as_u64().unwrap();
    assert_eq!(first.trust().await.version, before);

    // The same store started again (the first instance stays idle).
    let second = start_with(provincial_service::ServiceConfig { db, ..config() }).await;
    let after = second.trust().await.version;
    assert!(after > before, "{before} -> {after}");
    let (code, _) = second.issuer_key(1);
    let (_, body) = second
        .post(
            &format!("/test/issuers/{code}/revoke"),
            serde_json::json!({}),
        )
        .await;
    assert!(body["version"].as_u64().unwrap() > after);
}

/// Two instances over one store serve one bundle: a revocation published by one is
/// served by the other at once, not only after its restart.
#[tokio::test]
async fn an_instance_serves_the_bundle_another_published() {
    let dir = tempfile::tempdir().unwrap();
    let config = provincial_service::ServiceConfig {
        db: provincial_service::StoreAt::shared_for_test(dir.path()),
        ..config()
    };
    let a = start_with(config.clone()).await;
    let b = start_with(config).await;
    let (code, _) = a.issuer_key(0);
    let (status, body) = a
        .post(
            &format!("/test/issuers/{code}/revoke"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let published = body["version"].as_u64().unwrap();
    let served = b.trust().await;
    assert_eq!(served.version, published);
    let token = b.access_token(0).await;
    let revoked = b
        .all_receipts(&token, 1000)
        .await
        .iter()
        .filter(|item| {
            matches!(
                piaojia_receipt::verify(&original(item), &served),
                Err(piaojia_receipt::Error::CertificateRevoked { .. })
            )
        })
        .count();
    assert!(revoked > 0, "B's bundle carries A's revocation");
}
