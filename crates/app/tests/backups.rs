use crate::support;
use piaojia_wallet::Query;

async fn listed(app: &piaojia_app::App) -> i64 {
    app.search(Query {
        limit: 1,
        ..Query::default()
    })
    .await
    .unwrap()
    .count
}

/// 从备份恢复 in the app: a backup into a chosen folder, then a restore. A
/// malformed or wrong recovery key is refused with its code and leaves the open
/// wallet open and whole; the right key puts the backup's wallet in place (the one
/// before kept beside it) and opens it, its accounts waiting for a new login.
#[tokio::test(flavor = "multi_thread")]
async fn a_backup_is_restored_in_place_and_a_wrong_key_changes_nothing() {
    let (t, _account) = support::synced().await;
    let app = &t.app;
    let before = listed(app).await;
    assert!(before > 0);
    let folder = t.dirs.path().join("usb");
    let first = app
        .backup_now(Some(folder.display().to_string()))
        .await
        .unwrap();
    assert!(first.path.starts_with(&folder.display().to_string()));
    let key = first
        .recovery_key
        .clone()
        .expect("the first backup shows its key");
    let again = app.backup_now(None).await.unwrap();
    assert_eq!(again.recovery_key, None, "the key is shown once");

    let malformed = app
        .restore(first.path.clone(), "not a key".into(), None)
        .await
        .unwrap_err();
    assert_eq!(malformed.code(), "backup.key_malformed");
    // A well-formed recovery key that is not this backup's.
    let wrong = piaojia_wallet::RecoveryKey::generate().expose().to_string();
    let refused = app
        .restore(first.path.clone(), wrong, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "backup.wrong_key");
    assert_eq!(listed(app).await, before, "the open wallet is untouched");
    assert!(app.status().await.unwrap().contents.unwrap().accounts[0].signed_in);

    let status = app.restore(first.path.clone(), key, None).await.unwrap();
    let contents = status.contents.unwrap();
    assert_eq!(contents.receipts, before);
    assert!(
        contents.accounts.iter().all(|a| !a.signed_in),
        "no token is in a backup: {:?}",
        contents.accounts
    );
    assert_eq!(listed(app).await, before);
    let aside = std::fs::read_dir(t.dirs.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("wallet.before-restore-"))
        .count();
    assert_eq!(aside, 1, "the wallet before is kept beside it");
}
