//! The recovery key: 160 random bits shown once to the person as eight groups of
//! four Crockford base32 characters (no I, L, O, U), typed back to restore.

use crate::error::{Result, WalletError};
use crate::secret::SecretString;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A recovery key as the person reads it: `ABCD-EFGH-…`.
pub struct RecoveryKey(SecretString);

impl RecoveryKey {
    pub fn generate() -> RecoveryKey {
        let bytes: [u8; 20] = rand::random();
        let mut bits: u64 = 0;
        let mut count = 0;
        let mut chars = String::with_capacity(32);
        for byte in bytes {
            bits = (bits << 8) | byte as u64;
            count += 8;
            while count >= 5 {
                count -= 5;
                chars.push(ALPHABET[((bits >> count) & 31) as usize] as char);
            }
        }
        RecoveryKey::grouped(&chars)
    }

    fn grouped(chars: &str) -> RecoveryKey {
        let groups: Vec<&str> = (0..8).map(|i| &chars[i * 4..i * 4 + 4]).collect();
        RecoveryKey(SecretString::new(groups.join("-")))
    }

    /// Reads what a person typed: case, spaces and dashes do not matter, and the
    /// look-alikes O, I and L are read as 0, 1 and 1.
    pub fn parse(text: &str) -> Result<RecoveryKey> {
        let mut normal = String::with_capacity(32);
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(WalletError::RecoveryKeyMalformed(
                    "a recovery key has only digits and letters",
                ));
            }
            normal.push(c);
        }
        if normal.len() != 32 {
            return Err(WalletError::RecoveryKeyMalformed(
                "a recovery key has 32 characters in 8 groups",
            ));
        }
        Ok(RecoveryKey::grouped(&normal))
    }

    /// The grouped form, for showing once.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The characters without separators: what the key derivation reads.
    pub(crate) fn canonical(&self) -> SecretString {
        SecretString::new(self.0.expose().replace('-', ""))
    }
}

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_eight_groups_and_parse_back() {
        let key = RecoveryKey::generate();
        let groups: Vec<&str> = key.expose().split('-').collect();
        assert_eq!(groups.len(), 8, "{}", key.expose());
        assert!(groups.iter().all(|g| g.len() == 4));
        let typed = key.expose().to_lowercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&typed).unwrap().expose(), key.expose());
    }

    #[test]
    fn look_alikes_and_bad_input() {
        let a = RecoveryKey::parse("O0IL-1111-2222-3333-4444-5555-6666-7777").unwrap();
        assert_eq!(a.expose(), "0011-1111-2222-3333-4444-5555-6666-7777");
        assert!(RecoveryKey::parse("short").is_err());
        assert!(
            RecoveryKey::parse("UUUU-1111-2222-3333-4444-5555-6666-7777").is_err(),
            "U is not in the alphabet"
        );
        assert!(RecoveryKey::parse("１２３４-1111-2222-3333-4444-5555-6666-7777").is_err());
    }
}
