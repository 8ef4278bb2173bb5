use crate::support::*;
use piaojia_wallet::{KeyAccess, SecretString, Wallet, WalletError};

fn wallet_id(dir: &std::path::Path) -> String {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("wallet.json")).unwrap()).unwrap();
    meta["wallet_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn rekey_replaces_the_key_and_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(80)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let count = w.status().await.unwrap().receipts;
    let name = format!("db-key/{}", wallet_id(dir.path()));
    let old = keyring().get(&name).unwrap().unwrap().expose().to_string();
    let w = w.rekey().await.unwrap();
    let new = keyring().get(&name).unwrap().unwrap().expose().to_string();
    assert_ne!(old, new);
    assert_eq!(w.status().await.unwrap().receipts, count);
    w.close().await;
    // The old key no longer opens the file.
    keyring().set(&name, &old).unwrap();
    assert!(matches!(
        Wallet::open(dir.path(), KeyAccess::Keyring(keyring())).await,
        Err(WalletError::WrongKey)
    ));
    keyring().set(&name, &new).unwrap();
    assert_eq!(
        wallet(dir.path()).await.status().await.unwrap().receipts,
        count
    );
}

#[tokio::test]
async fn a_key_left_pending_by_a_crash_is_found_and_promoted() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(30)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let w = w.rekey().await.unwrap();
    w.close().await;
    // Simulate a crash after the file was re-encrypted, before the keyring promotion:
    // the main entry holds the old key, the new one is pending.
    let id = wallet_id(dir.path());
    let current = keyring()
        .get(&format!("db-key/{id}"))
        .unwrap()
        .unwrap()
        .expose()
        .to_string();
    keyring()
        .set(&format!("db-key-pending/{id}"), &current)
        .unwrap();
    keyring()
        .set(&format!("db-key/{id}"), &"cd".repeat(32))
        .unwrap();
    let w = wallet(dir.path()).await;
    assert!(w.status().await.unwrap().receipts > 0);
    assert_eq!(
        keyring()
            .get(&format!("db-key/{id}"))
            .unwrap()
            .unwrap()
            .expose(),
        current,
        "promoted"
    );
    assert!(keyring()
        .get(&format!("db-key-pending/{id}"))
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn changing_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let w = Wallet::open(
        dir.path(),
        KeyAccess::Passphrase(SecretString::new("first passphrase")),
    )
    .await
    .unwrap();
    let w = w
        .change_passphrase(
            &SecretString::new("first passphrase"),
            SecretString::new("second passphrase"),
        )
        .await
        .unwrap();
    w.close().await;
    assert!(matches!(
        Wallet::open(
            dir.path(),
            KeyAccess::Passphrase(SecretString::new("first passphrase"))
        )
        .await,
        Err(WalletError::WrongKey)
    ));
    Wallet::open(
        dir.path(),
        KeyAccess::Passphrase(SecretString::new("second passphrase")),
    )
    .await
    .unwrap();
}
