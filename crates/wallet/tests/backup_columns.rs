//! A backup round trip keeps every column of every table it holds: a table or a
//! column added later and forgotten by backups fails here, not in a person's restore.

use crate::support::*;
use piaojia_import::testkit::{fiscal_xml, qr_picture, FiscalSpec};
use piaojia_ofd::testkit::TestPki;
use piaojia_ofd::TrustStore;
use piaojia_receipt::Fen;
use piaojia_wallet::{
    Backups, ClaimDraft, KeyAccess, MemoryStore, Query, RecoveryKey, Selection, Wallet,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Tables a backup leaves out on purpose, and why.
const NOT_BACKED_UP: &[(&str, &str)] = &[
    ("refresh_tokens", "tokens never leave the device"),
    (
        "terms",
        "search terms are rebuilt from each receipt on restore",
    ),
    (
        "receipt_terms",
        "search terms are rebuilt from each receipt on restore",
    ),
    (
        "counters",
        "counts of this store's changes, for the processes using it",
    ),
    (
        "_sqlx_migrations",
        "the restored store runs its own migrations",
    ),
];

/// Columns this wallet leaves empty (NULL) in every row, and why; every other
/// column must hold a value somewhere, so that the comparison sees it.
const LEFT_EMPTY: &[(&str, &str, &str)] = &[];

/// Columns a restore makes anew rather than copies, and why.
const REMADE_ON_RESTORE: &[(&str, &str, &str)] = &[(
    "receipts",
    "verified_at",
    "every restored receipt is verified again, now",
)];

type Rows = Vec<Vec<String>>;

/// Every row of every table, each cell as SQLite quotes it (blobs as hex), rows sorted.
async fn tables(w: &Wallet) -> BTreeMap<String, (Vec<String>, Rows)> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'terms_fts%' ORDER BY name",
    )
    .fetch_all(w.pool())
    .await
    .unwrap();
    let mut all = BTreeMap::new();
    for name in names {
        let columns: Vec<String> =
            sqlx::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid")
                .bind(&name)
                .fetch_all(w.pool())
                .await
                .unwrap();
        let cells = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(", ");
        let texts: Vec<String> =
            sqlx::query_scalar(&format!("SELECT json_array({cells}) FROM \"{name}\""))
                .fetch_all(w.pool())
                .await
                .unwrap();
        let mut rows: Rows = texts
            .iter()
            .map(|t| serde_json::from_str(t).unwrap())
            .collect();
        rows.sort();
        all.insert(name, (columns, rows));
    }
    all
}

/// A wallet with something in every column it has: synced receipts (one reversed,
/// one exchanged), tampered ones in quarantine, imported files with their seals
/// checked against a root the person added, a possible duplicate, a reference
/// from a QR picture, a claim the relying party approved, a 我要咨询 thread with an
/// unread answer, prints, an archive, settings and activity.
async fn a_full_wallet(peer: &Peer, dir: &std::path::Path) -> Wallet {
    let (w, account) = logged_in(peer, dir, 0).await;
    let (_, issuer_key) = peer.issuer_key(0);
    let reversed = peer.issue(0, 4_321).await;
    let exchanged = peer.issue(0, 900).await;
    sync(&w, account).await;
    let key = |issued: &serde_json::Value| {
        let k = &issued["key"];
        format!(
            "{}/{}",
            k["code"].as_str().unwrap(),
            k["number"].as_str().unwrap()
        )
    };
    peer.post(
        &format!("/v1/issuer/receipts/{}/reverse", key(&reversed)),
        &issuer_key,
        json!({ "reason": "退费" }),
    )
    .await;
    peer.post(
        &format!("/v1/issuer/receipts/{}/exchange", key(&exchanged)),
        &issuer_key,
        json!({ "paper_code": "33100199", "paper_number": "0000000777" }),
    )
    .await;
    sync(&w, account).await;
    // A 我要咨询 thread about the reversed receipt, answered (unread) with the one
    // the issuer names in its place.
    let reversed_key = &reversed["key"];
    let reversed_id = w
        .receipts()
        .find(
            reversed_key["code"].as_str().unwrap(),
            reversed_key["number"].as_str().unwrap(),
        )
        .await
        .unwrap();
    w.consultations()
        .ask(
            reversed_id,
            piaojia_wallet::ConsultReason::ChargedTwice,
            "重复收费",
        )
        .await
        .unwrap();
    let thread = peer.get("/v1/issuer/consultations", &issuer_key).await[0].clone();
    peer.post(
        &format!("/v1/issuer/consultations/{}/answer", thread["id"]),
        &issuer_key,
        json!({ "text": "已冲红，请以新票据为准。", "corrected_by": exchanged["key"] }),
    )
    .await;

    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    assert_eq!(w.imports().add_seal_roots(&pki.root_cert).await.unwrap(), 1);
    let trust = w.imports().seal_trust().await.unwrap();
    let spec = FiscalSpec::hospital(900_001);
    let qr = format!(
        "CZ-EI-33,{},{},{},20240301,125.50",
        spec.code, spec.number, spec.check_code
    );
    w.imports()
        .file("photo.png", &qr_picture(&qr, false), &trust)
        .await
        .unwrap();
    w.imports()
        .file("receipt.ofd", &sealed(&pki, &fiscal_xml(&spec)), &trust)
        .await
        .unwrap();
    let twin = FiscalSpec::hospital(900_002);
    w.imports()
        .file(
            "twin.xml",
            fiscal_xml(&twin).as_bytes(),
            &TrustStore::default(),
        )
        .await
        .unwrap();
    let only_seen = FiscalSpec::hospital(900_003);
    let qr = format!(
        "CZ-EI-33,{},{},{},20240302,10.00",
        only_seen.code, only_seen.number, only_seen.check_code
    );
    w.imports()
        .file("seen.png", &qr_picture(&qr, false), &TrustStore::default())
        .await
        .unwrap();

    let valid = w
        .search(&Query {
            status: Some(piaojia_wallet::StatusFilter::Valid),
            limit: 4,
            ..Query::default()
        })
        .await
        .unwrap();
    let claim_of = |receipt: i64, fen: i64| {
        let w = &w;
        async move {
            let claim = w
                .claims()
                .create(&ClaimDraft {
                    account_id: account,
                    relying_party: "RP-EMP-001".into(),
                    purpose: "差旅期间门诊费用".into(),
                    payee_account: "6222 0000 1111 2222".into(),
                    amount_requested: Fen(fen),
                })
                .await
                .unwrap();
            w.claims().add(claim, receipt).await.unwrap();
            claim
        }
    };
    let party = provincial_service::keys::relying_party_api_key(
        &peer.state.config.secret(),
        &peer.state.config.province,
        "RP-EMP-001",
    );
    // One the relying party approves, one it rejects with its reason, and one the
    // service refuses (more than the receipt's total): its error is kept.
    for (receipt, decision) in [
        (
            valid.items[0].id,
            json!({ "action": "approve", "amount": 1 }),
        ),
        (
            valid.items[2].id,
            json!({ "action": "reject", "reason": "发票抬头不符" }),
        ),
    ] {
        let claim = claim_of(receipt, 1).await;
        let remote = w.claims().submit(claim).await.unwrap().remote_id.unwrap();
        let response = reqwest::Client::new()
            .post(format!("{}/v1/rp/claims/{remote}/decision", peer.url()))
            .bearer_auth(&party)
            .json(&decision)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let refused = claim_of(valid.items[3].id, 1_000_000_000).await;
    let _ = w.claims().submit(refused).await;
    sync(&w, account).await;

    w.printing()
        .mark_printed(&[valid.items[1].id])
        .await
        .unwrap();
    w.exports()
        .zip(
            &Selection::Ids(vec![valid.items[1].id]),
            &dir.join("archive.zip"),
            true,
        )
        .await
        .unwrap();
    w
}

#[tokio::test]
async fn a_backup_round_trip_keeps_every_column_of_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(provincial_service::ServiceConfig {
        faults: provincial_service::Faults {
            tamper_per_mille: 100,
            seed: 7,
            ..Default::default()
        },
        ..config(40)
    })
    .await;
    let w = a_full_wallet(&peer, &dir.path().join("wallet")).await;
    let recovery = w.backups().set_up().await.unwrap();
    // What the backup holds: the wallet as it is before the backup logs itself.
    let before = tables(&w).await;
    let file = dir.path().join("backup.pjb");
    w.backups().write_to(&file).await.unwrap();
    w.close().await;

    let keyring = Arc::new(MemoryStore::default());
    let target = dir.path().join("restored");
    let typed = RecoveryKey::parse(recovery.expose()).unwrap();
    Backups::restore(&target, &file, &typed, KeyAccess::Keyring(keyring.clone()))
        .await
        .unwrap();
    let restored = Wallet::open(&target, KeyAccess::Keyring(keyring))
        .await
        .unwrap();
    let after = tables(&restored).await;

    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (table, (columns, rows)) in &before {
        if NOT_BACKED_UP.iter().any(|(t, _)| t == table) {
            continue;
        }
        assert!(!rows.is_empty(), "the wallet under test has no {table}");
        for (i, column) in columns.iter().enumerate() {
            let empty = rows.iter().all(|r| r[i] == "NULL");
            let allowed = LEFT_EMPTY.iter().any(|(t, c, _)| t == table && c == column);
            assert!(
                !empty || allowed,
                "{table}.{column} is empty in every row: fill it in the wallet under test"
            );
        }
        let (restored_columns, restored_rows) = &after[table];
        assert_eq!(columns, restored_columns, "{table}: the same columns");
        if table == "activity" {
            // The restore itself is logged: the rows before it are kept as they were.
            for row in rows {
                assert!(
                    restored_rows.contains(row),
                    "activity: {row:?} was lost or changed"
                );
            }
            continue;
        }
        for (row, restored_row) in rows.iter().zip(restored_rows) {
            for (i, column) in columns.iter().enumerate() {
                if REMADE_ON_RESTORE
                    .iter()
                    .any(|(t, c, _)| t == table && c == column)
                {
                    continue;
                }
                assert_eq!(
                    row[i], restored_row[i],
                    "{table}.{column} changed in a backup round trip"
                );
            }
        }
        assert_eq!(
            rows.len(),
            restored_rows.len(),
            "{table}: rows lost or added"
        );
    }
    restored.close().await;
}
