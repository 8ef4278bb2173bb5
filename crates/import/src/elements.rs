//! One model for every receipt a file can name: what it is, its key, and the
//! elements that mean the same across kinds; the rest stays readable as fields.

use crate::error::{ImportError, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReceiptKind {
    /// 财政电子票据: an 8-digit code and a 10-digit number.
    FiscalReceipt,
    /// 增值税电子发票: a 10- or 12-digit code and an 8-digit number.
    VatInvoice,
    /// 数电票: a 20-digit number and no code.
    DigitalInvoice,
    /// 电子客票 (rail or air) issued as a 数电 document.
    Ticket,
    /// A receipt in Piaojia's own signed format, from a provincial service.
    PiaojiaSigned,
}

impl ReceiptKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::FiscalReceipt => "fiscal_receipt",
            ReceiptKind::VatInvoice => "vat_invoice",
            ReceiptKind::DigitalInvoice => "digital_invoice",
            ReceiptKind::Ticket => "ticket",
            ReceiptKind::PiaojiaSigned => "piaojia_signed",
        }
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            ReceiptKind::FiscalReceipt => "财政电子票据",
            ReceiptKind::VatInvoice => "增值税电子发票",
            ReceiptKind::DigitalInvoice => "数电发票",
            ReceiptKind::Ticket => "电子客票",
            ReceiptKind::PiaojiaSigned => "财政电子票据（票夹签名）",
        }
    }
}

/// 开票单位/销售方 or 交款人/购买方.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Party {
    pub name: String,
    /// 单位编码, 纳税人识别号 or 统一社会信用代码; an ID number is never kept here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// One line of the items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Item {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_fen: Option<i64>,
}

/// What a file says about the receipt it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Elements {
    pub kind: ReceiptKind,
    /// The province (6-digit code) of a fiscal receipt, from its `CZ-EI-xx` tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// 票据名称 or 发票名称.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 代码; empty for 数电 documents, which have none.
    pub code: String,
    /// 号码.
    pub number: String,
    /// 校验码.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_code: Option<String>,
    pub issued_on: NaiveDate,
    /// 金额合计 / 价税合计, in fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Party>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<Party>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<Item>,
    /// Everything else the file states, by the name it gives it, in its order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, String)>,
    /// Read from a QR code alone: a reference that a later file or sync completes.
    #[serde(default)]
    pub reference_only: bool,
}

impl Elements {
    /// The key that makes two copies one receipt: 代码+号码 (fiscal, old VAT) or the
    /// 20-digit number alone (数电, whose code is empty).
    pub fn key(&self) -> (&str, &str) {
        (&self.code, &self.number)
    }

    /// Checks the shape of the key and the date against the kind, so that a file
    /// with a broken number is refused rather than kept under a wrong key.
    pub fn checked(self) -> Result<Elements> {
        let digits = |s: &str, lens: &[usize]| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        let (code_ok, number_ok) = match self.kind {
            ReceiptKind::FiscalReceipt | ReceiptKind::PiaojiaSigned => {
                (digits(&self.code, &[8]), digits(&self.number, &[10]))
            }
            ReceiptKind::VatInvoice => (digits(&self.code, &[10, 12]), digits(&self.number, &[8])),
            ReceiptKind::DigitalInvoice | ReceiptKind::Ticket => {
                (self.code.is_empty(), digits(&self.number, &[20]))
            }
        };
        if !code_ok {
            return Err(ImportError::BadElement { field: "code" });
        }
        if !number_ok {
            return Err(ImportError::BadElement { field: "number" });
        }
        if self
            .total_fen
            .is_some_and(|t| t.unsigned_abs() > 1_000_000_000_000)
        {
            return Err(ImportError::BadElement { field: "total" });
        }
        Ok(self)
    }

    /// Fills what this one lacks from `other`, the same receipt read from another
    /// file. The key and kind stay this one's.
    pub fn completed_by(mut self, other: &Elements) -> Elements {
        fn fill<T: Clone>(mine: &mut Option<T>, theirs: &Option<T>) {
            if mine.is_none() {
                mine.clone_from(theirs);
            }
        }
        fill(&mut self.province, &other.province);
        fill(&mut self.name, &other.name);
        fill(&mut self.check_code, &other.check_code);
        fill(&mut self.total_fen, &other.total_fen);
        fill(&mut self.issuer, &other.issuer);
        fill(&mut self.payer, &other.payer);
        if self.items.is_empty() {
            self.items.clone_from(&other.items);
        }
        for field in &other.fields {
            if !self.fields.iter().any(|(name, _)| *name == field.0) {
                self.fields.push(field.clone());
            }
        }
        self.reference_only &= other.reference_only;
        self
    }
}

/// `2020年07月23日`, `20200723`, `2020-07-23` or `2020-07-23 10:11:12`.
pub(crate) fn date(text: &str) -> Option<NaiveDate> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    NaiveDate::parse_from_str(digits.get(..8)?, "%Y%m%d").ok()
}

/// An amount in yuan as written (`1060.00`, `-5.5`, `¥0.01`), exactly, in fen.
pub(crate) fn fen(text: &str) -> Option<i64> {
    let text = text.trim();
    piaojia_receipt::Fen::parse_yuan(text.strip_prefix('¥').unwrap_or(text)).map(|f| f.0)
}

/// The text with every space taken out (numbers are often written in groups).
pub(crate) fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The province of a `CZ-EI-33` tag: `330000`.
pub(crate) fn province_of_tag(tag: &str) -> Option<String> {
    let two = tag.trim().strip_prefix("CZ-EI-")?.get(..2)?;
    (two.bytes().all(|b| b.is_ascii_digit()) && two != "00").then(|| format!("{two}0000"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_exact_fen_and_dates_take_every_usual_form() {
        assert_eq!(fen("1060.00"), Some(106_000));
        assert_eq!(fen("-5.5"), Some(-550));
        assert_eq!(fen("¥0.01"), Some(1));
        assert_eq!(fen("1.005"), None);
        assert_eq!(fen("abc"), None);
        let day = NaiveDate::from_ymd_opt(2020, 7, 23);
        assert_eq!(date("2020年07月23日"), day);
        assert_eq!(date("20200723"), day);
        assert_eq!(date("2020-07-23 10:11:12"), day);
        assert_eq!(date("2020-13-01"), None);
        assert_eq!(province_of_tag("CZ-EI-33"), Some("330000".into()));
        assert_eq!(province_of_tag("CZ-EI-xx"), None);
        assert_eq!(province_of_tag("SWEI3200"), None);
    }
}
