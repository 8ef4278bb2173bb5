//! The QR code's text, of every kind a receipt or invoice carries. A QR code alone
//! gives a reference entry (key, date, amount) that a later file or sync completes.
//!
//! - VAT and 数电: `01,<type>,<code>,<number>,<amount>,<YYYYMMDD>,<check code>,<crc>`;
//!   the amount is before tax on VAT invoices, so it is kept as a field, not as the
//!   total. 数电 documents leave the code empty and have a 20-digit number; types 51
//!   and 61 are rail and air tickets.
//! - Fiscal: `CZ-EI-<xx>,<code>,<number>,<check code>,<YYYYMMDD>,<amount>`. No public
//!   text states this layout; it is read this way only when every field has the
//!   shape it should (8-digit code, 10-digit number, a date), so another layout is
//!   refused rather than misread.
//! - Piaojia: `PJ1|<province>|<code>|<number>|<check code>|<YYYYMMDD>|<fen>`.

use crate::elements::{date, fen, province_of_tag, Elements, ReceiptKind};
use crate::error::{ImportError, Result};

pub fn parse_qr(text: &str) -> Result<Elements> {
    let text = text.trim();
    let parsed = if text.starts_with("PJ1|") {
        piaojia(text)
    } else if text.starts_with("CZ-EI-") {
        fiscal(text)
    } else if text.starts_with("01,") {
        tax(text)
    } else {
        None
    };
    parsed
        .ok_or(ImportError::UnknownQrCode)?
        .checked()
        .map_err(|_| ImportError::UnknownQrCode)
}

fn reference(kind: ReceiptKind, code: &str, number: &str, day: &str) -> Option<Elements> {
    Some(Elements {
        kind,
        province: None,
        name: None,
        code: code.to_string(),
        number: number.to_string(),
        check_code: None,
        issued_on: date(day).filter(|_| day.len() == 8)?,
        total_fen: None,
        issuer: None,
        payer: None,
        items: Vec::new(),
        fields: Vec::new(),
        reference_only: true,
    })
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn tax(text: &str) -> Option<Elements> {
    let parts: Vec<&str> = text.split(',').collect();
    let [_, kind_code, code, number, amount, day, check, ..] = parts.as_slice() else {
        return None;
    };
    let kind = match (*code, *kind_code) {
        ("", "51" | "61") => ReceiptKind::Ticket,
        ("", _) => ReceiptKind::DigitalInvoice,
        _ => ReceiptKind::VatInvoice,
    };
    let mut elements = reference(kind, code, number, day)?;
    elements.check_code = non_empty(check);
    fen(amount)?;
    elements
        .fields
        .push(("二维码金额".into(), amount.to_string()));
    elements
        .fields
        .push(("发票类型代码".into(), kind_code.to_string()));
    Some(elements)
}

fn fiscal(text: &str) -> Option<Elements> {
    let parts: Vec<&str> = text.split(',').collect();
    let [tag, code, number, check, day, amount, ..] = parts.as_slice() else {
        return None;
    };
    let mut elements = reference(ReceiptKind::FiscalReceipt, code, number, day)?;
    elements.province = Some(province_of_tag(tag)?);
    elements.check_code = non_empty(check);
    elements.total_fen = Some(fen(amount)?);
    Some(elements)
}

fn piaojia(text: &str) -> Option<Elements> {
    let parts: Vec<&str> = text.split('|').collect();
    let [_, province, code, number, check, day, total] = parts.as_slice() else {
        return None;
    };
    let mut elements = reference(ReceiptKind::PiaojiaSigned, code, number, day)?;
    elements.province = Some(province.to_string()).filter(|p| p.len() == 6);
    elements.check_code = non_empty(check);
    elements.total_fen = Some(total.parse().ok()?);
    Some(elements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_payload_gives_its_key() {
        let vat =
            parse_qr("01,10,033002000211,83089647,510.68,20200723,59490376473052810853,F7AB,")
                .unwrap();
        assert_eq!(
            (vat.kind, vat.key()),
            (ReceiptKind::VatInvoice, ("033002000211", "83089647"))
        );
        assert_eq!(vat.total_fen, None, "the VAT QR amount is before tax");
        let digital = parse_qr("01,32,,24112000000048542163,4449.00,20240528,,ABCD").unwrap();
        assert_eq!(digital.kind, ReceiptKind::DigitalInvoice);
        assert_eq!(digital.key(), ("", "24112000000048542163"));
        let ticket = parse_qr("01,61,,24112000000048542163,620,20210728,,7890").unwrap();
        assert_eq!(ticket.kind, ReceiptKind::Ticket);
        let fiscal = parse_qr("CZ-EI-33,33060124,0000000001,A1B2C3,20240101,12.50").unwrap();
        assert_eq!(fiscal.province.as_deref(), Some("330000"));
        assert_eq!(fiscal.total_fen, Some(1250));
        let pj = parse_qr("PJ1|330000|33060124|0000000001|A1B2C3|20240101|1250").unwrap();
        assert_eq!(
            (pj.kind, pj.total_fen),
            (ReceiptKind::PiaojiaSigned, Some(1250))
        );
        assert!(pj.reference_only);
    }

    #[test]
    fn payloads_of_the_wrong_shape_are_refused() {
        for text in [
            "https://example.com/",
            "01,10,0330,83089647,510.68,20200723,x",
            "01,61,,9223372036854775807,620,20210728,,7890",
            "01,10,033002000211,83089647,abc,20200723,x,",
            "01,10,033002000211,83089647,1.00,2020072,x,",
            "CZ-EI-33,0000000001,33060124,A1B2C3,20240101,12.50",
            "PJ1|330000|33060124|0000000001|A1B2C3|20240101",
            "",
        ] {
            assert_eq!(parse_qr(text), Err(ImportError::UnknownQrCode), "{text}");
        }
    }
}
