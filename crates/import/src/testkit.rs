//! Makers of test files: the XML records of fiscal e-receipts and 数电 invoices (no
//! public samples exist), a PDF with a record embedded, and pictures of QR codes.
//! For tests and benchmarks only.

use chrono::NaiveDate;
use lopdf::{dictionary, Document, Object, Stream};

/// A fiscal e-receipt (财政电子票据) to write as an `EInvoice` record.
#[derive(Debug, Clone)]
pub struct FiscalSpec {
    pub province: &'static str,
    pub code: String,
    pub number: String,
    pub check_code: String,
    pub issued_on: NaiveDate,
    pub total_fen: i64,
    pub issuer: String,
    pub payer: String,
    /// (name, fen)
    pub items: Vec<(String, i64)>,
}

impl FiscalSpec {
    /// A hospital outpatient receipt of Zhejiang numbered `n`.
    pub fn hospital(n: u32) -> FiscalSpec {
        FiscalSpec {
            province: "33",
            code: "33060124".into(),
            number: format!("{n:010}"),
            check_code: "A1B2C3".into(),
            issued_on: NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            total_fen: 12_550,
            issuer: "票夹测试人民医院".into(),
            payer: "张三".into(),
            items: vec![("西药费".into(), 10_050), ("检查费".into(), 2_500)],
        }
    }
}

fn yuan(fen: i64) -> String {
    piaojia_receipt::Fen(fen).to_string()
}

/// Escapes text for XML content.
fn text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn fiscal_xml(spec: &FiscalSpec) -> String {
    let items: String = spec
        .items
        .iter()
        .map(|(name, fen)| {
            format!(
                "<Item><ItemCode>C0101</ItemCode><ItemName>{}</ItemName><ItemQuantity>1</ItemQuantity><ItemUnit>项</ItemUnit><ItemAmount>{}</ItemAmount></Item>",
                text(name),
                yuan(*fen)
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<EInvoice><Header><EInvoiceTag>CZ-EI-{province}</EInvoiceTag><Version>1.0</Version></Header><EInvoiceData><Main><EInvoiceName>浙江省医疗门诊收费票据（电子）</EInvoiceName><EInvoiceCode>{code}</EInvoiceCode><EInvoiceNumber>{number}</EInvoiceNumber><RandomNumber>{check}</RandomNumber><EInvoiceSpecimenCode>3301</EInvoiceSpecimenCode><SupervisorAreaCode>330100</SupervisorAreaCode><TotalAmount>{total}</TotalAmount><IssueDate>{date}</IssueDate><IssueTime>10:15:00</IssueTime><InvoicingParty><InvoicingPartyCode>12330000470000000X</InvoicingPartyCode><InvoicingPartyName>{issuer}</InvoicingPartyName></InvoicingParty><PayerParty><PayerPartyType>1</PayerPartyType><PayerPartyCode>330106199001011234</PayerPartyCode><PayerPartyName>{payer}</PayerPartyName></PayerParty><Handler>李四</Handler><Checker>王五</Checker><MainExt><MedicalInstitutionType>综合医院</MedicalInstitutionType><MedicalCareType>门诊</MedicalCareType><FundPayAmount>0.00</FundPayAmount><OwnPayAmount>{total}</OwnPayAmount></MainExt></Main><Details>{items}</Details></EInvoiceData></EInvoice>"#,
        province = spec.province,
        code = spec.code,
        number = spec.number,
        check = spec.check_code,
        total = yuan(spec.total_fen),
        date = spec.issued_on.format("%Y%m%d"),
        issuer = text(&spec.issuer),
        payer = text(&spec.payer),
    )
}

/// A 数电 invoice record (`EInvoice` with `EIid`).
pub fn digital_xml(number: &str, issued_on: NaiveDate, total_fen: i64, seller: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<EInvoice><Header><EIid>{number}</EIid><EInvoiceTag>SWEI3200</EInvoiceTag><Version>0.1</Version><InherentLabel><EInvoiceType><LabelCode>02</LabelCode><LabelName>普通发票</LabelName></EInvoiceType></InherentLabel></Header><EInvoiceData><SellerInformation><SellerIdNum>91320000MA1XXXXX0X</SellerIdNum><SellerName>{seller}</SellerName></SellerInformation><BuyerInformation><BuyerIdNum>91330000MA2YYYYY1Y</BuyerIdNum><BuyerName>某某科技有限公司</BuyerName></BuyerInformation><BasicInformation><TotalAmWithoutTax>{net}</TotalAmWithoutTax><TotalTaxAm>{tax}</TotalTaxAm><TotalTax-includedAmount>{total}</TotalTax-includedAmount><Drawer>赵六</Drawer><RequestTime>{date} 09:00:00</RequestTime></BasicInformation><IssuItemInformation><ItemName>*餐饮服务*餐费</ItemName><Quantity>1</Quantity><Amount>{net}</Amount><TaxRate>0.06</TaxRate><ComTaxAm>{tax}</ComTaxAm></IssuItemInformation></EInvoiceData><TaxSupervisionInfo><InvoiceNumber>{number}</InvoiceNumber><IssueTime>{date} 09:00:05</IssueTime><TaxBureauCode>13200000000</TaxBureauCode><TaxBureauName>国家税务总局江苏省税务局</TaxBureauName></TaxSupervisionInfo></EInvoice>"#,
        date = issued_on.format("%Y-%m-%d"),
        total = yuan(total_fen),
        net = yuan(total_fen - total_fen * 6 / 106),
        tax = yuan(total_fen * 6 / 106),
        seller = text(seller),
    )
}

/// A one-page PDF with `attachment` embedded under `name` (compressed or not).
pub fn pdf_with_attachment(name: &str, attachment: &[u8], compress: bool) -> Vec<u8> {
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let content_id = document.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 720 Td (Invoice) Tj ET".to_vec(),
    ));
    let page_id = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let mut file = Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        attachment.to_vec(),
    );
    if compress {
        file.compress().expect("compresses");
    }
    let file_id = document.add_object(file);
    let spec_id = document.add_object(dictionary! {
        "Type" => "Filespec",
        "F" => Object::string_literal(name),
        "UF" => Object::string_literal(name),
        "EF" => dictionary! { "F" => file_id },
    });
    let catalog_id = document.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Names" => dictionary! {
            "EmbeddedFiles" => dictionary! {
                "Names" => vec![Object::string_literal(name), spec_id.into()],
            },
        },
    });
    document.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    document.save_to(&mut out).expect("writes");
    out
}

/// A picture of `payload`'s QR code, 4 pixels a module, as PNG or JPEG.
pub fn qr_picture(payload: &str, jpeg: bool) -> Vec<u8> {
    let code = qrcode::QrCode::new(payload.as_bytes()).expect("fits");
    let width = code.width() as u32;
    let scale = 4;
    let margin = 4 * scale;
    let side = width * scale + 2 * margin;
    let colors = code.to_colors();
    let picture = image::GrayImage::from_fn(side, side, |x, y| {
        let inside =
            |v: u32| (v >= margin && v < margin + width * scale).then(|| (v - margin) / scale);
        match (inside(x), inside(y)) {
            (Some(c), Some(r)) if colors[(r * width + c) as usize] == qrcode::Color::Dark => {
                image::Luma([0])
            }
            _ => image::Luma([255]),
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    let format = if jpeg {
        image::ImageFormat::Jpeg
    } else {
        image::ImageFormat::Png
    };
    picture.write_to(&mut out, format).expect("encodes");
    out.into_inner()
}

/// A one-page PDF that draws `payload`'s QR code as an image, JPEG (DCTDecode) or
/// Flate-compressed grey samples, as e-invoice PDFs do; no embedded record.
pub fn pdf_with_qr_image(payload: &str, jpeg: bool) -> Vec<u8> {
    let png = qr_picture(payload, false);
    let picture = image::load_from_memory(&png).expect("decodes").to_luma8();
    let (width, height) = picture.dimensions();
    let image = if jpeg {
        let mut dict = dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => width as i64, "Height" => height as i64,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
        };
        dict.set("Length", 0);
        Stream::new(dict, qr_picture(payload, true))
    } else {
        let mut stream = Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => width as i64, "Height" => height as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            picture.into_raw(),
        );
        stream.compress().expect("compresses");
        stream
    };
    let mut document = Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let image_id = document.add_object(image);
    let content_id = document.add_object(Stream::new(
        dictionary! {},
        format!("q {width} 0 0 {height} 400 700 cm /Im0 Do Q").into_bytes(),
    ));
    let page_id = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    document.save_to(&mut out).expect("writes");
    out
}
