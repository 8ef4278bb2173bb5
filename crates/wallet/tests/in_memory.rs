use crate::support::*;
use piaojia_wallet::{KeyMode, Query, Wallet};

#[tokio::test]
async fn an_in_memory_wallet_syncs_and_searches_and_ends_with_its_session() {
    let peer = peer(config(60)).await;
    let wallet = Wallet::open_in_memory().await.unwrap();
    assert_eq!(wallet.key_mode(), KeyMode::InMemory);
    let code = peer.sms_code(0).await;
    let account = wallet.login(&peer.spec(0), &code).await.unwrap().id;
    let report = sync(&wallet, account).await;
    assert!(report.new_receipts >= 60);
    let all = wallet.search(&Query::default()).await.unwrap();
    assert_eq!(all.count as u64, report.new_receipts);
    let found = wallet
        .search(&Query {
            text: "医院".into(),
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(found.count > 0);
    let id = all.items[0].id;
    assert!(wallet.reverify(id).await.is_ok());
    assert!(wallet
        .receipts_pdf(&[id])
        .await
        .unwrap()
        .starts_with(b"%PDF"));

    // Nothing of it may be written out.
    let folder = tempfile::tempdir().unwrap();
    let refused = wallet
        .backup_into_folder(folder.path(), 3)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "invalid_input");
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0);
    assert!(wallet.rekey().await.is_err());

    // The next session starts empty.
    let next = Wallet::open_in_memory().await.unwrap();
    assert_eq!(next.search(&Query::default()).await.unwrap().count, 0);
    assert!(next.accounts().await.unwrap().is_empty());
}
