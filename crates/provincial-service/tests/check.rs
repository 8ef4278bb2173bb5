use crate::support::*;
use provincial_service::ServiceConfig;
use serde_json::json;

async fn first_receipt(s: &TestService) -> piaojia_receipt::Receipt {
    let token = s.access_token(0).await;
    let (_, page) = s.get("/v1/receipts?limit=1", &token).await;
    piaojia_receipt::parse_document(&original(&page["items"][0]).document).unwrap()
}

#[tokio::test]
async fn checks_by_elements() {
    let s = start().await;
    let r = first_receipt(&s).await;
    let (status, body) = s
        .post("/v1/check", json!({ "code": r.code, "number": r.number, "check_code": r.check_code, "total": r.total.0, "issued_on": r.issued_at.date() }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(["valid", "reversed", "exchanged"].contains(&body["status"].as_str().unwrap()));
    assert_eq!(body["issuer_name"], r.issuer.name.as_str());
    for wrong in [
        json!({ "code": r.code, "number": r.number, "check_code": "000000" }),
        json!({ "code": r.code, "number": r.number, "check_code": r.check_code, "total": r.total.0 + 1 }),
        json!({ "code": r.code, "number": "9999999999", "check_code": r.check_code }),
    ] {
        let (status, body) = s.post("/v1/check", wrong).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("not_found")));
    }
}

#[tokio::test]
async fn a_reversed_receipt_checks_as_reversed() {
    let s = start().await;
    let (_, key) = s.issuer_key(0);
    let (_, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &key,
            issue_request(&s.citizen_id(0), 800),
        )
        .await;
    let element = json!({ "code": issued["key"]["code"], "number": issued["key"]["number"], "check_code": issued["check_code"] });
    assert_eq!(
        s.post("/v1/check", element.clone()).await.1["status"],
        "valid"
    );
    let path = issuer_action(&issued, "reverse");
    s.post_auth(&path, &key, json!({ "reason": "退费" })).await;
    assert_eq!(s.post("/v1/check", element).await.1["status"], "reversed");
}

#[tokio::test]
async fn checks_are_rate_limited() {
    let s = start_with(ServiceConfig {
        verify_per_minute: 3,
        ..config()
    })
    .await;
    let body = json!({ "code": "33010122", "number": "0000000001", "check_code": "000000" });
    for _ in 0..3 {
        assert_eq!(s.post("/v1/check", body.clone()).await.0, 200);
    }
    let (status, answer) = s.post("/v1/check", body).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (429, Some("check.rate_limited"))
    );
}
