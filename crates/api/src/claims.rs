//! Reimbursement claims: a citizen's, and their relying party's review.

use crate::redacted::debug_redacted;
use chrono::{DateTime, FixedOffset};
use piaojia_receipt::{ClaimState, Lifecycle, Receipt, ReceiptKey};
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

/// The share of 个人自付 medical insurance reimburses (医保零星报销), in percent.
pub const MEDICAL_INSURANCE_PERCENT: i64 = 60;

/// Why a receipt adds nothing that a relying party of some kind reimburses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotReimbursable {
    /// Medical insurance takes only medical receipts with an insurance split.
    NotMedical,
    /// An amount is beyond fen arithmetic.
    OutOfRange,
}

impl RelyingPartyKind {
    /// The most a party of this kind reimburses of `receipt`, in fen: the service
    /// refuses a claim above the sum, and the wallet shows the sum before one is
    /// made, by this one rule. Medical insurance: [`MEDICAL_INSURANCE_PERCENT`] of
    /// 个人自付 (only as much as the receipt's own total allows), rounded down to the
    /// fen; 个人自费 is not reimbursed. Employers and insurers: up to the total.
    pub fn reimbursable(self, receipt: &Receipt) -> Result<i64, NotReimbursable> {
        if self != RelyingPartyKind::MedicalInsurance {
            return Ok(receipt.total.0);
        }
        let medical = receipt
            .medical
            .as_ref()
            .filter(|m| m.insurance_type.is_some())
            .ok_or(NotReimbursable::NotMedical)?;
        let self_pay = medical.payments.self_pay.0.clamp(0, receipt.total.0.max(0));
        self_pay
            .checked_mul(MEDICAL_INSURANCE_PERCENT)
            .map(|x| x / 100)
            .ok_or(NotReimbursable::OutOfRange)
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
