//! The wallet's key: random and kept in the OS keyring, or derived from a passphrase
//! (Argon2id) where no keyring is reachable. `wallet.json` beside the database says
//! which, and holds the passphrase salt; it holds nothing secret.

use crate::error::{Result, WalletError};
use crate::keystore::SecretStore;
use crate::secret::{DbKey, SecretString};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// How to reach the key and where refresh tokens go.
pub enum KeyAccess {
    /// The OS keyring holds the database key and the refresh tokens.
    Keyring(Arc<dyn SecretStore>),
    /// A passphrase derives the key; refresh tokens are kept inside the encrypted
    /// database (see `refresh.rs`).
    Passphrase(SecretString),
}

pub const META_FILE: &str = "wallet.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum KeyMode {
    /// A random key in the OS keyring.
    Keyring,
    /// A key derived from the user's passphrase.
    Passphrase,
    /// No key and no file: the wallet lives in memory and ends with it (the kiosk).
    InMemory,
}

/// Argon2id parameters, kept so that a wallet opens the same way for years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub salt_hex: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl KdfParams {
    pub fn new_random() -> KdfParams {
        let salt: [u8; 16] = rand::random();
        KdfParams {
            salt_hex: hex::encode(salt),
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }

    /// Whether these are parameters a Piaojia wallet would write. They come from a
    /// file (a backup's header, `wallet.json`), and Argon2 with 4 TiB of memory or
    /// four billion passes is a way to hang or abort whoever opens it; a salt that is
    /// not hex is damage too, so every reader refuses it as such.
    pub fn within_bounds(&self) -> bool {
        (8 * 1024..=1024 * 1024).contains(&self.memory_kib)
            && (1..=10).contains(&self.iterations)
            && (1..=8).contains(&self.parallelism)
            && (16..=64).contains(&(self.salt_hex.len() / 2))
            && hex::decode(&self.salt_hex).is_ok()
    }

    pub fn derive(&self, passphrase: &SecretString) -> Result<DbKey> {
        if !self.within_bounds() {
            return Err(WalletError::Invalid(
                "key derivation parameters out of bounds".into(),
            ));
        }
        let salt = hex::decode(&self.salt_hex)
            .map_err(|_| WalletError::Invalid("corrupt passphrase salt".into()))?;
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|e| WalletError::Invalid(format!("bad key derivation parameters: {e}")))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut key = [0u8; 32];
        argon
            .hash_password_into(passphrase.expose().as_bytes(), &salt, &mut key)
            .map_err(|e| WalletError::Invalid(format!("key derivation failed: {e}")))?;
        let db_key = DbKey::from_bytes(key);
        zeroize::Zeroize::zeroize(&mut key);
        Ok(db_key)
    }
}

/// `wallet.json`: which key mode, and the wallet's id (names its keyring entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletMeta {
    pub format: String,
    pub wallet_id: String,
    pub key_mode: KeyMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfParams>,
    /// Set while a passphrase change is under way (see rekey.rs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_kdf: Option<KdfParams>,
}

impl WalletMeta {
    pub fn read(dir: &Path) -> Result<Option<WalletMeta>> {
        match std::fs::read(dir.join(META_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| WalletError::Invalid(format!("{META_FILE} is unreadable: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes atomically: a crash leaves the old file or the new one.
    pub fn write(&self, dir: &Path) -> Result<()> {
        let tmp = dir.join(format!("{META_FILE}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).expect("serialises"))?;
        std::fs::File::open(&tmp)?.sync_all()?;
        std::fs::rename(tmp, dir.join(META_FILE))?;
        Ok(())
    }

    pub fn db_key_name(&self) -> String {
        format!("db-key/{}", self.wallet_id)
    }
}

/// How the person unlocks the wallet.
pub enum Unlock<'a> {
    /// Use the OS keyring; fails when it is not reachable.
    Keyring(&'a dyn SecretStore),
    /// Use this passphrase.
    Passphrase(SecretString),
}

/// Creates the key of a new wallet and its `wallet.json`.
pub fn create(dir: &Path, unlock: &Unlock) -> Result<(WalletMeta, DbKey)> {
    let wallet_id = hex::encode(rand::random::<[u8; 12]>());
    match unlock {
        Unlock::Keyring(store) => {
            let meta = WalletMeta {
                format: "piaojia.wallet/1".into(),
                wallet_id,
                key_mode: KeyMode::Keyring,
                kdf: None,
                pending_kdf: None,
            };
            let key = DbKey::random();
            store.set(&meta.db_key_name(), &key.to_hex())?;
            // Read it back: a keyring that accepts and forgets would lose the wallet.
            match store.get(&meta.db_key_name())? {
                Some(stored) if stored.expose() == key.to_hex().as_str() => {}
                _ => {
                    return Err(WalletError::KeyringUnavailable(
                        "the keyring did not keep the key".into(),
                    ))
                }
            }
            meta.write(dir)?;
            Ok((meta, key))
        }
        Unlock::Passphrase(passphrase) => {
            if passphrase.expose().chars().count() < 8 {
                return Err(WalletError::Invalid(
                    "a passphrase has at least 8 characters".into(),
                ));
            }
            let kdf = KdfParams::new_random();
            let key = kdf.derive(passphrase)?;
            let meta = WalletMeta {
                format: "piaojia.wallet/1".into(),
                wallet_id,
                key_mode: KeyMode::Passphrase,
                kdf: Some(kdf),
                pending_kdf: None,
            };
            meta.write(dir)?;
            Ok((meta, key))
        }
    }
}

/// Finds the key of an existing wallet. Never makes a new one: a missing key must be
/// reported, not replaced, or the receipts would be lost silently.
pub fn existing(meta: &WalletMeta, unlock: &Unlock) -> Result<DbKey> {
    match (meta.key_mode, unlock) {
        (KeyMode::Keyring, Unlock::Keyring(store)) => {
            let stored = store
                .get(&meta.db_key_name())?
                .ok_or(WalletError::KeyMissing)?;
            DbKey::from_hex(stored.expose()).ok_or(WalletError::KeyMissing)
        }
        (KeyMode::Passphrase, Unlock::Passphrase(passphrase)) => {
            let kdf = meta.kdf.as_ref().ok_or_else(|| {
                WalletError::Invalid("wallet.json lacks the passphrase salt".into())
            })?;
            kdf.derive(passphrase)
        }
        (KeyMode::Passphrase, Unlock::Keyring(_)) => Err(WalletError::PassphraseRequired),
        (KeyMode::Keyring, Unlock::Passphrase(_)) => Err(WalletError::Invalid(
            "this wallet's key is in the OS keyring, not derived from a passphrase".into(),
        )),
        // Never written to wallet.json; a file that says so was not written by us.
        (KeyMode::InMemory, _) => Err(WalletError::Invalid(
            "wallet.json names an in-memory wallet, which has no file".into(),
        )),
    }
}
