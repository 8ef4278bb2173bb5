//! The service's keys, all derived from one secret: the province root, the fiscal
//! supervisor, each issuer, the API keys of issuers and relying parties, and 校验码.
//! The secret is 32 random bytes from a key file (production), or the public demo
//! seed (`--demo`: anyone can derive every key, so only on this machine). A reference
//! service holds them all; a real province would keep each in its own HSM.

use crate::config::Province;
use piaojia_receipt::{base64_text, SigningKey, TrustAnchor};
use sha2::{Digest, Sha256};

/// Where every key of the service comes from.
#[derive(Clone)]
pub enum ServiceSecret {
    /// The public demo seed.
    DemoSeed(u64),
    /// 32 random bytes from a key file made by `provincial-service keygen`.
    KeyFile(zeroize::Zeroizing<[u8; 32]>),
}

impl std::fmt::Debug for ServiceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServiceSecret::DemoSeed(seed) => write!(f, "DemoSeed({seed})"),
            ServiceSecret::KeyFile(_) => f.write_str("KeyFile(<redacted>)"),
        }
    }
}

/// The first line of a key file; the secret follows in hex.
const KEY_FILE_HEADER: &str = "piaojia-service-secret/1";

impl ServiceSecret {
    pub fn generate() -> ServiceSecret {
        ServiceSecret::KeyFile(zeroize::Zeroizing::new(rand::random()))
    }

    pub fn is_demo(&self) -> bool {
        matches!(self, ServiceSecret::DemoSeed(_))
    }

    /// The key file's text. Its permissions are the writer's business (0600).
    pub fn to_key_file(&self) -> Option<zeroize::Zeroizing<String>> {
        match self {
            ServiceSecret::DemoSeed(_) => None,
            ServiceSecret::KeyFile(bytes) => Some(zeroize::Zeroizing::new(format!(
                "{KEY_FILE_HEADER}\n{}\n",
                hex::encode(bytes.as_slice())
            ))),
        }
    }

    pub fn from_key_file(text: &str) -> Option<ServiceSecret> {
        let mut lines = text.lines();
        if lines.next()? != KEY_FILE_HEADER {
            return None;
        }
        let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(lines.next()?.trim(), bytes.as_mut_slice()).ok()?;
        Some(ServiceSecret::KeyFile(bytes))
    }

    pub fn derive_bytes(&self, label: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        match self {
            ServiceSecret::DemoSeed(seed) => {
                hasher.update(b"piaojia-reference-service/v1\0");
                hasher.update(seed.to_be_bytes());
            }
            ServiceSecret::KeyFile(bytes) => {
                hasher.update(b"piaojia-reference-service/key-file/v1\0");
                hasher.update(bytes.as_slice());
            }
        }
        hasher.update(label.as_bytes());
        hasher.finalize().into()
    }
}

pub struct ServiceKeys {
    pub root: SigningKey,
    pub supervisor: SigningKey,
    pub supervisor_serial: String,
}

impl ServiceKeys {
    pub fn derive(secret: &ServiceSecret, province: &Province) -> ServiceKeys {
        ServiceKeys {
            root: derive_key(secret, &format!("root/{}", province.code)),
            supervisor: derive_key(secret, &format!("supervisor/{}", province.code)),
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

/// A deterministic ed25519 key for `label` under `secret`.
pub fn derive_key(secret: &ServiceSecret, label: &str) -> SigningKey {
    SigningKey::from_bytes(&secret.derive_bytes(label))
}

/// The API key an issuer uses on the issuer endpoints.
pub fn issuer_api_key(secret: &ServiceSecret, issuer_code: &str) -> String {
    format!(
        "pji_{}",
        hex::encode(secret.derive_bytes(&format!("issuer-api/{issuer_code}")))
    )
}

/// The API key a relying party uses on its review endpoints.
pub fn relying_party_api_key(secret: &ServiceSecret, province: &Province, code: &str) -> String {
    format!(
        "pjp_{}",
        hex::encode(secret.derive_bytes(&format!("rp-api/{}/{code}", province.code)))
    )
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
