//! The signed original (签名原件): the issuer's exact document bytes and the two
//! signatures over them. The bytes are kept verbatim and verified as they are;
//! nothing is ever re-serialised to check a signature.

use crate::b64;
use crate::error::Error;
use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};

/// The format tag of a serialised signed original.
pub const ORIGINAL_FORMAT: &str = "piaojia.signed-original/1";

/// A receipt document with its issuer (开票单位签章) and supervisor (财政监制) signatures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignedOriginal {
    /// Always [`ORIGINAL_FORMAT`].
    pub format: String,
    /// The document's exact bytes (UTF-8 JSON of a receipt), base64.
    #[serde(with = "b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub document: Vec<u8>,
    /// Serial of the issuer certificate in the province's trust bundle.
    pub issuer_cert_serial: String,
    /// ed25519 over `document`, base64.
    #[serde(with = "b64::signature")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub issuer_signature: [u8; 64],
    /// Serial of the fiscal supervisor certificate.
    pub supervisor_cert_serial: String,
    /// ed25519 over `document ‖ issuer_signature`, base64.
    #[serde(with = "b64::signature")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub supervisor_signature: [u8; 64],
}

impl SignedOriginal {
    /// Signs `document` as the issuer, then countersigns as the fiscal supervisor.
    pub fn sign(
        document: Vec<u8>,
        issuer_key: &SigningKey,
        issuer_cert_serial: &str,
        supervisor_key: &SigningKey,
        supervisor_cert_serial: &str,
    ) -> SignedOriginal {
        let issuer_signature = issuer_key.sign(&document).to_bytes();
        let supervisor_signature = supervisor_key
            .sign(&supervisor_message(&document, &issuer_signature))
            .to_bytes();
        SignedOriginal {
            format: ORIGINAL_FORMAT.to_string(),
            document,
            issuer_cert_serial: issuer_cert_serial.to_string(),
            issuer_signature,
            supervisor_cert_serial: supervisor_cert_serial.to_string(),
            supervisor_signature,
        }
    }

    /// Reads a serialised signed original (the JSON envelope), e.g. an exported file.
    pub fn from_json(bytes: &[u8]) -> Result<SignedOriginal, Error> {
        let original: SignedOriginal =
            serde_json::from_slice(bytes).map_err(|e| Error::MalformedEnvelope(e.to_string()))?;
        if original.format != ORIGINAL_FORMAT {
            return Err(Error::MalformedEnvelope(format!(
                "unknown format {:?}",
                original.format
            )));
        }
        Ok(original)
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a signed original always serialises")
    }
}

/// What the supervisor signs: the document bytes followed by the issuer's signature.
pub fn supervisor_message(document: &[u8], issuer_signature: &[u8; 64]) -> Vec<u8> {
    let mut message = Vec::with_capacity(document.len() + 64);
    message.extend_from_slice(document);
    message.extend_from_slice(issuer_signature);
    message
}
