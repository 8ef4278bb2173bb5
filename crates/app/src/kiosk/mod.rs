//! Kiosk mode's rules that need no window: its config file (service, printer, idle
//! timeout, the operator PIN as an Argon2id hash, locked after wrong tries), sessions
//! on an in-memory wallet that end without a trace, and the operator log, which holds
//! counts only.

pub mod paper;

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
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

/// Wrong operator PINs in a row before the PIN pad locks.
pub const PIN_TRIES: u32 = 5;
/// How long it stays locked.
pub const PIN_LOCKOUT: Duration = Duration::from_secs(300);
/// The most digits the PIN pad takes: a longer PIN could never be entered.
pub const PIN_MAX_DIGITS: usize = 12;
/// How long past its idle time a session may go untouched before the kiosk ends it
/// on its own, whatever the page does. The page reports touches at most every
/// few seconds and normally ends the session itself, after its countdown.
pub const IDLE_GRACE: Duration = Duration::from_secs(10);

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
    /// Where the PIN pad's lockout is kept, so that a restart does not clear it;
    /// beside the operator log (`<log>.pinlock`) unless given.
    #[serde(default)]
    pub pin_state: Option<PathBuf>,
    /// 换开纸质票据: the kiosk's registration and its paper stock. Without it the
    /// kiosk prints copies only.
    #[serde(default)]
    pub paper: Option<paper::PaperConfig>,
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
        if let Some(paper) = &config.paper {
            paper.validate().map_err(invalid)?;
        }
        Ok(config)
    }

    pub fn pin_state_path(&self) -> PathBuf {
        self.pin_state
            .clone()
            .unwrap_or_else(|| self.operator_log.with_extension("pinlock"))
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

/// The hash to put in `operator_pin_hash` for a PIN of 6 to 12 digits (what the
/// PIN pad takes).
pub fn hash_operator_pin(pin: &str) -> Result<String> {
    if !(6..=PIN_MAX_DIGITS).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::Invalid(
            "an operator PIN has 6 to 12 digits".into(),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AppError::Invalid(e.to_string()))
}

/// Counts wrong operator PINs and locks the pad for [`PIN_LOCKOUT`] after
/// [`PIN_TRIES`] in a row, so that the PIN cannot be guessed at the screen. Kept in
/// a file (see [`PinGuard::load`]): restarting the kiosk does not clear it.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct PinGuard {
    wrong_in_a_row: u32,
    /// Seconds since the Unix epoch: wall-clock time, the only kind a restart keeps.
    locked_until: Option<u64>,
}

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl PinGuard {
    /// The guard kept at `path`; a fresh one where there is none. A file that does
    /// not parse (damaged, or written by hand) locks the pad, rather than open it.
    pub fn load(path: &Path) -> PinGuard {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(PinGuard {
                wrong_in_a_row: 0,
                locked_until: Some(unix_seconds(SystemTime::now() + PIN_LOCKOUT)),
            }),
            Err(_) => PinGuard::default(),
        }
    }

    /// Keeps the guard at `path`, atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, serde_json::to_vec(self).expect("serialises"))?;
        std::fs::rename(tmp, path)?;
        Ok(())
    }

    /// Checks `pin` with `matches` unless the pad is locked at `now`.
    pub fn check(&mut self, now: SystemTime, matches: impl FnOnce() -> bool) -> Result<()> {
        let now = unix_seconds(now);
        if let Some(until) = self.locked_until.filter(|until| *until > now) {
            return Err(AppError::PinLocked {
                seconds: (until - now).max(1),
            });
        }
        self.locked_until = None;
        if matches() {
            self.wrong_in_a_row = 0;
            return Ok(());
        }
        self.wrong_in_a_row += 1;
        if self.wrong_in_a_row >= PIN_TRIES {
            self.wrong_in_a_row = 0;
            self.locked_until = Some(now + PIN_LOCKOUT.as_secs());
        }
        Err(AppError::WrongPin)
    }
}

/// Keeps the kiosk's memory (patients' receipts and tokens) out of core dumps: no
/// core file (RLIMIT_CORE 0, hard limit too, so it cannot be raised again) and not
/// dumpable (which also refuses a debugger of the same user). Call once at start.
#[cfg(target_os = "linux")]
pub fn forbid_core_dumps() -> std::io::Result<()> {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: two system calls with a valid pointer and plain integers.
    let limited = unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
    if limited != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: as above.
    let undumpable = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
    if undumpable != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// Elsewhere the operating system's own settings rule (Piaojia's kiosk runs on Linux).
#[cfg(not(target_os = "linux"))]
pub fn forbid_core_dumps() -> std::io::Result<()> {
    Ok(())
}

/// What a kiosk session did, in counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    pub pages_printed: u32,
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
    /// The patient's last touch the kiosk heard of (a command, or the page's report).
    last_touch: Instant,
}

impl KioskSession {
    pub async fn start() -> Result<KioskSession> {
        Ok(KioskSession {
            wallet: Wallet::open_in_memory().await?,
            counts: SessionCounts::default(),
            last_touch: Instant::now(),
        })
    }

    /// Pulls the logged-in patient's receipts into the session; returns how many.
    async fn pull(&self, account_id: i64) -> Result<u64> {
        let report = self.wallet.sync(account_id, &mut |_| {}).await?;
        Ok(report.new_receipts)
    }

    /// Ends the session: the service ends the patient's session (so nothing taken
    /// from the kiosk's memory stays usable), the wallet (receipts, tokens) is closed
    /// and dropped, and the operator log gets the counts.
    pub async fn end(self, how: SessionEnd, log: &OperatorLog) -> Result<()> {
        let counts = self.counts;
        if let Ok(accounts) = self.wallet.accounts().await {
            for account in accounts {
                // Best effort inside: a service out of reach does not keep the
                // session open, and its tokens die with the wallet here.
                let _ = self.wallet.logout(account.id).await;
            }
        }
        self.wallet.close().await;
        log.record(how, counts)
    }
}

fn log_time() -> String {
    chrono::Local::now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// One line of the operator log: numbers and fixed words, nothing about a person.
#[derive(Debug, Serialize)]
struct LogLine {
    at: String,
    session_end: SessionEnd,
    pages_printed: u32,
    printer_errors: u32,
}

/// The operator log: JSON lines with the end of each session and its counts, and
/// what became of each paper number used for 换开.
pub struct OperatorLog {
    path: PathBuf,
}

impl OperatorLog {
    pub fn new(path: impl Into<PathBuf>) -> OperatorLog {
        OperatorLog { path: path.into() }
    }

    pub fn record(&self, how: SessionEnd, counts: SessionCounts) -> Result<()> {
        self.append(&LogLine {
            at: log_time(),
            session_end: how,
            pages_printed: counts.pages_printed,
            printer_errors: counts.printer_errors,
        })
    }

    fn append(&self, line: &impl Serialize) -> Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        writeln!(file, "{}", serde_json::to_string(line).expect("log line"))?;
        Ok(())
    }
}

/// The kiosk: its config, the current patient's session (at most one), the log.
pub struct Kiosk {
    pub config: KioskConfig,
    log: OperatorLog,
    session: Mutex<Option<KioskSession>>,
    pin_guard: std::sync::Mutex<PinGuard>,
    /// 换开: the paper stock, when the config has a `paper` part.
    paper_stock: Option<std::sync::Mutex<paper::PaperStock>>,
}

impl Kiosk {
    pub fn new(config: KioskConfig) -> Kiosk {
        let log = OperatorLog::new(config.operator_log.clone());
        let pin_guard = PinGuard::load(&config.pin_state_path());
        let paper_stock = config.paper.as_ref().map(|paper| {
            std::sync::Mutex::new(paper::PaperStock::load(paper, &config.operator_log))
        });
        Kiosk {
            config,
            log,
            session: Mutex::new(None),
            pin_guard: std::sync::Mutex::new(pin_guard),
            paper_stock,
        }
    }

    /// Ends any session and lets the operator out when the PIN is theirs; wrong PINs
    /// lock the pad for a while after a few tries, across restarts.
    pub async fn operator_exit(&self, pin: &str) -> Result<()> {
        {
            let mut guard = self.pin_guard.lock().expect("PIN guard");
            let checked = guard.check(SystemTime::now(), || self.config.operator_pin_matches(pin));
            guard.save(&self.config.pin_state_path())?;
            checked?;
        }
        self.end(SessionEnd::Logout).await
    }

    /// The patient touched the screen (the page reports it).
    pub async fn touch(&self) {
        if let Some(session) = self.session.lock().await.as_mut() {
            session.last_touch = Instant::now();
        }
    }

    /// Ends the session when it has gone untouched for its idle time and
    /// [`IDLE_GRACE`] at `now`, whatever the page does (its timer can be stopped
    /// or broken). Returns whether it ended one.
    pub async fn end_if_idle(&self, now: Instant) -> Result<bool> {
        let deadline = Duration::from_secs(self.config.idle_seconds.into()) + IDLE_GRACE;
        let mut slot = self.session.lock().await;
        let idle = slot
            .as_ref()
            .is_some_and(|s| now.saturating_duration_since(s.last_touch) >= deadline);
        if !idle {
            return Ok(false);
        }
        let session = slot.take().expect("checked above");
        session.end(SessionEnd::IdleTimeout, &self.log).await?;
        Ok(true)
    }

    /// Starts a fresh session for a patient and asks the service for their SMS code.
    /// A session left open is ended first, as a logout.
    pub async fn request_sms(&self, id_number: &str) -> Result<()> {
        let mut slot = self.session.lock().await;
        let session = self.fresh_session(&mut slot).await?;
        session
            .wallet
            .request_sms(&self.config.service.url, id_number.trim())
            .await?;
        Ok(())
    }

    /// Ends the session left open, as a logout, and starts a new one in its place.
    async fn fresh_session<'s>(
        &self,
        slot: &'s mut Option<KioskSession>,
    ) -> Result<&'s mut KioskSession> {
        if let Some(old) = slot.take() {
            old.end(SessionEnd::Logout, &self.log).await?;
        }
        Ok(slot.insert(KioskSession::start().await?))
    }

    fn province(&self) -> Result<piaojia_receipt::ProvinceCode> {
        piaojia_receipt::ProvinceCode::new(self.config.service.province.clone())
            .map_err(|e| AppError::Invalid(e.to_string()))
    }

    /// Logs a patient in with the one-time code their own wallet shows (in place of
    /// ID number and SMS code) in a fresh session, and pulls their receipts; returns
    /// how many there are.
    pub async fn login_with_handoff(&self, code: &str) -> Result<u64> {
        let mut slot = self.session.lock().await;
        let session = self.fresh_session(&mut slot).await?;
        let service = &self.config.service;
        let account = session
            .wallet
            .login_with_handoff(&self.province()?, &service.url, &service.root_key, code)
            .await?;
        let pulled = session.pull(account.id).await;
        // The idle time counts from the end of what the patient waited for.
        session.last_touch = Instant::now();
        pulled
    }

    /// Logs the patient in and pulls their receipts into the session's wallet;
    /// returns how many there are.
    pub async fn login(&self, id_number: &str, sms_code: &str) -> Result<u64> {
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or(AppError::Locked)?;
        session.last_touch = Instant::now();
        let spec = AccountSpec {
            province: self.province()?,
            service_url: self.config.service.url.clone(),
            root_key: self.config.service.root_key.clone(),
            id_number: id_number.trim().to_string(),
        };
        let account = session.wallet.login(&spec, sms_code.trim()).await?;
        let pulled = session.pull(account.id).await;
        session.last_touch = Instant::now();
        pulled
    }

    /// The patient's receipts, newest (today's) first.
    pub async fn receipts(&self) -> Result<Vec<ReceiptSummary>> {
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or(AppError::Locked)?;
        session.last_touch = Instant::now();
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
        session.last_touch = Instant::now();
        let outcome =
            crate::receipts::print_receipts(&session.wallet, self.config.printer.clone(), ids)
                .await;
        match &outcome {
            Ok(done) => session.counts.pages_printed += done.pages,
            Err(_) => session.counts.printer_errors += 1,
        }
        // A print can take a minute; the idle time counts from its end.
        session.last_touch = Instant::now();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_pins_lock_the_pad_for_a_while_and_the_right_one_resets_the_count() {
        let mut guard = PinGuard::default();
        let start = SystemTime::now();
        for _ in 0..PIN_TRIES - 1 {
            assert!(matches!(
                guard.check(start, || false),
                Err(AppError::WrongPin)
            ));
        }
        // The right PIN before the limit clears the count.
        assert!(guard.check(start, || true).is_ok());
        for _ in 0..PIN_TRIES {
            assert!(matches!(
                guard.check(start, || false),
                Err(AppError::WrongPin)
            ));
        }
        // Locked: even the right PIN is not looked at.
        let later = start + Duration::from_secs(60);
        let locked = guard
            .check(later, || panic!("a locked pad checks no PIN"))
            .unwrap_err();
        assert_eq!(locked.code(), "kiosk.pin_locked");
        assert!(locked.to_string().contains("240 s"), "{locked}");
        let after = start + PIN_LOCKOUT + Duration::from_secs(1);
        assert!(guard.check(after, || true).is_ok());
    }
}
