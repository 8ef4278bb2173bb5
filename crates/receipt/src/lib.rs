//! The fiscal electronic receipt (财政电子票据): its data elements, the signed-original
//! format, a province's trust bundle, offline verification, and amounts in fen with
//! their 大写 form. No I/O, no async: everything here is a pure function of its input.

mod b64;
mod error;
mod ids;
mod model;
mod money;
mod original;
mod provinces;
pub mod service_time;
mod states;
mod trust;
mod verify;
mod words;

pub use error::Error;
pub use ids::{CheckCode, ProvinceCode, ReceiptCode, ReceiptKey, ReceiptNumber, RegionCode};
pub use model::{
    Category, DetailItem, Issuer, Lifecycle, LineItem, MedicalInfo, Payer, PayerKind, PaymentSplit,
    Receipt, RECEIPT_FORMAT,
};
pub use money::Fen;
pub use original::{supervisor_message, SignedOriginal, ORIGINAL_FORMAT};
pub use provinces::{Province, PROVINCES};
pub use states::{CheckStatus, ClaimState, LifecycleState};
pub use trust::{
    Certificate, CertificateRole, Revocation, RevocationList, RootSigned, TrustAnchor, TrustBundle,
    TrustStore, CERTIFICATE_FORMAT, REVOCATIONS_FORMAT,
};
pub use verify::{
    check_amounts, parse_document, verify, verify_batch, VerifiedReceipt, MAX_AMOUNT_FEN,
};
pub use words::amount_in_words;

/// Re-exported so that callers sign and pin keys with the same ed25519 types.
pub use ed25519_dalek::{SigningKey, VerifyingKey};

/// Base64 as the formats use it, for configs that carry keys.
pub mod base64_text {
    pub use crate::b64::{decode, encode};
}
