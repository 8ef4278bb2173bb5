use thiserror::Error;

pub type Result<T> = std::result::Result<T, OfdError>;

/// Everything that can be wrong with an OFD file or one of its seals. A verification
/// level that fails carries one of these as its reason.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OfdError {
    // The package.
    #[error("not an OFD file: {0}")]
    NotOfd(String),
    #[error("the file is damaged: {0}")]
    Damaged(String),
    #[error("the package is too large: {0}")]
    TooLarge(String),
    #[error("an entry name leaves the package: {0:?}")]
    UnsafePath(String),
    #[error("{file}: {detail}")]
    Xml { file: String, detail: String },
    #[error("a seal's structure is malformed: {0}")]
    Asn1(String),
    #[error("not supported: {0}")]
    Unsupported(String),

    // Level 1: the package's integrity.
    #[error("{0} is named by the signature but missing from the file")]
    ReferenceMissing(String),
    #[error("{0} was changed after it was sealed")]
    ReferenceChanged(String),
    #[error("only the list of signatures changed after sealing: a later seal rewrote it")]
    SignatureListRewritten,
    #[error("{0} is shown but no seal protects it")]
    Unprotected(String),

    // Level 2: the signature.
    #[error("the signature's record (Signature.xml) was changed after signing")]
    DataHash,
    #[error("the signer's signature does not verify with the certificate it carries")]
    SignerSignature,
    #[error("no signer certificate in the file: the signature cannot be checked")]
    NoSignerCertificate,

    // Level 3: the seal.
    #[error("the seal was not made by the key of its maker's certificate")]
    SealMakerSignature,
    #[error("the seal was not valid at the signing time ({0})")]
    SealNotValid(String),
    #[error("the {which} certificate was not valid at the signing time ({at})")]
    CertificateNotValid { which: &'static str, at: String },
    #[error("the signer's certificate is not one the seal may be used with")]
    SignerNotInSeal,

    // Level 4: trust.
    #[error("the certificates chain to no root you trust (issued by {0})")]
    Untrusted(String),
}

impl OfdError {
    /// A stable code for the UI's table of words.
    pub fn code(&self) -> &'static str {
        match self {
            OfdError::NotOfd(_) => "ofd.not_ofd",
            OfdError::Damaged(_) => "ofd.damaged",
            OfdError::TooLarge(_) => "ofd.too_large",
            OfdError::UnsafePath(_) => "ofd.unsafe_path",
            OfdError::Xml { .. } => "ofd.xml",
            OfdError::Asn1(_) => "seal.malformed",
            OfdError::Unsupported(_) => "seal.unsupported",
            OfdError::ReferenceMissing(_) => "seal.reference_missing",
            OfdError::ReferenceChanged(_) => "seal.reference_changed",
            OfdError::SignatureListRewritten => "seal.signature_list_rewritten",
            OfdError::Unprotected(_) => "seal.unprotected",
            OfdError::DataHash => "seal.data_hash",
            OfdError::SignerSignature => "seal.signer_signature",
            OfdError::NoSignerCertificate => "seal.no_signer_certificate",
            OfdError::SealMakerSignature => "seal.maker_signature",
            OfdError::SealNotValid(_) => "seal.seal_not_valid",
            OfdError::CertificateNotValid { .. } => "seal.certificate_not_valid",
            OfdError::SignerNotInSeal => "seal.signer_not_in_seal",
            OfdError::Untrusted(_) => "seal.untrusted",
        }
    }
}
