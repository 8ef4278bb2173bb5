//! SM3 and SM2 (GB/T 32905, GB/T 32918) through RustCrypto's `sm3` and `sm2`. A
//! seal's SM2 signature comes as DER `SEQUENCE { r, s }` (sometimes with integers
//! that are not minimal, or that look negative) or as the raw 64 bytes `r ‖ s`.

use crate::der::{self, INTEGER, SEQUENCE};
use sm2::dsa::signature::Verifier;
use sm3::{Digest, Sm3};

/// The signer ID of GM/T 0009 that seals use unless they say otherwise.
pub const DEFAULT_SIGNER_ID: &str = "1234567812345678";

/// SM3withSM2, the signature algorithm of every seal seen so far.
pub const SM3_WITH_SM2: &str = "1.2.156.10197.1.501";
/// SM3, the digest of references (`CheckMethod`).
pub const SM3: &str = "1.2.156.10197.1.401";

pub fn sm3(bytes: &[u8]) -> [u8; 32] {
    Sm3::digest(bytes).into()
}

/// An integer's magnitude as 32 big-endian bytes; `None` when larger.
fn scalar(value: &[u8]) -> Option<[u8; 32]> {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
    let magnitude = &value[start..];
    if magnitude.len() > 32 {
        return None;
    }
    let mut out = [0u8; 32];
    out[32 - magnitude.len()..].copy_from_slice(magnitude);
    Some(out)
}

/// `r` and `s` from either encoding.
pub fn signature_scalars(signature: &[u8]) -> Option<([u8; 32], [u8; 32])> {
    if signature.len() == 64 {
        let (r, s) = signature.split_at(32);
        return Some((r.try_into().ok()?, s.try_into().ok()?));
    }
    let sequence = der::parse(signature).ok()?.expect(SEQUENCE, "sig").ok()?;
    let parts = sequence.children().ok()?;
    match parts.as_slice() {
        [r, s] if r.tag == INTEGER && s.tag == INTEGER => {
            Some((scalar(r.value)?, scalar(s.value)?))
        }
        _ => None,
    }
}

/// Verifies an SM2 signature (SM3 over Z_A ‖ message, with the default signer ID)
/// with a public key as SEC1 bytes (`04 ‖ X ‖ Y`).
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let Ok(key) = sm2::dsa::VerifyingKey::from_sec1_bytes(DEFAULT_SIGNER_ID, public_key) else {
        return false;
    };
    let Some((r, s)) = signature_scalars(signature) else {
        return false;
    };
    let Ok(signature) = sm2::dsa::Signature::from_scalars(r, s) else {
        return false;
    };
    key.verify(message, &signature).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sm3_matches_the_standards_example() {
        // GB/T 32905-2016, appendix A.1.
        assert_eq!(
            hex::encode(sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    #[test]
    fn both_encodings_of_a_signature_give_the_same_scalars() {
        let r = [0x80u8; 32];
        let s = [0x01u8; 32];
        let raw = [r, s].concat();
        // DER with a padding zero, and the non-minimal "negative" form some seals use.
        let padded = der::element(
            SEQUENCE,
            &[
                der::element(INTEGER, &[&[0u8][..], &r].concat()),
                der::element(INTEGER, &s),
            ]
            .concat(),
        );
        let negative = der::element(
            SEQUENCE,
            &[der::element(INTEGER, &r), der::element(INTEGER, &s)].concat(),
        );
        for encoding in [&raw[..], &padded, &negative] {
            assert_eq!(signature_scalars(encoding), Some((r, s)));
        }
        assert_eq!(signature_scalars(&[0u8; 63]), None);
    }
}
