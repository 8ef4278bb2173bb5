use crate::support::*;
use piaojia_ofd::{
    sm, verify, Certificate, Level, OfdError, Package, SesSignature, SignatureKind, TrustStore,
};

fn level(level: &Level) -> String {
    match level {
        Level::Passed => "passed".into(),
        Level::Failed(e) => format!("failed:{}", e.code()),
        Level::NotChecked(e) => format!("not_checked:{}", e.code()),
    }
}

/// A file and what each of its signatures reaches: integrity, signature, seal, trust.
type Expected = Vec<(&'static str, Vec<(SignatureKind, [&'static str; 4])>)>;

const SEALED_AND_WHOLE: [&str; 4] = ["passed", "passed", "passed", "not_checked:seal.untrusted"];
const SIGNED_NO_SEAL: [&str; 4] = [
    "passed",
    "passed",
    "not_checked:seal.unsupported",
    "not_checked:seal.untrusted",
];

/// Each corpus file's signatures, with the levels the manifest's independent check
/// implies (its `verified` column): no root is trusted, so trust is never reached.
#[test]
fn every_corpus_file_reaches_the_levels_its_manifest_implies() {
    use SignatureKind::*;
    let expected: Expected = vec![
        (
            // Its page templates (the form's printed labels) are named by no seal.
            "vat-ofd/bj-011002680026-71500013-2020-TESTSYSTEM-5pages.ofd",
            vec![(
                SesV4,
                [
                    "failed:seal.unprotected",
                    "passed",
                    "passed",
                    "not_checked:seal.untrusted",
                ],
            )],
        ),
        (
            "vat-ofd/cq-050001700111-12235358-2020-TESTSYSTEM-5pages.ofd",
            vec![(SesV4, SEALED_AND_WHOLE)],
        ),
        (
            "vat-ofd/cq-050001700111-99999951-2020-TESTSYSTEM.ofd",
            vec![(SesV4, SEALED_AND_WHOLE)],
        ),
        (
            "vat-ofd/js-032001600511-31471858-2020.ofd",
            vec![(SesV4, SEALED_AND_WHOLE)],
        ),
        (
            "vat-ofd/zj-033002000211-83089647-2020.ofd",
            vec![(SesV4, SEALED_AND_WHOLE)],
        ),
        (
            "vat-ofd/sdp-24112000000048542163-2024-zhuanpiao-unsigned.ofd",
            vec![],
        ),
        (
            "vat-ofd/sdp-24412000000243455703-2024-zhuanpiao-unsigned.ofd",
            vec![],
        ),
        ("other/invoice-no-page-container.ofd", vec![]),
        ("other/invoice-template-seal-stripped.ofd", vec![]),
        ("other/redacted-wuhan-metro-invoice.ofd", vec![]),
        (
            "other/ofdrw-digital-signature-raw-sm2.ofd",
            vec![(
                BareSignature,
                [
                    "passed",
                    "not_checked:seal.no_signer_certificate",
                    "not_checked:seal.unsupported",
                    "not_checked:seal.no_signer_certificate",
                ],
            )],
        ),
        (
            // Sign_1 rewrote the signature list that Sign_0 covers.
            "other/ofdrw-testseal-two-sequential-seals.ofd",
            vec![
                (
                    SesV4,
                    [
                        "failed:seal.signature_list_rewritten",
                        "passed",
                        "passed",
                        "not_checked:seal.untrusted",
                    ],
                ),
                (SesV4, SEALED_AND_WHOLE),
            ],
        ),
        (
            // OFD.xml, Document.xml and a page changed after both signatures.
            "other/realestate-cert-v4-plus-gbt35275-tampered.ofd",
            vec![
                (
                    SesV4,
                    [
                        "failed:seal.reference_changed",
                        "passed",
                        "passed",
                        "not_checked:seal.untrusted",
                    ],
                ),
                (
                    SignedData,
                    [
                        "failed:seal.reference_changed",
                        "passed",
                        "not_checked:seal.unsupported",
                        "not_checked:seal.untrusted",
                    ],
                ),
            ],
        ),
        (
            // A non-standard digest method, and a signature over the hash, not the data.
            "other/v1-iofd-nonstandard-digest-tampered.ofd",
            vec![(
                SesV1,
                [
                    "not_checked:seal.unsupported",
                    "failed:seal.signer_signature",
                    "passed",
                    "not_checked:seal.untrusted",
                ],
            )],
        ),
        (
            "other/yunnan-gbt35275-two-signatures.ofd",
            vec![(SignedData, SIGNED_NO_SEAL), (SignedData, SIGNED_NO_SEAL)],
        ),
    ];
    for (file, signatures) in expected {
        let package = Package::read(&corpus(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = verify(&package, &TrustStore::default()).unwrap();
        let found: Vec<(SignatureKind, [String; 4])> = report
            .signatures
            .iter()
            .map(|s| {
                (
                    s.kind,
                    [&s.integrity, &s.signature, &s.seal, &s.trust].map(level),
                )
            })
            .collect();
        let want: Vec<(SignatureKind, [String; 4])> = signatures
            .into_iter()
            .map(|(kind, levels)| (kind, levels.map(String::from)))
            .collect();
        assert_eq!(found, want, "{file}");
    }
}

#[test]
fn what_is_not_an_ofd_file_is_refused_as_such() {
    let pdf = corpus("other/preview-air-itinerary-not-an-invoice.pdf");
    assert!(matches!(Package::read(&pdf), Err(OfdError::NotOfd(_))));
    let xml = corpus("vat-xml/zj-033002000211-83089647-original_invoice.xml");
    assert!(matches!(Package::read(&xml), Err(OfdError::NotOfd(_))));
}

/// The seal names and signing times read from the files, as an independent reader
/// (the corpus manifest) saw them.
#[test]
fn seals_name_their_issuer_and_time() {
    let package = Package::read(&corpus("vat-ofd/zj-033002000211-83089647-2020.ofd")).unwrap();
    let report = verify(&package, &TrustStore::default()).unwrap();
    let seal = &report.signatures[0];
    assert_eq!(seal.seal_name.as_deref(), Some("国家税务总局浙江省税务局"));
    assert_eq!(
        seal.signing_time.unwrap().to_string(),
        "2020-07-23 13:09:07"
    );
    assert_eq!(seal.verified_levels(), 3);
    assert_eq!(report.verified_levels(), 3);
}

/// Every SM2 verdict on the corpus's seals (signer and seal maker) equals the
/// `openssl` command's, given the same certificate, bytes and signature.
#[test]
fn sm2_verdicts_agree_with_openssl() {
    let mut checked = 0;
    for file in [
        "vat-ofd/bj-011002680026-71500013-2020-TESTSYSTEM-5pages.ofd",
        "vat-ofd/zj-033002000211-83089647-2020.ofd",
        "vat-ofd/js-032001600511-31471858-2020.ofd",
        "other/ofdrw-testseal-two-sequential-seals.ofd",
        "other/realestate-cert-v4-plus-gbt35275-tampered.ofd",
        "other/v1-iofd-nonstandard-digest-tampered.ofd",
    ] {
        let package = Package::read(&corpus(file)).unwrap();
        let values: Vec<String> = package
            .names()
            .filter(|n| n.ends_with("SignedValue.dat"))
            .map(String::from)
            .collect();
        for name in values {
            let Ok(ses) = SesSignature::parse(package.get(&name).unwrap()) else {
                continue;
            };
            for (cert, message, signature) in [
                (&ses.signer_cert, &ses.to_sign, &ses.signature),
                (
                    &ses.seal.maker_cert,
                    &ses.seal.maker_message,
                    &ses.seal.maker_signature,
                ),
            ] {
                let key = Certificate::parse(cert).unwrap().public_key;
                let ours = sm::verify(&key, message, signature);
                let theirs = openssl_sm2_verify(cert, message, signature);
                assert_eq!(ours, theirs, "{file} {name}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "{checked}");
}
