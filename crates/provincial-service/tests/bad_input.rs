use crate::support::*;
use serde_json::json;

async fn raw(
    s: &TestService,
    method: reqwest::Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let response = s
        .http
        .request(method, s.url(path))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    read(response).await
}

#[tokio::test]
async fn malformed_bodies_get_a_json_4xx() {
    let s = start().await;
    let json_type = "application/json";
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "/v1/auth/login",
            json_type,
            b"{".to_vec(),
            400,
            "request.malformed_json",
        ),
        (
            "/v1/auth/login",
            json_type,
            b"[]".to_vec(),
            400,
            "request.invalid_fields",
        ),
        (
            "/v1/auth/login",
            json_type,
            br#"{"id_number":"1","sms_code":"2","admin":true}"#.to_vec(),
            400,
            "request.invalid_fields",
        ),
        (
            "/v1/auth/login",
            json_type,
            br#"{"id_number":1,"sms_code":"2"}"#.to_vec(),
            400,
            "request.invalid_fields",
        ),
        (
            "/v1/auth/login",
            json_type,
            vec![0xff, 0xfe],
            400,
            "request.malformed_json",
        ),
        (
            "/v1/auth/login",
            "text/plain",
            b"{}".to_vec(),
            415,
            "request.not_json",
        ),
        (
            "/v1/auth/sms",
            json_type,
            vec![b' '; 300 * 1024],
            413,
            "request.too_large",
        ),
        (
            "/v1/check",
            json_type,
            br#"{"code":"1","number":"2","check_code":"3","total":"lots"}"#.to_vec(),
            400,
            "request.invalid_fields",
        ),
    ];
    for (path, content_type, body, status, code) in cases {
        let (got, answer) = raw(&s, reqwest::Method::POST, path, content_type, body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{path}: {answer}"
        );
    }
}

#[tokio::test]
async fn bad_queries_and_paths_get_a_json_4xx() {
    let s = start().await;
    let token = s.access_token(0).await;
    for (path, code) in [
        ("/v1/receipts?after=-1", "request.invalid_cursor"),
        ("/v1/receipts?after=abc", "request.invalid_cursor"),
        ("/v1/receipts?limit=0", "request.invalid_limit"),
        ("/v1/receipts?limit=100000", "request.invalid_limit"),
        ("/v1/receipts?limit=x", "request.invalid_query"),
        ("/v1/receipts?unknown=1", "request.invalid_query"),
        (
            "/v1/changes?after=%27%20OR%201%3D1",
            "request.invalid_cursor",
        ),
    ] {
        let (status, body) = s.get(path, &token).await;
        assert_eq!((status, body["code"].as_str()), (400, Some(code)), "{path}");
    }
    let (status, body) = s
        .get("/v1/receipts/%27%3B%20DROP%20TABLE%20receipts/1", &token)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("receipt.not_found"))
    );
    let (status, body) = s.get("/v2/anything", &token).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("route.not_found"))
    );
    let response = s.http.delete(s.url("/v1/receipts")).send().await.unwrap();
    let (status, body) = read(response).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (405, Some("route.method_not_allowed"))
    );
}

#[tokio::test]
async fn odd_characters_are_just_data() {
    let s = start().await;
    let (_, key) = s.issuer_key(0);
    let mut request = issue_request(&s.citizen_id(2), 100);
    request["items"][0]["name"] = json!("药费\"'; DROP TABLE receipts; --\u{0}𠮷");
    let (status, issued) = s.post_auth("/v1/issuer/receipts", &key, request).await;
    assert_eq!(status, 201, "{issued}");
    let token = s.access_token(2).await;
    let path = format!(
        "/v1/receipts/{}/{}",
        issued["key"]["code"].as_str().unwrap(),
        issued["key"]["number"].as_str().unwrap()
    );
    let (_, entry) = s.get(&path, &token).await;
    let receipt = piaojia_receipt::verify(&original(&entry), &s.trust().await)
        .unwrap()
        .receipt;
    assert_eq!(
        receipt.items[0].name,
        "药费\"'; DROP TABLE receipts; --\u{0}𠮷"
    );
    assert_eq!(receipt.payer.name, "陈𬀩文");
}
