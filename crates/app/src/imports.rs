//! Importing files in the desktop app: dropped on the window, chosen with the 导入
//! button, or appearing in the watched folder; and an imported receipt's detail with
//! the levels its seals reached.

use crate::app::App;
use crate::error::{AppError, Result};
use chrono::NaiveDateTime;
use piaojia_import::Elements;
use piaojia_wallet::{ImportOutcome, ImportSummary};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::PathBuf;

/// What an import did: the counts, the receipts it touched, and each refused file
/// with its reason.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportReport {
    pub summary: ImportSummary,
    /// The receipts imported or added to, for the UI to open.
    pub receipt_ids: Vec<i64>,
    pub refused: Vec<RefusedFile>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RefusedFile {
    /// The file's name, without its folder.
    pub name: String,
    pub code: String,
    pub reason: String,
}

impl ImportReport {
    fn of(results: &[(PathBuf, ImportOutcome)]) -> ImportReport {
        let mut receipt_ids = Vec::new();
        let mut refused = Vec::new();
        for (path, outcome) in results {
            match outcome {
                ImportOutcome::Refused { code, reason } => refused.push(RefusedFile {
                    name: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    code: code.clone(),
                    reason: reason.clone(),
                }),
                other => {
                    // Several files of one receipt name it once.
                    if let Some(id) = other.receipt_id().filter(|id| !receipt_ids.contains(id)) {
                        receipt_ids.push(id);
                    }
                }
            }
        }
        ImportReport {
            summary: ImportSummary::of(results),
            receipt_ids,
            refused,
        }
    }
}

/// One level of a seal as stored: passed, failed or not checked, with why.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct LevelView {
    /// passed | failed | not_checked
    pub state: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct CertificateView {
    pub subject: String,
    pub issuer: String,
}

/// One seal or signature of an OFD file, level by level.
#[derive(Debug, Clone, Serialize, Deserialize, ts_rs::TS)]
pub struct SealView {
    /// `Doc_0/Signs/Sign_0/Signature.xml`
    pub file: String,
    /// ses_v1 | ses_v4 | signed_data | bare_signature | unknown
    pub kind: String,
    #[serde(default)]
    pub seal_name: Option<String>,
    #[serde(default)]
    pub signing_time: Option<NaiveDateTime>,
    #[serde(default)]
    pub signer: Option<CertificateView>,
    pub integrity: LevelView,
    pub signature: LevelView,
    pub seal: LevelView,
    pub trust: LevelView,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OriginalView {
    pub id: i64,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    pub imported_at: NaiveDateTime,
    /// OFD files: how many levels, from the first, every seal reached (0 to 4).
    pub seal_levels: Option<i64>,
    pub seals: Vec<SealView>,
}

/// An imported receipt as the detail screen shows it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ImportedView {
    pub id: i64,
    pub elements: Elements,
    pub lifecycle: piaojia_receipt::LifecycleState,
    pub claim_id: Option<i64>,
    pub possible_duplicate_of: Option<i64>,
    pub originals: Vec<OriginalView>,
    /// When the seals were verified (now, as the page asked).
    pub checked_at: NaiveDateTime,
}

#[derive(Deserialize)]
struct StoredReport {
    signatures: Vec<SealView>,
}

/// The names of files the watched folder offers: receipt files by their extension
/// (a Downloads folder holds much else, which is not even read).
const WATCHED_EXTENSIONS: [&str; 6] = ["ofd", "pdf", "xml", "png", "jpg", "jpeg"];

impl App {
    /// Imports files and folders (dropped on the window, or from the watched folder).
    pub async fn import_paths(&self, paths: Vec<String>) -> Result<ImportReport> {
        let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
        let files = piaojia_wallet::files_under(&paths);
        self.import_files_at(&files).await
    }

    async fn import_files_at(&self, files: &[PathBuf]) -> Result<ImportReport> {
        let wallet = self.wallet().await?;
        let trust = wallet.imports().seal_trust().await?;
        let results = wallet
            .imports()
            .paths(files, &trust, &mut |_, _| {})
            .await?;
        let report = ImportReport::of(&results);
        wallet.imports().record(&report.summary).await?;
        Ok(report)
    }

    /// Imports one file chosen with the file picker, given as its name and bytes
    /// (the webview hands over the file's content, not its path).
    pub async fn import_bytes(&self, name: String, bytes: Vec<u8>) -> Result<ImportReport> {
        let wallet = self.wallet().await?;
        let trust = wallet.imports().seal_trust().await?;
        let name = PathBuf::from(name);
        let file_name = name
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcomes = wallet
            .imports()
            .files(vec![(file_name, bytes)], &trust)
            .await?;
        let results: Vec<(PathBuf, ImportOutcome)> = vec![name].into_iter().zip(outcomes).collect();
        let report = ImportReport::of(&results);
        wallet.imports().record(&report.summary).await?;
        Ok(report)
    }

    /// Imports the receipt files of the watched folder (its top level) not seen
    /// before in this run; `None` when there is no watched folder, no open wallet or
    /// nothing new. A file changed in the last two seconds waits for the next look:
    /// it may be a download still being written.
    pub async fn import_watched(
        &self,
        seen: &mut HashSet<PathBuf>,
    ) -> Result<Option<ImportReport>> {
        let Some(dir) = self.settings().watch_dir else {
            return Ok(None);
        };
        if self.wallet().await.is_err() {
            return Ok(None);
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok(None);
        };
        let settled = std::time::SystemTime::now() - std::time::Duration::from_secs(2);
        let mut new: Vec<PathBuf> = entries
            .flatten()
            .filter(|entry| {
                entry.metadata().is_ok_and(|m| {
                    m.is_file() && m.modified().is_ok_and(|modified| modified <= settled)
                })
            })
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| WATCHED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            })
            .filter(|path| !seen.contains(path))
            .collect();
        if new.is_empty() {
            return Ok(None);
        }
        new.sort();
        let report = self.import_files_at(&new).await?;
        seen.extend(new);
        Ok(Some(report))
    }

    /// An imported receipt in full; `None` for a synced one.
    pub async fn imported(&self, id: i64) -> Result<Option<ImportedView>> {
        let Some(detail) = self.wallet().await?.imports().detail(id).await? else {
            return Ok(None);
        };
        let originals = detail
            .originals
            .into_iter()
            .map(|file| {
                let seals = match &file.seal_report {
                    Some(json) => {
                        serde_json::from_str::<StoredReport>(json)
                            .map_err(|e| AppError::Invalid(format!("a stored seal report: {e}")))?
                            .signatures
                    }
                    None => Vec::new(),
                };
                Ok(OriginalView {
                    id: file.id,
                    format: file.format,
                    file_name: file.file_name,
                    sha256: file.sha256,
                    imported_at: file.imported_at,
                    seal_levels: file.seal_levels,
                    seals,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(ImportedView {
            id: detail.id,
            elements: detail.elements,
            lifecycle: detail.lifecycle,
            claim_id: detail.claim_id,
            possible_duplicate_of: detail.possible_duplicate_of,
            originals,
            checked_at: detail.checked_at,
        }))
    }
}
