//! Backups from the app: into a folder the person chooses (another disk, a USB
//! drive), and restoring one in place of the open wallet.

use crate::app::App;
use crate::error::{AppError, Result};
use crate::settings::home;
use crate::views::{AppStatus, BackupOutcome};
use piaojia_wallet::{BackupReport, Backups, RecoveryKey, Wallet};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Backups kept in a folder; older ones are removed.
const KEEP: u32 = 5;

impl App {
    /// Writes an encrypted backup into `folder` (`~` is the home folder), or the
    /// wallet's own backup folder when none is given. The first backup makes the
    /// recovery key, returned this once to be written down.
    pub async fn backup_now(&self, folder: Option<String>) -> Result<BackupOutcome> {
        let wallet = self.wallet().await?;
        let folder = match folder.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(chosen) => expand_home(chosen),
            None => wallet.dir().join("backups"),
        };
        let recovery_key = if wallet.backups().has_key().await? {
            None
        } else {
            Some(wallet.backups().set_up().await?.expose().to_string())
        };
        let report: BackupReport = wallet.backups().into_folder(&folder, KEEP).await?;
        Ok(BackupOutcome {
            path: report.path.display().to_string(),
            receipts: report.receipts,
            recovery_key,
        })
    }

    /// Puts the wallet in `file` (a backup, opened with `recovery_key`) in place of
    /// the open one, which is kept beside it (`<wallet>.before-restore-<time>`), and
    /// opens it with the keyring or `passphrase`. A wrong key or a damaged backup
    /// changes nothing: the open wallet stays open as it was. The accounts restored
    /// need a new login (no token is in a backup).
    pub async fn restore(
        &self,
        file: String,
        recovery_key: String,
        passphrase: Option<String>,
    ) -> Result<AppStatus> {
        let recovery = RecoveryKey::parse(&recovery_key)?;
        if self.syncing.load(Ordering::SeqCst) {
            return Err(AppError::SyncRunning);
        }
        let dir = self.config.wallet_dir.clone();
        let access = self.access(passphrase.clone())?;
        let staged = Backups::stage_restore(&dir, &expand_home(&file), &recovery, access).await?;
        self.close_for_restore().await?;
        staged.finish()?;
        let wallet = Wallet::open(&dir, self.access(passphrase)?).await?;
        self.install(wallet).await
    }

    /// Closes the open wallet so its folder can move; a moment is given to whatever
    /// still holds it (the search index loading).
    async fn close_for_restore(&self) -> Result<()> {
        let Some(mut wallet) = self.wallet.write().await.take() else {
            return Ok(());
        };
        for _ in 0..50 {
            match Arc::try_unwrap(wallet) {
                Ok(only) => {
                    only.close().await;
                    return Ok(());
                }
                Err(shared) => wallet = shared,
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Still in use: it stays the app's, and nothing was restored.
        *self.wallet.write().await = Some(wallet);
        Err(AppError::Busy)
    }
}

fn expand_home(path: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => home().join(rest),
        None if path == "~" => home(),
        None => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_may_start_at_home() {
        let home = home();
        assert_eq!(expand_home("~/备份"), home.join("备份"));
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("/media/usb"), PathBuf::from("/media/usb"));
        assert_eq!(expand_home("a~/b"), PathBuf::from("a~/b"));
    }
}
