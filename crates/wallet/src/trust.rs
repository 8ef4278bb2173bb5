//! The trust bundles the wallet holds, one per (province, pinned root): fetched,
//! checked against the root, kept only when newer, and, whenever the one held
//! changes, the receipts it covers verified again so that a revocation reaches
//! receipts stored before it (they move to the quarantine with the reason).

use crate::client::ServiceClient;
use crate::error::{Result, WalletError};
use crate::store;
use crate::tables::{
    self,
    trust_bundles::{self, BundleRow, WhenHeld},
};
use crate::wallet::Wallet;
use piaojia_receipt::{ProvinceCode, SignedOriginal, TrustAnchor, TrustBundle, TrustStore};

/// Stored receipts verified again per round: bounds the memory a large wallet needs.
const REVERIFY_BATCH: i64 = 500;

/// The pinned root of an account: the province and its root key (base64).
#[derive(Debug, Clone)]
pub(crate) struct Root {
    pub province: String,
    pub root_key: String,
}

impl Root {
    pub fn anchor(&self) -> Result<TrustAnchor> {
        TrustAnchor::from_base64(ProvinceCode::new(self.province.clone())?, &self.root_key)
            .map_err(WalletError::Trust)
    }
}

impl Wallet {
    /// The bundle held for `root`, checked against it again. A stored bundle that no
    /// longer verifies (copied from another root by an older wallet) is as good as none.
    async fn held_bundle(&self, root: &Root) -> Result<Option<(TrustBundle, TrustStore)>> {
        let stored = trust_bundles::bundle(&self.pool, &root.province, &root.root_key).await?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        let bundle: TrustBundle =
            serde_json::from_str(&stored).map_err(|e| WalletError::Protocol(e.to_string()))?;
        match bundle.verify(&root.anchor()?) {
            Ok(store) => Ok(Some((bundle, store))),
            Err(e) => {
                tracing::warn!(code = e.code(), "a held trust bundle does not verify");
                Ok(None)
            }
        }
    }

    /// The verified store of the bundle held for `root`.
    pub(crate) async fn trust_store(&self, root: &Root) -> Result<TrustStore> {
        self.held_bundle(root)
            .await?
            .map(|(_, store)| store)
            .ok_or(WalletError::NotFound("trust bundle (sync first)"))
    }

    /// Fetches the service's bundle and checks it against `root`. The held one stays
    /// when the offered one is older, or of the same version but different (a
    /// service could otherwise drop certificates, or add old ones back, without a
    /// new version). A new bundle is kept, and every stored receipt under this root
    /// is verified against it; returns the store and how many no longer verify.
    pub(crate) async fn refresh_trust(
        &self,
        client: &ServiceClient,
        root: &Root,
    ) -> Result<(TrustStore, u64)> {
        let fetched = client.trust_bundle().await?;
        let fetched_store = fetched
            .verify(&root.anchor()?)
            .map_err(WalletError::Trust)?;
        if let Some((held, held_store)) = self.held_bundle(root).await? {
            if fetched_store.version < held_store.version
                || (fetched_store.version == held_store.version && fetched != held)
            {
                tracing::warn!(
                    held = held_store.version,
                    offered = fetched_store.version,
                    "a trust bundle that is older, or differs under the same version, refused"
                );
                return Ok((held_store, 0));
            }
            if fetched_store.version == held_store.version {
                return Ok((held_store, 0));
            }
        }
        let version = i64::try_from(fetched_store.version)
            .map_err(|_| WalletError::Protocol("trust bundle version out of range".into()))?;
        let row = BundleRow {
            province: root.province.clone(),
            version,
            bundle: serde_json::to_string(&fetched).expect("serialises"),
            fetched_at: store::now(),
        };
        // The held one is older, or no longer verifies: it goes.
        trust_bundles::put(&self.pool, &root.root_key, &row, WhenHeld::Replace).await?;
        let no_longer_valid = self.reverify_stored(root, &fetched_store).await?;
        Ok((fetched_store, no_longer_valid))
    }

    /// Verifies every stored signed receipt of the accounts pinned to `root` against
    /// `trust`, offline, and moves those that fail to the quarantine with the reason
    /// (see `store::move_to_quarantine`). Returns how many failed.
    pub(crate) async fn reverify_stored(&self, root: &Root, trust: &TrustStore) -> Result<u64> {
        let mut after = 0i64;
        let mut failed = 0u64;
        loop {
            let rows = tables::receipts::signed_under_root(
                &self.pool,
                &root.province,
                &root.root_key,
                after,
                REVERIFY_BATCH,
            )
            .await?;
            let Some(&(last, _, _)) = rows.last() else {
                break;
            };
            after = last;
            let batch_trust = trust.clone();
            let (passed, failures): (Vec<_>, Vec<_>) = tokio::task::spawn_blocking(move || {
                rows.into_iter()
                    .map(|(id, account_id, envelope)| {
                        let outcome = SignedOriginal::from_json(&envelope)
                            .and_then(|original| piaojia_receipt::verify(&original, &batch_trust));
                        (id, account_id, envelope, outcome.err())
                    })
                    .partition(|(_, _, _, error)| error.is_none())
            })
            .await
            .map_err(|e| WalletError::Protocol(format!("verification task failed: {e}")))?;
            let mut tx = crate::db::begin_write(&self.pool).await?;
            let passed: Vec<i64> = passed.iter().map(|(id, ..)| *id).collect();
            tables::receipts::mark_verified(&mut tx, &passed, store::now(), trust.version).await?;
            for (id, account_id, envelope, error) in &failures {
                let error = error.as_ref().expect("a failure has its error");
                store::move_to_quarantine(
                    &mut tx,
                    *id,
                    *account_id,
                    &root.province,
                    error,
                    envelope,
                )
                .await?;
            }
            tx.commit().await?;
            failed += failures.len() as u64;
        }
        if failed > 0 {
            tracing::warn!(
                receipts = failed,
                bundle_version = trust.version,
                "stored receipts no longer verify; moved to the quarantine"
            );
            self.log_activity("no_longer_valid", None, &[("receipts", failed as i64)])
                .await?;
        }
        Ok(failed)
    }

    /// Verifies every stored signed receipt against the bundle of its account's root
    /// (a restore does this before the wallet is used). Returns how many failed.
    pub(crate) async fn reverify_all(&self) -> Result<u64> {
        let roots = tables::accounts::roots(&self.pool).await?;
        let mut failed = 0;
        for (province, root_key) in roots {
            let root = Root { province, root_key };
            let trust = match self.trust_store(&root).await {
                Ok(trust) => trust,
                // No bundle for this root: the next sync fetches one and verifies.
                Err(WalletError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            failed += self.reverify_stored(&root, &trust).await?;
        }
        Ok(failed)
    }

    /// Every root pinned in `province`, in account order.
    pub(crate) async fn roots_of(&self, province: &str) -> Result<Vec<Root>> {
        let keys = tables::accounts::root_keys_in(&self.pool, province).await?;
        Ok(keys
            .into_iter()
            .map(|root_key| Root {
                province: province.to_string(),
                root_key,
            })
            .collect())
    }

    /// The root of the account a stored receipt came through.
    pub(crate) async fn receipt_root(&self, id: i64) -> Result<Root> {
        let (province, root_key) = tables::receipts::root_of(&self.pool, id)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        Ok(Root { province, root_key })
    }

    /// Bundles no account is pinned to any more (after a root was replaced).
    pub(crate) async fn forget_unpinned_bundles(&self) -> Result<()> {
        trust_bundles::drop_unpinned(&self.pool).await
    }
}
