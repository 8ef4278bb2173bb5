//! `cargo bench -p piaojia-ofd --bench verify_files`: how fast sealed OFD files are
//! read and verified (every level: references, signer, seal, trust), over a folder
//! of 1,000 generated files, and how many SM2 verifications a core does per second.
//! Medians of several rounds in one run; this machine is shared and noisy.

use chrono::NaiveDateTime;
use piaojia_ofd::testkit::{make_ofd, Spec, Tamper, TestPki};
use piaojia_ofd::{sm, verify, Certificate, Package, SesSignature, SesVersion, TrustStore};
use std::time::Instant;

const FILES: usize = 1_000;
const ROUNDS: usize = 5;
const SM2_VERIFICATIONS: usize = 2_000;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

fn main() {
    let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    let trust = TrustStore::new(vec![Certificate::parse(&pki.root_cert).unwrap()]);
    let folder = tempfile::tempdir().unwrap();
    let started = Instant::now();
    for i in 0..FILES {
        let spec = Spec {
            version: if i % 2 == 0 {
                SesVersion::V4
            } else {
                SesVersion::V1
            },
            raw_signatures: i % 3 == 0,
            tamper: Tamper::Nothing,
            signing_time: at("2025-03-14 09:26:53"),
            invoice_xml: format!(
                "<EInvoice><Main><EInvoiceNumber>{i:010}</EInvoiceNumber></Main></EInvoice>"
            ),
            page_text: format!("浙江省医疗门诊收费票据（电子） No. {i:010}"),
        };
        std::fs::write(
            folder.path().join(format!("{i:04}.ofd")),
            make_ofd(&pki, &spec),
        )
        .unwrap();
    }
    let total_bytes: u64 = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "made {FILES} sealed OFD files ({} KB on average) in {:.1} s",
        total_bytes / FILES as u64 / 1024,
        started.elapsed().as_secs_f64()
    );

    let mut rates = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut verified = 0;
        for entry in std::fs::read_dir(folder.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let package = Package::read(&bytes).unwrap();
            let report = verify(&package, &trust).unwrap();
            assert_eq!(report.verified_levels(), 4);
            verified += 1;
        }
        rates.push(verified as f64 / started.elapsed().as_secs_f64());
    }
    let files_per_second = median(rates);
    println!(
        "read + verify (4 levels; 4 SM2 verifications a file: signer, seal maker, and each of their certificates against the root), one core: median {files_per_second:.0} files/s over {FILES} files, {ROUNDS} rounds (target: 200)"
    );

    let file = make_ofd(
        &pki,
        &Spec {
            version: SesVersion::V4,
            raw_signatures: false,
            tamper: Tamper::Nothing,
            signing_time: at("2025-03-14 09:26:53"),
            invoice_xml: "<EInvoice/>".into(),
            page_text: "票据".into(),
        },
    );
    let package = Package::read(&file).unwrap();
    let ses =
        SesSignature::parse(package.get("Doc_0/Signs/Sign_0/SignedValue.dat").unwrap()).unwrap();
    let key = Certificate::parse(&ses.signer_cert).unwrap().public_key;
    let mut rates = Vec::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..SM2_VERIFICATIONS {
            assert!(sm::verify(&key, &ses.to_sign, &ses.signature));
        }
        rates.push(SM2_VERIFICATIONS as f64 / started.elapsed().as_secs_f64());
    }
    let sm2_per_second = median(rates);
    println!(
        "SM2 verifications (SM3 with Z_A over a {} B seal), one core: median {sm2_per_second:.0}/s",
        ses.to_sign.len()
    );
    println!(
        "ratio: {:.2} SM2 verifications' time per file",
        sm2_per_second / files_per_second
    );
}
