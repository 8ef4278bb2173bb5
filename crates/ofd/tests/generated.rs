use crate::support::*;
use chrono::NaiveDateTime;
use piaojia_ofd::testkit::{make_ofd, Spec, Tamper, TestPki};
use piaojia_ofd::{
    certificates_in, verify, Certificate, Level, Package, SesSignature, SesVersion, TrustStore,
};

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

pub fn pki() -> TestPki {
    TestPki::new(at("2024-01-01 00:00:00"))
}

pub fn spec(version: SesVersion, raw_signatures: bool, tamper: Tamper) -> Spec {
    Spec {
        version,
        raw_signatures,
        tamper,
        signing_time: at("2025-03-14 09:26:53"),
        invoice_xml: "<EInvoice><Header><EInvoiceTag>CZ-EI-33</EInvoiceTag></Header></EInvoice>"
            .into(),
        page_text: "浙江省医疗门诊收费票据（电子）".into(),
    }
}

fn trusting(pki: &TestPki) -> TrustStore {
    TrustStore::new(vec![Certificate::parse(&pki.root_cert).unwrap()])
}

const LAYOUTS: [(SesVersion, bool); 4] = [
    (SesVersion::V1, false),
    (SesVersion::V1, true),
    (SesVersion::V4, false),
    (SesVersion::V4, true),
];

#[test]
fn sealed_files_reach_every_level_in_both_layouts_and_encodings() {
    let pki = pki();
    for (version, raw) in LAYOUTS {
        let file = make_ofd(&pki, &spec(version, raw, Tamper::Nothing));
        let package = Package::read(&file).unwrap();
        let report = verify(&package, &trusting(&pki)).unwrap();
        assert_eq!(report.signatures.len(), 1);
        let seal = &report.signatures[0];
        assert_eq!(
            [&seal.integrity, &seal.signature, &seal.seal, &seal.trust],
            [&Level::Passed; 4],
            "{version:?} raw={raw}"
        );
        assert_eq!(report.verified_levels(), 4);
        assert_eq!(seal.seal_name.as_deref(), Some("票夹测试医院财务专用章"));
        assert_eq!(seal.signing_time, Some(at("2025-03-14 09:26:53")));

        // No root trusted: the first three levels hold, trust is not reached.
        let untrusted = verify(&package, &TrustStore::default()).unwrap();
        let seal = &untrusted.signatures[0];
        assert!(matches!(&seal.trust, Level::NotChecked(e) if e.code() == "seal.untrusted"));
        assert_eq!(untrusted.verified_levels(), 3);
    }
}

/// Each kind of damage fails the level it belongs to, with its own error, in every
/// layout, and leaves the levels it does not touch as they were.
#[test]
fn each_kind_of_damage_fails_its_level_with_its_error() {
    let pki = pki();
    let cases = [
        (Tamper::Page, 0, "seal.reference_changed"),
        (Tamper::Attachment, 0, "seal.reference_changed"),
        (Tamper::MissingReference, 0, "seal.reference_missing"),
        (Tamper::UnprotectedPage, 0, "seal.unprotected"),
        (Tamper::SignatureXml, 1, "seal.data_hash"),
        (Tamper::SignerKey, 1, "seal.signer_signature"),
        (Tamper::SealKey, 2, "seal.maker_signature"),
        (Tamper::ExpiredCertificate, 2, "seal.certificate_not_valid"),
    ];
    for (version, raw) in LAYOUTS {
        for (tamper, failing, code) in cases {
            let file = make_ofd(&pki, &spec(version, raw, tamper));
            let report = verify(&Package::read(&file).unwrap(), &trusting(&pki)).unwrap();
            let seal = &report.signatures[0];
            let levels = [&seal.integrity, &seal.signature, &seal.seal];
            for (index, level) in levels.iter().enumerate() {
                if index == failing {
                    assert!(
                        matches!(level, Level::Failed(e) if e.code() == code),
                        "{tamper:?} {version:?} raw={raw}: level {} is {level:?}",
                        index + 1
                    );
                } else {
                    assert_eq!(
                        **level,
                        Level::Passed,
                        "{tamper:?} {version:?} raw={raw}: level {}",
                        index + 1
                    );
                }
            }
            assert!(report.verified_levels() < 4, "{tamper:?}");
        }
    }
    // The damaged page is named.
    let file = make_ofd(&pki, &spec(SesVersion::V4, false, Tamper::Page));
    let report = verify(&Package::read(&file).unwrap(), &trusting(&pki)).unwrap();
    assert_eq!(
        report.signatures[0].integrity,
        Level::Failed(piaojia_ofd::OfdError::ReferenceChanged(
            "/Doc_0/Pages/Page_0/Content.xml".into()
        ))
    );
}

/// The generated certificates read in `openssl x509`, and the `openssl` command
/// agrees with our SM2 on good signatures and on one made with the wrong key.
#[test]
fn generated_signatures_verify_with_openssl() {
    let pki = pki();
    for (version, raw) in LAYOUTS {
        for tamper in [Tamper::Nothing, Tamper::SignerKey, Tamper::SealKey] {
            let file = make_ofd(&pki, &spec(version, raw, tamper));
            let package = Package::read(&file).unwrap();
            let ses =
                SesSignature::parse(package.get("Doc_0/Signs/Sign_0/SignedValue.dat").unwrap())
                    .unwrap();
            assert_eq!(ses.version, version);
            let signer_ok = openssl_sm2_verify(&ses.signer_cert, &ses.to_sign, &ses.signature);
            let maker_ok = openssl_sm2_verify(
                &ses.seal.maker_cert,
                &ses.seal.maker_message,
                &ses.seal.maker_signature,
            );
            assert_eq!(
                signer_ok,
                tamper != Tamper::SignerKey,
                "{version:?} {tamper:?}"
            );
            assert_eq!(
                maker_ok,
                tamper != Tamper::SealKey,
                "{version:?} {tamper:?}"
            );
        }
    }
}

/// A root given as a PEM file (as `openssl` writes it) is trusted like one in DER.
#[test]
fn roots_load_from_pem_files() {
    let pki = pki();
    let dir = tempfile::tempdir().unwrap();
    let der_path = dir.path().join("root.der");
    std::fs::write(&der_path, &pki.root_cert).unwrap();
    let pem = std::process::Command::new("openssl")
        .args(["x509", "-inform", "DER", "-outform", "PEM", "-in"])
        .arg(&der_path)
        .output()
        .unwrap();
    assert!(pem.status.success());
    let roots = certificates_in(&pem.stdout).unwrap();
    assert_eq!(roots.len(), 1);
    assert_eq!(roots[0].der, pki.root_cert);
    assert_eq!(roots[0].subject, "CN=Piaojia Test Seal Root CA");
    let file = make_ofd(&pki, &spec(SesVersion::V4, false, Tamper::Nothing));
    let report = verify(&Package::read(&file).unwrap(), &TrustStore::new(roots)).unwrap();
    assert_eq!(report.verified_levels(), 4);
    // Another CA's root vouches for nothing here.
    let other = piaojia_ofd::testkit::certificate(
        9,
        "Another CA",
        &piaojia_ofd::testkit::Key::from_label("another"),
        "Another CA",
        &piaojia_ofd::testkit::Key::from_label("another"),
        at("2020-01-01 00:00:00"),
        at("2040-01-01 00:00:00"),
    );
    let report = verify(
        &Package::read(&file).unwrap(),
        &TrustStore::new(vec![Certificate::parse(&other).unwrap()]),
    )
    .unwrap();
    assert_eq!(report.verified_levels(), 3);
}
