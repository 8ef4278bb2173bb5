//! The app's one error type, and the `{code, message, facts}` shape in which errors
//! reach the UI: the UI turns the code (and its facts) into words in its one table,
//! and keeps the English message for a 详情 fold; it never shows the message as the
//! words.

use piaojia_render::{PrintError, RenderError};
use piaojia_wallet::WalletError;
use serde::Serialize;
use std::collections::BTreeMap;

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
    #[error("choose a printer in the settings first")]
    NoPrinter,
    #[error("{0}")]
    Invalid(String),
    #[error("the setting {field} is not valid: {reason}")]
    BadSetting { field: SettingField, reason: String },
    #[error("the settings file {path} could not be used: {reason}")]
    Settings { path: String, reason: String },
    #[error("the built-in demo service did not start: {0}")]
    Demo(String),
    #[error("a sync is already running")]
    SyncRunning,
    #[error("the wallet is in use: try again in a moment")]
    Busy,
    #[error("the folder could not be opened: {0}")]
    OpenFailed(String),
    #[error("the sync stopped on an internal fault; the next one will run as usual")]
    SyncFault,
    #[error("wrong operator PIN")]
    WrongPin,
    #[error("too many wrong PINs: try again in {seconds} s")]
    PinLocked { seconds: u64 },
    #[error("this kiosk has no paper stock for exchanges")]
    NoPaperStock,
    #[error("the kiosk's paper stock is used up")]
    PaperStockEmpty,
    #[error("the receipt was exchanged for paper already")]
    AlreadyExchanged,
    #[error("the kiosk's next paper number was used already: check the paper stock")]
    PaperNumberUsed,
    #[error("the receipt cannot be exchanged for paper here ({0})")]
    NotExchangeable(String),
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
            AppError::NoPrinter => "app.no_printer",
            AppError::Invalid(_) => "app.invalid",
            AppError::BadSetting { .. } => "settings.invalid",
            AppError::Settings { .. } => "app.settings",
            AppError::Demo(_) => "app.demo",
            AppError::SyncRunning => "app.sync_running",
            AppError::Busy => "app.busy",
            AppError::OpenFailed(_) => "app.open_failed",
            AppError::SyncFault => "app.sync_fault",
            AppError::WrongPin => "kiosk.wrong_pin",
            AppError::PinLocked { .. } => "kiosk.pin_locked",
            AppError::NoPaperStock => "kiosk.no_paper_stock",
            AppError::PaperStockEmpty => "kiosk.paper_stock_empty",
            AppError::AlreadyExchanged => "kiosk.already_exchanged",
            AppError::PaperNumberUsed => "kiosk.paper_number_used",
            AppError::NotExchangeable(_) => "kiosk.not_exchangeable",
            AppError::Io(_) => "app.io",
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

piaojia_receipt::named_states! {
    /// The field of the service settings a [`AppError::BadSetting`] is about, so
    /// that the UI marks that field.
    #[derive(ts_rs::TS)]
    pub enum SettingField {
        Province = "province",
        Url = "url",
        RootKey = "root_key",
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct UiError {
    /// What the UI's table of words is keyed by.
    pub code: String,
    /// The technical detail in English, shown only behind 详情.
    pub message: String,
    /// The values the words name: `printer` and `state` (a printer's), `seconds` to
    /// wait, `attempts`, the settings `field` at fault, the service's `status` and
    /// `service_code`. Never personal data.
    pub facts: BTreeMap<String, String>,
}

impl UiError {
    pub fn of(error: &AppError) -> UiError {
        let message = match error {
            // The words a service sends with a refusal are not shown: a service (or
            // whoever answers in its place) could put anything there, e.g. "call
            // this number". The person sees the status and the service's code.
            AppError::Wallet(WalletError::Service { status, code, .. }) => {
                format!("the provincial service refused this ({status} {code})")
            }
            other => other.to_string(),
        };
        UiError {
            code: error.code().to_string(),
            message,
            facts: facts_of(error),
        }
    }

    /// An error of the shell's own, with no facts.
    pub fn new(code: &str, message: impl Into<String>) -> UiError {
        UiError {
            code: code.into(),
            message: message.into(),
            facts: BTreeMap::new(),
        }
    }
}

fn facts_of(error: &AppError) -> BTreeMap<String, String> {
    let facts: Vec<(&str, String)> = match error {
        AppError::Print(PrintError::NotReady { name, state }) => {
            vec![("printer", name.clone()), ("state", state.as_str().into())]
        }
        AppError::Print(PrintError::UnknownPrinter(name)) => vec![("printer", name.clone())],
        AppError::Print(PrintError::JobWaiting { seconds, .. })
        | AppError::PinLocked { seconds }
        | AppError::Wallet(WalletError::RateLimited {
            retry_after: seconds,
        }) => vec![("seconds", seconds.to_string())],
        AppError::Wallet(WalletError::ServiceUnavailable { attempts, .. }) => {
            vec![("attempts", attempts.to_string())]
        }
        AppError::Wallet(WalletError::Service { status, code, .. }) => {
            vec![
                ("status", status.to_string()),
                ("service_code", code.clone()),
            ]
        }
        AppError::BadSetting { field, .. } => vec![("field", field.to_string())],
        _ => vec![],
    };
    facts
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

impl From<AppError> for UiError {
    fn from(error: AppError) -> UiError {
        UiError::of(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_services_own_words_never_reach_the_ui() {
        let error = AppError::Wallet(WalletError::Service {
            status: 409,
            code: "claim.conflict".into(),
            message: "请拨打 400-000-0000 领取退款".into(),
        });
        let shown = UiError::of(&error);
        assert_eq!(shown.code, "service.error");
        assert!(
            shown.message.contains("409 claim.conflict"),
            "{}",
            shown.message
        );
        assert!(!shown.message.contains("400-000-0000"), "{}", shown.message);
    }
}
