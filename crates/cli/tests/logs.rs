use crate::support::*;

#[tokio::test]
async fn a_sync_logs_no_names_id_numbers_or_tokens() {
    let peer = peer(300).await;
    let (_dir, wallet) = temp_wallet();
    let code = peer.sms_code().await;
    let mut login = piaojia(&wallet);
    login
        .args([
            "login",
            "--service",
            &peer.url(),
            "--root-key",
            &peer.root_key(),
            "--id",
            &peer.id_number(),
            "--code",
            &code,
        ])
        .env("PIAOJIA_LOG", "trace");
    let login_out = run(login).await;
    assert!(login_out.status.success());
    let mut sync = piaojia(&wallet);
    sync.args(["sync"]).env("PIAOJIA_LOG", "trace");
    let sync_out = run(sync).await;
    assert!(sync_out.status.success());
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&login_out.stderr),
        String::from_utf8_lossy(&sync_out.stderr)
    );
    assert!(
        log.contains("sync finished"),
        "the log was captured at trace level"
    );

    // The refresh token, from the keyring, and the access tokens the service issued.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wallet.join("wallet.json")).unwrap()).unwrap();
    let keyring = piaojia_wallet::OsKeyring::new(piaojia_wallet::KEYRING_SERVICE);
    use piaojia_wallet::SecretStore;
    let refresh = keyring
        .get(&format!(
            "refresh/{}/1",
            meta["wallet_id"].as_str().unwrap()
        ))
        .unwrap()
        .unwrap();
    let db_key = keyring
        .get(&format!("db-key/{}", meta["wallet_id"].as_str().unwrap()))
        .unwrap()
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT payer_name FROM receipts r JOIN citizens c ON c.id = r.citizen_id",
    )
    .fetch_all(&peer.state.db)
    .await
    .unwrap_or_default();
    let mut secrets = vec![
        peer.id_number(),
        "王䶮".to_string(),
        refresh.expose().to_string(),
        db_key.expose().to_string(),
        "pja_".into(),
        "pjr_".into(),
    ];
    secrets.extend(names);
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "the log leaks {secret}");
    }
    // Amounts: no 金额 of any receipt appears as yuan text.
    let totals: Vec<i64> =
        sqlx::query_scalar("SELECT total_fen FROM receipts WHERE total_fen > 100000 LIMIT 20")
            .fetch_all(&peer.state.db)
            .await
            .unwrap();
    for total in totals {
        assert!(!log.contains(&piaojia_receipt::Fen(total).to_string()));
    }
}
