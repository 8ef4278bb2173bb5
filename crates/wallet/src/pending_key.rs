//! A key change left pending by a rotation or a passphrase change cut short: its
//! name in the keyring, its promotion, and the try of it when a wallet opens and
//! its current key no longer fits (see `rekey.rs`).

use crate::db;
use crate::error::{Result, WalletError};
use crate::keys::{KeyAccess, WalletMeta};
use crate::keystore::SecretStore;
use crate::secret::DbKey;
use std::path::Path;

pub(crate) fn pending_name(meta: &WalletMeta) -> String {
    format!("db-key-pending/{}", meta.wallet_id)
}

pub(crate) fn promote(store: &dyn SecretStore, meta: &WalletMeta, key: &DbKey) -> Result<()> {
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
