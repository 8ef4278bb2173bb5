//! The receipt's data elements, named after the national fiscal e-receipt standard
//! so that an adapter to a real provincial platform maps one to one.

use crate::ids::{CheckCode, ProvinceCode, ReceiptCode, ReceiptKey, ReceiptNumber, RegionCode};
use crate::money::Fen;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The format tag every receipt document carries; a document with another tag is
/// malformed, so a future format can never be misread as this one.
pub const RECEIPT_FORMAT: &str = "piaojia.receipt/1";

/// One fiscal e-receipt as its issuer wrote it. Times are China Standard Time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    /// The province whose fiscal platform issued it.
    pub province: ProvinceCode,
    /// 监管区划.
    pub region: RegionCode,
    /// 票据名称, e.g. 浙江省医疗门诊收费票据（电子）.
    pub name: String,
    /// 票据代码.
    pub code: ReceiptCode,
    /// 票据号码.
    pub number: ReceiptNumber,
    /// 校验码.
    pub check_code: CheckCode,
    /// 模板代码.
    pub template_code: String,
    /// 开票日期 and 开票时间.
    pub issued_at: NaiveDateTime,
    pub category: Category,
    /// 交款人.
    pub payer: Payer,
    /// 开票单位 (收款单位).
    pub issuer: Issuer,
    /// 收款人: the person who handled the payment.
    pub handler: String,
    /// 复核人.
    pub checker: String,
    /// 金额合计 (小写), in fen.
    pub total: Fen,
    /// 金额合计 (大写); must equal the derived form of `total`.
    pub total_in_words: String,
    /// 项目明细.
    pub items: Vec<LineItem>,
    /// 清单: the drug- or service-level list, when the issuer attaches one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail_list: Vec<DetailItem>,
    /// The medical extension, present on hospital receipts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical: Option<MedicalInfo>,
    /// On a red receipt (红字票据): the receipt it reverses (冲红).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<ReceiptKey>,
    /// 备注.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
}

impl Receipt {
    pub fn key(&self) -> ReceiptKey {
        ReceiptKey {
            province: self.province.clone(),
            code: self.code.clone(),
            number: self.number.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Category {
    /// 医疗门诊收费票据.
    MedicalOutpatient,
    /// 医疗住院收费票据.
    MedicalInpatient,
    /// 教育收费.
    Education,
    /// 公益事业捐赠.
    Donation,
    /// 非税收入/行政事业性收费.
    AdministrativeFee,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::MedicalOutpatient,
        Category::MedicalInpatient,
        Category::Education,
        Category::Donation,
        Category::AdministrativeFee,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::MedicalOutpatient => "medical_outpatient",
            Category::MedicalInpatient => "medical_inpatient",
            Category::Education => "education",
            Category::Donation => "donation",
            Category::AdministrativeFee => "administrative_fee",
            Category::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn is_medical(self) -> bool {
        matches!(
            self,
            Category::MedicalOutpatient | Category::MedicalInpatient
        )
    }
}

/// For rows that hold a category as text (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for Category {
    type Error = String;

    fn try_from(text: String) -> Result<Category, String> {
        Category::parse(&text).ok_or(text)
    }
}

/// 交款人.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Payer {
    pub name: String,
    /// 身份证号 for a person, 统一社会信用代码 for an organisation.
    pub id: String,
    pub kind: PayerKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PayerKind {
    Person,
    Organisation,
}

/// 开票单位.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Issuer {
    /// 单位编码.
    pub code: String,
    pub name: String,
}

/// One line of 项目明细.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineItem {
    /// 项目编码, e.g. C0104.
    pub code: String,
    /// 项目名称, e.g. 西药费.
    pub name: String,
    /// 数量, a decimal as written by the issuer (e.g. "1", "0.5").
    pub quantity: String,
    /// 单位, e.g. 项, 次.
    pub unit: String,
    pub amount: Fen,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
}

/// One line of the 清单.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DetailItem {
    /// The 项目编码 of the line item this detail belongs to.
    pub item_code: String,
    pub name: String,
    /// 规格.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub spec: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: Fen,
    pub amount: Fen,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remark: String,
}

/// The medical extension of hospital receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MedicalInfo {
    /// 就诊日期.
    pub visit_date: NaiveDate,
    /// 门诊号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outpatient_no: Option<String>,
    /// 住院号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inpatient_no: Option<String>,
    /// 科别.
    pub department: String,
    /// 入院日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admitted_on: Option<NaiveDate>,
    /// 出院日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discharged_on: Option<NaiveDate>,
    /// 医保类型, e.g. 职工基本医疗保险.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_type: Option<String>,
    /// 医保编号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance_no: Option<String>,
    pub payments: PaymentSplit,
}

/// How a medical bill was paid. `fund + personal_account + other + cash` is the
/// total; `self_pay` (个人自付) and `self_expense` (个人自费) are the parts of the
/// patient's share that insurance did not cover, shown for reimbursement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentSplit {
    /// 医保统筹基金支付.
    pub fund: Fen,
    /// 个人账户支付.
    pub personal_account: Fen,
    /// 其他支付.
    pub other: Fen,
    /// 个人现金支付.
    pub cash: Fen,
    /// 个人自付.
    pub self_pay: Fen,
    /// 个人自费.
    pub self_expense: Fen,
}

impl PaymentSplit {
    /// What insurance paid: the pooled fund plus other payers. `None` only for a
    /// split that `check` refuses.
    pub fn insurance_paid(&self) -> Option<Fen> {
        self.fund.checked_add(self.other)
    }

    /// What the patient paid: personal account plus cash.
    pub fn patient_paid(&self) -> Option<Fen> {
        self.personal_account.checked_add(self.cash)
    }

    /// Whether the split is one of `total`: each part of the total's sign (a red
    /// receipt's are negative), the four payers adding up to the total, and 个人自付
    /// plus 个人自费 within what the patient paid. A split that fails is the
    /// issuer's word against its own total: a claim must not rest on it.
    pub fn check(&self, total: Fen) -> Result<(), String> {
        let parts = [
            self.fund,
            self.personal_account,
            self.other,
            self.cash,
            self.self_pay,
            self.self_expense,
        ];
        if parts.iter().any(|p| p.0.signum() * total.0.signum() < 0) {
            return Err("a part of the payment has the wrong sign".into());
        }
        let paid = Fen::checked_sum([self.fund, self.personal_account, self.other, self.cash])
            .ok_or("the payment split overflows")?;
        if paid != total {
            return Err(format!(
                "the payers add up to {paid}, not the total {total}"
            ));
        }
        let patient = self.patient_paid().ok_or("the payment split overflows")?;
        let own_share = self
            .self_pay
            .checked_add(self.self_expense)
            .ok_or("the payment split overflows")?;
        if own_share.0.unsigned_abs() > patient.0.unsigned_abs() {
            return Err(format!(
                "个人自付 and 个人自费 ({own_share}) exceed what the patient paid ({patient})"
            ));
        }
        Ok(())
    }
}

/// A receipt's state as its issuer reports it after issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "state": "exchanged",
    "paper": { "province": "330000", "code": "33010122", "number": "0000381204" }
})))]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Lifecycle {
    Normal,
    /// 冲红: reversed by the linked red receipt.
    Reversed {
        by: ReceiptKey,
    },
    /// 换开: exchanged for the linked paper receipt.
    Exchanged {
        paper: ReceiptKey,
    },
    /// 作废: cancelled by its issuer; it counts for nothing.
    Voided,
}
