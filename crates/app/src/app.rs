//! The app's state: settings, the keyring, the open wallet and the demo service.

use crate::demo::{DemoService, DEMO_PROVINCE};
use crate::error::{AppError, Result};
use crate::settings::{home, Settings};
use crate::views::{AppStatus, DemoInfo, HandoffView, KeyringState, SyncEvent, WalletState};
use futures_util::FutureExt;
use piaojia_wallet::{
    Account, AccountSpec, KeyAccess, OsKeyring, SecretStore, SecretString, Wallet, KEYRING_SERVICE,
};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{OnceCell, RwLock};

/// Where the app keeps things, and how it reaches the keyring.
pub struct AppConfig {
    /// The wallet folder (shared with the CLI).
    pub wallet_dir: PathBuf,
    /// Settings and the demo service's data.
    pub config_dir: PathBuf,
    /// Receipts the demo service makes for the demo citizen.
    pub demo_receipts: usize,
    pub keyring: KeyringSource,
}

/// Where the wallet's key and tokens go.
pub enum KeyringSource {
    /// The OS keyring (Secret Service, Keychain, Credential Manager), if it answers.
    Os,
    /// A given store (tests).
    Given(Arc<dyn SecretStore>),
    /// None: a passphrase is needed.
    Unavailable,
}

impl AppConfig {
    /// From `PIAOJIA_WALLET`, `PIAOJIA_CONFIG_DIR` and `PIAOJIA_DEMO_RECEIPTS`, with
    /// the CLI's defaults.
    pub fn from_env() -> AppConfig {
        let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
        AppConfig {
            wallet_dir: var("PIAOJIA_WALLET")
                .unwrap_or_else(|| home().join(".local/share/piaojia")),
            config_dir: var("PIAOJIA_CONFIG_DIR").unwrap_or_else(|| home().join(".config/piaojia")),
            demo_receipts: std::env::var("PIAOJIA_DEMO_RECEIPTS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(200),
            keyring: KeyringSource::Os,
        }
    }
}

/// The log files kept, a day each: today's and those of the days before.
pub const LOG_DAYS_KEPT: usize = 7;

/// The folder of the app's log files: `$XDG_STATE_HOME/piaojia` when that is an
/// absolute path (as the XDG rules ask), else `$HOME/.local/state/piaojia`.
pub fn log_dir() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(state.join("piaojia"))
}

pub struct App {
    pub(crate) config: AppConfig,
    pub(crate) settings: Mutex<Settings>,
    keyring: Option<Arc<dyn SecretStore>>,
    pub(crate) wallet: RwLock<Option<Arc<Wallet>>>,
    demo: OnceCell<DemoService>,
    pub(crate) syncing: AtomicBool,
}

/// A note in the config folder of where the demo service listened last run.
const DEMO_URL_FILE: &str = "demo-url";

impl App {
    /// Loads the settings, starts the demo service when no real one is set, and opens
    /// the wallet when the keyring holds its key (a passphrase wallet waits for
    /// [`App::unlock`]).
    pub async fn start(config: AppConfig) -> Result<App> {
        let settings = Settings::load(&config.config_dir)?;
        let keyring = match &config.keyring {
            KeyringSource::Given(store) => Some(store.clone()),
            KeyringSource::Unavailable => None,
            KeyringSource::Os => {
                let os = OsKeyring::new(KEYRING_SERVICE);
                os.probe()
                    .ok()
                    .map(|_| Arc::new(os) as Arc<dyn SecretStore>)
            }
        };
        let app = App {
            config,
            settings: Mutex::new(settings),
            keyring,
            wallet: RwLock::new(None),
            demo: OnceCell::new(),
            syncing: AtomicBool::new(false),
        };
        if app.settings().service.is_none() && DemoService::AVAILABLE {
            app.demo().await?;
        }
        let passphrase_wallet = Wallet::uses_passphrase(&app.config.wallet_dir)?;
        if app.keyring.is_some() && !passphrase_wallet {
            app.unlock(None).await?;
        }
        Ok(app)
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings").clone()
    }

    pub fn set_settings(&self, settings: Settings) -> Result<Settings> {
        settings.validate()?;
        settings.save(&self.config.config_dir)?;
        *self.settings.lock().expect("settings") = settings.clone();
        Ok(settings)
    }

    async fn demo(&self) -> Result<&DemoService> {
        self.demo
            .get_or_try_init(|| async {
                std::fs::create_dir_all(&self.config.config_dir)?;
                let db = self.config.config_dir.join("demo-service.db");
                DemoService::start(Some(&db), self.config.demo_receipts).await
            })
            .await
    }

    /// Opens (or on first run creates) the wallet: with the keyring when there is
    /// one and no passphrase is given, with the passphrase otherwise.
    pub async fn unlock(&self, passphrase: Option<String>) -> Result<AppStatus> {
        let wallet = Wallet::open(&self.config.wallet_dir, self.access(passphrase)?).await?;
        self.install(wallet).await
    }

    /// The key a wallet is opened (or restored) with: the passphrase given, or else
    /// the keyring.
    pub(crate) fn access(&self, passphrase: Option<String>) -> Result<KeyAccess> {
        Ok(match (passphrase, &self.keyring) {
            (Some(text), _) => KeyAccess::Passphrase(SecretString::new(text)),
            (None, Some(store)) => KeyAccess::Keyring(store.clone()),
            (None, None) => return Err(piaojia_wallet::WalletError::PassphraseRequired.into()),
        })
    }

    /// Makes an opened wallet the app's; its search index loads in the background.
    pub(crate) async fn install(&self, wallet: Wallet) -> Result<AppStatus> {
        self.follow_demo(&wallet).await?;
        let wallet = Arc::new(wallet);
        // The first list comes from the store; searching needs the index.
        let warming = wallet.clone();
        tokio::spawn(async move {
            if let Err(error) = warming.warm_index().await {
                tracing::warn!(code = error.code(), "the search index did not load");
            }
        });
        *self.wallet.write().await = Some(wallet);
        self.status().await
    }

    /// Points accounts at the demo service's address of this run.
    async fn follow_demo(&self, wallet: &Wallet) -> Result<()> {
        let Some(demo) = self.demo.get() else {
            return Ok(());
        };
        let note = self.config.config_dir.join(DEMO_URL_FILE);
        if let Ok(previous) = std::fs::read_to_string(&note) {
            if previous != demo.url {
                wallet.move_service(&previous, &demo.url).await?;
            }
        }
        std::fs::write(&note, &demo.url)?;
        Ok(())
    }

    /// The open wallet, or `Locked`.
    pub async fn wallet(&self) -> Result<Arc<Wallet>> {
        self.wallet.read().await.clone().ok_or(AppError::Locked)
    }

    pub async fn status(&self) -> Result<AppStatus> {
        let wallet = self.wallet.read().await.clone();
        let (state, key_mode, contents) = match &wallet {
            Some(w) => (
                WalletState::Open,
                Some(w.key_mode()),
                Some(w.status().await?),
            ),
            None if self
                .config
                .wallet_dir
                .join(piaojia_wallet::META_FILE)
                .exists() =>
            {
                (WalletState::Locked, None, None)
            }
            None => (WalletState::New, None, None),
        };
        Ok(AppStatus {
            keyring: if self.keyring.is_some() {
                KeyringState::Available
            } else {
                KeyringState::Unavailable
            },
            wallet: state,
            key_mode,
            contents,
            settings: self.settings(),
            demo: self.demo.get().map(|d| DemoInfo {
                province: DEMO_PROVINCE.to_string(),
                url: d.url.clone(),
                citizen_name: d.citizen_name.clone(),
                citizen_id: d.citizen_id.clone(),
            }),
            demo_available: DemoService::AVAILABLE,
            syncing: self.syncing.load(Ordering::SeqCst),
        })
    }

    /// The service to log in to: the configured one, or the demo.
    async fn service(&self) -> Result<(String, String, String)> {
        match self.settings().service {
            Some(s) => Ok((s.province, s.url, s.root_key)),
            None => {
                let demo = self.demo().await?;
                Ok((
                    DEMO_PROVINCE.into(),
                    demo.url.clone(),
                    demo.root_key.clone(),
                ))
            }
        }
    }

    /// Asks the service for an SMS code. With the demo service, which has no phone to
    /// send it to, the code comes back to be shown on screen.
    pub async fn request_sms(&self, id_number: String) -> Result<Option<String>> {
        let (_, url, _) = self.service().await?;
        self.wallet()
            .await?
            .request_sms(&url, id_number.trim())
            .await?;
        match (self.settings().service, self.demo.get()) {
            (None, Some(demo)) => demo.sms_code(id_number.trim()).await,
            _ => Ok(None),
        }
    }

    /// Logs in to the configured service. `replace_root` pins the service's root even
    /// where the account had another: the person confirmed it, after a first try
    /// answered `trust.root_changed`.
    pub async fn login(
        &self,
        id_number: String,
        sms_code: String,
        replace_root: bool,
    ) -> Result<Account> {
        let (province, service_url, root_key) = self.service().await?;
        let spec = AccountSpec {
            province: piaojia_receipt::ProvinceCode::new(province)
                .map_err(|e| AppError::Invalid(e.to_string()))?,
            service_url,
            root_key,
            id_number: id_number.trim().to_string(),
        };
        let wallet = self.wallet().await?;
        Ok(match replace_root {
            true => wallet.login_replacing_root(&spec, sms_code.trim()).await?,
            false => wallet.login(&spec, sms_code.trim()).await?,
        })
    }

    /// A one-time code that logs this account in on a hospital kiosk.
    pub async fn handoff_code(&self, account_id: i64) -> Result<HandoffView> {
        let shown = self.wallet().await?.handoff_code(account_id).await?;
        Ok(HandoffView {
            qr_svg: piaojia_render::qr_svg(&shown.code)?,
            code: shown.code,
            expires_in: shown.expires_in,
        })
    }

    pub async fn logout(&self, account_id: i64) -> Result<()> {
        Ok(self.wallet().await?.logout(account_id).await?)
    }

    /// Syncs every account in turn, reporting progress; one sync at a time. An
    /// account that fails is reported and the others go on; the sync fails only
    /// when every account failed. A panic inside is reported as a failed sync and
    /// leaves the next sync free to run.
    pub async fn sync(&self, on_event: &mut (dyn FnMut(SyncEvent) + Send)) -> Result<()> {
        if self.syncing.swap(true, Ordering::SeqCst) {
            return Err(AppError::SyncRunning);
        }
        let _running = ClearOnDrop(&self.syncing);
        // Progress, failures of accounts and retries all come through one channel:
        // retries are told from inside the wallet's calls while the sync runs.
        let (events, mut received) = tokio::sync::mpsc::unbounded_channel();
        let wallet = self.wallet.read().await.clone();
        if let Some(wallet) = &wallet {
            let retries = events.clone();
            wallet.observe_retries(Some(piaojia_wallet::RetryObserver::new(move |attempt| {
                let _ = retries.send(SyncEvent::Retrying { attempt });
            })));
        }
        // A panic in the sync or in a report of it ends as a failed sync.
        let finished = AssertUnwindSafe(async {
            let work = self.sync_accounts(events);
            tokio::pin!(work);
            let result = loop {
                tokio::select! {
                    Some(event) = received.recv() => on_event(event),
                    result = &mut work => break result,
                }
            };
            while let Ok(event) = received.try_recv() {
                on_event(event);
            }
            result
        })
        .catch_unwind()
        .await;
        if let Some(wallet) = &wallet {
            wallet.observe_retries(None);
        }
        let result = finished.unwrap_or_else(|_| {
            tracing::error!("a sync panicked");
            Err(AppError::SyncFault)
        });
        match result {
            Ok((new_receipts, quarantined, changes_applied)) => {
                on_event(SyncEvent::Done {
                    new_receipts,
                    quarantined,
                    changes_applied,
                });
                Ok(())
            }
            Err(error) => {
                tracing::warn!(code = error.code(), "sync failed");
                on_event(SyncEvent::Failed {
                    error: crate::error::UiError::of(&error),
                });
                Err(error)
            }
        }
    }

    async fn sync_accounts(
        &self,
        events: tokio::sync::mpsc::UnboundedSender<SyncEvent>,
    ) -> Result<(u64, u64, u64)> {
        let wallet = self.wallet().await?;
        let on_event = |event| {
            let _ = events.send(event);
        };
        let outcomes = wallet
            .sync_each(None, &mut |account_id, progress| {
                on_event(SyncEvent::Progress {
                    account_id,
                    progress,
                })
            })
            .await?;
        let mut totals = (0, 0, 0);
        let mut first_error = None;
        let mut synced = 0;
        for outcome in outcomes {
            match outcome.outcome {
                Ok(report) => {
                    synced += 1;
                    totals.0 += report.new_receipts;
                    // Received now or held before: both went to the quarantine.
                    totals.1 += report.quarantined + report.no_longer_valid;
                    totals.2 += report.changes_applied;
                }
                // An account the person logged out of (退出登录) waits for a new
                // login: not a failure to report at every sync.
                Err(piaojia_wallet::WalletError::NotLoggedIn { .. })
                    if !outcome.account.signed_in => {}
                Err(error) => {
                    let error = AppError::from(error);
                    on_event(SyncEvent::AccountFailed {
                        account_id: outcome.account.id,
                        error: crate::error::UiError::of(&error),
                    });
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            Some(error) if synced == 0 => Err(error),
            _ => Ok(totals),
        }
    }

    /// Closes the wallet cleanly (folds the WAL into the file).
    pub async fn close(&self) {
        if let Some(wallet) = self.wallet.write().await.take() {
            if let Ok(wallet) = Arc::try_unwrap(wallet) {
                wallet.close().await;
            }
        }
    }
}

/// Clears a flag when dropped, however the scope ends.
struct ClearOnDrop<'a>(&'a AtomicBool);

impl Drop for ClearOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
