use crate::generated::{pki, spec};
use piaojia_ofd::testkit::{make_ofd, Tamper};
use piaojia_ofd::{OfdError, Package, SesVersion};
use std::io::Write;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn zip_bombs_are_refused_by_size_and_by_count() {
    // 40 MB of zeros deflate to about 40 KB.
    let zeros = vec![0u8; 40 << 20];
    let bomb = zip_of(&[("OFD.xml", b"<OFD/>"), ("Doc_0/Res/big.png", &zeros)]);
    assert!(bomb.len() < 1 << 20);
    assert!(matches!(Package::read(&bomb), Err(OfdError::TooLarge(_))));

    let names: Vec<String> = (0..5000).map(|i| format!("Doc_0/Res/{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    entries.push(("OFD.xml", b"<OFD/>"));
    assert!(matches!(
        Package::read(&zip_of(&entries)),
        Err(OfdError::TooLarge(_))
    ));

    // A file far larger than any OFD, refused before it is opened.
    assert!(matches!(
        Package::read(&vec![0u8; 200 << 20]),
        Err(OfdError::TooLarge(_))
    ));
}

#[test]
fn entry_names_that_leave_the_package_are_refused() {
    for name in [
        "../evil.xml",
        "Doc_0/../../evil.xml",
        "/etc/passwd",
        "Doc_0\\..\\evil",
        "C:/evil",
    ] {
        let file = zip_of(&[("OFD.xml", b"<OFD/>"), (name, b"x")]);
        assert!(
            matches!(Package::read(&file), Err(OfdError::UnsafePath(n)) if n == name),
            "{name}"
        );
    }
}

#[test]
fn truncated_random_and_foreign_files_get_typed_errors() {
    let good = make_ofd(&pki(), &spec(SesVersion::V4, false, Tamper::Nothing));
    for cut in [10, good.len() / 3, good.len() / 2, good.len() - 10] {
        assert!(
            matches!(Package::read(&good[..cut]), Err(OfdError::Damaged(_))),
            "cut at {cut}"
        );
    }
    for seed in 0..200 {
        let mut bytes = piaojia_ofd::testkit::noise(seed, 2048);
        bytes[..2].copy_from_slice(b"PK");
        assert!(Package::read(&bytes).is_err());
    }
    assert!(matches!(
        Package::read(b"%PDF-1.7"),
        Err(OfdError::NotOfd(_))
    ));
    let no_root = zip_of(&[("Doc_0/Document.xml", b"<Document/>")]);
    assert!(matches!(Package::read(&no_root), Err(OfdError::NotOfd(_))));
}

/// Damage inside a sealed file's parts: hostile XML and garbage seals give an error
/// or a failed level, never a panic.
#[test]
fn hostile_parts_inside_a_package_fail_cleanly() {
    let lol = br#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><ofd:OFD>&b;</ofd:OFD>"#;
    let file = zip_of(&[("OFD.xml", lol)]);
    let package = Package::read(&file).unwrap();
    assert!(matches!(
        piaojia_ofd::verify(&package, &Default::default()),
        Err(OfdError::Xml { .. })
    ));
    let ofd = br#"<ofd:OFD xmlns:ofd="x"><ofd:DocBody><ofd:Signatures>Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"#;
    let list = br#"<Signatures><Signature BaseLoc="Sign_0/Signature.xml"/></Signatures>"#;
    let signature = br#"<Signature><SignedInfo><References><Reference FileRef="/OFD.xml"><CheckValue>!!</CheckValue></Reference></References></SignedInfo><SignedValue>SignedValue.dat</SignedValue></Signature>"#;
    for value in [
        &b""[..],
        b"\x30\x03\x02\x01\x01",
        b"\x30\x84\xff\xff\xff\xff",
        &[0x30; 64][..],
    ] {
        let file = zip_of(&[
            ("OFD.xml", ofd),
            ("Signs/Signatures.xml", list),
            ("Signs/Sign_0/Signature.xml", signature),
            ("Signs/Sign_0/SignedValue.dat", value),
        ]);
        let report =
            piaojia_ofd::verify(&Package::read(&file).unwrap(), &Default::default()).unwrap();
        let seal = &report.signatures[0];
        assert!(!seal.integrity.passed());
        assert!(!seal.signature.passed());
        assert_eq!(report.verified_levels(), 0);
    }
}
