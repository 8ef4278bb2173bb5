use crate::support::*;
use std::process::Command;

fn args(mut command: Command, args: &[&str]) -> Command {
    command.args(args);
    command
}

#[tokio::test]
async fn login_sync_search_show_verify_status() {
    let peer = peer(120).await;
    let (_dir, wallet) = temp_wallet();
    let account = json(&login(&peer, &wallet).await);
    assert_eq!(account["display_name"], "王䶮");
    assert_eq!(
        account["id_masked"],
        format!("****{}", &peer.id_number()[14..])
    );

    let synced = run(args(piaojia(&wallet), &["--json", "sync"])).await;
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    let report = &json(&synced)[0]["report"];
    assert_eq!(
        report["new_receipts"].as_i64().unwrap(),
        peer.receipt_count().await
    );

    let found = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "search", "医院", "--limit", "5"],
        ))
        .await,
    );
    assert!(found["count"].as_i64().unwrap() > 0);
    assert_eq!(found["items"].as_array().unwrap().len(), 5);
    let first = &found["items"][0];
    let name = format!(
        "{}-{}",
        first["code"].as_str().unwrap(),
        first["number"].as_str().unwrap()
    );

    let shown = run(args(piaojia(&wallet), &["show", &name])).await;
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.status.success() && text.contains("合计") && text.contains("验证通过"),
        "{text}"
    );

    let verified = run(args(
        piaojia(&wallet),
        &["--json", "verify", "--receipt", &name],
    ))
    .await;
    assert_eq!(json(&verified)["valid"], true);

    let status = json(&run(args(piaojia(&wallet), &["--json", "status"])).await);
    assert_eq!(status["key_mode"], "keyring");
    assert_eq!(
        status["receipts"].as_i64().unwrap(),
        peer.receipt_count().await
    );
    assert_eq!(status["quarantined"], 0);

    let filtered = json(
        &run(args(
            piaojia(&wallet),
            &[
                "--json",
                "search",
                "--min",
                "100",
                "--max",
                "500.5",
                "--sort",
                "amount-asc",
                "--limit",
                "1000",
            ],
        ))
        .await,
    );
    for item in filtered["items"].as_array().unwrap() {
        assert!((10_000..=50_050).contains(&item["total"].as_i64().unwrap()));
    }
}

#[tokio::test]
async fn verify_takes_a_file_and_names_what_is_wrong() {
    let peer = peer(30).await;
    let (dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;
    let list = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "search", "--limit", "1"],
        ))
        .await,
    );
    let id = list["items"][0]["id"].as_i64().unwrap();
    // Export the original through the library's view of the stored bytes.
    let shown = json(&run(args(piaojia(&wallet), &["--json", "show", &id.to_string()])).await);
    let code = shown["receipt"]["code"].as_str().unwrap().to_string();
    let number = shown["receipt"]["number"].as_str().unwrap().to_string();
    let page: serde_json::Value = {
        let token = peer.sms_code().await;
        let http = reqwest::Client::new();
        let pair: serde_json::Value = http
            .post(format!("{}/v1/auth/login", peer.url()))
            .json(&serde_json::json!({ "id_number": peer.id_number(), "sms_code": token }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        http.get(format!("{}/v1/receipts/{code}/{number}", peer.url()))
            .bearer_auth(pair["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_vec(&page["original"]).unwrap()).unwrap();
    let ok = run(args(
        piaojia(&wallet),
        &["verify", "--file", good.to_str().unwrap()],
    ))
    .await;
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    let mut tampered = page["original"].clone();
    let mut sig =
        piaojia_receipt::base64_text::decode(tampered["issuer_signature"].as_str().unwrap())
            .unwrap();
    sig[5] ^= 1;
    tampered["issuer_signature"] = piaojia_receipt::base64_text::encode(&sig).into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_vec(&tampered).unwrap()).unwrap();
    let rejected = run(args(
        piaojia(&wallet),
        &["--json", "verify", "--file", bad.to_str().unwrap()],
    ))
    .await;
    assert_eq!(rejected.status.code(), Some(6));
    assert_eq!(json(&rejected)["code"], "receipt.issuer_signature");

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, b"{ not json").unwrap();
    let rejected = run(args(
        piaojia(&wallet),
        &["--json", "verify", "--file", garbage.to_str().unwrap()],
    ))
    .await;
    assert_eq!(
        (rejected.status.code(), json(&rejected)["code"].as_str()),
        (Some(6), Some("receipt.malformed_envelope"))
    );
}

#[tokio::test]
async fn verify_online_by_the_elements() {
    let peer = peer(10).await;
    let (_dir, wallet) = temp_wallet();
    let (code, number, check): (String, String, String) =
        sqlx::query_as("SELECT code, number, check_code FROM receipts ORDER BY seq LIMIT 1")
            .fetch_one(&peer.state.db)
            .await
            .unwrap();
    let url = peer.url();
    let base = [
        "--json",
        "verify",
        "--online",
        "--service",
        url.as_str(),
        "--code",
        code.as_str(),
        "--number",
        number.as_str(),
    ];
    let mut found = base.to_vec();
    found.extend(["--check-code", check.as_str()]);
    let output = run(args(piaojia(&wallet), &found)).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(["valid", "reversed", "exchanged"].contains(&json(&output)["status"].as_str().unwrap()));
    let mut wrong = base.to_vec();
    wrong.extend(["--check-code", "000000"]);
    let output = run(args(piaojia(&wallet), &wrong)).await;
    assert_eq!(
        (output.status.code(), json(&output)["status"].as_str()),
        (Some(6), Some("not_found"))
    );
}

#[tokio::test]
async fn exit_codes_are_documented_ones() {
    let peer = peer(10).await;
    let (_dir, wallet) = temp_wallet();
    // Not logged in.
    let output = run(args(piaojia(&wallet), &["--json", "sync"])).await;
    assert_eq!(
        (
            output.status.code(),
            json(&output)["error"]["code"].as_str()
        ),
        (Some(4), Some("auth.not_logged_in"))
    );
    // Not found.
    let output = run(args(piaojia(&wallet), &["show", "12345678-0000000001"])).await;
    assert_eq!(output.status.code(), Some(7));
    // Bad usage.
    let output = run(args(piaojia(&wallet), &["search", "--min", "abc"])).await;
    assert_eq!(output.status.code(), Some(2));
    let output = run(args(piaojia(&wallet), &["frobnicate"])).await;
    assert_eq!(output.status.code(), Some(2));
    // A wrong SMS code.
    let output = run(args(
        piaojia(&wallet),
        &[
            "--json",
            "login",
            "--service",
            &peer.url(),
            "--root-key",
            &peer.root_key(),
            "--id",
            &peer.id_number(),
            "--code",
            "000000",
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(4));
    // The service is gone.
    login(&peer, &wallet).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let output = run(args(
        piaojia(&wallet),
        &[
            "--json",
            "verify",
            "--online",
            "--service",
            &format!("http://{closed}"),
            "--code",
            "1",
            "--number",
            "2",
            "--check-code",
            "3",
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(5));
}

#[tokio::test]
async fn a_passphrase_wallet_and_a_wrong_passphrase() {
    let (_dir, wallet) = temp_wallet();
    let mut create = piaojia(&wallet);
    create
        .args(["--passphrase", "--json", "status"])
        .env("PIAOJIA_PASSPHRASE", "a long passphrase");
    let output = run(create).await;
    assert_eq!(json(&output)["key_mode"], "passphrase");
    let mut wrong = piaojia(&wallet);
    wrong
        .args(["--json", "status"])
        .env("PIAOJIA_PASSPHRASE", "not the passphrase");
    let output = run(wrong).await;
    assert_eq!(
        (
            output.status.code(),
            json(&output)["error"]["code"].as_str()
        ),
        (Some(3), Some("wallet.wrong_key"))
    );
    let missing = run(args(piaojia(&wallet), &["status"])).await;
    assert_eq!(missing.status.code(), Some(3));
}

#[tokio::test]
async fn claim_new_add_submit_status_withdraw() {
    let peer = peer(60).await;
    let (_dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;
    let parties = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "claim", "parties", "--account", "1"],
        ))
        .await,
    );
    assert!(parties
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "RP-MI-330000"));
    let valid = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "search", "--status", "valid", "--limit", "2"],
        ))
        .await,
    );
    let ids: Vec<String> = valid["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    let created = json(
        &run(args(
            piaojia(&wallet),
            &[
                "--json",
                "claim",
                "new",
                "--account",
                "1",
                "--to",
                "RP-EMP-001",
                "--purpose",
                "出差",
                "--payee",
                "6222 0000",
                "--amount",
                "1.50",
            ],
        ))
        .await,
    );
    assert_eq!(
        (
            created["state"].as_str(),
            created["amount_requested"].as_i64()
        ),
        (Some("draft"), Some(150))
    );
    let claim = created["id"].to_string();
    let added = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "claim", "add", &claim, &ids[0], &ids[1]],
        ))
        .await,
    );
    assert_eq!(added["receipt_ids"].as_array().unwrap().len(), 2);
    let other = json(
        &run(args(
            piaojia(&wallet),
            &[
                "--json",
                "claim",
                "new",
                "--account",
                "1",
                "--to",
                "RP-INS-001",
                "--purpose",
                "x",
                "--payee",
                "y",
                "--amount",
                "1",
            ],
        ))
        .await,
    );
    let held = run(args(
        piaojia(&wallet),
        &["--json", "claim", "add", &other["id"].to_string(), &ids[0]],
    ))
    .await;
    assert_eq!(json(&held)["error"]["code"], "claim.receipt_held");
    assert!(json(&held)["error"]["message"]
        .as_str()
        .unwrap()
        .contains(&format!("claim {claim}")));
    let submitted = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "claim", "submit", &claim],
        ))
        .await,
    );
    assert_eq!(submitted["state"], "submitted");
    let all = json(&run(args(piaojia(&wallet), &["--json", "claim", "status"])).await);
    assert_eq!(all.as_array().unwrap().len(), 2);
    let withdrawn = json(
        &run(args(
            piaojia(&wallet),
            &["--json", "claim", "withdraw", &claim],
        ))
        .await,
    );
    assert_eq!(withdrawn["state"], "withdrawn");
}

/// The review's S2: without `--root-key`, any service used to be pinned to the
/// demo's public root. Now only the local demo is known without it.
#[tokio::test]
async fn a_service_other_than_the_local_demo_needs_its_root_key() {
    let peer = peer(5).await;
    let (_dir, wallet) = temp_wallet();
    let code = peer.sms_code().await;
    let output = run(args(
        piaojia(&wallet),
        &[
            "login",
            "--service",
            &peer.url(),
            "--id",
            &peer.id_number(),
            "--code",
            &code,
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("give --root-key"), "{said}");
    // Refused before the service was asked: the code still logs in with the root.
    let output = run(args(
        piaojia(&wallet),
        &[
            "login",
            "--service",
            &peer.url(),
            "--root-key",
            &peer.root_key(),
            "--id",
            &peer.id_number(),
            "--code",
            &code,
        ],
    ))
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
