//! GB/T 35275 signatures: an SM2 PKCS#7 `SignedData` (OID 1.2.156.10197.6.1.4.2.2)
//! as `SignedValue.dat`, which some OFD signers write instead of an SES seal. It
//! signs SM3(Signature.xml): either as the `messageDigest` of its authenticated
//! attributes (the signature then covers those attributes as a DER SET), or as its
//! content.

use crate::der::{self, OCTET_STRING, OID, SEQUENCE, SET};
use crate::error::{OfdError, Result};

pub const SM2_SIGNED_DATA: &str = "1.2.156.10197.6.1.4.2.2";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";

pub struct SignedData {
    pub certificates: Vec<Vec<u8>>,
    pub signers: Vec<SignerInfo>,
    /// The encapsulated content, when not detached.
    pub content: Option<Vec<u8>>,
}

pub struct SignerInfo {
    /// The digest the attributes name, when there are attributes.
    pub message_digest: Option<Vec<u8>>,
    /// The bytes the signature covers.
    pub signed_bytes: Option<Vec<u8>>,
    pub signature: Vec<u8>,
}

/// Whether `bytes` look like a SignedData (a SEQUENCE starting with its OID).
pub fn is_signed_data(bytes: &[u8]) -> bool {
    der::parse(bytes)
        .and_then(|t| t.children())
        .ok()
        .and_then(|c| {
            c.first()
                .map(|f| f.tag == OID && f.oid().ok().as_deref() == Some(SM2_SIGNED_DATA))
        })
        .unwrap_or(false)
}

fn short(what: &str) -> OfdError {
    OfdError::Asn1(format!("{what} is incomplete"))
}

impl SignedData {
    pub fn parse(bytes: &[u8]) -> Result<SignedData> {
        let top = der::parse(bytes)?
            .expect(SEQUENCE, "ContentInfo")?
            .children()?;
        let explicit = top.get(1).ok_or_else(|| short("ContentInfo"))?;
        let signed = explicit.children()?;
        let fields = signed
            .first()
            .ok_or_else(|| short("SignedData"))?
            .expect(SEQUENCE, "SignedData")?
            .children()?;
        let content_info = fields
            .get(2)
            .ok_or_else(|| short("SignedData"))?
            .children()?;
        let content = match content_info.get(1) {
            Some(wrapper) => wrapper
                .children()?
                .first()
                .filter(|c| c.tag == OCTET_STRING)
                .map(|c| c.value.to_vec()),
            None => None,
        };
        let mut certificates = Vec::new();
        let mut signer_set = None;
        for field in &fields[3..] {
            match field.tag {
                0xa0 => certificates.extend(field.children()?.iter().map(|c| c.raw.to_vec())),
                SET => signer_set = Some(*field),
                _ => {}
            }
        }
        let mut signers = Vec::new();
        for info in signer_set.ok_or_else(|| short("signerInfos"))?.children()? {
            let parts = info.children()?;
            // version, issuerAndSerialNumber, digestAlgorithm, [0] attributes?,
            // digestEncryptionAlgorithm, encryptedDigest, …
            let mut rest = &parts[3.min(parts.len())..];
            let mut message_digest = None;
            let mut signed_bytes = None;
            if let Some(attributes) = rest.first().filter(|a| a.tag == 0xa0) {
                for attribute in attributes.children()? {
                    let pair = attribute.children()?;
                    if let [kind, values] = pair.as_slice() {
                        if kind.oid()? == MESSAGE_DIGEST {
                            message_digest = values.children()?.first().map(|v| v.value.to_vec());
                        }
                    }
                }
                // Signed as a SET: the implicit [0] tag is replaced by SET's.
                let mut as_set = attributes.raw.to_vec();
                as_set[0] = SET;
                signed_bytes = Some(as_set);
                rest = &rest[1..];
            }
            let signature = rest
                .get(1)
                .ok_or_else(|| short("SignerInfo"))?
                .bytes()?
                .to_vec();
            signers.push(SignerInfo {
                message_digest,
                signed_bytes: signed_bytes.or_else(|| content.clone()),
                signature,
            });
        }
        Ok(SignedData {
            certificates,
            signers,
            content,
        })
    }
}
