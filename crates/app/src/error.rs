//! The app's one error type, and the `{code, message}` shape in which errors reach
//! the UI: the UI shows the message and decides by the code, never by the text.

use piaojia_render::{PrintError, RenderError};
use piaojia_wallet::WalletError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Wallet(#[from] WalletError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Print(#[from] PrintError),
    #[error("the wallet is locked: unlock it first")]
    Locked,
    #[error("no provincial service is set up: choose one in the settings")]
    NoService,
    #[error("{0}")]
    Invalid(String),
    #[error("the settings file {path} could not be used: {reason}")]
    Settings { path: String, reason: String },
    #[error("the built-in demo service did not start: {0}")]
    Demo(String),
    #[error("a sync is already running")]
    SyncRunning,
    #[error("the sync stopped on an internal fault; the next one will run as usual")]
    SyncFault,
    #[error("wrong operator PIN")]
    WrongPin,
    #[error("too many wrong PINs: try again in {seconds} s")]
    PinLocked { seconds: u64 },
    #[error("a file could not be written: {0}")]
    Io(#[from] std::io::Error),
}

impl AppError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Wallet(e) => e.code(),
            AppError::Render(e) => e.code(),
            AppError::Print(e) => e.code(),
            AppError::Locked => "app.locked",
            AppError::NoService => "app.no_service",
            AppError::Invalid(_) => "app.invalid",
            AppError::Settings { .. } => "app.settings",
            AppError::Demo(_) => "app.demo",
            AppError::SyncRunning => "app.sync_running",
            AppError::SyncFault => "app.sync_fault",
            AppError::WrongPin => "kiosk.wrong_pin",
            AppError::PinLocked { .. } => "kiosk.pin_locked",
            AppError::Io(_) => "app.io",
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl UiError {
    pub fn of(error: &AppError) -> UiError {
        UiError {
            code: error.code().to_string(),
            message: error.to_string(),
        }
    }
}

impl From<AppError> for UiError {
    fn from(error: AppError) -> UiError {
        UiError::of(&error)
    }
}
