//! The provincial e-receipt API's requests and answers, declared once. The service
//! serves these types (and describes them in its OpenAPI document, feature
//! `openapi`); the wallet's client sends and reads the same types, so the three
//! cannot drift apart. Plain data: no I/O, no behaviour beyond serde, but for the
//! one rule both sides must apply alike (how much a relying party reimburses).
//!
//! Types that carry a secret (an SMS code, a token, a hand-off code) show it as
//! `<redacted>` when printed with `{:?}`.

mod auth;
mod check;
mod claims;
mod consultations;
mod error;
#[cfg(feature = "openapi")]
mod examples;
mod handoff;
mod issuer;
mod paper;
mod receipts;
mod redacted;

pub use auth::{LoginRequest, RefreshRequest, SmsRequest, SmsSent, TokenPair, TokenType};
pub use check::{CheckRequest, CheckResult};
pub use claims::{
    Claim, ClaimForReview, ClaimReceipt, ClaimRequest, Decision, NotReimbursable, ReceiptRef,
    RelyingParty, RelyingPartyKind, MEDICAL_INSURANCE_PERCENT,
};
pub use consultations::{
    AnswerRequest, AskRequest, Author, ConsultMessage, ConsultReason, Consultation,
    ConsultationChange, ConsultationState, MessageRequest, MAX_MESSAGE_CHARS,
};
pub use error::ErrorBody;
pub use handoff::{HandoffCode, HandoffSession, KioskTokens, RedeemRequest};
pub use issuer::{ExchangeRequest, IssueRequest, IssuedReceipt, ReverseRequest, VoidRequest};
pub use paper::{KioskRegistration, PaperExchange, RegisterKioskRequest};
pub use receipts::{ChangeEvent, ChangePage, ClaimChange, PageQuery, ReceiptEntry, ReceiptPage};
