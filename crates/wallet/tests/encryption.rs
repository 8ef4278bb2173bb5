use crate::keys::contains;
use crate::support::*;
use std::process::Command;

fn sqlcipher(db: &std::path::Path, script: &str) -> (bool, String) {
    let output = Command::new("sqlcipher")
        .arg(db)
        .arg(script)
        .output()
        .expect("the sqlcipher CLI is installed by the test command");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success() && !text.contains("Error"), text)
}

#[tokio::test]
async fn the_file_opens_with_the_sqlcipher_cli_given_the_key_and_not_without() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(40)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let count = w.status().await.unwrap().receipts;
    w.close().await;
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("wallet.json")).unwrap()).unwrap();
    let key = keyring()
        .get(&format!("db-key/{}", meta["wallet_id"].as_str().unwrap()))
        .unwrap()
        .unwrap();
    let db = dir.path().join("wallet.db");
    let (ok, text) = sqlcipher(&db, &format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = 4096; SELECT count(*) FROM receipts; PRAGMA integrity_check;", key.expose()));
    assert!(ok, "{text}");
    assert!(
        text.contains(&count.to_string()) && text.contains("ok"),
        "{text}"
    );
    let (ok, text) = sqlcipher(&db, "SELECT count(*) FROM receipts;");
    assert!(!ok && text.contains("not a database"), "{text}");
    let (ok, _) = sqlcipher(&db, &format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = 4096; SELECT count(*) FROM receipts;", "00".repeat(32)));
    assert!(!ok);
}

#[tokio::test]
async fn no_plaintext_in_the_database_or_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(60)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    // Keep the WAL: scan while the wallet is still open.
    let files: Vec<Vec<u8>> = ["wallet.db", "wallet.db-wal"]
        .iter()
        .filter_map(|f| std::fs::read(dir.path().join(f)).ok())
        .collect();
    assert_eq!(files.len(), 2, "the WAL exists during use");
    let id = peer.id_number(0);
    for bytes in &files {
        for needle in [
            "王䶮",
            "台州市中心医院",
            "西药费",
            id.as_str(),
            "SQLite format 3",
            "piaojia.signed-original/1",
        ] {
            assert!(!contains(bytes, needle.as_bytes()), "{needle} in plaintext");
        }
    }
    w.close().await;
}
