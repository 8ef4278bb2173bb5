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

/// The review's S3: the service started on a public address with the public
/// seed's keys and unauthenticated test hooks. Production is now the default: it
/// needs a key file, and the demo (seed keys, hooks) stays on loopback.
#[test]
fn without_demo_the_service_needs_a_key_file_and_keeps_demo_keys_and_hooks_off_the_network() {
    let refused = |args: &[&str], words: &str| {
        let output = Command::new(binary("provincial-service"))
            .args(args)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(!output.status.success(), "{args:?} started");
        assert!(said.contains(words), "{args:?}: {said}");
    };
    refused(&["--listen", "0.0.0.0:0"], "--keys FILE");
    refused(&["--listen", "127.0.0.1:0"], "--keys FILE");
    refused(
        &["--demo", "--listen", "0.0.0.0:0"],
        "127.0.0.1 or ::1 only",
    );
    refused(
        &["--demo", "--test-hooks", "--listen", "0.0.0.0:0"],
        "127.0.0.1 or ::1 only",
    );
    refused(&["--test-hooks", "--listen", "127.0.0.1:0"], "--demo");
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk");
    std::fs::write(&junk, "0123").unwrap();
    refused(&["--keys", junk.to_str().unwrap()], "not a key file");
}

#[tokio::test]
async fn a_production_start_uses_its_key_file_and_logs_no_sms_code() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("service.keys");
    let made = Command::new(binary("provincial-service"))
        .args(["keygen", "--out", keys.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(made.status.success());
    let mode = std::fs::metadata(&keys).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let again = Command::new(binary("provincial-service"))
        .args(["keygen", "--out", keys.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "an existing key file is never replaced"
    );

    let mut command = Command::new(binary("provincial-service"));
    command
        .args(["--listen", "127.0.0.1:0", "--demo-receipts", "5", "--keys"])
        .arg(&keys)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1");
    let service = Running::start(command);
    let word = |needle: &str| {
        service
            .wait_for_line(needle, 300)
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    let base = word("listening on http://");
    let root = word("root key");
    let id = word("demo citizen:");
    assert_ne!(
        root, "9JxCJX/24k37siC5qro3CzffnYsA0vMuTWJiJCTUXQU=",
        "not the demo root"
    );

    let http = reqwest::Client::new();
    // The relying-party key anyone can compute from the source and the public seed.
    let public_rp = provincial_service::keys::relying_party_api_key(
        &provincial_service::keys::ServiceSecret::DemoSeed(20261127),
        &provincial_service::Province::zhejiang(),
        "RP-EMP-001",
    );
    let status = http
        .get(format!("{base}/v1/rp/claims"))
        .bearer_auth(public_rp)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401);
    let hooks = http
        .get(format!("{base}/test/sms/{id}"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(hooks, 404, "no test hooks");
    let sent = http
        .post(format!("{base}/v1/auth/sms"))
        .json(&json!({ "id_number": id }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 202);
    let mut log = String::new();
    for _ in 0..200 {
        log = plain(&service.all_output());
        if log.contains("SMS code sent") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(log.contains("SMS code sent"), "{log}");
    assert!(!log.contains("code="), "no SMS code in the log: {log}");
}
