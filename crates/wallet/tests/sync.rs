use crate::support::*;
use piaojia_receipt::Lifecycle;
use piaojia_wallet::{Query, StatusFilter};
use serde_json::json;

#[tokio::test]
async fn a_sync_stores_every_receipt_once_and_a_second_sync_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(1_200)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let mut seen = Vec::new();
    let report = w.sync(account, &mut |p| seen.push(p)).await.unwrap();
    let expected = peer.receipt_keys(0).await;
    assert_eq!(report.new_receipts as usize, expected.len());
    assert_eq!(report.quarantined, 0);
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(stored_keys(&w).await, expected_sorted);
    // Progress went up to the total.
    let last = seen
        .iter()
        .rev()
        .find(|p| p.phase == piaojia_wallet::SyncPhase::Receipts)
        .unwrap();
    assert_eq!(
        (last.done, last.total),
        (expected.len() as u64, expected.len() as u64)
    );
    assert!(seen.len() >= 3, "progress reported per page");
    let again = sync(&w, account).await;
    assert_eq!((again.new_receipts, again.quarantined), (0, 0));
    assert_eq!(stored_keys(&w).await.len(), expected.len());
}

#[tokio::test]
async fn new_receipts_and_reversals_arrive_on_the_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(50)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let issued = peer.issue(0, 4_321).await;
    let report = sync(&w, account).await;
    assert_eq!(report.new_receipts, 1);
    let code = issued["key"]["code"].as_str().unwrap();
    let number = issued["key"]["number"].as_str().unwrap();
    let id = w.receipts().find(code, number).await.unwrap();
    assert_eq!(
        w.receipts().get(id).await.unwrap().lifecycle,
        Lifecycle::Normal
    );
    // The issuer reverses it (冲红) while the wallet is connected.
    let (_, key) = peer.issuer_key(0);
    let red = peer
        .post(
            &format!("/v1/issuer/receipts/{code}/{number}/reverse"),
            &key,
            json!({ "reason": "退费" }),
        )
        .await;
    let report = sync(&w, account).await;
    assert_eq!(report.new_receipts, 1, "the red receipt");
    let detail = w.receipts().get(id).await.unwrap();
    let Lifecycle::Reversed { by } = &detail.lifecycle else {
        panic!("not reversed: {:?}", detail.lifecycle)
    };
    assert_eq!(Some(by.number.as_str()), red["key"]["number"].as_str());
    let reversed = w
        .search(&Query {
            status: Some(StatusFilter::Reversed),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(reversed.items.iter().any(|r| r.id == id));
    let valid = w
        .search(&Query {
            status: Some(StatusFilter::Valid),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(!valid.items.iter().any(|r| r.id == id || r.is_red));
}

#[tokio::test]
async fn exchanged_receipts_are_linked_to_their_paper_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(30)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let issued = peer.issue(0, 900).await;
    sync(&w, account).await;
    let code = issued["key"]["code"].as_str().unwrap();
    let number = issued["key"]["number"].as_str().unwrap();
    let (_, key) = peer.issuer_key(0);
    peer.post(
        &format!("/v1/issuer/receipts/{code}/{number}/exchange"),
        &key,
        json!({ "paper_code": "33100199", "paper_number": "0000000777" }),
    )
    .await;
    let report = sync(&w, account).await;
    assert_eq!(report.changes_applied, 1);
    let detail = w
        .receipts()
        .get(w.receipts().find(code, number).await.unwrap())
        .await
        .unwrap();
    let Lifecycle::Exchanged { paper } = &detail.lifecycle else {
        panic!("not exchanged: {:?}", detail.lifecycle)
    };
    assert_eq!(paper.number.as_str(), "0000000777");
    assert_eq!(
        stored_keys(&w)
            .await
            .iter()
            .filter(|(c, n)| c == code && n == number)
            .count(),
        1,
        "linked, not duplicated"
    );
}

/// 作废 arrives with sync: the receipt says so, is found under its filter only,
/// counts in no figure and joins no claim.
#[tokio::test]
async fn a_voided_receipt_counts_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(20)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let issued = peer.issue(0, 12_345).await;
    sync(&w, account).await;
    let before = w.spending(None).await.unwrap();
    let (code, number) = (
        issued["key"]["code"].as_str().unwrap(),
        issued["key"]["number"].as_str().unwrap(),
    );
    let (_, key) = peer.issuer_key(0);
    peer.post(
        &format!("/v1/issuer/receipts/{code}/{number}/void"),
        &key,
        json!({ "reason": "重复开票" }),
    )
    .await;
    assert_eq!(sync(&w, account).await.changes_applied, 1);
    let id = w.receipts().find(code, number).await.unwrap();
    assert_eq!(
        w.receipts().get(id).await.unwrap().lifecycle,
        Lifecycle::Voided
    );
    let found = |status| {
        let w = &w;
        async move {
            let q = Query {
                status: Some(status),
                limit: 1000,
                ..Query::default()
            };
            w.search(&q)
                .await
                .unwrap()
                .items
                .iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found(StatusFilter::Voided).await, vec![id]);
    assert!(!found(StatusFilter::Valid).await.contains(&id));
    let after = w.spending(None).await.unwrap();
    assert_eq!(
        (after.count, after.total_fen),
        (before.count - 1, before.total_fen - 12_345)
    );
    let claim = w
        .claims()
        .create(&piaojia_wallet::ClaimDraft {
            account_id: account,
            relying_party: "RP-EMP-001".into(),
            purpose: "门诊".into(),
            payee_account: "6222 0000 1111 2222".into(),
            amount_requested: piaojia_receipt::Fen(100),
        })
        .await
        .unwrap();
    assert!(matches!(
        w.claims().add(claim, id).await,
        Err(piaojia_wallet::WalletError::Invalid(_))
    ));
    // A receipt voided after it joined a claim: the claim says so.
    let later = peer.issue(0, 2_000).await;
    sync(&w, account).await;
    let (code, number) = (
        later["key"]["code"].as_str().unwrap(),
        later["key"]["number"].as_str().unwrap(),
    );
    let held = w.receipts().find(code, number).await.unwrap();
    w.claims().add(claim, held).await.unwrap();
    assert!(w
        .claims()
        .get(claim)
        .await
        .unwrap()
        .voided_receipt_ids
        .is_empty());
    peer.post(
        &format!("/v1/issuer/receipts/{code}/{number}/void"),
        &key,
        json!({ "reason": "金额有误" }),
    )
    .await;
    sync(&w, account).await;
    assert_eq!(
        w.claims().get(claim).await.unwrap().voided_receipt_ids,
        vec![held]
    );
}

#[tokio::test]
async fn two_citizens_in_one_wallet_keep_their_own_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(40)).await;
    let (w, first) = logged_in(&peer, dir.path(), 0).await;
    let code = peer.sms_code(1).await;
    let second = w.login(&peer.spec(1), &code).await.unwrap().id;
    sync(&w, first).await;
    sync(&w, second).await;
    for (account, citizen) in [(first, 0), (second, 1)] {
        let mine = w
            .search(&Query {
                account_id: Some(account),
                limit: 1000,
                ..Query::default()
            })
            .await
            .unwrap();
        assert_eq!(mine.count as usize, peer.receipt_keys(citizen).await.len());
        let name = provincial_service::demo::citizens(&peer.state.config.province)[citizen].name;
        assert!(mine.items.iter().all(|r| r.payer_name == name));
    }
    assert_eq!(w.accounts().await.unwrap().len(), 2);
}

#[tokio::test]
async fn without_a_login_sync_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(10)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    w.logout(account).await.unwrap();
    let error = w.sync(account, &mut |_| {}).await.err().unwrap();
    assert_eq!(error.code(), "auth.not_logged_in");
}

/// The review's R1: a red receipt signed by another issuer (a school's valid
/// certificate) named a hospital's receipt in `reverses`, and the wallet marked the
/// hospital's receipt 冲红, so it could no longer be claimed. A red receipt now
/// reverses only a receipt of its own issuer.
#[tokio::test]
async fn a_red_receipt_of_another_issuer_reverses_nothing() {
    use provincial_service::{demo, issue, store};
    let peer = peer(config(5)).await;
    let issued = peer.issue(0, 500).await;
    let (code, number) = (
        issued["key"]["code"].as_str().unwrap().to_string(),
        issued["key"]["number"].as_str().unwrap().to_string(),
    );
    let original: String =
        sqlx::query_scalar("SELECT original FROM receipts WHERE code = ? AND number = ?")
            .bind(&code)
            .bind(&number)
            .fetch_one(&peer.state.db)
            .await
            .unwrap();
    let signed = piaojia_receipt::SignedOriginal::from_json(original.as_bytes()).unwrap();
    let hospital_receipt = piaojia_receipt::parse_document(&signed.document).unwrap();

    let config = &peer.state.config;
    let issuers = demo::issuers(&config.secret(), &config.province);
    let school = issuers
        .iter()
        .find(|i| i.category == piaojia_receipt::Category::Education)
        .unwrap();
    let now = piaojia_receipt::service_time::china_wall_clock_now();
    let draft = issue::red_draft(&hospital_receipt, now, "不是我的票据").unwrap();
    let (red, red_original) = issue::sign_receipt(
        &config.secret(),
        &config.province,
        &peer.state.keys,
        school,
        9_999_999,
        draft,
    );
    let citizen_id: i64 = sqlx::query_scalar("SELECT id FROM citizens WHERE id_number = ?")
        .bind(peer.id_number(0))
        .fetch_one(&peer.state.db)
        .await
        .unwrap();
    let mut conn = peer.state.db.acquire().await.unwrap();
    store::insert_receipt(&mut conn, citizen_id, &red, &red_original)
        .await
        .unwrap();
    drop(conn);

    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let lifecycle: String =
        sqlx::query_scalar("SELECT lifecycle FROM receipts WHERE code = ? AND number = ?")
            .bind(&code)
            .bind(&number)
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(lifecycle, "normal");
    let red_held: i64 =
        sqlx::query_scalar("SELECT count(*) FROM receipts WHERE is_red = 1 AND number = ?")
            .bind(red.number.as_str())
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(red_held, 1, "the red receipt itself verifies and is kept");
}
