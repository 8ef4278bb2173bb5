use crate::support::*;
use piaojia_wallet::{mask_id, KeyMode, Query, Wallet};

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
    assert!(wallet.receipts().reverify(id).await.is_ok());
    assert!(wallet
        .exports()
        .pdf(&[id])
        .await
        .unwrap()
        .bytes
        .starts_with(b"%PDF"));

    // Nothing of it may be written out.
    let folder = tempfile::tempdir().unwrap();
    let refused = wallet
        .backups()
        .into_folder(folder.path(), 3)
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

#[tokio::test]
async fn a_kiosk_wallet_logs_in_with_the_code_the_citizens_own_wallet_shows() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (own, own_account) = logged_in(&peer, dir.path(), 0).await;
    let own_report = sync(&own, own_account).await;
    // A 我要咨询 thread in the citizen's feed: the kiosk's session may not read it.
    let asked = own
        .search(&piaojia_wallet::Query::default())
        .await
        .unwrap()
        .items[0]
        .id;
    own.consultations()
        .ask(asked, piaojia_wallet::ConsultReason::Other, "我的问题")
        .await
        .unwrap();
    let shown = own.handoff_code(own_account).await.unwrap();
    assert_eq!(shown.code.len(), 12);
    assert!(
        !format!("{shown:?}").contains(&shown.code),
        "Debug hides the code"
    );

    let kiosk = Wallet::open_in_memory().await.unwrap();
    let spec = peer.spec(0);
    let account = kiosk
        .login_with_handoff(
            &spec.province,
            &spec.service_url,
            &spec.root_key,
            &shown.code,
        )
        .await
        .unwrap();
    assert_eq!(account.id_masked, mask_id(&peer.id_number(0)));
    let report = sync(&kiosk, account.id).await;
    assert_eq!(report.new_receipts, own_report.new_receipts);
    assert!(
        kiosk.consultations().list(None).await.unwrap().is_empty(),
        "the kiosk holds no thread"
    );

    // Once only; and the citizen's own wallet is still logged in.
    let again = Wallet::open_in_memory().await.unwrap();
    let refused = again
        .login_with_handoff(
            &spec.province,
            &spec.service_url,
            &spec.root_key,
            &shown.code,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "auth.failed");
    assert!(again.accounts().await.unwrap().is_empty());
    assert!(own.handoff_code(own_account).await.is_ok());
    let wrong_root = kiosk
        .login_with_handoff(
            &spec.province,
            &spec.service_url,
            "not a key",
            "000000000000",
        )
        .await
        .unwrap_err();
    assert_eq!(wrong_root.code(), "trust.invalid");
}

/// sqlx closes a connection whose query was cancelled half-way; the in-memory
/// wallet must keep its receipts when the pool opens a new one.
#[tokio::test]
async fn an_in_memory_wallet_survives_a_replaced_connection() {
    let peer = peer(config(20)).await;
    let wallet = Wallet::open_in_memory().await.unwrap();
    let code = peer.sms_code(0).await;
    let account = wallet.login(&peer.spec(0), &code).await.unwrap().id;
    let report = sync(&wallet, account).await;
    let connection = wallet.pool().acquire().await.unwrap();
    connection.close().await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts")
        .fetch_one(wallet.pool())
        .await
        .unwrap();
    assert_eq!(count as u64, report.new_receipts);
}
