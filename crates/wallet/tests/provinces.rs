use crate::support::*;
use piaojia_wallet::ClaimState;
use piaojia_wallet::Query;
use provincial_service::{Province, ServiceConfig};

#[tokio::test]
async fn one_wallet_holds_zhejiang_and_shanghai() {
    let zhejiang = peer(config(60)).await;
    let shanghai = peer(ServiceConfig {
        province: Province::known("310000").unwrap(),
        ..config(40)
    })
    .await;
    assert_ne!(
        zhejiang.state.keys.root_public_base64(),
        shanghai.state.keys.root_public_base64()
    );
    let dir = tempfile::tempdir().unwrap();
    let (w, zj) = logged_in(&zhejiang, dir.path(), 0).await;
    let code = shanghai.sms_code(0).await;
    let sh = w.login(&shanghai.spec(0), &code).await.unwrap().id;
    sync(&w, zj).await;
    sync(&w, sh).await;
    let zj_count = zhejiang.receipt_keys(0).await.len() as i64;
    let sh_count = shanghai.receipt_keys(0).await.len() as i64;
    let all = w
        .search(&Query {
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(all.count, zj_count + sh_count);
    assert!(
        all.items.iter().any(|r| r.province == "310000")
            && all.items.iter().any(|r| r.province == "330000")
    );
    // A search across both: hospitals of each province.
    let found = w
        .search(&Query {
            text: "医院".into(),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(found
        .items
        .iter()
        .any(|r| r.issuer_name == "复旦大学附属华山医院"));
    assert!(found
        .items
        .iter()
        .any(|r| r.issuer_name == "台州市中心医院"));
    // Each receipt verifies against its own province's pinned root.
    for r in all.items.iter().take(200) {
        let verified = w.receipts().reverify(r.id).await.unwrap();
        assert_eq!(verified.receipt.province.as_str(), r.province);
    }
    // A Shanghai receipt offered to the Zhejiang trust store is refused.
    let sh_receipt = all.items.iter().find(|r| r.province == "310000").unwrap();
    let original = w.receipts().signed_original(sh_receipt.id).await.unwrap();
    let zj_trust = zhejiang
        .state
        .bundle()
        .await
        .unwrap()
        .verify(&zhejiang.state.keys.anchor(&zhejiang.state.config.province))
        .unwrap();
    assert!(matches!(
        piaojia_receipt::verify(&original, &zj_trust),
        Err(piaojia_receipt::Error::WrongProvince { .. })
    ));
}

#[tokio::test]
async fn claims_in_both_provinces() {
    let zhejiang = peer(config(40)).await;
    let shanghai = peer(ServiceConfig {
        province: Province::known("310000").unwrap(),
        ..config(40)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (w, zj) = logged_in(&zhejiang, dir.path(), 0).await;
    let code = shanghai.sms_code(0).await;
    let sh = w.login(&shanghai.spec(0), &code).await.unwrap().id;
    sync(&w, zj).await;
    sync(&w, sh).await;
    let pick = |province: &'static str| {
        let w = &w;
        async move {
            let all = w
                .search(&Query {
                    status: Some(piaojia_wallet::StatusFilter::Valid),
                    limit: 1000,
                    ..Query::default()
                })
                .await
                .unwrap();
            all.items
                .into_iter()
                .find(|r| r.province == province)
                .unwrap()
                .id
        }
    };
    let (zj_receipt, sh_receipt) = (pick("330000").await, pick("310000").await);
    let draft = |account, party: &str| piaojia_wallet::ClaimDraft {
        account_id: account,
        relying_party: party.into(),
        purpose: "长三角异地报销".into(),
        payee_account: "6222 0000 1111 2222".into(),
        amount_requested: piaojia_receipt::Fen(100),
    };
    // Shanghai receipts claimed at Shanghai's service, to Zhejiang's fund (长三角).
    let sh_claim = w.claims().create(&draft(sh, "RP-EMP-001")).await.unwrap();
    w.claims().add(sh_claim, sh_receipt).await.unwrap();
    // A Zhejiang receipt cannot join a Shanghai claim.
    assert!(w.claims().add(sh_claim, zj_receipt).await.is_err());
    assert_eq!(
        w.claims().submit(sh_claim).await.unwrap().state,
        ClaimState::Submitted
    );
    let zj_claim = w.claims().create(&draft(zj, "RP-EMP-001")).await.unwrap();
    w.claims().add(zj_claim, zj_receipt).await.unwrap();
    assert_eq!(
        w.claims().submit(zj_claim).await.unwrap().state,
        ClaimState::Submitted
    );
    let on_shanghai: i64 = sqlx::query_scalar("SELECT count(*) FROM claims")
        .fetch_one(&shanghai.state.db)
        .await
        .unwrap();
    let on_zhejiang: i64 = sqlx::query_scalar("SELECT count(*) FROM claims")
        .fetch_one(&zhejiang.state.db)
        .await
        .unwrap();
    assert_eq!((on_shanghai, on_zhejiang), (1, 1));
}

/// The review's W6: the first account's login has ended (logged out, as from the
/// desktop's settings), and its failure used to stop every later account's sync.
/// Each account is synced on its own, and each outcome reported.
#[tokio::test]
async fn an_account_that_cannot_sync_does_not_stop_the_others() {
    let zhejiang = peer(config(20)).await;
    let shanghai = peer(ServiceConfig {
        province: Province::known("310000").unwrap(),
        ..config(30)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (w, zj) = logged_in(&zhejiang, dir.path(), 0).await;
    let code = shanghai.sms_code(0).await;
    let sh = w.login(&shanghai.spec(0), &code).await.unwrap().id;
    assert!(zj < sh, "the broken account comes first");
    w.logout(zj).await.unwrap();

    let mut progress_of = Vec::new();
    let outcomes = w
        .sync_each(None, &mut |account, _| progress_of.push(account))
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 2);
    assert!(
        matches!(
            outcomes[0].outcome,
            Err(piaojia_wallet::WalletError::NotLoggedIn { .. })
        ),
        "{:?}",
        outcomes[0].outcome
    );
    let report = outcomes[1].outcome.as_ref().expect("Shanghai syncs");
    assert_eq!(
        report.new_receipts as usize,
        shanghai.receipt_keys(0).await.len()
    );
    assert!(progress_of.iter().all(|&a| a == sh));
}

/// The review's S2: every login overwrote the pinned root, silently. A different
/// root is refused (before the SMS code is spent) unless asked for on purpose.
#[tokio::test]
async fn a_pinned_root_is_never_replaced_silently() {
    let zhejiang = peer(config(5)).await;
    let w = piaojia_wallet::Wallet::open_in_memory().await.unwrap();
    let spec = zhejiang.spec(0);
    w.login(&spec, &zhejiang.sms_code(0).await).await.unwrap();

    let mut other = spec.clone();
    other.root_key = "NrGyRQwoCMEqHfvlou29mWcENdAWAL41l9oWfVaVSX8=".into();
    let code = zhejiang.sms_code(0).await;
    let error = w.login(&other, &code).await.unwrap_err();
    assert_eq!(error.code(), "trust.root_changed", "{error}");
    let pinned: String = sqlx::query_scalar("SELECT root_key FROM accounts")
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(pinned, spec.root_key);
    // The refusal came before the service was asked: the code still works.
    w.login(&spec, &code).await.unwrap();

    // Asked on purpose, a root that does not sign the service's bundle changes
    // nothing: a mistyped key is not pinned.
    let error = w
        .login_replacing_root(&other, &zhejiang.sms_code(0).await)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "trust.invalid", "{error}");
    let pinned: String = sqlx::query_scalar("SELECT root_key FROM accounts")
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(pinned, spec.root_key);
}

async fn stored_count(w: &piaojia_wallet::Wallet) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM receipts")
        .fetch_one(w.pool())
        .await
        .unwrap()
}

/// A province that moved to a new root: replacing the pinned root on purpose pins
/// it, and the receipts already held are verified against it. Those the new root
/// does not vouch for (here all: the old service's keys are not in the new bundle)
/// move to the quarantine with the reason; the new root's bundle is the only one.
#[tokio::test]
async fn a_replaced_root_re_verifies_the_receipts_held() {
    let old = peer(config(12)).await;
    let new = peer(ServiceConfig {
        seed: 7,
        ..config(12)
    })
    .await;
    let w = piaojia_wallet::Wallet::open_in_memory().await.unwrap();
    let account = w
        .login(&old.spec(0), &old.sms_code(0).await)
        .await
        .unwrap()
        .id;
    w.sync(account, &mut |_| {}).await.unwrap();
    let held = stored_count(&w).await;
    assert_eq!(held as usize, old.receipt_keys(0).await.len());
    assert!(w.receipts().quarantined().await.unwrap().is_empty());

    let spec = new.spec(0);
    assert_ne!(spec.root_key, old.spec(0).root_key);
    w.login_replacing_root(&spec, &new.sms_code(0).await)
        .await
        .unwrap();
    assert_eq!(
        stored_count(&w).await,
        0,
        "none verifies under the new root"
    );
    let quarantine = w.receipts().quarantined().await.unwrap();
    assert_eq!(quarantine.len() as i64, held);
    for q in &quarantine {
        assert!(q.reason_code.starts_with("receipt."), "{}", q.reason_code);
    }
    let bundles: Vec<String> = sqlx::query_scalar("SELECT root_key FROM trust_bundles")
        .fetch_all(w.pool())
        .await
        .unwrap();
    assert_eq!(bundles, vec![spec.root_key.clone()]);
}

/// The review's W3: a demo account and a real one in one province (two roots).
/// Each sync replaced the province's only bundle, and then the other account's
/// receipts failed re-verification. Each root keeps its own bundle now, and a
/// receipt file verifies against whichever pinned root vouches for it.
#[tokio::test]
async fn two_roots_in_one_province_keep_their_own_bundles() {
    let a = peer(config(5)).await;
    let b = peer(ServiceConfig {
        seed: 7,
        ..config(5)
    })
    .await;
    let w = piaojia_wallet::Wallet::open_in_memory().await.unwrap();
    let acc_a = w.login(&a.spec(0), &a.sms_code(0).await).await.unwrap().id;
    let acc_b = w.login(&b.spec(1), &b.sms_code(1).await).await.unwrap().id;
    w.sync(acc_a, &mut |_| {}).await.unwrap();
    let of = |account: i64| {
        let pool = w.pool().clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT id FROM receipts WHERE account_id = ? ORDER BY id LIMIT 1",
            )
            .bind(account)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let from_a = of(acc_a).await;
    assert!(w.receipts().reverify(from_a).await.is_ok());
    let report = w.sync(acc_b, &mut |_| {}).await.unwrap();
    assert_eq!(report.no_longer_valid, 0);
    let from_b = of(acc_b).await;
    for id in [from_a, from_b] {
        w.receipts().reverify(id).await.unwrap();
        assert!(w.receipts().verdict(id).await.unwrap().valid);
        let original = w.receipts().signed_original(id).await.unwrap();
        w.receipts().verify_original(&original).await.unwrap();
    }
    let bundles: i64 = sqlx::query_scalar("SELECT count(*) FROM trust_bundles")
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(bundles, 2);
    // Syncing the first again keeps the second's receipts valid.
    w.sync(acc_a, &mut |_| {}).await.unwrap();
    assert!(w.receipts().verdict(from_b).await.unwrap().valid);
    assert!(w.receipts().quarantined().await.unwrap().is_empty());
}
