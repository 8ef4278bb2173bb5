//! `cargo bench -p piaojia-wallet --bench import_files`: how fast a folder of 1,000
//! sealed OFD receipts is imported (read from disk, every seal level verified, the
//! file and its receipt stored in the encrypted wallet, 32 files a transaction), how
//! fast the same folder is imported again (all already held), and the share of the
//! time the reading and verifying alone take. Medians of several rounds, each into a
//! fresh wallet, in one run; the machine is shared and noisy. SM2 verifications per
//! second are printed by the OFD crate's bench (`--bench verify_files`).

use chrono::NaiveDateTime;
use piaojia_import::testkit::{fiscal_xml, FiscalSpec};
use piaojia_ofd::testkit::{make_ofd, Spec, Tamper, TestPki};
use piaojia_ofd::{Certificate, SesVersion, TrustStore};
use piaojia_wallet::{ImportOutcome, KeyAccess, MemoryStore, Wallet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const FILES: u32 = 1_000;
const ROUNDS: usize = 3;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn make_folder(folder: &Path, pki: &TestPki) -> Vec<PathBuf> {
    (0..FILES)
        .map(|i| {
            let spec = Spec {
                version: if i % 2 == 0 {
                    SesVersion::V4
                } else {
                    SesVersion::V1
                },
                raw_signatures: i % 3 == 0,
                tamper: Tamper::Nothing,
                signing_time: at("2025-03-14 09:26:53"),
                invoice_xml: fiscal_xml(&FiscalSpec::hospital(i)),
                page_text: format!("浙江省医疗门诊收费票据（电子） No. {i:010}"),
            };
            let path = folder.join(format!("{i:04}.ofd"));
            std::fs::write(&path, make_ofd(pki, &spec)).unwrap();
            path
        })
        .collect()
}

/// Imports every file from disk; returns files per second.
async fn import_all(wallet: &Wallet, files: &[PathBuf], trust: &TrustStore, fresh: bool) -> f64 {
    let started = Instant::now();
    let results = wallet
        .imports()
        .paths(files, trust, &mut |_, _| {})
        .await
        .unwrap();
    let rate = files.len() as f64 / started.elapsed().as_secs_f64();
    for (path, outcome) in results {
        match (fresh, &outcome) {
            (true, ImportOutcome::Imported { .. }) | (false, ImportOutcome::AlreadyHeld { .. }) => {
            }
            _ => panic!("{}: {outcome:?}", path.display()),
        }
    }
    rate
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    let trust = TrustStore::new(vec![Certificate::parse(&pki.root_cert).unwrap()]);
    let folder = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let files = make_folder(folder.path(), &pki);
    let bytes: u64 = files.iter().map(|f| f.metadata().unwrap().len()).sum();
    println!(
        "made {FILES} sealed OFD fiscal receipts ({} KB on average) in {:.1} s",
        bytes / u64::from(FILES) / 1024,
        started.elapsed().as_secs_f64()
    );

    let mut read_rates = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for path in &files {
            let read = piaojia_import::read_file(&std::fs::read(path).unwrap(), &trust).unwrap();
            assert_eq!(read.seals.unwrap().verified_levels(), 4);
        }
        read_rates.push(files.len() as f64 / started.elapsed().as_secs_f64());
    }
    let read_rate = median(read_rates);

    let (mut first_rates, mut again_rates) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let home = tempfile::tempdir().unwrap();
        runtime.block_on(async {
            let wallet = Wallet::open(
                &home.path().join("wallet"),
                KeyAccess::Keyring(Arc::new(MemoryStore::default())),
            )
            .await
            .unwrap();
            first_rates.push(import_all(&wallet, &files, &trust, true).await);
            again_rates.push(import_all(&wallet, &files, &trust, false).await);
            wallet.close().await;
        });
    }
    let first = median(first_rates);
    println!(
        "import into an encrypted wallet (read from disk, 4 seal levels verified on every core, stored with its file, 32 files a transaction): median {first:.0} files/s over {FILES} files, {ROUNDS} rounds (target: 200)"
    );
    println!(
        "the same folder again (every file already held): median {:.0} files/s",
        median(again_rates)
    );
    println!(
        "reading and verifying alone, one core: median {read_rate:.0} files/s; an import runs at {:.2} times that rate",
        first / read_rate
    );
}
