//! The desktop app without its window: settings, the built-in demo service, the open
//! wallet, and every command the UI calls, as plain async methods on [`App`]. The
//! Tauri shell (`src-tauri`) wraps each in one line; tests call them directly.

mod about;
mod app;
mod backups;
pub mod bindings;
mod claims;
mod consultations;
mod demo;
mod error;
mod folder;
mod imports;
pub mod instance;
pub mod kiosk;
mod originals;
mod papers;
mod receipts;
mod settings;
mod views;
mod window_place;

pub use about::{about, About, Component, ComponentKind, FontNotice};
pub use app::{log_dir, App, AppConfig, KeyringSource, LOG_DAYS_KEPT};
pub use demo::DemoService;
pub use error::{AppError, Result, SettingField, UiError};
pub use imports::{
    CertificateView, ImportReport, ImportedView, LevelView, OriginalView, RefusedFile, SealView,
};
pub use originals::OriginalPage;
/// The provinces the settings' picker offers.
pub use piaojia_receipt::{Province, PROVINCES};
pub use settings::{Language, ServiceSettings, Settings, TextSize};
pub use views::{
    AppStatus, BackupOutcome, DemoInfo, HandoffView, KeyringState, PrintOutcome, ReceiptView,
    SavedFile, SyncEvent, VerificationView, WalletState,
};
pub use window_place::{ScreenArea, WindowPlace};
