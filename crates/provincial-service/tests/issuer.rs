use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn an_issued_receipt_reaches_the_connected_wallet() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (_, before) = s.get("/v1/receipts?limit=1000", &token).await;
    let cursor = before["next_cursor"].as_str().unwrap().to_string();
    let (_, issuer_key) = s.issuer_key(0);
    let (status, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &issuer_key,
            issue_request(&s.citizen_id(0), 2_550),
        )
        .await;
    assert_eq!(status, 201, "{issued}");
    assert_eq!(issued["total"], 2_550);
    let (_, page) = s.get(&format!("/v1/receipts?after={cursor}"), &token).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let verified = piaojia_receipt::verify(&original(&items[0]), &s.trust().await).unwrap();
    assert_eq!(
        serde_json::to_value(verified.receipt.key()).unwrap(),
        issued["key"]
    );
    assert_eq!(verified.receipt.total_in_words, "贰拾伍元伍角整");
    assert_eq!(verified.receipt.payer.name, "王䶮");
}

#[tokio::test]
async fn reversing_issues_a_red_receipt_and_a_change() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (_, changes) = s.get("/v1/changes?limit=1000", &token).await;
    let after = changes["next_cursor"].as_str().unwrap().to_string();
    let (_, key) = s.issuer_key(1);
    let (_, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &key,
            issue_request(&s.citizen_id(0), 10_005),
        )
        .await;
    let path = |what: &str| issuer_action(&issued, what);
    let (status, red) = s
        .post_auth(&path("reverse"), &key, json!({ "reason": "重复收费" }))
        .await;
    assert_eq!(status, 201, "{red}");
    assert_eq!(red["total"], -10_005);
    let (_, changes) = s.get(&format!("/v1/changes?after={after}"), &token).await;
    let events = changes["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["receipt"], issued["key"]);
    assert_eq!(
        events[0]["lifecycle"],
        json!({ "state": "reversed", "by": red["key"] })
    );
    // The red receipt verifies and points back at the original.
    let entry = s
        .get(
            &format!(
                "/v1/receipts/{}/{}",
                red["key"]["code"].as_str().unwrap(),
                red["key"]["number"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .1;
    let verified = piaojia_receipt::verify(&original(&entry), &s.trust().await).unwrap();
    assert_eq!(
        serde_json::to_value(verified.receipt.reverses.unwrap()).unwrap(),
        issued["key"]
    );
    assert_eq!(verified.receipt.total_in_words, "负壹佰元零伍分");
    // Reversing twice, or exchanging a reversed receipt, is a conflict.
    let (status, body) = s
        .post_auth(&path("reverse"), &key, json!({ "reason": "again" }))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("receipt.not_normal"))
    );
    let (status, _) = s
        .post_auth(
            &path("exchange"),
            &key,
            json!({ "paper_code": "33010199", "paper_number": "0000000001" }),
        )
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn exchanging_links_the_paper_receipt() {
    let s = start().await;
    let (_, key) = s.issuer_key(0);
    let (_, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &key,
            issue_request(&s.citizen_id(0), 300),
        )
        .await;
    let path = issuer_action(&issued, "exchange");
    let (status, lifecycle) = s
        .post_auth(
            &path,
            &key,
            json!({ "paper_code": "33100199", "paper_number": "0000012345" }),
        )
        .await;
    assert_eq!(status, 200, "{lifecycle}");
    assert_eq!(lifecycle["state"], "exchanged");
    assert_eq!(lifecycle["paper"]["number"], "0000012345");
}

#[tokio::test]
async fn an_issuer_cannot_touch_another_issuers_receipt() {
    let s = start().await;
    let (_, first) = s.issuer_key(0);
    let (_, second) = s.issuer_key(1);
    let (_, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &first,
            issue_request(&s.citizen_id(0), 300),
        )
        .await;
    let exchange = json!({ "paper_code": "33100199", "paper_number": "0000012345" });
    for (action, body) in [
        ("reverse", json!({ "reason": "x" })),
        ("exchange", exchange),
        ("void", json!({ "reason": "x" })),
    ] {
        let path = issuer_action(&issued, action);
        let (status, answer) = s.post_auth(&path, &second, body).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (404, Some("receipt.not_found")),
            "{action}"
        );
    }
    // Still normal: nothing the second issuer tried took hold.
    let token = s.access_token(0).await;
    let (_, entry) = s
        .get(
            &format!(
                "/v1/receipts/{}/{}",
                issued["key"]["code"].as_str().unwrap(),
                issued["key"]["number"].as_str().unwrap()
            ),
            &token,
        )
        .await;
    assert_eq!(entry["lifecycle"], json!({ "state": "normal" }));
}

#[tokio::test]
async fn bad_drafts_are_refused() {
    let s = start().await;
    let (_, key) = s.issuer_key(0);
    let id = s.citizen_id(0);
    let mut no_items = issue_request(&id, 100);
    no_items["items"] = json!([]);
    let cases = [
        (issue_request(&id, -5), 400, "receipt.invalid_draft"),
        (no_items, 400, "receipt.invalid_draft"),
        (
            issue_request("110101190001011237", 100),
            404,
            "citizen.not_found",
        ),
        (issue_request(&id, i64::MAX), 400, "receipt.invalid_draft"),
    ];
    for (body, status, code) in cases {
        let (got, answer) = s.post_auth("/v1/issuer/receipts", &key, body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }
    let (status, _) = s
        .post_auth("/v1/issuer/receipts", "pji_wrong", issue_request(&id, 100))
        .await;
    assert_eq!(status, 401);
}
