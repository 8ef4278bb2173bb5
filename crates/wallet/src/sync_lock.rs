//! One sync of a wallet at a time, across processes. The desktop app's background
//! sync and a `piaojia sync` in a terminal would otherwise both spend the account's
//! single-use refresh token (one of them keeping a pair the service then revokes)
//! and fetch and store the same pages twice. The second sync waits for the first.

use crate::error::Result;
use crate::keys::KeyMode;
use crate::wallet::Wallet;
use std::fs::{File, OpenOptions, TryLockError};
use std::time::Duration;

/// The lock file in the wallet's folder; it holds nothing, only the lock.
const SYNC_LOCK_FILE: &str = "sync.lock";

const POLL: Duration = Duration::from_millis(100);

/// Held for the length of a sync. The OS lets go of it when the process ends, also
/// by `kill -9`, so a crashed sync never blocks the next one.
pub(crate) struct SyncLock {
    _file: Option<File>,
}

impl Wallet {
    pub(crate) async fn lock_for_sync(&self) -> Result<SyncLock> {
        // An in-memory wallet has no folder, and no other process can reach it.
        if self.meta.key_mode == KeyMode::InMemory {
            return Ok(SyncLock { _file: None });
        }
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(SYNC_LOCK_FILE))?;
        let mut waiting = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(SyncLock { _file: Some(file) }),
                Err(TryLockError::WouldBlock) => {
                    if !waiting {
                        tracing::warn!("another sync of this wallet is running; waiting for it");
                        waiting = true;
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(TryLockError::Error(error)) => return Err(error.into()),
            }
        }
    }
}
