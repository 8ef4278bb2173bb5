use piaojia_e2e::{binary, plain, ReferenceService, Running};
use piaojia_receipt::{ProvinceCode, TrustAnchor, TrustBundle};
use serde_json::{json, Value};
use std::process::Command;

fn start() -> (Running, String) {
    let service = ReferenceService::start(&["--demo-receipts", "60"]);
    (service.process, service.url)
}

#[tokio::test]
async fn a_citizen_logs_in_with_the_logged_sms_code_and_lists_verified_receipts() {
    let (service, base) = start();
    let id = service
        .wait_for_line("demo citizen:", 5)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    let root = service
        .wait_for_line("root key", 5)
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    let http = reqwest::Client::new();

    let sent = http
        .post(format!("{base}/v1/auth/sms"))
        .json(&json!({ "id_number": id }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    // The reference service has no SMS gateway: the code is in its log.
    let code = wait_for_code(&service).await;
    let pair: Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({ "id_number": id, "sms_code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = pair["access_token"].as_str().expect("logged in");

    let page: Value = http
        .get(format!("{base}/v1/receipts?limit=1000"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert!(items.len() >= 60, "{}", items.len());

    // Pin the root key the banner printed, and verify every receipt offline.
    let bundle: TrustBundle = http
        .get(format!("{base}/v1/trust-bundle"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let anchor = TrustAnchor::from_base64(ProvinceCode::new("330000").unwrap(), &root).unwrap();
    let trust = bundle.verify(&anchor).unwrap();
    for item in items {
        let original = serde_json::from_value(item["original"].clone()).unwrap();
        let verified = piaojia_receipt::verify(&original, &trust).unwrap();
        assert_eq!(verified.receipt.payer.id, id);
    }

    // The log holds the masked ID and no token, name or full ID number.
    let log = plain(&service.stderr.lock().unwrap().join("\n"));
    assert!(log.contains(&format!("****{}", &id[id.len() - 4..])));
    for secret in [
        id.as_str(),
        token,
        pair["refresh_token"].as_str().unwrap(),
        "王䶮",
    ] {
        assert!(!log.contains(secret), "the log leaks {secret}");
    }
}

async fn wait_for_code(service: &Running) -> String {
    for _ in 0..100 {
        let log = plain(&service.all_output());
        if let Some(line) = log.lines().find(|l| l.contains("SMS code sent")) {
            let code = line
                .split("code=")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap();
            return code.to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no SMS code in the log: {}", service.all_output());
}

#[test]
fn the_openapi_subcommand_prints_the_committed_document() {
    let output = Command::new(binary("provincial-service"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(output.status.success());
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let committed: Value =
        serde_json::from_str(include_str!("../crates/provincial-service/openapi.json")).unwrap();
    assert_eq!(printed, committed);
}
