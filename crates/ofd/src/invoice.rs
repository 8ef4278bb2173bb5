//! What an OFD invoice says about itself: its elements (code, number, date, amounts,
//! parties, the QR text), from the attached invoice XML (`Doc_0/Attachs/`, the tax
//! system's `eInvoice`) where there is one, else from the document's `CustomData`
//! (数电 files carry only those). Amounts become integer fen, exactly.

use crate::package::Package;
use crate::xml::{self, Element};
use chrono::NaiveDate;
use piaojia_receipt::Fen;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// 增值税电子发票: a 10- or 12-digit code and an 8-digit number.
    VatInvoice,
    /// 数电票 (全面数字化的电子发票): a 20-digit number and no code.
    DigitalInvoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ElementSource {
    /// The attached invoice XML (`original_invoice.xml`).
    AttachedXml,
    /// `CustomData` of `OFD.xml`.
    CustomData,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceElements {
    pub kind: InvoiceKind,
    pub source: ElementSource,
    pub code: Option<String>,
    pub number: String,
    pub check_code: Option<String>,
    pub issued_on: Option<NaiveDate>,
    /// 价税合计, in fen.
    pub total_fen: Option<i64>,
    /// 合计金额 (before tax), in fen.
    pub amount_fen: Option<i64>,
    /// 合计税额, in fen.
    pub tax_fen: Option<i64>,
    pub seller: Option<String>,
    pub seller_tax_id: Option<String>,
    pub buyer: Option<String>,
    pub buyer_tax_id: Option<String>,
    /// The QR code's text as the invoice carries it (`fp:GraphCode`).
    pub qr: Option<String>,
}

/// `2020年07月23日`, `20200723` or `2020-07-23`.
fn date(text: &str) -> Option<NaiveDate> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    NaiveDate::parse_from_str(digits.get(..8)?, "%Y%m%d").ok()
}

fn fen(text: Option<&str>) -> Option<i64> {
    Fen::parse_yuan(text?).map(|f| f.0)
}

fn digits_only(text: Option<&str>) -> Option<String> {
    text.map(|t| t.chars().filter(|c| !c.is_whitespace()).collect())
        .filter(|t: &String| !t.is_empty())
}

fn kind_of(number: &str) -> InvoiceKind {
    if number.len() == 20 {
        InvoiceKind::DigitalInvoice
    } else {
        InvoiceKind::VatInvoice
    }
}

/// The elements of a VAT invoice's own XML (`eInvoice`, as attached to its OFD file
/// or handed out alone), or `None` when it names no invoice number.
pub fn attached_invoice_elements(root: &Element) -> Option<InvoiceElements> {
    let text = |path: &[&str]| root.text_at(path).map(str::to_string);
    let number = digits_only(root.text_at(&["InvoiceNo"]))?;
    let amount_fen = fen(root.text_at(&["TaxExclusiveTotalAmount"]));
    let tax_fen = fen(root.text_at(&["TaxTotalAmount"]));
    Some(InvoiceElements {
        kind: kind_of(&number),
        source: ElementSource::AttachedXml,
        code: digits_only(root.text_at(&["InvoiceCode"])),
        check_code: digits_only(root.text_at(&["InvoiceCheckCode"])),
        issued_on: root.text_at(&["IssueDate"]).and_then(date),
        total_fen: fen(root.text_at(&["TaxInclusiveTotalAmount"]))
            .or_else(|| amount_fen?.checked_add(tax_fen?)),
        amount_fen,
        tax_fen,
        seller: text(&["Seller", "SellerName"]),
        seller_tax_id: text(&["Seller", "SellerTaxID"]),
        buyer: text(&["Buyer", "BuyerName"]),
        buyer_tax_id: text(&["Buyer", "BuyerTaxID"]),
        qr: text(&["GraphCode"]),
        number,
    })
}

fn from_custom_data(ofd: &Element) -> Option<InvoiceElements> {
    let fields: Vec<(&str, &str)> = ofd
        .descendants()
        .into_iter()
        .filter(|e| e.name == "CustomData")
        .filter_map(|e| Some((e.attribute("Name")?, e.text.trim())))
        .collect();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| *value)
            .filter(|v| !v.is_empty())
    };
    let owned = |name: &str| field(name).map(str::to_string);
    let number = digits_only(field("发票号码"))?;
    let amount_fen = fen(field("合计金额"));
    let tax_fen = fen(field("合计税额"));
    Some(InvoiceElements {
        kind: kind_of(&number),
        source: ElementSource::CustomData,
        code: digits_only(field("发票代码")),
        check_code: digits_only(field("校验码")),
        issued_on: field("开票日期").and_then(date),
        total_fen: fen(field("价税合计")).or_else(|| amount_fen?.checked_add(tax_fen?)),
        amount_fen,
        tax_fen,
        seller: owned("销售方名称"),
        seller_tax_id: owned("销售方纳税人识别号"),
        buyer: owned("购买方名称"),
        buyer_tax_id: owned("购买方纳税人识别号"),
        qr: None,
        number,
    })
}

impl InvoiceElements {
    /// Fills what this one lacks from `other` (the same invoice read another way).
    fn completed_by(self, other: InvoiceElements) -> InvoiceElements {
        InvoiceElements {
            code: self.code.or(other.code),
            check_code: self.check_code.or(other.check_code),
            issued_on: self.issued_on.or(other.issued_on),
            total_fen: self.total_fen.or(other.total_fen),
            amount_fen: self.amount_fen.or(other.amount_fen),
            tax_fen: self.tax_fen.or(other.tax_fen),
            seller: self.seller.or(other.seller),
            seller_tax_id: self.seller_tax_id.or(other.seller_tax_id),
            buyer: self.buyer.or(other.buyer),
            buyer_tax_id: self.buyer_tax_id.or(other.buyer_tax_id),
            qr: self.qr.or(other.qr),
            ..self
        }
    }
}

/// The elements of an OFD invoice, or `None` when it carries none that name an
/// invoice. The attached XML is read first; what it leaves empty (some producers'
/// test files do) comes from `CustomData` when that names the same number.
pub fn invoice_elements(package: &Package) -> Option<InvoiceElements> {
    let attached = package
        .names()
        .find(|n| {
            n.starts_with("Doc_0/Attachs/") && n.to_ascii_lowercase().ends_with("invoice.xml")
        })
        .and_then(|name| xml::parse(name, package.get(name)?).ok())
        .filter(|root| root.name.eq_ignore_ascii_case("eInvoice"))
        .and_then(|root| attached_invoice_elements(&root));
    let custom = package
        .get("OFD.xml")
        .and_then(|bytes| xml::parse("OFD.xml", bytes).ok())
        .and_then(|ofd| from_custom_data(&ofd));
    match (attached, custom) {
        (Some(a), Some(c)) if a.number == c.number => Some(a.completed_by(c)),
        (Some(a), _) => Some(a),
        (None, c) => c,
    }
}
