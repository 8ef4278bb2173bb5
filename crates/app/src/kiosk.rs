//! Kiosk mode's rules that need no window: its config file (service, printer, idle
//! timeout, the operator PIN as an Argon2id hash), sessions on an in-memory wallet
//! that end without a trace, and the operator log, which holds counts only.

use crate::error::{AppError, Result};
use crate::settings::ServiceSettings;
use crate::views::PrintOutcome;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use piaojia_render::{PrintService, Printer};
use piaojia_wallet::{AccountSpec, Query, ReceiptSummary, Wallet};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio::sync::Mutex;

fn default_idle_seconds() -> u32 {
    60
}

fn default_warn_seconds() -> u32 {
    15
}

/// The kiosk's config file (JSON), written by the hospital's operator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    pub service: ServiceSettings,
    /// The CUPS queue receipts are printed on.
    pub printer: String,
    /// A session with no touch for this long ends.
    #[serde(default = "default_idle_seconds")]
    pub idle_seconds: u32,
    /// The countdown is shown for the last this many seconds.
    #[serde(default = "default_warn_seconds")]
    pub warn_seconds: u32,
    /// The operator PIN that leaves kiosk mode, as an Argon2id PHC string.
    pub operator_pin_hash: String,
    /// Where the operator log goes.
    pub operator_log: PathBuf,
}

impl KioskConfig {
    pub fn load(path: &Path) -> Result<KioskConfig> {
        let invalid = |reason: String| AppError::Settings {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read(path).map_err(|e| invalid(e.to_string()))?;
        let config: KioskConfig =
            serde_json::from_slice(&text).map_err(|e| invalid(e.to_string()))?;
        if config.warn_seconds == 0 || config.warn_seconds > config.idle_seconds {
            return Err(invalid(
                "warn_seconds must be between 1 and idle_seconds".into(),
            ));
        }
        PasswordHash::new(&config.operator_pin_hash)
            .map_err(|e| invalid(format!("operator_pin_hash: {e}")))?;
        Ok(config)
    }

    /// Whether `pin` is the operator's.
    pub fn operator_pin_matches(&self, pin: &str) -> bool {
        PasswordHash::new(&self.operator_pin_hash).is_ok_and(|hash| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &hash)
                .is_ok()
        })
    }
}

/// The hash to put in `operator_pin_hash` for a PIN of 6 or more digits.
pub fn hash_operator_pin(pin: &str) -> Result<String> {
    if pin.len() < 6 || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::Invalid(
            "an operator PIN has 6 or more digits".into(),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// What a kiosk session did, in counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    pub receipts_printed: u32,
    pub printer_errors: u32,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    Logout,
    IdleTimeout,
}

/// One patient's session: a wallet in memory that is dropped when it ends.
pub struct KioskSession {
    pub wallet: Wallet,
    pub counts: SessionCounts,
}

impl KioskSession {
    pub async fn start() -> Result<KioskSession> {
        Ok(KioskSession {
            wallet: Wallet::open_in_memory().await?,
            counts: SessionCounts::default(),
        })
    }

    /// Ends the session: the wallet (receipts, tokens) is closed and dropped, and the
    /// operator log gets the counts.
    pub async fn end(self, how: SessionEnd, log: &OperatorLog) -> Result<()> {
        let counts = self.counts;
        self.wallet.close().await;
        log.record(how, counts)
    }
}

/// One line of the operator log: numbers and fixed words, nothing about a person.
#[derive(Debug, Serialize)]
struct LogLine {
    at: String,
    session_end: SessionEnd,
    receipts_printed: u32,
    printer_errors: u32,
}

/// The operator log: JSON lines with the end of each session and its counts.
pub struct OperatorLog {
    path: PathBuf,
}

impl OperatorLog {
    pub fn new(path: impl Into<PathBuf>) -> OperatorLog {
        OperatorLog { path: path.into() }
    }

    pub fn record(&self, how: SessionEnd, counts: SessionCounts) -> Result<()> {
        let line = LogLine {
            at: chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            session_end: how,
            receipts_printed: counts.receipts_printed,
            printer_errors: counts.printer_errors,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        writeln!(file, "{}", serde_json::to_string(&line).expect("log line"))?;
        Ok(())
    }
}

/// The kiosk: its config, the current patient's session (at most one), the log.
pub struct Kiosk {
    pub config: KioskConfig,
    log: OperatorLog,
    session: Mutex<Option<KioskSession>>,
}

impl Kiosk {
    pub fn new(config: KioskConfig) -> Kiosk {
        let log = OperatorLog::new(config.operator_log.clone());
        Kiosk {
            config,
            log,
            session: Mutex::new(None),
        }
    }

    /// Starts a fresh session for a patient and asks the service for their SMS code.
    /// A session left open is ended first, as a logout.
    pub async fn request_sms(&self, id_number: &str) -> Result<()> {
        let mut slot = self.session.lock().await;
        if let Some(old) = slot.take() {
            old.end(SessionEnd::Logout, &self.log).await?;
        }
        let session = KioskSession::start().await?;
        session
            .wallet
            .request_sms(&self.config.service.url, id_number.trim())
            .await?;
        *slot = Some(session);
        Ok(())
    }

    /// Logs the patient in and pulls their receipts into the session's wallet;
    /// returns how many there are.
    pub async fn login(&self, id_number: &str, sms_code: &str) -> Result<u64> {
        let slot = self.session.lock().await;
        let session = slot.as_ref().ok_or(AppError::Locked)?;
        let spec = AccountSpec {
            province: piaojia_receipt::ProvinceCode::new(self.config.service.province.clone())
                .map_err(|e| AppError::Invalid(e.to_string()))?,
            service_url: self.config.service.url.clone(),
            root_key: self.config.service.root_key.clone(),
            id_number: id_number.trim().to_string(),
        };
        let account = session.wallet.login(&spec, sms_code.trim()).await?;
        let report = session.wallet.sync(account.id, &mut |_| {}).await?;
        Ok(report.new_receipts)
    }

    /// The patient's receipts, newest (today's) first.
    pub async fn receipts(&self) -> Result<Vec<ReceiptSummary>> {
        let slot = self.session.lock().await;
        let session = slot.as_ref().ok_or(AppError::Locked)?;
        let query = Query {
            limit: 1000,
            ..Query::default()
        };
        Ok(session.wallet.search(&query).await?.items)
    }

    /// The kiosk printer's state, to show before printing.
    pub async fn printer(&self) -> Result<Printer> {
        Ok(PrintService::default()
            .printer(&self.config.printer)
            .await?)
    }

    /// Prints on the kiosk printer, counting pages and printer errors for the log.
    pub async fn print(&self, ids: &[i64]) -> Result<PrintOutcome> {
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or(AppError::Locked)?;
        let outcome =
            crate::receipts::print_receipts(&session.wallet, self.config.printer.clone(), ids)
                .await;
        match &outcome {
            Ok(done) => session.counts.receipts_printed += done.receipts,
            Err(_) => session.counts.printer_errors += 1,
        }
        outcome
    }

    /// Ends the current session, if any.
    pub async fn end(&self, how: SessionEnd) -> Result<()> {
        match self.session.lock().await.take() {
            Some(session) => session.end(how, &self.log).await,
            None => Ok(()),
        }
    }
}
