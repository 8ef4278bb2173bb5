use chrono::NaiveDateTime;
use piaojia_ofd::testkit::{make_ofd, Spec, Tamper, TestPki};
use piaojia_ofd::{Certificate, SesVersion, TrustStore};

pub fn corpus(name: &str) -> Vec<u8> {
    let path = piaojia_ofd::testkit::corpus_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

pub fn pki() -> TestPki {
    TestPki::new(at("2024-01-01 00:00:00"))
}

pub fn trusting(pki: &TestPki) -> TrustStore {
    TrustStore::new(vec![Certificate::parse(&pki.root_cert).unwrap()])
}

/// A sealed OFD file carrying `record` as its attached XML.
pub fn sealed_ofd(pki: &TestPki, record: &str, tamper: Tamper) -> Vec<u8> {
    make_ofd(
        pki,
        &Spec {
            version: SesVersion::V4,
            raw_signatures: false,
            tamper,
            signing_time: at("2025-03-14 09:26:53"),
            invoice_xml: record.to_string(),
            page_text: "浙江省医疗门诊收费票据（电子）".into(),
        },
    )
}
