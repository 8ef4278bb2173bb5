//! Key rotation and passphrase change, crash-safe: the new key is recorded as
//! pending before the file is re-encrypted and promoted after, and opening a wallet
//! tries the pending key when the current one no longer fits (`pending_key.rs`). A
//! kill at any point leaves a wallet that opens with the old key or the new one.

use crate::db;
use crate::error::{Result, WalletError};
use crate::keys::{KdfParams, KeyAccess, KeyMode};
use crate::pending_key::{pending_name, promote};
use crate::secret::{DbKey, SecretString};
use crate::wallet::Wallet;

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
