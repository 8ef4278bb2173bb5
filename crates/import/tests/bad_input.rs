use crate::support::*;
use piaojia_import::testkit::{fiscal_xml, pdf_with_attachment, FiscalSpec};
use piaojia_import::{read_file, ImportError, MAX_FILE};
use piaojia_ofd::testkit::{noise, Tamper};
use piaojia_ofd::TrustStore;

fn refused(bytes: &[u8]) -> ImportError {
    read_file(bytes, &TrustStore::default()).expect_err("refused")
}

#[test]
fn empty_random_and_truncated_files_are_refused_with_a_typed_error() {
    assert_eq!(refused(b""), ImportError::Empty);
    assert_eq!(refused(&noise(1, 4096)), ImportError::UnknownFormat);
    let pki = pki();
    let ofd = sealed_ofd(&pki, &fiscal_xml(&FiscalSpec::hospital(1)), Tamper::Nothing);
    assert!(matches!(
        refused(&ofd[..ofd.len() / 2]),
        ImportError::Ofd(_)
    ));
    let pdf = pdf_with_attachment(
        "a.xml",
        fiscal_xml(&FiscalSpec::hospital(1)).as_bytes(),
        true,
    );
    let mut broken = pdf[..40].to_vec();
    broken.extend(noise(2, 2000));
    assert!(matches!(refused(&broken), ImportError::Pdf(_)));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(noise(3, 100));
    assert!(matches!(refused(&png), ImportError::Picture(_)));
}

#[test]
fn a_file_above_the_limit_is_refused_unread() {
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(MAX_FILE as usize + 1, b' ');
    assert!(matches!(refused(&big), ImportError::TooLarge { .. }));
}

#[test]
fn xml_tricks_and_broken_elements_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><EInvoice>&b;</EInvoice>"#;
    assert!(matches!(refused(bomb.as_bytes()), ImportError::Xml(_)));
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    assert!(matches!(refused(deep.as_bytes()), ImportError::Xml(_)));
    let mut spec = FiscalSpec::hospital(1);
    spec.number = "12345".into();
    assert_eq!(
        refused(fiscal_xml(&spec).as_bytes()),
        ImportError::BadElement { field: "number" }
    );
    let wrong_amount =
        fiscal_xml(&FiscalSpec::hospital(1)).replace("<TotalAmount>125.50<", "<TotalAmount>1,25<");
    assert_eq!(
        refused(wrong_amount.as_bytes()),
        ImportError::BadElement { field: "total" }
    );
    assert!(matches!(
        refused(b"<html><body>hi</body></html>"),
        ImportError::NoReceiptData(_)
    ));
}

/// An embedded file that inflates past the bound is not read: the PDF holds no
/// receipt Piaojia will take, and memory stays bounded.
#[test]
fn a_pdf_attachment_that_inflates_too_far_is_not_read() {
    let mut huge = fiscal_xml(&FiscalSpec::hospital(1)).into_bytes();
    huge.extend(std::iter::repeat_n(b' ', 40 << 20));
    let pdf = pdf_with_attachment("bomb.xml", &huge, true);
    assert!(pdf.len() < 1 << 20, "compressed to {} bytes", pdf.len());
    assert!(matches!(refused(&pdf), ImportError::NoReceiptData(_)));
}
