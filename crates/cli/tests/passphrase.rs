use crate::support::*;
use piaojia_wallet::{KeyAccess, OsKeyring, SecretStore, SecretString, Wallet, KEYRING_SERVICE};
use std::path::Path;
use std::process::Command;

const PASSPHRASE: &str = "a passphrase for a server";

fn with_passphrase(wallet: &Path, args: &[&str]) -> Command {
    let mut command = piaojia(wallet);
    command
        .env("PIAOJIA_PASSPHRASE", PASSPHRASE)
        .arg("--passphrase")
        .args(args);
    command
}

async fn open(wallet: &Path) -> Wallet {
    Wallet::open(wallet, KeyAccess::Passphrase(SecretString::new(PASSPHRASE)))
        .await
        .unwrap()
}

async fn stored_tokens(wallet: &Path) -> Vec<(i64, String)> {
    let w = open(wallet).await;
    let rows = sqlx::query_as("SELECT account_id, token FROM refresh_tokens")
        .fetch_all(w.pool())
        .await
        .unwrap();
    w.close().await;
    rows
}

/// Without a keyring, a login in one run and syncs in the next ones: the refresh
/// token is kept in the encrypted database (it was memory only, so the next run was
/// "not logged in"), never in the keyring, and logout wipes it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_wallet_logs_in_once_and_syncs_in_later_runs() {
    let peer = peer(30).await;
    let total = peer.receipt_count().await;
    let (_dir, wallet) = temp_wallet();
    login_as(&peer, with_passphrase(&wallet, &[])).await;

    // Twice: the token the first sync rotated to was kept too.
    for _ in 0..2 {
        let output = run(with_passphrase(&wallet, &["--json", "sync"])).await;
        assert!(
            output.status.success(),
            "sync in a later run: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let w = open(&wallet).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts")
        .fetch_one(w.pool())
        .await
        .unwrap();
    w.close().await;
    assert_eq!(stored, total);

    // In the database, encrypted: not in the file's bytes, nor in the keyring.
    let tokens = stored_tokens(&wallet).await;
    assert_eq!(tokens.len(), 1);
    let (account_id, token) = &tokens[0];
    assert!(token.len() >= 20);
    for file in std::fs::read_dir(&wallet).unwrap() {
        let path = file.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wallet.join(piaojia_wallet::META_FILE)).unwrap())
            .unwrap();
    let name = format!(
        "refresh/{}/{account_id}",
        meta["wallet_id"].as_str().unwrap()
    );
    assert!(OsKeyring::new(KEYRING_SERVICE)
        .get(&name)
        .unwrap()
        .is_none());

    // Logout wipes it; the next sync is "not logged in" (exit 4).
    let output = run(with_passphrase(&wallet, &["--json", "logout"])).await;
    assert!(output.status.success());
    assert_eq!(json(&output)["logged_out"].as_array().unwrap().len(), 1);
    assert!(stored_tokens(&wallet).await.is_empty());
    let output = run(with_passphrase(&wallet, &["sync"])).await;
    assert_eq!(output.status.code(), Some(4));
}
