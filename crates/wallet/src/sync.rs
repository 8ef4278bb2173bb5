//! Sync with a provincial service: trust bundle, receipts since the stored cursor
//! (verified in batches before they are stored), then lifecycle changes. Each page
//! is stored in one transaction together with the cursor that follows it, so a
//! crash at any point resumes without losing or duplicating a receipt.

use crate::client::ServiceClient;
use crate::error::{Result, WalletError};
use crate::secret::SecretString;
use crate::store::{self, Stored, TermCache};
use crate::tables::accounts::{self, AccountRow};
use crate::trust::Root;
use crate::wallet::Wallet;
use piaojia_api::ReceiptPage;
use piaojia_receipt::{parse_document, SignedOriginal, TrustStore};
use serde::Serialize;
use std::sync::Arc;

/// Receipts per page asked of the service.
pub const PAGE_SIZE: u32 = 500;
/// Pages in a row that do not move the cursor before the service is called broken.
const MAX_STALLED_PAGES: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SyncPhase {
    Receipts,
    Changes,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncProgress {
    pub phase: SyncPhase,
    /// Receipts handled in this sync.
    pub done: u64,
    /// `done` plus what the service says remains.
    pub total: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    pub new_receipts: u64,
    pub already_held: u64,
    pub quarantined: u64,
    pub changes_applied: u64,
    pub pages: u64,
    pub bundle_version: u64,
    /// Receipts held before that the bundle received now refuses (a revoked
    /// certificate or key): moved to the quarantine with the reason.
    pub no_longer_valid: u64,
}

/// One account's part of a sync of several.
#[derive(Debug)]
pub struct AccountSync {
    pub account: crate::wallet::Account,
    pub outcome: Result<SyncReport>,
}

/// Whether `next` moves past `current`. Cursors are decimal positions in this API;
/// anything else is taken as progress.
fn advances(current: &str, next: &str) -> bool {
    match (current.parse::<u64>(), next.parse::<u64>()) {
        (Ok(c), Ok(n)) => n > c,
        (Err(_), Ok(_)) => true,
        _ => next != current,
    }
}

impl Wallet {
    /// Syncs every account (or only `only`), each on its own: an account whose
    /// service is down or whose login has ended does not keep the others from
    /// syncing. Each account's outcome is reported.
    pub async fn sync_each(
        &self,
        only: Option<i64>,
        progress: &mut (dyn FnMut(i64, SyncProgress) + Send),
    ) -> Result<Vec<AccountSync>> {
        let mut outcomes = Vec::new();
        for account in self.accounts().await? {
            if only.is_some_and(|id| id != account.id) {
                continue;
            }
            let id = account.id;
            let outcome = self.sync(id, &mut |p| progress(id, p)).await;
            if let Err(error) = &outcome {
                tracing::warn!(
                    account = id,
                    code = error.code(),
                    "an account's sync failed"
                );
            }
            outcomes.push(AccountSync { account, outcome });
        }
        Ok(outcomes)
    }

    pub async fn sync(
        &self,
        account_id: i64,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<SyncReport> {
        let _lock = self.lock_for_sync().await?;
        let account = accounts::get(&self.pool, account_id)
            .await?
            .ok_or(WalletError::NotFound("account"))?;
        let client = self.client(&account.service_url)?;
        let root = Root {
            province: account.province.clone(),
            root_key: account.root_key.clone(),
        };
        let (trust, no_longer_valid) = self.refresh_trust(&client, &root).await?;
        let trust = Arc::new(trust);
        let mut report = SyncReport {
            bundle_version: trust.version,
            no_longer_valid,
            ..SyncReport::default()
        };
        tracing::info!(account_id, bundle_version = trust.version, "sync started");

        // Claims queued while offline go first; a failure leaves them queued.
        self.claims().send_queued().await?;
        self.sync_receipts(account_id, &client, &account, trust, &mut report, progress)
            .await?;
        self.sync_changes(&account, &client, &mut report, progress)
            .await?;
        accounts::set_last_sync(&self.pool, account_id, store::now()).await?;
        self.log_activity(
            "sync",
            Some(account_id),
            &[
                ("new", report.new_receipts as i64),
                ("already_held", report.already_held as i64),
                ("quarantined", report.quarantined as i64),
                ("changes", report.changes_applied as i64),
                ("bundle_version", report.bundle_version as i64),
                ("no_longer_valid", report.no_longer_valid as i64),
            ],
        )
        .await?;
        if report.new_receipts > 0 || report.changes_applied > 0 {
            self.backups().run_auto().await?;
        }
        if report.quarantined > 0 {
            self.log_activity(
                "verification_failed",
                Some(account_id),
                &[("receipts", report.quarantined as i64)],
            )
            .await?;
        }
        tracing::info!(
            account_id,
            new = report.new_receipts,
            held = report.already_held,
            quarantined = report.quarantined,
            changes = report.changes_applied,
            pages = report.pages,
            "sync finished"
        );
        Ok(report)
    }

    async fn fetch_page(
        &self,
        account_id: i64,
        client: &ServiceClient,
        province: &str,
        after: &str,
    ) -> Result<ReceiptPage> {
        self.with_token(account_id, client, province, |token| async move {
            client.receipts(&token, after, PAGE_SIZE).await
        })
        .await
    }

    async fn sync_receipts(
        &self,
        account_id: i64,
        client: &ServiceClient,
        account: &AccountRow,
        trust: Arc<TrustStore>,
        report: &mut SyncReport,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<()> {
        let mut cursor = account.receipts_cursor.clone();
        let mut terms = TermCache::default();
        let mut stalled = 0;
        let mut done = 0u64;
        let mut page = self
            .fetch_page(account_id, client, &account.province, &cursor)
            .await?;
        loop {
            let next_cursor = page.next_cursor.clone();
            let moves = advances(&cursor, &next_cursor);
            // Ask for the next page while this one is verified and stored.
            let prefetch = (page.has_more && moves).then(|| {
                let client = client.clone();
                let after = next_cursor.clone();
                let token = self
                    .sessions
                    .lock()
                    .expect("sessions")
                    .get(&account_id)
                    .map(|s| SecretString::new(s.access.expose()));
                tokio::spawn(async move {
                    let token = token?;
                    Some(client.receipts(&token, &after, PAGE_SIZE).await)
                })
            });
            let items = std::mem::take(&mut page.items);
            let count = items.len() as u64;
            self.store_page(
                account_id,
                &account.province,
                items,
                trust.clone(),
                &mut terms,
                moves.then_some(next_cursor.as_str()),
                report,
            )
            .await?;
            report.pages += 1;
            if moves {
                cursor = next_cursor;
                stalled = 0;
                done += count;
            } else {
                stalled += 1;
                if stalled >= MAX_STALLED_PAGES {
                    return Err(WalletError::Protocol(
                        "the service keeps sending pages that do not advance".into(),
                    ));
                }
            }
            progress(SyncProgress {
                phase: SyncPhase::Receipts,
                done,
                total: done + page.remaining.max(0) as u64,
            });
            if !page.has_more && moves {
                return Ok(());
            }
            if !page.has_more && !moves && count == 0 {
                return Ok(());
            }
            page = match prefetch {
                Some(task) => match task.await.ok().flatten() {
                    Some(Ok(next)) => next,
                    // A failed or refused prefetch is asked again with a fresh token.
                    _ => {
                        self.fetch_page(account_id, client, &account.province, &cursor)
                            .await?
                    }
                },
                None => {
                    self.fetch_page(account_id, client, &account.province, &cursor)
                        .await?
                }
            };
        }
    }

    /// Verifies a page and stores it, with the cursor after it, in one transaction.
    #[allow(clippy::too_many_arguments)]
    async fn store_page(
        &self,
        account_id: i64,
        province: &str,
        items: Vec<piaojia_api::ReceiptEntry>,
        trust: Arc<TrustStore>,
        terms: &mut TermCache,
        next_cursor: Option<&str>,
        report: &mut SyncReport,
    ) -> Result<()> {
        let parsed: Vec<(
            Vec<u8>,
            Result<SignedOriginal, piaojia_receipt::Error>,
            piaojia_receipt::Lifecycle,
        )> = items
            .into_iter()
            .map(|e| {
                let bytes = e.original.get().as_bytes().to_vec();
                let original = SignedOriginal::from_json(&bytes);
                (bytes, original, e.lifecycle)
            })
            .collect();
        let originals: Vec<SignedOriginal> = parsed
            .iter()
            .filter_map(|(_, o, _)| o.as_ref().ok().cloned())
            .collect();
        let verify_trust = trust.clone();
        let mut results = tokio::task::spawn_blocking(move || {
            piaojia_receipt::verify_batch(&originals, &verify_trust)
        })
        .await
        .map_err(|e| WalletError::Protocol(format!("verification task failed: {e}")))?
        .into_iter();
        let mut tx = crate::db::begin_write(&self.pool).await?;
        let quarantine_in_use = crate::tables::quarantine::any_of(&mut tx, account_id).await?;
        let mut writes = store::PageWrites::new(terms, quarantine_in_use);
        for (bytes, original, lifecycle) in parsed {
            let outcome = match original {
                Ok(original) => {
                    let result = results.next().expect("one result per original");
                    let key = parse_document(&original.document).ok().map(|r| r.key());
                    result.map_err(|e| (e, key))
                }
                Err(e) => Err((e, None)),
            };
            match outcome {
                Ok(verified) => {
                    match writes
                        .store_verified(
                            &mut tx,
                            account_id,
                            &verified,
                            &bytes,
                            &lifecycle,
                            trust.version,
                        )
                        .await?
                    {
                        Stored::New => report.new_receipts += 1,
                        Stored::AlreadyThere => report.already_held += 1,
                    }
                }
                Err((error, key)) => {
                    store::quarantine(&mut tx, account_id, province, key.as_ref(), &error, &bytes)
                        .await?;
                    report.quarantined += 1;
                }
            }
        }
        writes.flush(&mut tx).await?;
        if let Some(cursor) = next_cursor {
            accounts::set_receipts_cursor(&mut tx, account_id, cursor).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn sync_changes(
        &self,
        account: &AccountRow,
        client: &ServiceClient,
        report: &mut SyncReport,
        progress: &mut (dyn FnMut(SyncProgress) + Send),
    ) -> Result<()> {
        let (account_id, province) = (account.id, &account.province);
        let mut cursor = account.changes_cursor.clone();
        loop {
            let after = &cursor;
            let page = self
                .with_token(account_id, client, province, |token| async move {
                    client.changes(&token, after, PAGE_SIZE).await
                })
                .await?;
            // Claims and 我要咨询 threads named on this page are brought up to date
            // first (each on its own write); replayed after a crash, that is harmless.
            let claims: std::collections::BTreeSet<i64> = page
                .events
                .iter()
                .filter_map(|e| e.claim.as_ref().map(|c| c.id))
                .collect();
            for remote_id in claims {
                if self
                    .claims()
                    .refresh_claim(account_id, client, province, remote_id)
                    .await?
                {
                    report.changes_applied += 1;
                }
            }
            let threads: std::collections::BTreeSet<i64> = page
                .events
                .iter()
                .filter_map(|e| e.consultation.as_ref().map(|c| c.id))
                .collect();
            for remote_id in threads {
                if self
                    .consultations()
                    .refresh(account_id, client, province, remote_id)
                    .await?
                {
                    report.changes_applied += 1;
                }
            }
            let mut tx = crate::db::begin_write(&self.pool).await?;
            for event in &page.events {
                if event.receipt.province.as_str() != province
                    || event.claim.is_some()
                    || event.consultation.is_some()
                {
                    continue;
                }
                if crate::tables::receipts::apply_lifecycle(
                    &mut tx,
                    &event.receipt,
                    &event.lifecycle,
                )
                .await?
                {
                    report.changes_applied += 1;
                }
            }
            let moves = advances(&cursor, &page.next_cursor);
            if moves {
                accounts::set_changes_cursor(&mut tx, account_id, &page.next_cursor).await?;
                cursor = page.next_cursor.clone();
            }
            tx.commit().await?;
            progress(SyncProgress {
                phase: SyncPhase::Changes,
                done: report.changes_applied,
                total: report.changes_applied,
            });
            if !page.has_more || !moves {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::advances;

    #[test]
    fn cursors_only_move_forward() {
        assert!(advances("", "10"));
        assert!(advances("10", "11"));
        assert!(!advances("10", "10"));
        assert!(
            !advances("10", "9"),
            "a replayed page does not move the cursor back"
        );
    }
}
