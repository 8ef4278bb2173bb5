use crate::support::*;
use piaojia_import::{read_file, FileFormat, ImportError, ReceiptKind};
use piaojia_ofd::TrustStore;

/// Every corpus invoice reads into the one model with the key, date and total the
/// file itself states, and its seals' levels (no root trusted: at most three).
#[test]
fn every_corpus_invoice_reads_with_its_key_and_seal_levels() {
    // file, kind, code, number, date, total (fen), verified levels
    let expected = [
        (
            "vat-ofd/bj-011002680026-71500013-2020-TESTSYSTEM-5pages.ofd",
            ReceiptKind::VatInvoice,
            "011002680026",
            "71500013",
            "2020-02-20",
            1_000_000,
            0,
        ),
        (
            "vat-ofd/cq-050001700111-12235358-2020-TESTSYSTEM-5pages.ofd",
            ReceiptKind::VatInvoice,
            "050001700111",
            "12235358",
            "2020-08-05",
            1_060_000,
            3,
        ),
        (
            "vat-ofd/cq-050001700111-99999951-2020-TESTSYSTEM.ofd",
            ReceiptKind::VatInvoice,
            "050001700111",
            "99999951",
            "2020-10-10",
            31_800,
            3,
        ),
        (
            "vat-ofd/js-032001600511-31471858-2020.ofd",
            ReceiptKind::VatInvoice,
            "032001600511",
            "31471858",
            "2020-10-04",
            20_000,
            3,
        ),
        (
            "vat-ofd/zj-033002000211-83089647-2020.ofd",
            ReceiptKind::VatInvoice,
            "033002000211",
            "83089647",
            "2020-07-23",
            52_600,
            3,
        ),
        (
            "vat-ofd/sdp-24112000000048542163-2024-zhuanpiao-unsigned.ofd",
            ReceiptKind::DigitalInvoice,
            "",
            "24112000000048542163",
            "2024-05-28",
            444_900,
            0,
        ),
        (
            "vat-ofd/sdp-24412000000243455703-2024-zhuanpiao-unsigned.ofd",
            ReceiptKind::DigitalInvoice,
            "",
            "24412000000243455703",
            "2024-12-31",
            18_000,
            0,
        ),
        (
            "other/invoice-template-seal-stripped.ofd",
            ReceiptKind::VatInvoice,
            "050001700111",
            "12235358",
            "2020-08-05",
            1_060_000,
            0,
        ),
        (
            "other/invoice-no-page-container.ofd",
            ReceiptKind::VatInvoice,
            "031001900511",
            "04875996",
            "2020-04-20",
            5_700,
            0,
        ),
        (
            "vat-xml/cq-050001700111-12235358-TESTSYSTEM-original_invoice.xml",
            ReceiptKind::VatInvoice,
            "050001700111",
            "12235358",
            "2020-08-05",
            1_060_000,
            0,
        ),
        (
            "vat-xml/zj-033002000211-83089647-original_invoice.xml",
            ReceiptKind::VatInvoice,
            "033002000211",
            "83089647",
            "2020-07-23",
            52_600,
            0,
        ),
    ];
    for (file, kind, code, number, date, total, levels) in expected {
        let read = read_file(&corpus(file), &TrustStore::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let e = &read.elements;
        assert_eq!(
            (
                e.kind,
                e.code.as_str(),
                e.number.as_str(),
                e.issued_on.to_string(),
                e.total_fen
            ),
            (kind, code, number, date.to_string(), Some(total)),
            "{file}"
        );
        assert!(!e.reference_only);
        let expected_format = if file.ends_with(".xml") {
            FileFormat::Xml
        } else {
            FileFormat::Ofd
        };
        assert_eq!(read.format, expected_format, "{file}");
        assert_eq!(
            read.seals.as_ref().map_or(0, |s| s.verified_levels()),
            levels,
            "{file}"
        );
    }
    let zj = read_file(
        &corpus("vat-ofd/zj-033002000211-83089647-2020.ofd"),
        &TrustStore::default(),
    )
    .unwrap();
    let seller = zj.elements.issuer.unwrap();
    assert!(!seller.name.is_empty() && seller.id.is_some());
    assert!(
        zj.elements
            .fields
            .iter()
            .any(|(name, value)| name == "二维码"
                && value.starts_with("01,10,033002000211,83089647,"))
    );
}

/// Sealed documents that are not receipts, and the preview PDF of an air ticket
/// (no embedded record), are refused as holding no receipt data.
#[test]
fn corpus_files_that_are_not_receipts_are_refused_with_the_reason() {
    for file in [
        "other/realestate-cert-v4-plus-gbt35275-tampered.ofd",
        "other/yunnan-gbt35275-two-signatures.ofd",
        "other/ofdrw-testseal-two-sequential-seals.ofd",
        "other/redacted-wuhan-metro-invoice.ofd",
        "other/preview-air-itinerary-not-an-invoice.pdf",
    ] {
        let error = read_file(&corpus(file), &TrustStore::default()).unwrap_err();
        assert!(
            matches!(error, ImportError::NoReceiptData(_)),
            "{file}: {error:?}"
        );
        assert_eq!(error.code(), "no_receipt_data");
    }
    let seal_file =
        read_file(&corpus("other/seals/UserV4.esl"), &TrustStore::default()).unwrap_err();
    assert_eq!(seal_file, ImportError::UnknownFormat);
}
