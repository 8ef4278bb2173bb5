//! Issuing receipts: numbering, the document, both signatures. Used by the demo
//! generator and by the issuer endpoints alike.

use crate::config::Province;
use crate::keys::{ServiceKeys, ServiceSecret};
use chrono::{Datelike, NaiveDateTime};
use piaojia_receipt::{
    amount_in_words, Category, CheckCode, DetailItem, Fen, Issuer, LineItem, MedicalInfo, Payer,
    Receipt, ReceiptCode, ReceiptKey, ReceiptNumber, RegionCode, SignedOriginal, SigningKey,
    RECEIPT_FORMAT,
};
use sha2::{Digest, Sha256};

/// An issuer as the service knows it, with its signing key.
pub struct IssuerRecord {
    pub code: String,
    pub name: String,
    pub category: Category,
    pub region: RegionCode,
    pub cert_serial: String,
    pub key: SigningKey,
}

/// What an issuer fills in; the service adds identity, numbering and signatures.
#[derive(Debug, Clone)]
pub struct Draft {
    pub category: Category,
    pub payer: Payer,
    pub issued_at: NaiveDateTime,
    pub items: Vec<LineItem>,
    pub detail_list: Vec<DetailItem>,
    pub medical: Option<MedicalInfo>,
    pub reverses: Option<ReceiptKey>,
    pub handler: String,
    pub checker: String,
    pub remark: String,
}

pub fn template_name(province: &Province, category: Category) -> String {
    let kind = match category {
        Category::MedicalOutpatient => "医疗门诊收费票据（电子）",
        Category::MedicalInpatient => "医疗住院收费票据（电子）",
        Category::Education => "教育收费专用票据（电子）",
        Category::Donation => "公益事业捐赠统一票据（电子）",
        Category::AdministrativeFee => "非税收入统一票据（电子）",
        Category::Other => "行政事业单位资金往来结算票据（电子）",
    };
    format!("{}{}", province.name, kind)
}

fn category_digits(category: Category) -> &'static str {
    match category {
        Category::MedicalOutpatient => "01",
        Category::MedicalInpatient => "02",
        Category::Education => "03",
        Category::Donation => "04",
        Category::AdministrativeFee => "05",
        Category::Other => "09",
    }
}

/// 票据代码: province prefix, region, kind and year, e.g. 33100124.
pub fn receipt_code(
    province: &Province,
    region: &RegionCode,
    category: Category,
    year: i32,
) -> ReceiptCode {
    let region_digits = &region.as_str()[2..4];
    let code = format!(
        "{}{}{}{:02}",
        province.prefix,
        region_digits,
        category_digits(category),
        year.rem_euclid(100)
    );
    ReceiptCode::new(code).expect("built from digits")
}

/// 校验码: six hex digits bound to the receipt's identity and the service's secret.
pub fn check_code(secret: &ServiceSecret, code: &ReceiptCode, number: &ReceiptNumber) -> CheckCode {
    let mut hasher = Sha256::new();
    match secret {
        // The demo's codes as they always were.
        ServiceSecret::DemoSeed(seed) => hasher.update(seed.to_be_bytes()),
        ServiceSecret::KeyFile(_) => hasher.update(secret.derive_bytes("check-code")),
    }
    let digest = hasher
        .chain_update(code.as_str())
        .chain_update(number.as_str())
        .finalize();
    CheckCode::new(hex::encode_upper(&digest[..3])).expect("six hex digits")
}

/// Builds and signs one receipt.
pub fn sign_receipt(
    secret: &ServiceSecret,
    province: &Province,
    keys: &ServiceKeys,
    issuer: &IssuerRecord,
    number: u64,
    draft: Draft,
) -> (Receipt, SignedOriginal) {
    let code = receipt_code(
        province,
        &issuer.region,
        draft.category,
        draft.issued_at.year(),
    );
    let number = ReceiptNumber::new(format!("{number:010}")).expect("ten digits");
    let total = Fen::checked_sum(draft.items.iter().map(|i| i.amount)).unwrap_or(Fen::ZERO);
    let receipt = Receipt {
        format: RECEIPT_FORMAT.to_string(),
        province: province.code.clone(),
        region: issuer.region.clone(),
        name: template_name(province, draft.category),
        check_code: check_code(secret, &code, &number),
        code,
        number,
        template_code: format!("CZ{}{}", province.prefix, category_digits(draft.category)),
        issued_at: draft.issued_at,
        category: draft.category,
        payer: draft.payer,
        issuer: Issuer {
            code: issuer.code.clone(),
            name: issuer.name.clone(),
        },
        handler: draft.handler,
        checker: draft.checker,
        total,
        total_in_words: amount_in_words(total),
        items: draft.items,
        detail_list: draft.detail_list,
        medical: draft.medical,
        reverses: draft.reverses,
        remark: draft.remark,
    };
    let document = serde_json::to_vec(&receipt).expect("a receipt always serialises");
    let original = SignedOriginal::sign(
        document,
        &issuer.key,
        &issuer.cert_serial,
        &keys.supervisor,
        &keys.supervisor_serial,
    );
    (receipt, original)
}

/// The red receipt (红字票据) that reverses `original`: every amount negated.
/// The red receipt (红字) that reverses `original`: every amount negated. `None`
/// only for an amount that has no negative (`i64::MIN`), which no checked receipt
/// carries.
pub fn red_draft(original: &Receipt, issued_at: NaiveDateTime, reason: &str) -> Option<Draft> {
    let negate_items = original
        .items
        .iter()
        .map(|i| {
            Some(LineItem {
                amount: i.amount.checked_neg()?,
                ..i.clone()
            })
        })
        .collect::<Option<_>>()?;
    let negate_details = original
        .detail_list
        .iter()
        .map(|d| {
            Some(DetailItem {
                amount: d.amount.checked_neg()?,
                ..d.clone()
            })
        })
        .collect::<Option<_>>()?;
    let medical = match original.medical.clone() {
        None => None,
        Some(mut m) => {
            let p = &mut m.payments;
            for part in [
                &mut p.fund,
                &mut p.personal_account,
                &mut p.other,
                &mut p.cash,
                &mut p.self_pay,
                &mut p.self_expense,
            ] {
                *part = part.checked_neg()?;
            }
            Some(m)
        }
    };
    Some(Draft {
        category: original.category,
        payer: original.payer.clone(),
        issued_at,
        items: negate_items,
        detail_list: negate_details,
        medical,
        reverses: Some(original.key()),
        handler: original.handler.clone(),
        checker: original.checker.clone(),
        remark: format!("冲红 {}-{}：{reason}", original.code, original.number),
    })
}
