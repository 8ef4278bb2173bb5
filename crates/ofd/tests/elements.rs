use crate::support::*;
use chrono::NaiveDate;
use piaojia_ofd::{invoice_elements, ElementSource, InvoiceKind, Package};

fn elements(file: &str) -> piaojia_ofd::InvoiceElements {
    invoice_elements(&Package::read(&corpus(file)).unwrap())
        .unwrap_or_else(|| panic!("{file}: no elements"))
}

fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The elements of every corpus invoice, as the files themselves state them (their
/// attached XML, or their CustomData), amounts in fen.
#[test]
fn every_corpus_invoice_gives_its_elements() {
    // file, code, number, date, total, amount, tax, source
    let expected = [
        (
            "vat-ofd/bj-011002680026-71500013-2020-TESTSYSTEM-5pages.ofd",
            Some("011002680026"),
            "71500013",
            "2020-02-20",
            Some(1_000_000),
            Some(970_900),
            Some(29_100),
            ElementSource::AttachedXml,
        ),
        (
            "vat-ofd/cq-050001700111-12235358-2020-TESTSYSTEM-5pages.ofd",
            Some("050001700111"),
            "12235358",
            "2020-08-05",
            Some(1_060_000),
            Some(1_000_000),
            Some(60_000),
            ElementSource::AttachedXml,
        ),
        (
            "vat-ofd/cq-050001700111-99999951-2020-TESTSYSTEM.ofd",
            Some("050001700111"),
            "99999951",
            "2020-10-10",
            Some(31_800),
            Some(30_000),
            Some(1_800),
            ElementSource::AttachedXml,
        ),
        (
            "vat-ofd/js-032001600511-31471858-2020.ofd",
            Some("032001600511"),
            "31471858",
            "2020-10-04",
            Some(20_000),
            Some(19_804),
            Some(196),
            ElementSource::AttachedXml,
        ),
        (
            "vat-ofd/zj-033002000211-83089647-2020.ofd",
            Some("033002000211"),
            "83089647",
            "2020-07-23",
            Some(52_600),
            Some(51_068),
            Some(1_532),
            ElementSource::AttachedXml,
        ),
        (
            "vat-ofd/sdp-24112000000048542163-2024-zhuanpiao-unsigned.ofd",
            None,
            "24112000000048542163",
            "2024-05-28",
            Some(444_900),
            Some(419_717),
            Some(25_183),
            ElementSource::CustomData,
        ),
        (
            "vat-ofd/sdp-24412000000243455703-2024-zhuanpiao-unsigned.ofd",
            None,
            "24412000000243455703",
            "2024-12-31",
            Some(18_000),
            Some(15_929),
            Some(2_071),
            ElementSource::CustomData,
        ),
        (
            "other/invoice-template-seal-stripped.ofd",
            Some("050001700111"),
            "12235358",
            "2020-08-05",
            Some(1_060_000),
            Some(1_000_000),
            None,
            ElementSource::CustomData,
        ),
        // Tax shown as *** (exempt): no tax amount, the total as written.
        (
            "other/invoice-no-page-container.ofd",
            Some("031001900511"),
            "04875996",
            "2020-04-20",
            Some(5_700),
            Some(5_700),
            None,
            ElementSource::AttachedXml,
        ),
    ];
    for (file, code, number, date, total, amount, tax, source) in expected {
        let e = elements(file);
        assert_eq!(
            (
                e.code.as_deref(),
                e.number.as_str(),
                e.issued_on,
                e.total_fen,
                e.amount_fen,
                e.tax_fen,
                e.source
            ),
            (code, number, day(date), total, amount, tax, source),
            "{file}"
        );
        let kind = if number.len() == 20 {
            InvoiceKind::DigitalInvoice
        } else {
            InvoiceKind::VatInvoice
        };
        assert_eq!(e.kind, kind, "{file}");
    }
    let bj = elements("vat-ofd/bj-011002680026-71500013-2020-TESTSYSTEM-5pages.ofd");
    // Its attached XML leaves date, check code and buyer empty: CustomData fills them.
    assert_eq!(bj.check_code.as_deref(), Some("03272875819686271285"));
    assert_eq!(bj.buyer.as_deref(), Some("百望股份有限公司"));
    let js = elements("vat-ofd/js-032001600511-31471858-2020.ofd");
    assert_eq!(js.check_code.as_deref(), Some("01897109054748898321"));
    assert_eq!(js.seller.as_deref(), Some("新北区河海华昇印章雕刻社"));
    assert!(invoice_elements(
        &Package::read(&corpus("other/redacted-wuhan-metro-invoice.ofd")).unwrap()
    )
    .is_none());
}

/// The QR text each invoice carries agrees with its elements (01,10: the amount
/// before tax; the manifest's independent reading of the QR codes says the same).
#[test]
fn the_qr_text_agrees_with_the_elements() {
    for file in [
        "vat-ofd/cq-050001700111-99999951-2020-TESTSYSTEM.ofd",
        "vat-ofd/js-032001600511-31471858-2020.ofd",
        "vat-ofd/zj-033002000211-83089647-2020.ofd",
    ] {
        let e = elements(file);
        let qr = e.qr.clone().unwrap();
        let parts: Vec<&str> = qr.split(',').collect();
        assert_eq!(&parts[..2], ["01", "10"], "{file}");
        assert_eq!(Some(parts[2]), e.code.as_deref());
        assert_eq!(parts[3], e.number);
        assert_eq!(
            piaojia_receipt::Fen::parse_yuan(parts[4]).map(|f| f.0),
            e.amount_fen
        );
        assert_eq!(
            Some(parts[5].to_string()),
            e.issued_on.map(|d| d.format("%Y%m%d").to_string())
        );
        assert_eq!(Some(parts[6]), e.check_code.as_deref());
    }
}
