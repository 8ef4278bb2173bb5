use crate::support::*;
use piaojia_wallet::Query;
use provincial_service::{Faults, ServiceConfig};

#[tokio::test]
async fn the_activity_log_holds_counts_only() {
    let peer = peer(ServiceConfig {
        faults: Faults {
            tamper_per_mille: 50,
            seed: 9,
            ..Default::default()
        },
        ..config(200)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let report = sync(&w, account).await;
    w.backups().set_up().await.unwrap();
    w.backups()
        .write_to(&dir.path().join("b.pjb"))
        .await
        .unwrap();
    let log = w.activity(100).await.unwrap();
    let kinds: Vec<&str> = log.iter().map(|a| a.kind.as_str()).collect();
    assert!(
        kinds.contains(&"sync")
            && kinds.contains(&"backup")
            && kinds.contains(&"verification_failed"),
        "{kinds:?}"
    );
    let sync_entry = log.iter().find(|a| a.kind == "sync").unwrap();
    let counts: serde_json::Value = serde_json::from_str(&sync_entry.counts).unwrap();
    assert_eq!(counts["new"].as_u64().unwrap(), report.new_receipts);
    // Nothing personal: names, ID numbers, issuer names, amounts, receipt numbers.
    let text = serde_json::to_string(&log).unwrap();
    let mut personal = vec![peer.id_number(0), "王䶮".into(), "医院".into()];
    let details: Vec<(String, i64)> = sqlx::query_as("SELECT number, total FROM receipts LIMIT 50")
        .fetch_all(w.pool())
        .await
        .unwrap();
    for (number, total) in details {
        personal.push(number);
        personal.push(piaojia_receipt::Fen(total).to_string());
    }
    for item in &personal {
        assert!(
            !text.contains(item.as_str()),
            "the activity log holds {item}"
        );
    }
    for entry in &log {
        let counts: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&entry.counts).unwrap();
        assert!(
            counts.values().all(|v| v.is_i64()),
            "only numbers: {}",
            entry.counts
        );
    }
}

#[tokio::test]
async fn spending_figures_add_up() {
    let peer = peer(config(400)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    let s = w.spending(None).await.unwrap();
    let all = w
        .search(&Query {
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!((s.count, s.total_fen), (all.count, all.sum_fen));
    let by_category: Vec<(i64, i64)> = s
        .by_category
        .iter()
        .map(|b| (b.count, b.total_fen))
        .collect();
    for buckets in [&s.by_year, &s.by_month, &s.by_issuer]
        .map(|b| b.iter().map(|b| (b.count, b.total_fen)).collect::<Vec<_>>())
        .into_iter()
        .chain([by_category])
    {
        assert_eq!(buckets.iter().map(|b| b.0).sum::<i64>(), s.count);
        assert_eq!(buckets.iter().map(|b| b.1).sum::<i64>(), s.total_fen);
    }
    assert_eq!(s.claimed_fen + s.unclaimed_fen, s.total_fen);
    let insurance: i64 = sqlx::query_scalar("SELECT sum(insurance_paid) FROM receipts")
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(s.insurance_paid_fen, insurance);
    // The patient's part is of medical receipts only (the walkthrough's P-11): not
    // school fees or donations, which the demo has too.
    let medical: (i64, i64) = sqlx::query_as(
        "SELECT sum(patient_paid), sum(total) FROM receipts
         WHERE category IN (?, ?) AND lifecycle != ?",
    )
    .bind("medical_outpatient")
    .bind("medical_inpatient")
    .bind("voided")
    .fetch_one(w.pool())
    .await
    .unwrap();
    assert_eq!(s.patient_paid_fen, medical.0);
    assert!(s.insurance_paid_fen + s.patient_paid_fen < s.total_fen);
    assert!(s.insurance_paid_fen > 0 && s.patient_paid_fen > 0);
    // 2023 per year equals a date-range search of 2023.
    let year = s.by_year.iter().find(|b| b.key == "2023").unwrap();
    let from = chrono::NaiveDate::from_ymd_opt(2023, 1, 1);
    let to = chrono::NaiveDate::from_ymd_opt(2023, 12, 31);
    let search = w
        .search(&Query {
            from,
            to,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!((year.count, year.total_fen), (search.count, search.sum_fen));
}
