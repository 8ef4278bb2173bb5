//! Reimbursement claims: a citizen's, and their relying party's review.

use crate::redacted::debug_redacted;
use chrono::{DateTime, FixedOffset};
use piaojia_receipt::{ClaimState, Lifecycle, ReceiptKey};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

piaojia_receipt::named_states! {
    /// Who reimburses: the rules of what may be reimbursed depend on it.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum RelyingPartyKind {
        Employer = "employer",
        Insurer = "insurer",
        /// 医保: only medical receipts with an insurance split, and only part of 个人自付.
        MedicalInsurance = "medical_insurance",
    }
}

/// A relying party the service knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "RP-MI-330000", "name": "浙江省医疗保障局", "kind": "medical_insurance"
})))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelyingParty {
    pub code: String,
    pub name: String,
    pub kind: RelyingPartyKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiptRef {
    pub code: String,
    pub number: String,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// Chosen by the client, reused on every retry: the same key never makes a second claim.
    pub idempotency_key: String,
    /// A relying party's code (see /v1/relying-parties).
    pub relying_party: String,
    pub purpose: String,
    /// Where the money goes (bank account), as the claimant writes it.
    pub payee_account: String,
    /// In fen; more than zero and at most the reimbursable amount.
    pub amount_requested: i64,
    pub receipts: Vec<ReceiptRef>,
}
debug_redacted!(ClaimRequest { idempotency_key, relying_party, receipts } [purpose, payee_account, amount_requested]);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!(crate::examples::claim())))]
pub struct Claim {
    pub id: i64,
    pub relying_party: String,
    pub relying_party_name: String,
    pub purpose: String,
    pub amount_requested: i64,
    /// What the rules allow for these receipts, in fen.
    pub reimbursable: i64,
    pub amount_approved: Option<i64>,
    pub state: ClaimState,
    /// The relying party's reason or question.
    pub message: Option<String>,
    pub receipts: Vec<ReceiptKey>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub updated_at: DateTime<FixedOffset>,
}

/// A receipt of a claim as the relying party sees it: its signed original to verify,
/// and its state now (a 冲红 after submission shows here).
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClaimReceipt {
    pub key: ReceiptKey,
    pub lifecycle: Lifecycle,
    #[cfg_attr(feature = "openapi", schema(value_type = piaojia_receipt::SignedOriginal))]
    pub original: Box<RawValue>,
}

/// A claim as its relying party reviews it: the claimant's name and payee account,
/// and each receipt with its signed original and current state.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "claim": crate::examples::claim(),
    "claimant_name": "张三",
    "payee_account": "6222 0212 3456 7890",
    "receipts": [{
        "key": crate::examples::key("0012345678"),
        "lifecycle": { "state": "normal" },
        "original": crate::examples::original()
    }]
})))]
pub struct ClaimForReview {
    pub claim: Claim,
    pub claimant_name: String,
    pub payee_account: String,
    pub receipts: Vec<ClaimReceipt>,
}

/// A relying party's decision on a claim.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decision {
    /// Approve an amount (fen), at most what was requested.
    Approve {
        amount: i64,
    },
    Reject {
        reason: String,
    },
    /// Ask the claimant for more information.
    RequestInfo {
        message: String,
    },
    /// The approved amount was paid.
    MarkPaid,
}
