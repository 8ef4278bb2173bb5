use crate::support::*;
use std::collections::HashSet;

#[tokio::test]
async fn pages_cover_every_receipt_once_and_all_verify() {
    let s = start().await;
    let token = s.access_token(0).await;
    let trust = s.trust().await;
    let items = s.all_receipts(&token, 37).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts WHERE citizen_id = 1")
        .fetch_one(&s.state.db)
        .await
        .unwrap();
    assert_eq!(items.len() as i64, stored);
    let cursors: Vec<i64> = items
        .iter()
        .map(|i| i["cursor"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "stable ascending order"
    );
    let originals: Vec<_> = items.iter().map(original).collect();
    let results = piaojia_receipt::verify_batch(&originals, &trust);
    assert!(results.iter().all(|r| r.is_ok()));
    let keys: HashSet<_> = results
        .iter()
        .map(|r| r.as_ref().unwrap().receipt.key())
        .collect();
    assert_eq!(keys.len(), items.len(), "no duplicates");
    let reds = results
        .iter()
        .filter(|r| r.as_ref().unwrap().receipt.reverses.is_some())
        .count();
    assert!(reds > 0, "the demo has 冲红 pairs");
}

#[tokio::test]
async fn a_sync_resumes_from_any_cursor() {
    let s = start().await;
    let token = s.access_token(0).await;
    let all = s.all_receipts(&token, 1000).await;
    let middle = all[40]["cursor"].as_str().unwrap();
    let (status, page) = s
        .get(&format!("/v1/receipts?after={middle}&limit=1000"), &token)
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap(), &all[41..].to_vec());
    assert_eq!(page["remaining"], 0);
    let last = page["next_cursor"].as_str().unwrap().to_string();
    let (_, empty) = s.get(&format!("/v1/receipts?after={last}"), &token).await;
    assert_eq!(empty["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        empty["next_cursor"].as_str().unwrap(),
        last,
        "an empty page keeps the cursor"
    );
}

#[tokio::test]
async fn remaining_counts_down_for_progress() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (_, first) = s.get("/v1/receipts?limit=10", &token).await;
    let total = s.all_receipts(&token, 1000).await.len() as i64;
    assert_eq!(first["remaining"].as_i64().unwrap(), total - 10);
}

#[tokio::test]
async fn lifecycle_is_served_with_each_receipt() {
    let s = start().await;
    let token = s.access_token(0).await;
    let items = s.all_receipts(&token, 1000).await;
    let reversed: Vec<_> = items
        .iter()
        .filter(|i| i["lifecycle"]["state"] == "reversed")
        .collect();
    assert!(!reversed.is_empty());
    // The red receipt it points to is in the list too.
    let by = &reversed[0]["lifecycle"]["by"];
    let found = items.iter().any(|i| {
        let r = piaojia_receipt::parse_document(&original(i).document).unwrap();
        serde_json::to_value(r.key()).unwrap() == *by
    });
    assert!(found);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_receipts() {
    let a = start().await;
    let b = start().await;
    let (ta, tb) = (a.access_token(0).await, b.access_token(0).await);
    let (_, pa) = a.get("/v1/receipts?limit=5", &ta).await;
    let (_, pb) = b.get("/v1/receipts?limit=5", &tb).await;
    assert_eq!(pa, pb);
}

/// sqlx closes a connection whose query was cancelled half-way (a client killed
/// mid-request); the in-memory store must survive the pool opening a new one.
#[tokio::test]
async fn the_in_memory_store_survives_a_replaced_connection() {
    let s = start().await;
    let token = s.access_token(0).await;
    let before = s.all_receipts(&token, 500).await.len();
    for _ in 0..3 {
        let connection = s.state.db.acquire().await.unwrap();
        connection.close().await.unwrap();
    }
    assert_eq!(s.all_receipts(&token, 500).await.len(), before);
    assert!(before > 0);
}
