//! The wallet: one encrypted store in a folder, its key, its accounts and sessions.

use crate::backup::Backups;
use crate::claims::Claims;
use crate::client::{RetryObserver, RetryPolicy, ServiceClient};
use crate::consultations::Consultations;
use crate::db;
use crate::error::{Result, WalletError};
use crate::export::Exports;
use crate::import::Imports;
use crate::keys::{self, KeyAccess, KeyMode, Unlock, WalletMeta};
use crate::keystore::{MemoryStore, SecretStore};
use crate::paper::PaperExchanges;
use crate::printing::Printing;
use crate::reimbursement::Reimbursement;
use crate::secret::SecretString;
use crate::session::Session;
use crate::tables;
use crate::trust::Root;
use crate::view::Receipts;
use piaojia_receipt::{ProvinceCode, TrustAnchor};
use serde::Serialize;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A provincial service account to log in to.
#[derive(Debug, Clone)]
pub struct AccountSpec {
    pub province: ProvinceCode,
    pub service_url: String,
    /// The province's root public key (base64), pinned.
    pub root_key: String,
    pub id_number: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub id: i64,
    pub province: String,
    pub service_url: String,
    /// Only the last four characters of the ID number.
    pub id_masked: String,
    pub display_name: Option<String>,
    pub last_sync_at: Option<chrono::NaiveDateTime>,
    /// Whether the wallet holds a session for it (a login not ended by 退出登录); a
    /// logged-out account keeps its receipts but is not synced until a new login.
    pub signed_in: bool,
}

/// What the wallet holds, in sum: its key mode, accounts and counts.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "WalletStatus"))]
pub struct Status {
    pub key_mode: KeyMode,
    pub accounts: Vec<crate::wallet::Account>,
    pub receipts: i64,
    pub quarantined: i64,
    pub total_fen: i64,
}

pub struct Wallet {
    pub(crate) dir: PathBuf,
    pub(crate) pool: SqlitePool,
    pub(crate) meta: WalletMeta,
    pub(crate) tokens: Arc<dyn SecretStore>,
    pub(crate) sessions: Mutex<HashMap<i64, Session>>,
    pub(crate) retry: RetryPolicy,
    retry_observer: Mutex<Option<RetryObserver>>,
    pub(crate) index: tokio::sync::Mutex<crate::index::SearchIndex>,
    /// Keeps an in-memory database alive (see `db::open_in_memory`); never used.
    _memory_anchor: Option<Mutex<sqlx::SqliteConnection>>,
}

pub fn mask_id(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

impl Wallet {
    /// Opens the wallet in `dir`, creating it (and its key) when there is none.
    pub async fn open(dir: &Path, access: KeyAccess) -> Result<Wallet> {
        std::fs::create_dir_all(dir)?;
        let unlock = match &access {
            KeyAccess::Keyring(store) => Unlock::Keyring(store.as_ref()),
            KeyAccess::Passphrase(p) => Unlock::Passphrase(SecretString::new(p.expose())),
        };
        let db_path = dir.join(db::DB_FILE);
        let (mut meta, key, create) = match WalletMeta::read(dir)? {
            Some(meta) => {
                let key = keys::existing(&meta, &unlock)?;
                // A creation cut short (killed after wallet.json, before the database
                // file): nothing to lose, and the key is there; finish it.
                let create = !db_path.exists();
                (meta, key, create)
            }
            None if db_path.exists() => {
                return Err(WalletError::Invalid(format!(
                    "{} has a database but no {}",
                    dir.display(),
                    keys::META_FILE
                )));
            }
            None => {
                let (meta, key) = keys::create(dir, &unlock)?;
                (meta, key, true)
            }
        };
        drop(unlock);
        let pool = match db::open(&db_path, &key, create).await {
            Err(WalletError::WrongKey) => {
                match crate::pending_key::try_pending(dir, &mut meta, &access).await? {
                    Some((_, pool)) => pool,
                    None => return Err(WalletError::WrongKey),
                }
            }
            other => other?,
        };
        let tokens: Arc<dyn SecretStore> = match access {
            KeyAccess::Keyring(store) => store,
            KeyAccess::Passphrase(_) => Arc::new(MemoryStore::default()),
        };
        Ok(Wallet {
            dir: dir.to_path_buf(),
            pool,
            meta,
            tokens,
            sessions: Mutex::new(HashMap::new()),
            retry: RetryPolicy::default(),
            retry_observer: Mutex::new(None),
            index: tokio::sync::Mutex::new(crate::index::SearchIndex::default()),
            _memory_anchor: None,
        })
    }

    /// A wallet in memory only, for a kiosk session: no database file, no keyring
    /// entry, tokens kept in memory; all of it is gone when the wallet is dropped.
    pub async fn open_in_memory() -> Result<Wallet> {
        let (pool, anchor) = db::open_in_memory().await?;
        Ok(Wallet {
            dir: PathBuf::new(),
            pool,
            meta: WalletMeta {
                format: "piaojia.wallet/1".into(),
                wallet_id: hex::encode(rand::random::<[u8; 12]>()),
                key_mode: KeyMode::InMemory,
                kdf: None,
                pending_kdf: None,
            },
            tokens: Arc::new(MemoryStore::default()),
            sessions: Mutex::new(HashMap::new()),
            retry: RetryPolicy::default(),
            retry_observer: Mutex::new(None),
            index: tokio::sync::Mutex::new(crate::index::SearchIndex::default()),
            _memory_anchor: Some(Mutex::new(anchor)),
        })
    }

    /// Refuses what would write a wallet's contents to a file when it lives in memory.
    pub(crate) fn on_disk(&self) -> Result<&Path> {
        if self.meta.key_mode == KeyMode::InMemory {
            return Err(WalletError::Invalid(
                "an in-memory wallet writes nothing to disk".into(),
            ));
        }
        Ok(&self.dir)
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Wallet {
        self.retry = retry;
        self
    }

    pub fn key_mode(&self) -> KeyMode {
        self.meta.key_mode
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Folds the WAL into the database file and closes every connection, so that
    /// the folder holds one self-contained file afterwards.
    pub async fn close(self) {
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(%error, "checkpoint at close failed");
        }
        self.pool.close().await;
    }

    pub(crate) fn client(&self, url: &str) -> Result<ServiceClient> {
        let mut retry = self.retry.clone();
        retry.observer = self.retry_observer.lock().expect("observer").clone();
        ServiceClient::new(url, retry)
    }

    /// Who is told of retries of the calls made from now on (`None`: nobody); the
    /// app watches them during a sync.
    pub fn observe_retries(&self, observer: Option<RetryObserver>) {
        *self.retry_observer.lock().expect("observer") = observer;
    }

    pub(crate) fn refresh_name(&self, account_id: i64) -> String {
        format!("refresh/{}/{}", self.meta.wallet_id, account_id)
    }

    /// Asks the service to send a one-time code to the citizen's phone.
    pub async fn request_sms(&self, service_url: &str, id_number: &str) -> Result<()> {
        self.client(service_url)?.send_sms(id_number).await
    }

    /// Logs in with the SMS code; keeps the account (created on first login) and its
    /// refresh token (see `refresh.rs`). An account already pinned to another root is
    /// refused before the code is spent: a root is never replaced silently.
    pub async fn login(&self, spec: &AccountSpec, sms_code: &str) -> Result<Account> {
        self.refuse_other_root(spec).await?;
        self.login_pinning(spec, sms_code).await
    }

    /// Logs in and pins `spec`'s root even where the account had another: for a
    /// province that announced a new root key. The service's trust bundle must
    /// verify against the new root before anything changes (a mistyped key changes
    /// nothing); then the receipts already held are verified against it, and those
    /// it does not vouch for move to the quarantine with the reason.
    pub async fn login_replacing_root(
        &self,
        spec: &AccountSpec,
        sms_code: &str,
    ) -> Result<Account> {
        let root = Root {
            province: spec.province.as_str().to_string(),
            root_key: spec.root_key.clone(),
        };
        let client = self.client(&spec.service_url)?;
        client
            .trust_bundle()
            .await?
            .verify(&root.anchor()?)
            .map_err(WalletError::Trust)?;
        let account = self.login_pinning(spec, sms_code).await?;
        let (trust, _) = self.refresh_trust(&client, &root).await?;
        self.reverify_stored(&root, &trust).await?;
        self.forget_unpinned_bundles().await?;
        self.log_activity("root_replaced", Some(account.id), &[])
            .await?;
        Ok(account)
    }

    async fn refuse_other_root(&self, spec: &AccountSpec) -> Result<()> {
        let pinned =
            tables::accounts::pinned_root(&self.pool, spec.province.as_str(), &spec.id_number)
                .await?;
        match pinned {
            Some(pinned) if pinned != spec.root_key => Err(WalletError::RootChanged {
                pinned,
                offered: spec.root_key.clone(),
            }),
            _ => Ok(()),
        }
    }

    async fn login_pinning(&self, spec: &AccountSpec, sms_code: &str) -> Result<Account> {
        TrustAnchor::from_base64(spec.province.clone(), &spec.root_key)
            .map_err(WalletError::Trust)?;
        let pair = self
            .client(&spec.service_url)?
            .login(&spec.id_number, sms_code)
            .await?;
        self.keep_account(spec, pair.into()).await
    }

    /// Records the account a login was for (created on first login) and keeps its
    /// tokens.
    pub(crate) async fn keep_account(
        &self,
        spec: &AccountSpec,
        granted: crate::session::Granted,
    ) -> Result<Account> {
        let account_id = tables::accounts::upsert(&self.pool, spec, &granted.name).await?;
        self.keep_tokens(account_id, granted).await?;
        self.account(account_id).await
    }

    /// Ends the account's session at the service (its token family is revoked, so a
    /// copied token is worth nothing), then forgets its tokens here. Its receipts
    /// stay. The service is asked once; when it cannot be reached the tokens are
    /// forgotten all the same.
    pub async fn logout(&self, account_id: i64) -> Result<()> {
        if let Err(error) = self.end_remote_session(account_id).await {
            tracing::warn!(code = error.code(), "the service did not end the session");
        }
        self.sessions.lock().expect("sessions").remove(&account_id);
        self.forget_refresh(account_id).await
    }

    async fn end_remote_session(&self, account_id: i64) -> Result<()> {
        let (client, province) = self.account_client(account_id).await?;
        let client = &client;
        self.with_token(account_id, client, &province, |token| async move {
            client.logout(&token).await
        })
        .await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let mut accounts = Vec::new();
        for row in tables::accounts::all(&self.pool).await? {
            accounts.push(self.account_of(row).await?);
        }
        Ok(accounts)
    }

    pub async fn account(&self, id: i64) -> Result<Account> {
        let row = tables::accounts::get(&self.pool, id)
            .await?
            .ok_or(WalletError::NotFound("account"))?;
        self.account_of(row).await
    }

    async fn account_of(&self, row: tables::accounts::AccountRow) -> Result<Account> {
        let id = row.id;
        Ok(Account {
            id,
            province: row.province,
            service_url: row.service_url,
            id_masked: mask_id(&row.id_number),
            display_name: row.display_name,
            last_sync_at: row.last_sync_at,
            signed_in: self.sessions.lock().expect("sessions").contains_key(&id)
                || self.stored_refresh(id).await?.is_some(),
        })
    }

    /// The service URL of the wallet's account in `province`, if there is one.
    pub async fn service_for(&self, province: &str) -> Result<Option<String>> {
        tables::accounts::service_in(&self.pool, province).await
    }

    /// Points the accounts at `from` to `to`: the same service, now at another address
    /// (the desktop app's built-in demo service gets a new port each run).
    pub async fn move_service(&self, from: &str, to: &str) -> Result<u64> {
        tables::accounts::move_service(&self.pool, from, to).await
    }

    /// Whether the wallet in `dir` is opened with a passphrase.
    pub fn uses_passphrase(dir: &Path) -> Result<bool> {
        Ok(WalletMeta::read(dir)?.is_some_and(|m| m.key_mode == KeyMode::Passphrase))
    }

    /// What the wallet holds, in sum.
    pub async fn status(&self) -> Result<Status> {
        let (receipts, total_fen) = tables::receipts::count_and_total(&self.pool).await?;
        let quarantined = tables::quarantine::count(&self.pool).await?;
        Ok(Status {
            key_mode: self.key_mode(),
            accounts: self.accounts().await?,
            receipts,
            quarantined,
            total_fen,
        })
    }
}

/// The wallet's features, each a type of its own over the store and the accounts'
/// sessions: what one feature asks of another goes through these, by name.
impl Wallet {
    pub fn receipts(&self) -> Receipts<'_> {
        Receipts { wallet: self }
    }

    pub fn imports(&self) -> Imports<'_> {
        Imports { wallet: self }
    }

    pub fn exports(&self) -> Exports<'_> {
        Exports { wallet: self }
    }

    pub fn printing(&self) -> Printing<'_> {
        Printing { wallet: self }
    }

    pub fn reimbursement(&self) -> Reimbursement<'_> {
        Reimbursement { wallet: self }
    }

    pub fn claims(&self) -> Claims<'_> {
        Claims { wallet: self }
    }

    pub fn backups(&self) -> Backups<'_> {
        Backups { wallet: self }
    }

    pub fn consultations(&self) -> Consultations<'_> {
        Consultations { wallet: self }
    }

    /// Exchanges made with the key of the kiosk this wallet runs in.
    pub fn paper_exchanges<'w>(&'w self, kiosk_key: &'w SecretString) -> PaperExchanges<'w> {
        PaperExchanges {
            wallet: self,
            kiosk_key,
        }
    }
}
