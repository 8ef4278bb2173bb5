use crate::support::*;

const COMMITTED: &str = include_str!("../openapi.json");

#[test]
fn the_committed_document_is_current() {
    let generated = provincial_service::api::openapi().to_pretty_json().unwrap();
    assert!(
        generated.trim() == COMMITTED.trim(),
        "crates/provincial-service/openapi.json is stale: run\n  cargo run -p provincial-service -- openapi > crates/provincial-service/openapi.json"
    );
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let s = start().await;
    let (status, served) = s.get("/openapi.json", "").await;
    assert_eq!(status, 200);
    let committed: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(served, committed);
    for path in [
        "/v1/auth/login",
        "/v1/receipts",
        "/v1/receipts/{code}/{number}",
        "/v1/changes",
        "/v1/check",
        "/v1/trust-bundle",
        "/v1/issuer/receipts",
    ] {
        assert!(served["paths"].get(path).is_some(), "{path} is documented");
    }
    assert!(
        served["paths"].get("/test/sms/{id_number}").is_none(),
        "test hooks are not part of the API"
    );
}
