//! Receipts and invoices as XML records: the fiscal `EInvoice` (财政电子票据, tagged
//! `CZ-EI-<province>`), the 数电 `EInvoice` (`EIid`, `TaxSupervisionInfo`) and the
//! VAT `eInvoice` attached to OFD invoices. Elements are found by name anywhere in
//! the record, so the nesting variants of different issuers read the same.

use crate::elements::{compact, date, fen, province_of_tag, Elements, Item, Party, ReceiptKind};
use crate::error::{ImportError, Result};
use piaojia_ofd::xml::{self, Element};
use piaojia_ofd::{InvoiceElements, InvoiceKind};

/// The elements of an XML file, whichever record it holds.
pub fn xml_elements(name: &str, bytes: &[u8]) -> Result<Elements> {
    let root = xml::parse(name, bytes).map_err(|e| ImportError::Xml(e.to_string()))?;
    record_elements(&root).ok_or(ImportError::NoReceiptData("XML file"))?
}

/// `None` when the record is none of the known ones; an error when it is one but
/// its elements are broken.
pub(crate) fn record_elements(root: &Element) -> Option<Result<Elements>> {
    let record = Record(root);
    if root.name == "EInvoice" {
        if record
            .text("EInvoiceTag")
            .is_some_and(|t| t.starts_with("CZ-EI-"))
        {
            return Some(fiscal(record));
        }
        if record.text("EIid").is_some() || record.find("TaxSupervisionInfo").is_some() {
            return Some(digital(record));
        }
    }
    if root.name.eq_ignore_ascii_case("eInvoice") {
        let vat = piaojia_ofd::attached_invoice_elements(root)?;
        return Some(from_ofd(&vat));
    }
    None
}

struct Record<'a>(&'a Element);

impl<'a> Record<'a> {
    fn find(&self, name: &str) -> Option<&'a Element> {
        self.0.descendants().into_iter().find(|e| e.name == name)
    }

    fn text(&self, name: &str) -> Option<&'a str> {
        self.0
            .descendants()
            .into_iter()
            .filter(|e| e.name == name)
            .map(|e| e.text.trim())
            .find(|t| !t.is_empty())
    }

    fn within(&self, name: &str) -> Option<Record<'a>> {
        self.find(name).map(Record)
    }

    fn owned(&self, name: &str) -> Option<String> {
        self.text(name).map(str::to_string)
    }

    /// Every leaf with text, by its name, except the ones listed.
    fn leaves_except(&self, used: &[&str]) -> Vec<(String, String)> {
        self.0
            .descendants()
            .into_iter()
            .filter(|e| e.children.is_empty() && !e.text.trim().is_empty())
            .filter(|e| !used.contains(&e.name.as_str()))
            .map(|e| (e.name.clone(), e.text.trim().to_string()))
            .collect()
    }
}

fn required<T>(value: Option<T>, field: &'static str) -> Result<T> {
    value.ok_or(ImportError::BadElement { field })
}

fn amount(record: &Record, name: &str, field: &'static str) -> Result<Option<i64>> {
    record
        .text(name)
        .map(|t| fen(t).ok_or(ImportError::BadElement { field }))
        .transpose()
}

fn party(name: Option<String>, id: Option<String>) -> Option<Party> {
    name.map(|name| Party { name, id })
}

const FISCAL_USED: &[&str] = &[
    "EInvoiceTag",
    "EInvoiceName",
    "EInvoiceCode",
    "EInvoiceNumber",
    "RandomNumber",
    "TotalAmount",
    "IssueDate",
    "InvoicingPartyName",
    "InvoicingPartyCode",
    "PayerPartyName",
    "PayerPartyCode",
    "ItemName",
    "ItemAmount",
];

fn fiscal(record: Record) -> Result<Elements> {
    let province = province_of_tag(required(record.text("EInvoiceTag"), "tag")?);
    // A person's ID number (交款人代码 of type 1) is not copied into the elements;
    // it stays in the original file only.
    let payer_is_organisation = record.text("PayerPartyType") == Some("2");
    let items = record
        .0
        .descendants()
        .into_iter()
        .filter(|e| e.child("ItemName").is_some())
        .map(|item| {
            let item = Record(item);
            Ok(Item {
                name: required(item.owned("ItemName"), "item name")?,
                amount_fen: amount(&item, "ItemAmount", "item amount")?,
            })
        })
        .collect::<Result<Vec<Item>>>()?;
    let mut fields = record.leaves_except(FISCAL_USED);
    fields.retain(|(name, _)| name != "PayerPartyType" || payer_is_organisation);
    Elements {
        kind: ReceiptKind::FiscalReceipt,
        province: Some(required(province, "tag")?),
        name: record.owned("EInvoiceName"),
        code: compact(required(record.text("EInvoiceCode"), "code")?),
        number: compact(required(record.text("EInvoiceNumber"), "number")?),
        check_code: record.owned("RandomNumber"),
        issued_on: required(record.text("IssueDate").and_then(date), "date")?,
        total_fen: Some(required(amount(&record, "TotalAmount", "total")?, "total")?),
        issuer: party(
            record.owned("InvoicingPartyName"),
            record.owned("InvoicingPartyCode"),
        ),
        payer: party(
            record.owned("PayerPartyName"),
            record
                .owned("PayerPartyCode")
                .filter(|_| payer_is_organisation),
        ),
        items,
        fields,
        reference_only: false,
    }
    .checked()
}

const DIGITAL_USED: &[&str] = &[
    "EIid",
    "InvoiceNumber",
    "IssueTime",
    "RequestTime",
    "TotalTax-includedAmount",
    "SellerName",
    "SellerIdNum",
    "BuyerName",
    "BuyerIdNum",
    "ItemName",
    "Amount",
    "LabelName",
];

fn digital(record: Record) -> Result<Elements> {
    let number = record.text("EIid").or_else(|| {
        record
            .within("TaxSupervisionInfo")
            .and_then(|t| t.text("InvoiceNumber"))
    });
    let issued = record
        .within("TaxSupervisionInfo")
        .and_then(|t| t.text("IssueTime"))
        .or_else(|| record.text("RequestTime"));
    let name = record.owned("LabelName");
    let is_ticket = name
        .as_deref()
        .is_some_and(|n| n.contains("客票") || n.contains("行程单"));
    let seller = record.within("SellerInformation");
    let buyer = record.within("BuyerInformation");
    let items = record
        .0
        .descendants()
        .into_iter()
        .filter(|e| e.name == "IssuItemInformation")
        .map(|item| {
            let item = Record(item);
            Ok(Item {
                name: required(item.owned("ItemName"), "item name")?,
                amount_fen: amount(&item, "Amount", "item amount")?,
            })
        })
        .collect::<Result<Vec<Item>>>()?;
    Elements {
        kind: if is_ticket {
            ReceiptKind::Ticket
        } else {
            ReceiptKind::DigitalInvoice
        },
        province: None,
        name,
        code: String::new(),
        number: compact(required(number, "number")?),
        check_code: None,
        issued_on: required(issued.and_then(date), "date")?,
        total_fen: amount(&record, "TotalTax-includedAmount", "total")?,
        issuer: seller.and_then(|s| party(s.owned("SellerName"), s.owned("SellerIdNum"))),
        payer: buyer.and_then(|b| party(b.owned("BuyerName"), b.owned("BuyerIdNum"))),
        items,
        fields: record.leaves_except(DIGITAL_USED),
        reference_only: false,
    }
    .checked()
}

/// The OFD crate's reading of a VAT or 数电 OFD file, in the one model.
pub(crate) fn from_ofd(e: &InvoiceElements) -> Result<Elements> {
    let mut fields = Vec::new();
    let mut field = |name: &str, value: Option<i64>| {
        if let Some(v) = value {
            fields.push((name.to_string(), piaojia_receipt::Fen(v).to_string()));
        }
    };
    field("合计金额", e.amount_fen);
    field("合计税额", e.tax_fen);
    if let Some(qr) = &e.qr {
        fields.push(("二维码".into(), qr.clone()));
    }
    Elements {
        kind: match e.kind {
            InvoiceKind::VatInvoice => ReceiptKind::VatInvoice,
            InvoiceKind::DigitalInvoice => ReceiptKind::DigitalInvoice,
        },
        province: None,
        name: None,
        code: e.code.clone().unwrap_or_default(),
        number: e.number.clone(),
        check_code: e.check_code.clone(),
        issued_on: required(e.issued_on, "date")?,
        total_fen: e.total_fen,
        issuer: party(e.seller.clone(), e.seller_tax_id.clone()),
        payer: party(e.buyer.clone(), e.buyer_tax_id.clone()),
        items: Vec::new(),
        fields,
        reference_only: false,
    }
    .checked()
}
