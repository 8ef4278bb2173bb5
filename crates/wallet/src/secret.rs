//! Secrets with their own types: no Clone, no Serialize, a Debug that shows nothing,
//! and zeroed memory on drop.

use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// The 256-bit key of the wallet database.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> DbKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::Rng::fill(&mut rand::rngs::OsRng, &mut bytes[..]);
        DbKey(bytes)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey(Zeroizing::new(bytes))
    }

    /// Parses the hex form kept in the keyring.
    pub fn from_hex(text: &str) -> Option<DbKey> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), &mut bytes[..]).ok()?;
        Some(DbKey(bytes))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.0[..]))
    }

    /// The SQLCipher `PRAGMA key` value for a raw key: `"x'…'"`.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", hex::encode(&self.0[..])))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// A token or passphrase: text that must never be logged or persisted by accident.
pub struct SecretString(String);

impl SecretString {
    pub fn new(text: impl Into<String>) -> SecretString {
        SecretString(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl Drop for SecretString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_nothing() {
        let key = DbKey::random();
        let hex = key.to_hex();
        assert!(!format!("{key:?}").contains(&hex[..8]));
        let token = SecretString::new("pjr_abcdef");
        assert_eq!(format!("{token:?}"), "SecretString(<redacted>)");
    }

    #[test]
    fn hex_round_trip() {
        let key = DbKey::random();
        let again = DbKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(key.to_hex(), again.to_hex());
        assert!(DbKey::from_hex("zz").is_none());
    }
}
