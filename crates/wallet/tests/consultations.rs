use crate::support::*;
use piaojia_wallet::{ConsultAuthor, ConsultReason, ConsultationState, WalletError};
use provincial_service::ServiceConfig;
use serde_json::{json, Value};
use std::time::Duration;

/// The issuer's newest thread (the service's id).
async fn newest_thread(peer: &Peer) -> Value {
    let (_, key) = peer.issuer_key(0);
    peer.get("/v1/issuer/consultations", &key).await[0].clone()
}

async fn answer(peer: &Peer, thread: &Value, body: Value) {
    let (_, key) = peer.issuer_key(0);
    let path = format!("/v1/issuer/consultations/{}/answer", thread["id"]);
    peer.post(&path, &key, body).await;
}

#[tokio::test]
async fn a_question_goes_to_the_issuer_and_the_answers_come_with_a_sync() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(5)).await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let issued = peer.issue(0, 8_800).await;
    sync(&w, account).await;
    let (code, number) = (
        issued["key"]["code"].as_str().unwrap(),
        issued["key"]["number"].as_str().unwrap(),
    );
    let id = w.receipts().find(code, number).await.unwrap();
    let threads = w.consultations();

    let asked = threads
        .ask(id, ConsultReason::ChargedTwice, "同一次检查收了两次费。")
        .await
        .unwrap();
    assert_eq!(
        (asked.receipt_id, asked.state),
        (id, ConsultationState::Open)
    );
    assert_eq!(asked.messages.len(), 1);
    assert_eq!(asked.messages[0].author, ConsultAuthor::Citizen);
    assert!(!asked.unread);
    // The service holds one open thread per receipt, and says so.
    match threads.ask(id, ConsultReason::Other, "再问一次").await {
        Err(WalletError::Service { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (409, "consultation.already_open"))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        threads.ask(999_999, ConsultReason::Other, "?").await,
        Err(WalletError::NotFound("receipt"))
    ));

    // The issuer answers; a sync brings it, unread.
    let thread = newest_thread(&peer).await;
    answer(&peer, &thread, json!({ "text": "正在核实。" })).await;
    assert!(sync(&w, account).await.changes_applied >= 1);
    let listed = threads.list(Some(id)).await.unwrap();
    assert_eq!(listed.len(), 1);
    let shown = &listed[0];
    assert_eq!(shown.state, ConsultationState::Answered);
    assert_eq!(shown.messages[1].text, "正在核实。");
    assert!(shown.unread);
    assert_eq!(threads.unread().await.unwrap(), 1);
    threads.mark_read(shown.id).await.unwrap();
    assert_eq!(threads.unread().await.unwrap(), 0);
    // A sync that brings nothing new marks nothing.
    sync(&w, account).await;
    assert_eq!(threads.unread().await.unwrap(), 0);

    // The person writes again; the issuer reverses the receipt, issues another in
    // its place and closes the thread naming it.
    let written = threads.write(shown.id, "好的。").await.unwrap();
    assert_eq!(
        (written.state, written.messages.len()),
        (ConsultationState::Open, 3)
    );
    let (_, key) = peer.issuer_key(0);
    peer.post(
        &format!("/v1/issuer/receipts/{code}/{number}/reverse"),
        &key,
        json!({ "reason": "重复收费" }),
    )
    .await;
    let replacement = peer.issue(0, 4_400).await;
    answer(
        &peer,
        &thread,
        json!({ "text": "已冲红并重新开具。", "close": true, "corrected_by": replacement["key"] }),
    )
    .await;
    sync(&w, account).await;
    let closed = threads.get(shown.id).await.unwrap();
    assert_eq!(closed.state, ConsultationState::Closed);
    assert_eq!(closed.messages.len(), 4);
    assert!(closed.unread);
    let corrected = closed.corrected_by.as_ref().unwrap();
    assert_eq!(
        (corrected.code.as_str(), corrected.number.as_str()),
        (
            replacement["key"]["code"].as_str().unwrap(),
            replacement["key"]["number"].as_str().unwrap()
        )
    );
    let replacement_id = w
        .receipts()
        .find(corrected.code.as_str(), corrected.number.as_str())
        .await
        .unwrap();
    assert_eq!(closed.corrected_receipt_id, Some(replacement_id));
    // Debug output (logs, panics) carries no text of the thread.
    let printed = format!("{closed:?}");
    assert!(
        !printed.contains("两次") && !printed.contains("冲红"),
        "{printed}"
    );
}

#[tokio::test]
async fn the_wallet_keeps_a_threads_texts_after_the_service_deletes_them() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(ServiceConfig {
        consultation_retention: Duration::ZERO,
        ..config(5)
    })
    .await;
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let issued = peer.issue(0, 1_200).await;
    sync(&w, account).await;
    let id = w
        .receipts()
        .find(
            issued["key"]["code"].as_str().unwrap(),
            issued["key"]["number"].as_str().unwrap(),
        )
        .await
        .unwrap();
    let threads = w.consultations();
    let asked = threads
        .ask(id, ConsultReason::NameWrong, "姓名写错了")
        .await
        .unwrap();
    answer(
        &peer,
        &newest_thread(&peer).await,
        json!({ "text": "已更正" }),
    )
    .await;
    sync(&w, account).await;
    let closed = threads.close(asked.id).await.unwrap();
    assert_eq!(closed.state, ConsultationState::Closed);
    assert_eq!(closed.messages.len(), 2);
    // The service has deleted the texts (retention zero); the feed names the thread
    // again, and the wallet's copy stays whole.
    assert_eq!(newest_thread(&peer).await["messages"], json!([]));
    sync(&w, account).await;
    let kept = threads.get(asked.id).await.unwrap();
    assert_eq!(kept.state, ConsultationState::Closed);
    assert_eq!(kept.messages, closed.messages);
}
