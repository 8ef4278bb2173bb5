use crate::support::*;
use chrono::NaiveDate;
use piaojia_import::testkit::{
    digital_xml, fiscal_xml, pdf_with_attachment, pdf_with_qr_image, qr_picture, FiscalSpec,
};
use piaojia_import::{read_file, xml_elements, FileFormat, ImportError, Item, ReceiptKind};
use piaojia_ofd::testkit::Tamper;
use piaojia_ofd::TrustStore;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn a_fiscal_record_gives_its_elements_but_not_the_payers_id_number() {
    let spec = FiscalSpec::hospital(42);
    let e = xml_elements("x.xml", fiscal_xml(&spec).as_bytes()).unwrap();
    assert_eq!(e.kind, ReceiptKind::FiscalReceipt);
    assert_eq!(e.province.as_deref(), Some("330000"));
    assert_eq!(e.key(), ("33060124", "0000000042"));
    assert_eq!(e.check_code.as_deref(), Some("A1B2C3"));
    assert_eq!((e.issued_on, e.total_fen), (day(2024, 3, 1), Some(12_550)));
    assert_eq!(e.issuer.as_ref().unwrap().name, "票夹测试人民医院");
    let payer = e.payer.as_ref().unwrap();
    assert_eq!((payer.name.as_str(), payer.id.as_deref()), ("张三", None));
    assert_eq!(
        e.items,
        vec![
            Item {
                name: "西药费".into(),
                amount_fen: Some(10_050)
            },
            Item {
                name: "检查费".into(),
                amount_fen: Some(2_500)
            },
        ]
    );
    let json = serde_json::to_string(&e).unwrap();
    assert!(
        !json.contains("330106199001011234"),
        "the ID number stays in the file only"
    );
    // The medical extension and the rest stay readable as fields.
    assert!(e
        .fields
        .contains(&("MedicalCareType".into(), "门诊".into())));
    assert!(e.fields.contains(&("Handler".into(), "李四".into())));
}

#[test]
fn a_digital_invoice_record_gives_its_elements() {
    let xml = digital_xml(
        "24322000000012345678",
        day(2024, 6, 1),
        10_600,
        "南京某某餐饮有限公司",
    );
    let e = xml_elements("x.xml", xml.as_bytes()).unwrap();
    assert_eq!(e.kind, ReceiptKind::DigitalInvoice);
    assert_eq!(e.key(), ("", "24322000000012345678"));
    assert_eq!((e.issued_on, e.total_fen), (day(2024, 6, 1), Some(10_600)));
    assert_eq!(e.issuer.unwrap().name, "南京某某餐饮有限公司");
    assert_eq!(e.payer.unwrap().id.as_deref(), Some("91330000MA2YYYYY1Y"));
    assert_eq!(e.items[0].amount_fen, Some(10_000));
}

#[test]
fn a_sealed_fiscal_ofd_reads_its_record_and_reaches_every_offline_level() {
    let pki = pki();
    let record = fiscal_xml(&FiscalSpec::hospital(7));
    let bytes = sealed_ofd(&pki, &record, Tamper::Nothing);
    let read = read_file(&bytes, &trusting(&pki)).unwrap();
    assert_eq!(read.format, FileFormat::Ofd);
    assert_eq!(read.elements.kind, ReceiptKind::FiscalReceipt);
    assert_eq!(read.elements.number, "0000000007");
    assert_eq!(read.seals.as_ref().unwrap().verified_levels(), 4);
    // Without the root: three levels, the fourth says why.
    let untrusted = read_file(&bytes, &TrustStore::default()).unwrap();
    assert_eq!(untrusted.seals.unwrap().verified_levels(), 3);
    // A changed attached record: the elements are still read, the seal says no.
    let changed = read_file(
        &sealed_ofd(&pki, &record, Tamper::Attachment),
        &trusting(&pki),
    )
    .unwrap();
    assert_eq!(changed.seals.unwrap().verified_levels(), 0);
}

#[test]
fn a_pdf_with_an_embedded_record_reads_it_compressed_or_not() {
    let record = fiscal_xml(&FiscalSpec::hospital(9));
    for compress in [false, true] {
        let pdf = pdf_with_attachment("invoice.xml", record.as_bytes(), compress);
        let read = read_file(&pdf, &TrustStore::default()).unwrap();
        assert_eq!(read.format, FileFormat::Pdf);
        assert_eq!(read.elements.key(), ("33060124", "0000000009"));
        assert!(read.seals.is_none());
    }
    let vat = corpus("vat-xml/zj-033002000211-83089647-original_invoice.xml");
    let read = read_file(
        &pdf_with_attachment("original_invoice.xml", &vat, true),
        &TrustStore::default(),
    )
    .unwrap();
    assert_eq!(read.elements.key(), ("033002000211", "83089647"));
    // A PDF whose attachment is something else holds no receipt.
    let other = pdf_with_attachment("notes.txt", b"hello", false);
    assert!(matches!(
        read_file(&other, &TrustStore::default()),
        Err(ImportError::NoReceiptData(_))
    ));
}

#[test]
fn a_picture_of_a_qr_code_gives_a_reference_entry() {
    for jpeg in [false, true] {
        let payload = "01,10,033002000211,83089647,510.68,20200723,59490376473052810853,F7AB,";
        let read = read_file(&qr_picture(payload, jpeg), &TrustStore::default()).unwrap();
        assert_eq!(
            read.format,
            if jpeg {
                FileFormat::Jpeg
            } else {
                FileFormat::Png
            }
        );
        let e = read.elements;
        assert!(e.reference_only);
        assert_eq!(e.key(), ("033002000211", "83089647"));
        assert_eq!(e.issued_on, day(2020, 7, 23));
        assert_eq!(e.check_code.as_deref(), Some("59490376473052810853"));
    }
    let other = qr_picture("https://example.com/", false);
    assert_eq!(
        read_file(&other, &TrustStore::default()).unwrap_err(),
        ImportError::UnknownQrCode
    );
}

/// A PDF with no embedded record but the QR code drawn on its page as an image
/// (JPEG or compressed grey samples) gives the same reference entry as a photo.
#[test]
fn the_qr_code_drawn_on_a_pdf_page_gives_a_reference_entry() {
    let payload = "01,32,,24322000000012345678,106.00,20240601,,ABCD";
    for jpeg in [false, true] {
        let read = read_file(&pdf_with_qr_image(payload, jpeg), &TrustStore::default()).unwrap();
        assert_eq!(read.format, FileFormat::Pdf);
        assert!(read.elements.reference_only);
        assert_eq!(read.elements.key(), ("", "24322000000012345678"));
    }
    let other = pdf_with_qr_image("https://example.com/", false);
    assert_eq!(
        read_file(&other, &TrustStore::default()).unwrap_err(),
        ImportError::UnknownQrCode
    );
}
