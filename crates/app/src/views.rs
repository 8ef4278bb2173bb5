//! What commands return to the UI beyond the wallet's own types.

use crate::error::UiError;
use crate::settings::Settings;
use chrono::NaiveDateTime;
use piaojia_wallet::{KeyMode, ReceiptDetail, Status as WalletStatus, SyncProgress};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyringState {
    /// The OS keyring answers: the key lives there.
    Available,
    /// No keyring: the wallet needs a passphrase.
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WalletState {
    /// Open and usable.
    Open,
    /// There is a wallet, but it waits for its passphrase.
    Locked,
    /// No wallet yet: first run.
    New,
}

/// The built-in demo service, so that the login screen can say who to log in as.
/// The citizen is made up.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DemoInfo {
    pub province: String,
    pub url: String,
    pub citizen_name: String,
    pub citizen_id: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AppStatus {
    pub keyring: KeyringState,
    pub wallet: WalletState,
    pub key_mode: Option<KeyMode>,
    /// Accounts and counts, when the wallet is open.
    pub contents: Option<WalletStatus>,
    pub settings: Settings,
    pub demo: Option<DemoInfo>,
    /// Whether this build has the built-in demo service; a package has not, and its
    /// first run asks for a real service.
    pub demo_available: bool,
    pub syncing: bool,
}

/// The result of checking a stored receipt again, offline, against the trust bundle.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct VerificationView {
    pub valid: bool,
    /// The error code when not valid, e.g. `receipt.issuer_signature`.
    pub code: Option<String>,
    pub message: String,
    pub checked_at: NaiveDateTime,
    pub bundle_version: i64,
    pub issuer_certificate: String,
    pub document_sha256: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ReceiptView {
    pub detail: ReceiptDetail,
    pub verification: VerificationView,
}

/// A one-time code to log in on a hospital kiosk, as digits and as a QR code.
#[derive(Clone, Serialize, ts_rs::TS)]
pub struct HandoffView {
    /// 12 digits; the screen shows them in groups of four.
    pub code: String,
    pub expires_in: i64,
    /// The code's QR code as an SVG document (it carries the digits only, so that a
    /// kiosk's scanner types them like the keypad would).
    pub qr_svg: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SavedFile {
    pub path: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PrintOutcome {
    pub printer: String,
    pub job: i32,
    pub receipts: u32,
    /// Sheets: a receipt with a long 清单 takes more than one.
    pub pages: u32,
}

/// What a sync reports while it runs, as events to the UI.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncEvent {
    Progress {
        account_id: i64,
        progress: SyncProgress,
    },
    /// The service did not answer; the call is tried again (this is attempt
    /// `attempt`, counting the first).
    Retrying {
        attempt: u32,
    },
    /// One account could not be synced; the others go on.
    AccountFailed {
        account_id: i64,
        error: UiError,
    },
    Done {
        new_receipts: u64,
        quarantined: u64,
        changes_applied: u64,
    },
    Failed {
        error: UiError,
    },
}

/// Not `Clone`: it may carry the recovery key.
#[derive(Serialize, ts_rs::TS)]
pub struct BackupOutcome {
    pub path: String,
    pub receipts: i64,
    /// Shown once, on the first backup: the only way to open the backup elsewhere.
    pub recovery_key: Option<String>,
}
