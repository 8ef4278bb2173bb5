//! The Piaojia wallet: an encrypted store of a citizen's fiscal e-receipts (SQLCipher,
//! key in the OS keyring or from a passphrase), sync with provincial services, and
//! search. No Tauri here: the CLI and the desktop shell are thin layers over this.

mod activity;
mod backup;
mod claims;
mod client;
mod consultations;
mod csv;
mod db;
mod error;
mod export;
mod handoff;
mod import;
mod index;
mod keys;
mod keystore;
mod paper;
mod pending_key;
mod printing;
mod recovery;
mod refresh;
mod reimbursement;
mod rekey;
mod search;
mod secret;
mod session;
mod store;
mod sync;
mod sync_lock;
mod tables;
mod transport;
mod trust;
mod view;
mod wallet;

pub use activity::Activity;
pub use backup::{AutoBackup, BackupReport, Backups, StagedRestore};
pub use claims::{ClaimDraft, ClaimLimit, ClaimLine, ClaimView, Claims};
pub use client::{RetryObserver, RetryPolicy, ServiceClient};
pub use consultations::{ConsultationView, Consultations};
pub use db::DB_FILE;
pub use error::{Result, WalletError};
pub use export::{
    base_name, safe_name, ExportReport, Exports, Manifest, ManifestRow, Selection, HOW_TO_VERIFY,
};
pub use import::{
    extension_of, files_under, ImportOutcome, ImportSummary, ImportedDetail, Imports, OriginalFile,
};
pub use index::{Bucket, CategoryBucket, Spending};
pub use index::{Sort, Status as StatusFilter};
pub use keys::KeyAccess;
pub use keys::{KeyMode, META_FILE};
pub use keystore::{MemoryStore, OsKeyring, SecretStore};
pub use paper::PaperExchanges;
pub use piaojia_api::{
    Author as ConsultAuthor, CheckRequest, CheckResult, ConsultMessage, ConsultReason,
    ConsultationState, HandoffCode, RelyingParty, RelyingPartyKind,
};
pub use piaojia_receipt::{CheckStatus, ClaimState};
pub use printing::{PrintDocument, Printing};
pub use recovery::RecoveryKey;
pub use reimbursement::{Reimbursement, SummaryFormat};
pub use search::{Query, ReceiptSummary, SearchResult};
pub use secret::{DbKey, SecretString};
pub use sync::{AccountSync, SyncPhase, SyncProgress, SyncReport, PAGE_SIZE};
pub use view::{Quarantined, ReceiptDetail, Receipts, Verdict};
pub use wallet::{mask_id, Account, AccountSpec, Status, Wallet};

/// The keyring service name under which Piaojia keeps its secrets.
pub const KEYRING_SERVICE: &str = "piaojia";
