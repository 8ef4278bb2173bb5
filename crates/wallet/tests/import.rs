use crate::support::*;
use piaojia_import::testkit::{fiscal_xml, qr_picture, FiscalSpec};
use piaojia_ofd::testkit::TestPki;
use piaojia_ofd::TrustStore;
use piaojia_receipt::Fen;
use piaojia_wallet::{
    Backups, ClaimDraft, ImportOutcome, KeyAccess, MemoryStore, Query, RecoveryKey, Wallet,
    WalletError,
};
use std::sync::Arc;

fn with_key(code: &str, number: &str) -> FiscalSpec {
    FiscalSpec {
        code: code.into(),
        number: number.into(),
        ..FiscalSpec::hospital(0)
    }
}

async fn import(w: &Wallet, name: &str, bytes: &[u8]) -> ImportOutcome {
    w.imports()
        .file(name, bytes, &TrustStore::default())
        .await
        .unwrap()
}

async fn column<T>(w: &Wallet, sql: &str, id: i64) -> T
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Send + Unpin,
{
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(w.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn every_source_of_a_receipt_meets_on_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let peer = peer(config(10)).await;
    let (w, account) = logged_in(&peer, &dir.path().join("wallet"), 0).await;
    sync(&w, account).await;
    let synced_count = w.search(&Query::default()).await.unwrap().count;

    // The file of a receipt already synced is linked to it; the synced copy stays
    // what the wallet shows and verifies.
    let (code, number) = peer.receipt_keys(0).await[0].clone();
    let synced_id = w.receipts().find(&code, &number).await.unwrap();
    let record = fiscal_xml(&with_key(&code, &number));
    assert_eq!(
        import(&w, "held.xml", record.as_bytes()).await,
        ImportOutcome::Linked {
            receipt_id: synced_id
        }
    );
    assert!(w.imports().detail(synced_id).await.unwrap().is_none());
    w.receipts().reverify(synced_id).await.unwrap();
    let files = w.imports().originals(synced_id).await.unwrap();
    assert_eq!((files.len(), files[0].format.as_str()), (1, "xml"));
    assert_eq!(
        w.imports().original_bytes(files[0].id).await.unwrap(),
        record.as_bytes()
    );
    // The same file again: already held, nothing added.
    assert_eq!(
        import(&w, "again.xml", record.as_bytes()).await,
        ImportOutcome::AlreadyHeld {
            receipt_id: synced_id
        }
    );

    // A QR picture first: a reference entry with the key, date and amount.
    let spec = FiscalSpec::hospital(900_001);
    let qr = format!(
        "CZ-EI-33,{},{},{},20240301,125.50",
        spec.code, spec.number, spec.check_code
    );
    let ImportOutcome::Imported {
        receipt_id: new_id,
        possible_duplicate_of: None,
    } = import(&w, "photo.png", &qr_picture(&qr, false)).await
    else {
        panic!("a new reference entry");
    };
    // The search index of this process holds the reference as it is now.
    w.warm_index().await.unwrap();
    let reference = w.imports().detail(new_id).await.unwrap().unwrap();
    assert!(reference.elements.reference_only);
    assert!(reference.elements.issuer.is_none());
    // Its sealed OFD completes it: one receipt, two originals, the file's elements.
    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    let ofd = sealed(&pki, &fiscal_xml(&spec));
    assert_eq!(
        import(&w, "receipt.ofd", &ofd).await,
        ImportOutcome::AddedCopy { receipt_id: new_id }
    );
    let complete = w.imports().detail(new_id).await.unwrap().unwrap();
    assert!(!complete.elements.reference_only);
    assert_eq!(complete.elements.issuer.unwrap().name, "票夹测试人民医院");
    assert_eq!(complete.originals.len(), 2);
    assert_eq!(
        complete.originals[1].seal_levels,
        Some(3),
        "no root trusted"
    );
    assert_eq!(
        column::<String>(&w, "SELECT category FROM receipts WHERE id = ?", new_id).await,
        "medical_outpatient"
    );

    // Another receipt of the same issuer, amount and day under another key: kept,
    // and shown as a possible duplicate for the person to look at.
    let twin = FiscalSpec::hospital(900_002);
    assert_eq!(
        import(&w, "twin.xml", fiscal_xml(&twin).as_bytes()).await,
        ImportOutcome::Imported {
            receipt_id: new_id + 1,
            possible_duplicate_of: Some(new_id)
        }
    );

    // Imported receipts are found, counted and summed like synced ones.
    let found = w
        .search(&Query {
            text: "票夹测试人民医院".into(),
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(found.count, 2);
    assert_eq!(found.sum_fen, 2 * 12_550);
    assert_eq!(
        w.search(&Query::default()).await.unwrap().count,
        synced_count + 2
    );

    // A receipt imported before the service sends it: the synced copy takes the
    // row over (signed, verified), the file stays its original.
    peer.issue(0, 8_800).await;
    let (code, number) = peer.receipt_keys(0).await.last().unwrap().clone();
    let early = fiscal_xml(&with_key(&code, &number));
    let ImportOutcome::Imported {
        receipt_id: early_id,
        ..
    } = import(&w, "early.xml", early.as_bytes()).await
    else {
        panic!("new");
    };
    sync(&w, account).await;
    assert_eq!(w.receipts().find(&code, &number).await.unwrap(), early_id);
    assert!(
        w.imports().detail(early_id).await.unwrap().is_none(),
        "now a synced receipt"
    );
    assert_eq!(
        w.receipts().reverify(early_id).await.unwrap().receipt.total,
        Fen(8_800)
    );
    assert_eq!(w.imports().originals(early_id).await.unwrap().len(), 1);
    assert_eq!(
        w.search(&Query::default()).await.unwrap().count,
        synced_count + 3
    );

    // An imported receipt joins a claim, which then goes as a package, not online.
    let claim = w
        .claims()
        .create(&ClaimDraft {
            account_id: account,
            relying_party: "RP-EMP-001".into(),
            purpose: "门诊费用".into(),
            payee_account: "6222 0000 1111 2222".into(),
            amount_requested: Fen(12_550),
        })
        .await
        .unwrap();
    w.claims().add(claim, new_id).await.unwrap();
    let refused = w.claims().submit(claim).await.unwrap_err();
    assert!(refused.to_string().contains("package"), "{refused}");
    let package = dir.path().join("claim.zip");
    w.exports().claim_package(claim, &package).await.unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&package).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let ofd_name = names
        .iter()
        .find(|n| n.ends_with(".ofd"))
        .expect("the OFD file")
        .clone();
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&ofd_name).unwrap(), &mut inside).unwrap();
    assert_eq!(inside, ofd, "the file byte for byte");
    assert!(names.iter().any(|n| n.ends_with(".png")));
    assert!(names.contains(&"claim-summary.pdf".to_string()));
    // Held by that claim whatever is imported later.
    import(&w, "copy.xml", fiscal_xml(&spec).as_bytes()).await;
    assert_eq!(
        w.imports().detail(new_id).await.unwrap().unwrap().claim_id,
        Some(claim)
    );

    // A backup restores imported receipts with their files.
    let recovery = w.backups().set_up().await.unwrap();
    let backup = dir.path().join("backup.pjb");
    w.backups().write_to(&backup).await.unwrap();
    let before = w.imports().detail(new_id).await.unwrap().unwrap();
    let before_files: Vec<Vec<u8>> = futures_bytes(&w, &before).await;
    w.close().await;
    let target = dir.path().join("restored");
    let keyring = Arc::new(MemoryStore::default());
    let typed = RecoveryKey::parse(&recovery.expose().to_lowercase()).unwrap();
    Backups::restore(
        &target,
        &backup,
        &typed,
        KeyAccess::Keyring(keyring.clone()),
    )
    .await
    .unwrap();
    let restored = Wallet::open(&target, KeyAccess::Keyring(keyring))
        .await
        .unwrap();
    let after = restored.imports().detail(new_id).await.unwrap().unwrap();
    assert_eq!(after.elements, before.elements);
    assert_eq!(after.originals.len(), before.originals.len());
    assert_eq!(futures_bytes(&restored, &after).await, before_files);
    let found = restored
        .search(&Query {
            text: "票夹测试人民医院".into(),
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(found.count, 2);
    restored.close().await;
}

async fn futures_bytes(w: &Wallet, d: &piaojia_wallet::ImportedDetail) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for file in &d.originals {
        out.push(w.imports().original_bytes(file.id).await.unwrap());
    }
    out
}

#[tokio::test]
async fn seals_reach_trust_only_through_roots_the_person_added() {
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&dir.path().join("wallet")).await;
    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    let first = sealed(&pki, &fiscal_xml(&FiscalSpec::hospital(1)));
    let id = import(&w, "a.ofd", &first).await.receipt_id().unwrap();
    assert_eq!(
        w.imports().originals(id).await.unwrap()[0].seal_levels,
        Some(3)
    );

    assert!(matches!(
        w.imports().add_seal_roots(b"not a certificate").await,
        Err(WalletError::Invalid(_))
    ));
    assert_eq!(w.imports().add_seal_roots(&pki.root_cert).await.unwrap(), 1);
    assert_eq!(
        w.imports().add_seal_roots(&pki.root_cert).await.unwrap(),
        0,
        "once"
    );
    // The file imported before the root was added reaches level 4 when shown now.
    let shown = w.imports().detail(id).await.unwrap().unwrap();
    assert_eq!(shown.originals[0].seal_levels, Some(4));
    let trust = w.imports().seal_trust().await.unwrap();
    let second = sealed(&pki, &fiscal_xml(&FiscalSpec::hospital(2)));
    let outcome = w.imports().file("b.ofd", &second, &trust).await.unwrap();
    let file = &w
        .imports()
        .originals(outcome.receipt_id().unwrap())
        .await
        .unwrap()[0];
    assert_eq!(file.seal_levels, Some(4));
    assert!(file
        .seal_report
        .as_deref()
        .unwrap()
        .contains("\"trust\":{\"state\":\"passed\"}"));
    w.close().await;
}

/// A file that is not a receipt is refused with its reason and leaves nothing.
#[tokio::test]
async fn refused_files_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let w = wallet(&dir.path().join("wallet")).await;
    for (bytes, code) in [
        (b"".to_vec(), "empty_file"),
        (b"hello".to_vec(), "unknown_format"),
        (b"PK\x03\x04broken".to_vec(), "ofd."),
        (b"<EInvoice/>".to_vec(), "no_receipt_data"),
    ] {
        let outcome = import(&w, "bad", &bytes).await;
        let ImportOutcome::Refused { code: got, .. } = &outcome else {
            panic!("{outcome:?}");
        };
        assert!(
            got == code || code.ends_with('.') && got.starts_with(code),
            "{got} for {code}"
        );
    }
    for table in ["receipts", "originals", "receipt_terms"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(w.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
    w.close().await;
}
