use crate::support::*;
use piaojia_receipt::Fen;
use piaojia_wallet::{
    ClaimDraft, ClaimState, Query, RelyingPartyKind, StatusFilter, Wallet, WalletError,
};
use serde_json::json;

/// Receipt ids of normal, non-red stored receipts.
async fn claimable(w: &Wallet, n: usize) -> Vec<i64> {
    let valid = w
        .search(&Query {
            status: Some(StatusFilter::Valid),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    valid.items.iter().take(n).map(|r| r.id).collect()
}

fn draft(account_id: i64, party: &str, fen: i64) -> ClaimDraft {
    ClaimDraft {
        account_id,
        relying_party: party.into(),
        purpose: "差旅期间门诊费用".into(),
        payee_account: "6222 0000 1111 2222".into(),
        amount_requested: Fen(fen),
    }
}

fn rp_key(peer: &Peer, code: &str) -> String {
    provincial_service::keys::relying_party_api_key(
        &peer.state.config.secret(),
        &peer.state.config.province,
        code,
    )
}

#[tokio::test]
async fn a_claim_from_draft_to_paid_with_states_through_sync() {
    let peer = peer(config(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let receipts = claimable(&w, 2).await;
    let claim = w
        .claims()
        .create(&draft(account, "RP-EMP-001", 500))
        .await
        .unwrap();
    for r in &receipts {
        w.claims().add(claim, *r).await.unwrap();
    }
    // A held receipt cannot go into another draft: the error names the claim.
    let other = w
        .claims()
        .create(&draft(account, "RP-INS-001", 500))
        .await
        .unwrap();
    match w.claims().add(other, receipts[0]).await {
        Err(WalletError::ReceiptHeld { claim_id, state }) => {
            assert_eq!((claim_id, state), (claim, ClaimState::Draft))
        }
        other => panic!("{other:?}"),
    }
    let submitted = w.claims().submit(claim).await.unwrap();
    assert_eq!(submitted.state, ClaimState::Submitted);
    let remote = submitted.remote_id.unwrap();
    // Each receipt shows the claim that holds it.
    let held = w
        .search(&Query {
            status: Some(StatusFilter::Claimed),
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(held.count, 2);
    assert_eq!(
        w.receipts().get(receipts[0]).await.unwrap().claim_id,
        Some(claim)
    );
    // The relying party approves and pays; the states arrive with sync.
    let http = reqwest::Client::new();
    for body in [
        json!({ "action": "approve", "amount": 450 }),
        json!({ "action": "mark_paid" }),
    ] {
        let response = http
            .post(format!("{}/v1/rp/claims/{remote}/decision", peer.url()))
            .bearer_auth(rp_key(&peer, "RP-EMP-001"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    sync(&w, account).await;
    let view = w.claims().get(claim).await.unwrap();
    assert_eq!(
        (view.state, view.amount_approved),
        (ClaimState::Paid, Some(450))
    );
}

/// A synced wallet with a draft claim of one receipt: (wallet, account, claim, receipt).
async fn a_draft_of_one_receipt(peer: &Peer, dir: &std::path::Path) -> (Wallet, i64, i64, i64) {
    let (w, account) = logged_in(peer, dir, 0).await;
    sync(&w, account).await;
    let receipt = claimable(&w, 1).await[0];
    let claim = w
        .claims()
        .create(&draft(account, "RP-EMP-001", 100))
        .await
        .unwrap();
    w.claims().add(claim, receipt).await.unwrap();
    (w, account, claim, receipt)
}

#[tokio::test]
async fn withdrawing_unlocks_the_receipts() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account, first, receipt) = a_draft_of_one_receipt(&peer, dir.path()).await;
    let receipts = [receipt];
    w.claims().submit(first).await.unwrap();
    assert_eq!(
        w.claims().withdraw(first).await.unwrap().state,
        ClaimState::Withdrawn
    );
    assert_eq!(w.receipts().get(receipts[0]).await.unwrap().claim_id, None);
    let second = w
        .claims()
        .create(&draft(account, "RP-INS-001", 100))
        .await
        .unwrap();
    w.claims().add(second, receipts[0]).await.unwrap();
    assert_eq!(
        w.claims().submit(second).await.unwrap().state,
        ClaimState::Submitted
    );
}

#[tokio::test]
async fn the_queue_survives_being_offline_and_a_restart_and_never_duplicates() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account, claim, _) = a_draft_of_one_receipt(&peer, dir.path()).await;
    // Offline: the service is unreachable.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    sqlx::query("UPDATE accounts SET service_url = ?")
        .bind(format!("http://{closed}"))
        .execute(w.pool())
        .await
        .unwrap();
    let queued = w.claims().submit(claim).await.unwrap();
    assert_eq!(queued.state, ClaimState::Queued);
    assert_eq!(queued.last_error.as_deref(), Some("service.unavailable"));
    w.close().await;
    // A restart, back online: the next sync sends it.
    let w = wallet(dir.path()).await;
    sqlx::query("UPDATE accounts SET service_url = ?")
        .bind(peer.url())
        .execute(w.pool())
        .await
        .unwrap();
    sync(&w, account).await;
    let sent = w.claims().get(claim).await.unwrap();
    assert_eq!(sent.state, ClaimState::Submitted, "{:?}", sent.last_error);
    // A crash after the service took it but before the wallet wrote that down:
    // the claim is queued again and resent with the same key.
    sqlx::query("UPDATE claims SET state = 'queued', remote_id = NULL WHERE id = ?")
        .bind(claim)
        .execute(w.pool())
        .await
        .unwrap();
    assert_eq!(w.claims().send_queued().await.unwrap(), 1);
    assert_eq!(
        w.claims().get(claim).await.unwrap().remote_id,
        sent.remote_id,
        "the same claim, not a second one"
    );
    let on_service: i64 = sqlx::query_scalar("SELECT count(*) FROM claims")
        .fetch_one(&peer.state.db)
        .await
        .unwrap();
    assert_eq!(on_service, 1);
}

#[tokio::test]
async fn a_submission_the_service_refuses_is_marked_and_lets_go() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let receipts = claimable(&w, 1).await;
    let claim = w
        .claims()
        .create(&draft(account, "RP-NOBODY", 100))
        .await
        .unwrap();
    w.claims().add(claim, receipts[0]).await.unwrap();
    let view = w.claims().submit(claim).await.unwrap();
    assert_eq!(view.state, ClaimState::Refused);
    assert!(view
        .last_error
        .unwrap()
        .starts_with("claim.unknown_relying_party"));
    assert_eq!(w.receipts().get(receipts[0]).await.unwrap().claim_id, None);
    assert!(matches!(
        w.claims().create(&draft(account, "RP-EMP-001", 0)).await,
        Err(WalletError::Invalid(_))
    ));
    let empty = w
        .claims()
        .create(&draft(account, "RP-EMP-001", 100))
        .await
        .unwrap();
    assert!(matches!(
        w.claims().submit(empty).await,
        Err(WalletError::Invalid(_))
    ));
}

/// Ends every access session at the service (their tokens expire), as a service
/// restart or an early expiry would; refresh tokens stay good.
async fn expire_access_tokens(peer: &Peer) {
    sqlx::query("UPDATE tokens SET expires_at = 0 WHERE kind = 'access'")
        .execute(&peer.state.db)
        .await
        .unwrap();
}

/// Every call with the session's token gets a new token once after a 401 and goes
/// through: a claim is sent (not left queued), a withdrawal and a hand-off code
/// succeed, and a sync reads its pages and changes.
#[tokio::test]
async fn a_session_the_service_ended_is_renewed_once_for_every_call() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account, claim, _) = a_draft_of_one_receipt(&peer, dir.path()).await;

    expire_access_tokens(&peer).await;
    let submitted = w.claims().submit(claim).await.unwrap();
    assert_eq!(
        submitted.state,
        ClaimState::Submitted,
        "{:?}",
        submitted.last_error
    );

    expire_access_tokens(&peer).await;
    assert_eq!(
        w.claims().withdraw(claim).await.unwrap().state,
        ClaimState::Withdrawn
    );

    expire_access_tokens(&peer).await;
    assert!(!w.handoff_code(account).await.unwrap().code.is_empty());

    expire_access_tokens(&peer).await;
    peer.issue(0, 1234).await;
    let report = sync(&w, account).await;
    assert_eq!(report.new_receipts, 1);
}

/// The most a claim may ask, shown before the claim is made (walkthrough B-1), is
/// what the service takes: that amount is submitted, a fen more is refused with
/// claim.amount_exceeds. Medical insurance reimburses 60% of 个人自付 of medical
/// receipts only; an employer up to the totals.
#[tokio::test]
async fn the_limit_shown_before_a_claim_is_what_the_service_takes() {
    let peer = peer(config(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let receipts = claimable(&w, 60).await;
    let medical = w
        .claims()
        .limit(RelyingPartyKind::MedicalInsurance, &receipts)
        .await
        .unwrap();
    let employer = w
        .claims()
        .limit(RelyingPartyKind::Employer, &receipts)
        .await
        .unwrap();
    assert_eq!(employer.lines.len(), receipts.len());
    assert!(employer.not_reimbursable.is_empty());
    assert_eq!(employer.reimbursable, employer.total);
    let sum = employer
        .lines
        .iter()
        .try_fold(0i64, |sum, line| sum.checked_add(line.total.0))
        .unwrap();
    assert_eq!(employer.total.0, sum);
    // The demo has schools and donations too: medical insurance leaves them out.
    assert!(!medical.not_reimbursable.is_empty());
    let insured: Vec<i64> = receipts
        .iter()
        .copied()
        .filter(|id| !medical.not_reimbursable.contains(id))
        .take(3)
        .collect();
    let limit = w
        .claims()
        .limit(RelyingPartyKind::MedicalInsurance, &insured)
        .await
        .unwrap();
    let self_pay = limit.self_pay.unwrap();
    // 60% of each receipt's 个人自付, each rounded down to the fen.
    let floor = self_pay.0 * 60 / 100;
    assert!(
        (floor - insured.len() as i64..=floor).contains(&limit.reimbursable.0),
        "{limit:?}"
    );
    assert!(limit.reimbursable.0 > 0 && limit.reimbursable.0 < limit.total.0);

    let submitted = async |fen: i64| {
        let claim = w
            .claims()
            .create(&draft(account, "RP-MI-330000", fen))
            .await
            .unwrap();
        for r in &insured {
            w.claims().add(claim, *r).await.unwrap();
        }
        w.claims().submit(claim).await.unwrap()
    };
    let over = submitted(limit.reimbursable.0 + 1).await;
    assert_eq!(over.state, ClaimState::Refused);
    assert!(over.last_error.unwrap().starts_with("claim.amount_exceeds"));
    let at = submitted(limit.reimbursable.0).await;
    assert_eq!(at.state, ClaimState::Submitted, "{:?}", at.last_error);
    assert_eq!(at.reimbursable, Some(limit.reimbursable.0));
    // The list tells a claim under review (报销中) from a settled one by its state.
    let listed = w
        .search(&Query {
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    let held = listed.items.iter().find(|r| r.id == insured[0]).unwrap();
    assert_eq!(held.claim_state, Some(ClaimState::Submitted));
    let free = listed.items.iter().find(|r| r.claim_id.is_none()).unwrap();
    assert_eq!(free.claim_state, None);
}
