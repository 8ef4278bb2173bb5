use crate::support::*;
use provincial_service::StoreAt;
use std::time::Duration;

/// A province runs several instances of its service over one database; the wallet
/// reaches whichever one answers. Here it syncs through two in turn (a SQLite file,
/// or PostgreSQL in the suite's run against it), with access tokens short enough to
/// be refreshed at the other instance: every receipt and change arrives once, and a
/// revocation published by one instance reaches the wallet through the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_syncs_through_two_instances_in_turn() {
    let store = tempfile::tempdir().unwrap();
    let config = provincial_service::ServiceConfig {
        db: StoreAt::shared_for_test(store.path()),
        access_token_ttl: Duration::from_secs(1),
        ..config(30)
    };
    let a = peer(config.clone()).await;
    let b = peer(config).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&a, dir.path(), 0).await;
    let first = sync(&w, account).await;
    assert_eq!(first.new_receipts as usize, a.receipt_keys(0).await.len());

    let mut on = &a;
    for round in 0..4 {
        // A receipt issued at one instance, synced through the other.
        let issuer = if round % 2 == 0 { &a } else { &b };
        issuer.issue(0, 1_000 + round).await;
        let next = if std::ptr::eq(on, &a) { &b } else { &a };
        assert_eq!(w.move_service(&on.url(), &next.url()).await.unwrap(), 1);
        on = next;
        // Past the access token's life: the sync refreshes at this instance.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        let report = sync(&w, account).await;
        assert_eq!(report.new_receipts, 1, "round {round}");
        assert_eq!(report.already_held, 0, "round {round}");
    }
    let held = stored_keys(&w).await;
    let mut served = b.receipt_keys(0).await;
    served.sort();
    assert_eq!(held, served);

    // Revoked through the instance the wallet does not use.
    let unused = if std::ptr::eq(on, &a) { &b } else { &a };
    let (code, _) = unused.issuer_key(0);
    unused.revoke_issuer(&code).await;
    let report = sync(&w, account).await;
    assert!(report.bundle_version > first.bundle_version);
    assert!(report.no_longer_valid > 0);
}
