//! The one error type of the receipt crate. Every variant has a stable code for the
//! UI and for quarantine records; messages never quote personal data.

use chrono::NaiveDateTime;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("malformed receipt document: {0}")]
    Malformed(String),
    #[error("malformed signed original: {0}")]
    MalformedEnvelope(String),
    #[error("the issuer's signature does not verify")]
    IssuerSignature,
    #[error("the fiscal supervisor's signature does not verify")]
    SupervisorSignature,
    #[error("no certificate {serial} for this issuer in the trust bundle")]
    UnknownIssuer { serial: String },
    #[error("no fiscal supervisor certificate {serial} in the trust bundle")]
    UnknownSupervisor { serial: String },
    #[error("certificate {serial} was not valid at the issue time {at}")]
    CertificateNotValidAt { serial: String, at: NaiveDateTime },
    #[error("certificate {serial} is revoked")]
    CertificateRevoked { serial: String },
    #[error("receipt belongs to province {found}, expected {expected}")]
    WrongProvince { expected: String, found: String },
    #[error("line items sum to {items_sum} fen but the total is {total} fen")]
    TotalMismatch { total: i64, items_sum: i64 },
    #[error("the amount in words does not match the total")]
    AmountInWordsMismatch,
    #[error("the medical payment split does not fit the total: {0}")]
    PaymentSplit(String),
    #[error("an amount is larger than any receipt carries ({0} fen)")]
    AmountOutOfRange(i64),
    #[error("trust bundle signature does not verify against the pinned root")]
    BundleSignature,
    #[error("malformed trust bundle: {0}")]
    BundleMalformed(String),
}

impl Error {
    /// A stable, machine-readable code; the UI and stored quarantine records use it.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Malformed(_) => "receipt.malformed",
            Error::MalformedEnvelope(_) => "receipt.malformed_envelope",
            Error::IssuerSignature => "receipt.issuer_signature",
            Error::SupervisorSignature => "receipt.supervisor_signature",
            Error::UnknownIssuer { .. } => "receipt.unknown_issuer",
            Error::UnknownSupervisor { .. } => "receipt.unknown_supervisor",
            Error::CertificateNotValidAt { .. } => "receipt.certificate_not_valid",
            Error::CertificateRevoked { .. } => "receipt.certificate_revoked",
            Error::WrongProvince { .. } => "receipt.wrong_province",
            Error::TotalMismatch { .. } => "receipt.total_mismatch",
            Error::AmountInWordsMismatch => "receipt.amount_in_words_mismatch",
            Error::PaymentSplit(_) => "receipt.payment_split",
            Error::AmountOutOfRange(_) => "receipt.amount_out_of_range",
            Error::BundleSignature => "trust.bundle_signature",
            Error::BundleMalformed(_) => "trust.bundle_malformed",
        }
    }
}
