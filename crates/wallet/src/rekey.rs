//! Key rotation and passphrase change, crash-safe: the new key is recorded as
//! pending before the file is re-encrypted and promoted after, and opening a wallet
//! tries the pending key when the current one no longer fits. A kill at any point
//! leaves a wallet that opens with the old key or the new one.

use crate::db;
use crate::error::{Result, WalletError};
use crate::keys::{KdfParams, KeyMode, WalletMeta};
use crate::keystore::SecretStore;
use crate::secret::{DbKey, SecretString};
use crate::wallet::{KeyAccess, Wallet};
use std::path::Path;

pub(crate) fn pending_name(meta: &WalletMeta) -> String {
    format!("db-key-pending/{}", meta.wallet_id)
}

impl Wallet {
    /// Replaces the database key with a new random one (keyring wallets).
    pub async fn rekey(self) -> Result<Wallet> {
        if self.meta.key_mode != KeyMode::Keyring {
            return Err(WalletError::Invalid(
                "a passphrase wallet changes its passphrase instead".into(),
            ));
        }
        let store = self.tokens.clone();
        let dir = self.dir.clone();
        let meta = self.meta.clone();
        let old = DbKey::from_hex(
            store
                .get(&meta.db_key_name())?
                .ok_or(WalletError::KeyMissing)?
                .expose(),
        )
        .ok_or(WalletError::KeyMissing)?;
        let new = DbKey::random();
        self.close().await;
        store.set(&pending_name(&meta), &new.to_hex())?;
        db::rekey(&dir.join(db::DB_FILE), &old, &new).await?;
        promote(store.as_ref(), &meta, &new)?;
        let wallet = Wallet::open(&dir, KeyAccess::Keyring(store)).await?;
        wallet.log_activity("rekey", None, &[]).await?;
        Ok(wallet)
    }

    /// Changes the passphrase of a passphrase wallet (and so its key).
    pub async fn change_passphrase(
        self,
        current: &SecretString,
        new: SecretString,
    ) -> Result<Wallet> {
        if self.meta.key_mode != KeyMode::Passphrase {
            return Err(WalletError::Invalid(
                "this wallet's key is in the OS keyring".into(),
            ));
        }
        if new.expose().chars().count() < 8 {
            return Err(WalletError::Invalid(
                "a passphrase has at least 8 characters".into(),
            ));
        }
        let dir = self.dir.clone();
        let mut meta = self.meta.clone();
        let old = meta
            .kdf
            .as_ref()
            .ok_or_else(|| WalletError::Invalid("wallet.json lacks the salt".into()))?
            .derive(current)?;
        let kdf = KdfParams::new_random();
        let new_key = kdf.derive(&new)?;
        self.close().await;
        meta.pending_kdf = Some(kdf.clone());
        meta.write(&dir)?;
        db::rekey(&dir.join(db::DB_FILE), &old, &new_key).await?;
        meta.kdf = Some(kdf);
        meta.pending_kdf = None;
        meta.write(&dir)?;
        let wallet = Wallet::open(&dir, KeyAccess::Passphrase(new)).await?;
        wallet.log_activity("passphrase_changed", None, &[]).await?;
        Ok(wallet)
    }
}

fn promote(store: &dyn SecretStore, meta: &WalletMeta, key: &DbKey) -> Result<()> {
    store.set(&meta.db_key_name(), &key.to_hex())?;
    store.delete(&pending_name(meta))
}

/// After a wrong-key answer: the key a rotation left pending, if it opens the file.
/// A working pending key is promoted.
pub(crate) async fn try_pending(
    dir: &Path,
    meta: &mut WalletMeta,
    access: &KeyAccess,
) -> Result<Option<(DbKey, sqlx::SqlitePool)>> {
    let path = dir.join(db::DB_FILE);
    match access {
        KeyAccess::Keyring(store) => {
            let Some(pending) = store.get(&pending_name(meta))? else {
                return Ok(None);
            };
            let Some(key) = DbKey::from_hex(pending.expose()) else {
                return Ok(None);
            };
            match db::open(&path, &key, false).await {
                Ok(pool) => {
                    promote(store.as_ref(), meta, &key)?;
                    Ok(Some((key, pool)))
                }
                Err(WalletError::WrongKey) => {
                    // The rotation never reached the file: the pending key is stale.
                    store.delete(&pending_name(meta))?;
                    Ok(None)
                }
                Err(e) => Err(e),
            }
        }
        KeyAccess::Passphrase(passphrase) => {
            let Some(kdf) = meta.pending_kdf.clone() else {
                return Ok(None);
            };
            let key = kdf.derive(passphrase)?;
            match db::open(&path, &key, false).await {
                Ok(pool) => {
                    meta.kdf = Some(kdf);
                    meta.pending_kdf = None;
                    meta.write(dir)?;
                    Ok(Some((key, pool)))
                }
                Err(WalletError::WrongKey) => Ok(None),
                Err(e) => Err(e),
            }
        }
    }
}
