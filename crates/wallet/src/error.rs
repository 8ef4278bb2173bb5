//! The wallet's one error type. Each variant has a stable code for the UI and the
//! CLI's exit status; messages never carry personal data or secrets.

#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    #[error("wrong key, or this file is not a Piaojia wallet")]
    WrongKey,
    #[error("the OS keyring is not reachable: {0}")]
    KeyringUnavailable(String),
    #[error("the wallet's key is missing from the OS keyring: restore the wallet from a backup with its recovery key (piaojia restore FILE)")]
    KeyMissing,
    #[error("this wallet is protected by a passphrase; give it to open the wallet")]
    PassphraseRequired,
    #[error("not logged in to {province}; log in again")]
    NotLoggedIn { province: String },
    #[error("the service refused the login: {0}")]
    AuthFailed(String),
    #[error("the provincial service is unreachable after {attempts} attempts: {detail}")]
    ServiceUnavailable { attempts: u32, detail: String },
    #[error("this account's root key is pinned as {pinned}, and this login gives {offered}: a root is replaced only on purpose (--replace-root), when the province has announced a new one")]
    RootChanged { pinned: String, offered: String },
    #[error("the provincial service asks to wait {retry_after} s before trying again")]
    RateLimited { retry_after: u64 },
    #[error("no secure connection to the provincial service: {0}")]
    Tls(String),
    #[error("the provincial service answered {status} {code}: {message}")]
    Service {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the service sent something unreadable: {0}")]
    Protocol(String),
    #[error("trust bundle: {0}")]
    Trust(piaojia_receipt::Error),
    #[error("receipt: {0}")]
    Receipt(#[from] piaojia_receipt::Error),
    #[error("the recovery key does not open this backup (or the backup is damaged at its start)")]
    BackupKey,
    #[error("not a recovery key: {0}")]
    RecoveryKeyMalformed(&'static str),
    #[error("the backup is damaged: {0}")]
    BackupDamaged(String),
    #[error("this receipt is already in claim {claim_id} ({state})")]
    ReceiptHeld {
        claim_id: i64,
        state: crate::ClaimState,
    },
    #[error("not possible for a claim that is {0}")]
    ClaimState(crate::ClaimState),
    #[error("this receipt was imported from a file: it has no signed original from a provincial service")]
    Imported,
    #[error("no such {0}")]
    NotFound(&'static str),
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Render(#[from] piaojia_render::RenderError),
}

impl WalletError {
    /// A stable machine-readable code; the UI and scripts match on it.
    pub fn code(&self) -> &'static str {
        match self {
            WalletError::WrongKey => "wallet.wrong_key",
            WalletError::KeyringUnavailable(_) => "wallet.keyring_unavailable",
            WalletError::KeyMissing => "wallet.key_missing",
            WalletError::PassphraseRequired => "wallet.passphrase_required",
            WalletError::NotLoggedIn { .. } => "auth.not_logged_in",
            WalletError::AuthFailed(_) => "auth.failed",
            WalletError::ServiceUnavailable { .. } => "service.unavailable",
            WalletError::RateLimited { .. } => "service.rate_limited",
            WalletError::RootChanged { .. } => "trust.root_changed",
            WalletError::Tls(_) => "service.tls",
            WalletError::Service { .. } => "service.error",
            WalletError::Protocol(_) => "service.protocol",
            WalletError::Trust(_) => "trust.invalid",
            WalletError::Receipt(e) => e.code(),
            WalletError::BackupKey => "backup.wrong_key",
            WalletError::RecoveryKeyMalformed(_) => "backup.key_malformed",
            WalletError::BackupDamaged(_) => "backup.damaged",
            WalletError::ReceiptHeld { .. } => "claim.receipt_held",
            WalletError::ClaimState(_) => "claim.invalid_state",
            WalletError::Imported => "receipt.imported",
            WalletError::NotFound(_) => "not_found",
            WalletError::Invalid(_) => "invalid_input",
            WalletError::Db(_) | WalletError::Migrate(_) => "wallet.database",
            WalletError::Io(_) => "wallet.io",
            WalletError::Render(e) => e.code(),
        }
    }
}

pub type Result<T, E = WalletError> = std::result::Result<T, E>;
