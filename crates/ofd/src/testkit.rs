//! A maker of sealed OFD files for tests and benchmarks (feature `testkit`): a test
//! CA, seal makers and signers with SM2 keys, seals and signatures in the V1 and V4
//! layouts with DER or raw signatures, and each kind of damage a verifier must name.
//! Keys come from a seed, so every file is the same on every run.

use crate::der::{
    element, BIT_STRING, GENERALIZED_TIME, IA5_STRING, INTEGER, OCTET_STRING, OID, SEQUENCE, SET,
    UTC_TIME, UTF8_STRING,
};
use crate::ses::SesVersion;
use crate::sm::{sm3, DEFAULT_SIGNER_ID};
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use sm2::dsa::signature::Signer;
use sm2::elliptic_curve::sec1::ToEncodedPoint;
use std::io::Write;

/// DER contents of the OIDs used.
const OID_SM3_WITH_SM2: &[u8] = &[0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_SM2_CURVE: &[u8] = &[0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];

/// Bytes that look random, the same for the same seed (xorshift64), for inputs
/// nobody would write on purpose.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

pub struct Key(sm2::dsa::SigningKey);

impl Key {
    /// A key derived from a label (the same label, the same key).
    pub fn from_label(label: &str) -> Key {
        let secret = sm3(format!("piaojia test key {label}").as_bytes());
        Key(sm2::dsa::SigningKey::from_slice(DEFAULT_SIGNER_ID, &secret).expect("a valid scalar"))
    }

    pub fn public_sec1(&self) -> Vec<u8> {
        self.0
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }

    /// An SM2 signature, as DER `SEQUENCE { r, s }` or as raw `r ‖ s`.
    pub fn sign(&self, message: &[u8], raw: bool) -> Vec<u8> {
        let signature: sm2::dsa::Signature = self.0.sign(message);
        let bytes = signature.to_bytes();
        if raw {
            return bytes.to_vec();
        }
        element(
            SEQUENCE,
            &[
                unsigned_integer(&bytes[..32]),
                unsigned_integer(&bytes[32..]),
            ]
            .concat(),
        )
    }
}

/// A non-negative INTEGER in minimal DER.
fn unsigned_integer(big_endian: &[u8]) -> Vec<u8> {
    let start = big_endian
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(big_endian.len() - 1);
    let mut out = big_endian[start..].to_vec();
    if out[0] & 0x80 != 0 {
        out.insert(0, 0);
    }
    element(INTEGER, &out)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    element(BIT_STRING, &[&[0u8][..], bytes].concat())
}

fn name(common_name: &str) -> Vec<u8> {
    let attribute = element(
        SEQUENCE,
        &[
            element(OID, OID_COMMON_NAME),
            element(UTF8_STRING, common_name.as_bytes()),
        ]
        .concat(),
    );
    element(SEQUENCE, &element(SET, &attribute))
}

fn generalized(at: NaiveDateTime) -> Vec<u8> {
    element(
        GENERALIZED_TIME,
        at.format("%Y%m%d%H%M%SZ").to_string().as_bytes(),
    )
}

fn utc(at: NaiveDateTime) -> Vec<u8> {
    element(UTC_TIME, at.format("%y%m%d%H%M%SZ").to_string().as_bytes())
}

fn sm3_with_sm2() -> Vec<u8> {
    element(OID, OID_SM3_WITH_SM2)
}

/// An X.509 v3 certificate with an SM2 key, signed by `issuer_key`.
pub fn certificate(
    serial: u32,
    subject: &str,
    subject_key: &Key,
    issuer: &str,
    issuer_key: &Key,
    not_before: NaiveDateTime,
    not_after: NaiveDateTime,
) -> Vec<u8> {
    let algorithm = element(SEQUENCE, &sm3_with_sm2());
    let spki = element(
        SEQUENCE,
        &[
            element(
                SEQUENCE,
                &[element(OID, OID_EC_PUBLIC_KEY), element(OID, OID_SM2_CURVE)].concat(),
            ),
            bit_string(&subject_key.public_sec1()),
        ]
        .concat(),
    );
    let tbs = element(
        SEQUENCE,
        &[
            element(0xa0, &element(INTEGER, &[2])),
            unsigned_integer(&serial.to_be_bytes()),
            algorithm.clone(),
            name(issuer),
            element(SEQUENCE, &[utc(not_before), utc(not_after)].concat()),
            name(subject),
            spki,
        ]
        .concat(),
    );
    let signature = issuer_key.sign(&tbs, false);
    element(SEQUENCE, &[tbs, algorithm, bit_string(&signature)].concat())
}

/// What to damage in a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    Nothing,
    /// A page's content changed after sealing.
    Page,
    /// The attached invoice XML changed after sealing.
    Attachment,
    /// Signature.xml changed after signing.
    SignatureXml,
    /// The signature made by a key other than the signer certificate's.
    SignerKey,
    /// The signer's certificate expired before the signing time.
    ExpiredCertificate,
    /// The seal signed by a key other than its maker certificate's.
    SealKey,
    /// A reference to a file the package does not hold.
    MissingReference,
    /// A page that no reference names.
    UnprotectedPage,
}

/// One file to make.
#[derive(Debug, Clone)]
pub struct Spec {
    pub version: SesVersion,
    /// Raw `r ‖ s` signatures instead of DER.
    pub raw_signatures: bool,
    pub tamper: Tamper,
    pub signing_time: NaiveDateTime,
    /// The attached invoice (`Doc_0/Attachs/original_invoice.xml`).
    pub invoice_xml: String,
    /// Text on the page.
    pub page_text: String,
}

/// The test CA, a seal maker and a signer, each with a certificate.
pub struct TestPki {
    pub root_key: Key,
    pub root_cert: Vec<u8>,
    pub maker_key: Key,
    pub maker_cert: Vec<u8>,
    pub signer_key: Key,
    pub signer_cert: Vec<u8>,
    pub expired_signer_cert: Vec<u8>,
}

pub const ROOT_NAME: &str = "Piaojia Test Seal Root CA";

impl TestPki {
    pub fn new(valid_from: NaiveDateTime) -> TestPki {
        let root_key = Key::from_label("root");
        let maker_key = Key::from_label("seal maker");
        let signer_key = Key::from_label("signer");
        let far = valid_from + Duration::days(3650);
        let root_cert = certificate(
            1, ROOT_NAME, &root_key, ROOT_NAME, &root_key, valid_from, far,
        );
        let maker_cert = certificate(
            2,
            "Piaojia Test Seal Maker",
            &maker_key,
            ROOT_NAME,
            &root_key,
            valid_from,
            far,
        );
        let signer_cert = certificate(
            3,
            "Piaojia Test Hospital",
            &signer_key,
            ROOT_NAME,
            &root_key,
            valid_from,
            far,
        );
        let expired_signer_cert = certificate(
            4,
            "Piaojia Test Hospital",
            &signer_key,
            ROOT_NAME,
            &root_key,
            valid_from,
            valid_from + Duration::days(1),
        );
        TestPki {
            root_key,
            root_cert,
            maker_key,
            maker_cert,
            signer_key,
            signer_cert,
            expired_signer_cert,
        }
    }
}

/// A 1x1 PNG, the seal's picture.
const SEAL_PICTURE: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn seal(pki: &TestPki, spec: &Spec, signer_cert: &[u8]) -> Vec<u8> {
    let start = spec.signing_time - Duration::days(30);
    let end = spec.signing_time + Duration::days(365);
    let time = |at| match spec.version {
        SesVersion::V1 => utc(at),
        SesVersion::V4 => generalized(at),
    };
    let version: u8 = match spec.version {
        SesVersion::V1 => 1,
        SesVersion::V4 => 4,
    };
    let header = element(
        SEQUENCE,
        &[
            element(IA5_STRING, b"ES"),
            element(INTEGER, &[version]),
            element(IA5_STRING, b"piaojia-test"),
        ]
        .concat(),
    );
    let cert_list = element(SEQUENCE, &element(OCTET_STRING, signer_cert));
    let mut property = vec![
        element(INTEGER, &[1]),
        element(UTF8_STRING, "票夹测试医院财务专用章".as_bytes()),
    ];
    if spec.version == SesVersion::V4 {
        property.push(element(INTEGER, &[1]));
    }
    property.extend([cert_list, time(start), time(start), time(end)]);
    let picture = element(
        SEQUENCE,
        &[
            element(IA5_STRING, b"PNG"),
            element(OCTET_STRING, SEAL_PICTURE),
            element(INTEGER, &[40]),
            element(INTEGER, &[40]),
        ]
        .concat(),
    );
    let info = element(
        SEQUENCE,
        &[
            header,
            element(IA5_STRING, b"33010000000001"),
            element(SEQUENCE, &property.concat()),
            picture,
        ]
        .concat(),
    );
    let maker_key = if spec.tamper == Tamper::SealKey {
        Key::from_label("someone else's seal maker")
    } else {
        Key::from_label("seal maker")
    };
    let cert = element(OCTET_STRING, &pki.maker_cert);
    match spec.version {
        SesVersion::V4 => {
            let signature = maker_key.sign(&info, spec.raw_signatures);
            element(
                SEQUENCE,
                &[info, cert, sm3_with_sm2(), bit_string(&signature)].concat(),
            )
        }
        SesVersion::V1 => {
            let message = element(
                SEQUENCE,
                &[info.clone(), cert.clone(), sm3_with_sm2()].concat(),
            );
            let signature = maker_key.sign(&message, spec.raw_signatures);
            let sign_info = element(
                SEQUENCE,
                &[cert, sm3_with_sm2(), bit_string(&signature)].concat(),
            );
            element(SEQUENCE, &[info, sign_info].concat())
        }
    }
}

fn signed_value(pki: &TestPki, spec: &Spec, signature_xml: &[u8]) -> Vec<u8> {
    let signer_cert = if spec.tamper == Tamper::ExpiredCertificate {
        &pki.expired_signer_cert
    } else {
        &pki.signer_cert
    };
    let signer_key = if spec.tamper == Tamper::SignerKey {
        Key::from_label("someone else")
    } else {
        Key::from_label("signer")
    };
    let eseal = seal(pki, spec, signer_cert);
    let data_hash = bit_string(&sm3(signature_xml));
    let cert = element(OCTET_STRING, signer_cert);
    let property = element(IA5_STRING, b"/Doc_0/Signs/Sign_0/Signature.xml");
    match spec.version {
        SesVersion::V4 => {
            let to_sign = element(
                SEQUENCE,
                &[
                    element(INTEGER, &[4]),
                    eseal,
                    generalized(spec.signing_time),
                    data_hash,
                    property,
                ]
                .concat(),
            );
            let signature = signer_key.sign(&to_sign, spec.raw_signatures);
            element(
                SEQUENCE,
                &[to_sign, cert, sm3_with_sm2(), bit_string(&signature)].concat(),
            )
        }
        SesVersion::V1 => {
            let time = spec.signing_time.format("%Y%m%d%H%M%SZ").to_string();
            let to_sign = element(
                SEQUENCE,
                &[
                    element(INTEGER, &[1]),
                    eseal,
                    bit_string(time.as_bytes()),
                    data_hash,
                    property,
                    cert,
                    sm3_with_sm2(),
                ]
                .concat(),
            );
            let signature = signer_key.sign(&to_sign, spec.raw_signatures);
            element(SEQUENCE, &[to_sign, bit_string(&signature)].concat())
        }
    }
}

fn page(text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2"><ofd:TextObject ID="3" Boundary="10 10 180 10" Font="4" Size="4.2"><ofd:TextCode X="0" Y="4">{text}</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>"#
    )
}

/// A sealed OFD file as `spec` says.
pub fn make_ofd(pki: &TestPki, spec: &Spec) -> Vec<u8> {
    let ns = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "OFD.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD {ns} DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo><ofd:DocID>piaojia-test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"#).into_bytes(),
        ),
        (
            "Doc_0/Document.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>10</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages><ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>"#).into_bytes(),
        ),
        ("Doc_0/Pages/Page_0/Content.xml".into(), page(&spec.page_text).into_bytes()),
        (
            "Doc_0/Attachs/Attachments.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Attachments {ns}><ofd:Attachment ID="9" Name="original_invoice" Format="xml"><ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"#).into_bytes(),
        ),
        ("Doc_0/Attachs/original_invoice.xml".into(), spec.invoice_xml.clone().into_bytes()),
        (
            "Doc_0/Signs/Signatures.xml".into(),
            format!(r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signatures {ns}><ofd:MaxSignId>1</ofd:MaxSignId><ofd:Signature ID="1" Type="Seal" BaseLoc="Sign_0/Signature.xml"/></ofd:Signatures>"#).into_bytes(),
        ),
    ];
    let mut references = String::new();
    for (name, bytes) in &files {
        let value = base64::engine::general_purpose::STANDARD.encode(sm3(bytes));
        references.push_str(&format!(
            r#"<ofd:Reference FileRef="/{name}"><ofd:CheckValue>{value}</ofd:CheckValue></ofd:Reference>"#
        ));
    }
    if spec.tamper == Tamper::MissingReference {
        let value = base64::engine::general_purpose::STANDARD.encode(sm3(b"gone"));
        references.push_str(&format!(
            r#"<ofd:Reference FileRef="/Doc_0/Res/stamp.png"><ofd:CheckValue>{value}</ofd:CheckValue></ofd:Reference>"#
        ));
    }
    let mut signature_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Signature {ns}><ofd:SignedInfo><ofd:Provider ProviderName="piaojia-testkit" Version="1"/><ofd:SignatureMethod>1.2.156.10197.1.501</ofd:SignatureMethod><ofd:SignatureDateTime>{}</ofd:SignatureDateTime><ofd:References CheckMethod="1.2.156.10197.1.401">{references}</ofd:References><ofd:StampAnnot ID="1" PageRef="1" Boundary="140 90 40 40"/></ofd:SignedInfo><ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue></ofd:Signature>"#,
        spec.signing_time.format("%Y%m%d%H%M%SZ")
    )
    .into_bytes();
    let value = signed_value(pki, spec, &signature_xml);
    // Damage after sealing.
    match spec.tamper {
        Tamper::Page => files[2].1 = page(&format!("{}0", spec.page_text)).into_bytes(),
        Tamper::Attachment => files[4].1.extend_from_slice(b"<!-- -->"),
        Tamper::SignatureXml => {
            signature_xml = String::from_utf8(signature_xml)
                .unwrap()
                .replace("140 90 40 40", "10 10 40 40")
                .into_bytes()
        }
        Tamper::UnprotectedPage => files.push((
            "Doc_0/Pages/Page_1/Content.xml".into(),
            page("an added page").into_bytes(),
        )),
        _ => {}
    }
    files.push(("Doc_0/Signs/Sign_0/Signature.xml".into(), signature_xml));
    files.push(("Doc_0/Signs/Sign_0/SignedValue.dat".into(), value));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(&bytes).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// The repository's real files (`testdata/corpus`), found when the test runs: cargo
/// sets `CARGO_MANIFEST_DIR` for each test and benchmark it starts. The value compiled
/// in names wherever the binary was built, and a build cache shared by two checkouts
/// (CI's and a developer's) hands one checkout's test binaries to the other.
pub fn corpus_dir() -> std::path::PathBuf {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("started by cargo");
    // Every crate's manifest is two levels below the root (crates/x, tests/desktop).
    std::path::Path::new(&crate_dir).join("../../testdata/corpus")
}

/// Every OFD file of the corpus (its e-invoices and the other public OFD files),
/// in name order.
pub fn corpus_ofd_files() -> Vec<std::path::PathBuf> {
    let root = corpus_dir();
    let mut files: Vec<std::path::PathBuf> = ["vat-ofd", "other"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("the corpus"))
        .map(|entry| entry.expect("a corpus file").path())
        .filter(|path| path.extension().is_some_and(|e| e == "ofd"))
        .collect();
    files.sort();
    assert!(files.len() >= 14, "the corpus has its OFD files: {files:?}");
    files
}
