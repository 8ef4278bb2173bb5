//! The issuer's side: issue receipts, reverse (冲红) and exchange (换开) them.

use piaojia_receipt::{
    Category, CheckCode, DetailItem, Fen, LineItem, MedicalInfo, ReceiptCode, ReceiptKey,
    ReceiptNumber,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// The payer's 身份证号; the payer must be a registered citizen.
    pub payer_id_number: String,
    /// Defaults to the issuer's own category.
    pub category: Option<Category>,
    pub items: Vec<LineItem>,
    #[serde(default)]
    pub detail_list: Vec<DetailItem>,
    pub medical: Option<MedicalInfo>,
    pub handler: String,
    pub checker: String,
    #[serde(default)]
    pub remark: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "key": { "province": "330000", "code": "33060122", "number": "0012345678" },
    "check_code": "A1B2C3",
    "total": 12840
})))]
pub struct IssuedReceipt {
    pub key: ReceiptKey,
    pub check_code: CheckCode,
    pub total: Fen,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReverseRequest {
    pub reason: String,
}

/// 作废: the issuer cancels a receipt it issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExchangeRequest {
    /// 票据代码 of the paper receipt.
    pub paper_code: ReceiptCode,
    /// 票据号码 of the paper receipt.
    pub paper_number: ReceiptNumber,
}
