//! The service's keys, derived from its seed: the province root, the fiscal
//! supervisor, and each issuer. A reference service holds them all; a real province
//! would keep each in its own HSM.

use crate::config::Province;
use piaojia_receipt::{base64_text, SigningKey, TrustAnchor};
use sha2::{Digest, Sha256};

pub struct ServiceKeys {
    pub root: SigningKey,
    pub supervisor: SigningKey,
    pub supervisor_serial: String,
}

impl ServiceKeys {
    pub fn derive(seed: u64, province: &Province) -> ServiceKeys {
        ServiceKeys {
            root: derive_key(seed, &format!("root/{}", province.code)),
            supervisor: derive_key(seed, &format!("supervisor/{}", province.code)),
            supervisor_serial: format!("{}-SUP-0001", province.prefix),
        }
    }

    /// What a wallet pins for this province.
    pub fn anchor(&self, province: &Province) -> TrustAnchor {
        TrustAnchor {
            province: province.code.clone(),
            root: self.root.verifying_key(),
        }
    }

    pub fn root_public_base64(&self) -> String {
        base64_text::encode(&self.root.verifying_key().to_bytes())
    }
}

/// A deterministic ed25519 key for `label` under `seed`.
pub fn derive_key(seed: u64, label: &str) -> SigningKey {
    SigningKey::from_bytes(&derive_bytes(seed, label))
}

pub fn derive_bytes(seed: u64, label: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(b"piaojia-reference-service/v1\0");
    hasher.update(seed.to_be_bytes());
    hasher.update(label.as_bytes());
    hasher.finalize().into()
}

/// The API key an issuer uses on the issuer endpoints (demo: derived from the seed).
pub fn issuer_api_key(seed: u64, issuer_code: &str) -> String {
    format!(
        "pji_{}",
        hex::encode(derive_bytes(seed, &format!("issuer-api/{issuer_code}")))
    )
}

/// The API key a relying party uses on its review endpoints (demo: from the seed).
pub fn relying_party_api_key(seed: u64, province: &Province, code: &str) -> String {
    format!(
        "pjp_{}",
        hex::encode(derive_bytes(
            seed,
            &format!("rp-api/{}/{code}", province.code)
        ))
    )
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
