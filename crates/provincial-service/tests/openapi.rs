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

/// Every state enum the document names is documented by the texts it is sent as,
/// not its Rust names. (A receipt's lifecycle is a tagged object there.)
#[test]
fn the_documented_states_are_the_sent_ones() {
    use piaojia_api::{Author, ConsultReason, ConsultationState, RelyingPartyKind};
    use piaojia_receipt::{CheckStatus, ClaimState};
    fn texts<T: serde::Serialize>(all: &[T]) -> serde_json::Value {
        serde_json::to_value(all).unwrap()
    }
    let document: serde_json::Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = &document["components"]["schemas"];
    for (name, sent) in [
        ("ClaimState", texts(&ClaimState::ALL)),
        ("CheckStatus", texts(&CheckStatus::ALL)),
        ("RelyingPartyKind", texts(&RelyingPartyKind::ALL)),
        ("ConsultReason", texts(&ConsultReason::ALL)),
        ("ConsultationState", texts(&ConsultationState::ALL)),
        ("Author", texts(&Author::ALL)),
    ] {
        assert_eq!(schemas[name]["enum"], sent, "{name}");
    }
}
