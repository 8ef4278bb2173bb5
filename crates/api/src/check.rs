//! 查验: the public check of a receipt by its elements.

use chrono::NaiveDate;
use piaojia_receipt::CheckStatus;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    /// 票据代码.
    pub code: String,
    /// 票据号码.
    pub number: String,
    /// 校验码.
    pub check_code: String,
    /// 金额合计 in fen; checked when given.
    pub total: Option<i64>,
    /// 开票日期; checked when given.
    pub issued_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "status": "valid", "issuer_name": "浙江大学医学院附属第一医院", "issued_on": "2026-11-03"
})))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckResult {
    pub status: CheckStatus,
    /// The issuer's name when the receipt was found.
    pub issuer_name: Option<String>,
    pub issued_on: Option<NaiveDate>,
}
