//! File import, the second source of receipts beside the provincial sync: a file's
//! exact bytes kept in the encrypted store, its receipt found by key among those
//! held (synced or imported) or added, each file in one transaction so that a crash
//! leaves it wholly imported or not at all.

use crate::error::{Result, WalletError};
use crate::store::{now, sha256_hex, PageWrites, TermCache};
use crate::tables::originals::{self, OriginalRow};
use crate::tables::receipts;
use crate::tables::seal_roots::{self, SealRootRow};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_import::{Elements, FileFormat};
use piaojia_ofd::{Certificate, TrustStore};
use serde::Serialize;
use sqlx::SqliteConnection;
use std::path::{Path, PathBuf};

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A receipt the wallet did not hold. `possible_duplicate_of`: a receipt with the
    /// same issuer, amount and day under another key, for the person to look at.
    Imported {
        receipt_id: i64,
        possible_duplicate_of: Option<i64>,
    },
    /// Another file of a receipt already imported (e.g. its PDF beside its OFD, or
    /// the file that completes a QR reference).
    AddedCopy { receipt_id: i64 },
    /// The file of a receipt synced from a provincial service.
    Linked { receipt_id: i64 },
    /// This very file is already in the wallet.
    AlreadyHeld { receipt_id: i64 },
    /// Not taken; nothing of it was kept.
    Refused { code: String, reason: String },
}

impl ImportOutcome {
    pub fn receipt_id(&self) -> Option<i64> {
        match self {
            ImportOutcome::Imported { receipt_id, .. }
            | ImportOutcome::AddedCopy { receipt_id }
            | ImportOutcome::Linked { receipt_id }
            | ImportOutcome::AlreadyHeld { receipt_id } => Some(*receipt_id),
            ImportOutcome::Refused { .. } => None,
        }
    }

    pub fn refused(error: &piaojia_import::ImportError) -> ImportOutcome {
        ImportOutcome::Refused {
            code: error.code().to_string(),
            reason: error.to_string(),
        }
    }
}

/// What an import did, counted.
#[derive(Debug, Default, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportSummary {
    pub files: usize,
    pub imported: usize,
    pub possible_duplicates: usize,
    pub added_copies: usize,
    pub linked: usize,
    pub already_held: usize,
    pub refused: usize,
}

impl ImportSummary {
    pub fn of(results: &[(PathBuf, ImportOutcome)]) -> ImportSummary {
        use ImportOutcome::*;
        let mut s = ImportSummary {
            files: results.len(),
            ..ImportSummary::default()
        };
        for (_, outcome) in results {
            match outcome {
                Imported {
                    possible_duplicate_of,
                    ..
                } => {
                    s.imported += 1;
                    s.possible_duplicates += usize::from(possible_duplicate_of.is_some());
                }
                AddedCopy { .. } => s.added_copies += 1,
                Linked { .. } => s.linked += 1,
                AlreadyHeld { .. } => s.already_held += 1,
                Refused { .. } => s.refused += 1,
            }
        }
        s
    }

    /// For the activity log.
    pub fn counts(&self) -> Vec<(&'static str, i64)> {
        vec![
            ("files", self.files as i64),
            ("imported", self.imported as i64),
            ("added_copies", self.added_copies as i64),
            ("linked", self.linked as i64),
            ("already_held", self.already_held as i64),
            ("refused", self.refused as i64),
        ]
    }
}

/// One file a receipt came in (its bytes apart).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OriginalFile {
    pub id: i64,
    pub receipt_id: i64,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    pub imported_at: NaiveDateTime,
    /// How many seal levels held (OFD files): 0 to 4.
    pub seal_levels: Option<i64>,
    /// The seals' verification, level by level (JSON).
    pub seal_report: Option<String>,
}

/// An imported receipt as the wallet holds it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportedDetail {
    pub id: i64,
    pub elements: Elements,
    pub lifecycle: piaojia_receipt::LifecycleState,
    pub claim_id: Option<i64>,
    pub possible_duplicate_of: Option<i64>,
    /// Its files, the seals of OFD files verified at `checked_at`.
    pub originals: Vec<OriginalFile>,
    pub checked_at: NaiveDateTime,
}

/// The texts an imported receipt is found by.
pub(crate) fn search_texts(e: &Elements) -> Vec<&str> {
    let mut texts: Vec<&str> = [&e.issuer, &e.payer]
        .into_iter()
        .flatten()
        .map(|p| p.name.as_str())
        .chain(e.name.as_deref())
        .chain(e.items.iter().map(|i| i.name.as_str()))
        .filter(|t| !t.trim().is_empty())
        .collect();
    texts.sort_unstable();
    texts.dedup();
    texts
}

/// Receipts imported from files, and the files kept with them (`wallet.imports()`).
pub struct Imports<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Imports<'_> {
    /// The roots the person trusts for e-seals.
    pub async fn seal_trust(&self) -> Result<TrustStore> {
        let roots = seal_roots::all(&self.wallet.pool)
            .await?
            .iter()
            .filter_map(|root| Certificate::parse(&root.der).ok())
            .collect();
        Ok(TrustStore::new(roots))
    }

    /// Adds the certificates of a file (DER or PEM) as trusted seal roots; returns
    /// how many were new.
    pub async fn add_seal_roots(&self, file: &[u8]) -> Result<usize> {
        let certificates = piaojia_ofd::certificates_in(file)
            .map_err(|e| WalletError::Invalid(format!("no certificate in the file: {e}")))?;
        let mut added = 0;
        for certificate in certificates {
            let row = SealRootRow {
                sha256: sha256_hex(certificate.der()),
                subject: certificate.summary().subject,
                der: certificate.der().to_vec(),
                added_at: now(),
            };
            added += usize::from(seal_roots::add(&self.wallet.pool, &row).await?);
        }
        self.wallet
            .log_activity("seal_roots_added", None, &[("roots", added as i64)])
            .await?;
        Ok(added)
    }

    /// Imports one file: `name` is its file name (no folder) for the person's
    /// reference. A file that is not a receipt is refused in the outcome; an error
    /// is the wallet's own (its database, its disk).
    pub async fn file(
        &self,
        name: &str,
        bytes: &[u8],
        trust: &TrustStore,
    ) -> Result<ImportOutcome> {
        let mut outcomes = self
            .files(vec![(name.to_string(), bytes.to_vec())], trust)
            .await?;
        Ok(outcomes.pop().expect("one outcome a file"))
    }

    /// Imports files, given as (file name, bytes), with one outcome each in their
    /// order. Files already held are known by their hash, unread; the others are
    /// read and their seals verified on every core; then all are stored in one
    /// transaction, so that a crash leaves each file wholly in or wholly out (and
    /// a batch costs one sync to disk, not one a file).
    pub async fn files(
        &self,
        files: Vec<(String, Vec<u8>)>,
        trust: &TrustStore,
    ) -> Result<Vec<ImportOutcome>> {
        let hashes: Vec<String> = files.iter().map(|(_, bytes)| sha256_hex(bytes)).collect();
        let mut held = Vec::with_capacity(files.len());
        for sha256 in &hashes {
            held.push(originals::receipt_with(&self.wallet.pool, sha256).await?);
        }
        let to_read: Vec<bool> = held.iter().map(Option::is_none).collect();
        let trust = trust.clone();
        let (files, mut reads) = tokio::task::spawn_blocking(move || {
            let reads = read_in_parallel(&files, &to_read, &trust);
            (files, reads)
        })
        .await
        .map_err(|e| WalletError::Invalid(format!("reading files: {e}")))?;
        let mut tx = crate::db::begin_write(&self.wallet.pool).await?;
        let mut terms = TermCache::default();
        let mut writes = PageWrites::new(&mut terms, false);
        let mut outcomes = Vec::with_capacity(files.len());
        for (i, ((name, bytes), sha256)) in files.iter().zip(&hashes).enumerate() {
            let outcome = match (held[i], reads[i].take()) {
                (Some(receipt_id), _) => ImportOutcome::AlreadyHeld { receipt_id },
                (None, Some(Err(error))) => ImportOutcome::refused(&error),
                (None, Some(Ok(read))) => {
                    store_file(&mut tx, &mut writes, name, bytes, sha256, read).await?
                }
                (None, None) => unreachable!("every file not held was read"),
            };
            outcomes.push(outcome);
        }
        writes.flush(&mut tx).await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Imports files from disk, in batches (see `files`); `progress` hears
    /// (files done, files in all) after each batch. A file's size is checked before
    /// it is read, so that a huge file is refused unread.
    pub async fn paths(
        &self,
        paths: &[PathBuf],
        trust: &TrustStore,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<Vec<(PathBuf, ImportOutcome)>> {
        let mut outcomes: Vec<Option<ImportOutcome>> = vec![None; paths.len()];
        let mut batch: Vec<(usize, String, Vec<u8>)> = Vec::new();
        let mut batch_bytes = 0;
        for (i, path) in paths.iter().enumerate() {
            match read_bounded(path) {
                Ok(bytes) => {
                    batch_bytes += bytes.len();
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    batch.push((i, name, bytes));
                }
                Err(refused) => outcomes[i] = Some(refused),
            }
            let last = i + 1 == paths.len();
            if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES || last {
                let (indexes, files): (Vec<usize>, Vec<(String, Vec<u8>)>) =
                    std::mem::take(&mut batch)
                        .into_iter()
                        .map(|(i, name, bytes)| (i, (name, bytes)))
                        .unzip();
                batch_bytes = 0;
                if !files.is_empty() {
                    let stored = self.files(files, trust).await?;
                    for (i, outcome) in indexes.into_iter().zip(stored) {
                        outcomes[i] = Some(outcome);
                    }
                }
                progress(i + 1, paths.len());
            }
        }
        Ok(paths
            .iter()
            .cloned()
            .zip(
                outcomes
                    .into_iter()
                    .map(|o| o.expect("an outcome for every file")),
            )
            .collect())
    }

    /// Notes an import in the activity log: counts only, never names.
    pub async fn record(&self, summary: &ImportSummary) -> Result<()> {
        self.wallet
            .log_activity("import", None, &summary.counts())
            .await
    }

    /// The files a receipt came in, newest last.
    pub async fn originals(&self, receipt_id: i64) -> Result<Vec<OriginalFile>> {
        originals::of_receipt(&self.wallet.pool, receipt_id).await
    }

    /// One file's exact bytes.
    pub async fn original_bytes(&self, original_id: i64) -> Result<Vec<u8>> {
        originals::bytes(&self.wallet.pool, original_id)
            .await?
            .ok_or(WalletError::NotFound("original file"))
    }

    /// An imported receipt in full; `None` for a synced one (see `receipt`).
    pub async fn detail(&self, id: i64) -> Result<Option<ImportedDetail>> {
        let row = receipts::imported_fields(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        let receipts::ImportedFields {
            elements,
            lifecycle,
            claim_id,
            possible_duplicate_of,
        } = row;
        let Some(elements) = elements else {
            return Ok(None);
        };
        // The seals are verified again now, against the roots trusted now: a root
        // added since the import counts, and nothing is shown from stale state.
        let trust = self.seal_trust().await?;
        let mut originals = self.originals(id).await?;
        for file in originals
            .iter_mut()
            .filter(|f| f.format == FileFormat::Ofd.as_str())
        {
            let bytes = self.original_bytes(file.id).await?;
            if let Ok(seals) =
                piaojia_ofd::Package::read(&bytes).and_then(|p| piaojia_ofd::verify(&p, &trust))
            {
                file.seal_levels = Some(i64::from(seals.verified_levels()));
                file.seal_report = Some(serde_json::to_string(&seals).expect("serialises"));
            }
        }
        Ok(Some(ImportedDetail {
            id,
            elements: serde_json::from_str(&elements)
                .map_err(|e| WalletError::Invalid(format!("stored elements: {e}")))?,
            lifecycle,
            claim_id,
            possible_duplicate_of,
            originals,
            checked_at: now(),
        }))
    }
}

/// Files and bytes stored in one transaction, at most.
const BATCH_FILES: usize = 32;
const BATCH_BYTES: usize = 32 << 20;

/// A file's bytes, or its refusal when it is too large (checked before reading) or
/// cannot be read.
fn read_bounded(path: &Path) -> std::result::Result<Vec<u8>, ImportOutcome> {
    let unreadable = |e: std::io::Error| ImportOutcome::Refused {
        code: "unreadable".into(),
        reason: format!("cannot be read: {e}"),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > piaojia_import::MAX_FILE {
        return Err(ImportOutcome::refused(
            &piaojia_import::ImportError::TooLarge {
                size,
                limit: piaojia_import::MAX_FILE,
            },
        ));
    }
    std::fs::read(path).map_err(unreadable)
}

/// Reads the files marked, on up to four threads; `None` for the others.
fn read_in_parallel(
    files: &[(String, Vec<u8>)],
    to_read: &[bool],
    trust: &TrustStore,
) -> Vec<Option<piaojia_import::Result<piaojia_import::ReadFile>>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .zip(to_read.chunks(chunk))
            .map(|(files, to_read)| {
                scope.spawn(move || {
                    files
                        .iter()
                        .zip(to_read)
                        .map(|((_, bytes), read)| {
                            read.then(|| piaojia_import::read_file(bytes, trust))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a reading thread does not panic"))
            .collect()
    })
}

/// Stores one file read: with the receipt it names (found by key, or new).
async fn store_file(
    conn: &mut SqliteConnection,
    writes: &mut PageWrites<'_>,
    name: &str,
    bytes: &[u8],
    sha256: &str,
    read: piaojia_import::ReadFile,
) -> Result<ImportOutcome> {
    // Asked again under the write lock: another import, or this same batch, may have
    // taken it since.
    if let Some(receipt_id) = originals::receipt_with(&mut *conn, sha256).await? {
        return Ok(ImportOutcome::AlreadyHeld { receipt_id });
    }
    let elements = read.elements;
    let (code, number) = elements.key();
    let held = receipts::held_with_key(&mut *conn, code, number).await?;
    let outcome = match held {
        Some((receipt_id, true, _)) => ImportOutcome::Linked { receipt_id },
        Some((receipt_id, false, held)) => {
            let held: Elements = serde_json::from_str(held.as_deref().unwrap_or_default())
                .map_err(|e| WalletError::Invalid(format!("stored elements: {e}")))?;
            // A file completes a QR reference; a further file only fills gaps.
            let merged = if held.reference_only && !elements.reference_only {
                elements.completed_by(&held)
            } else {
                held.completed_by(&elements)
            };
            receipts::update_imported(&mut *conn, receipt_id, &merged).await?;
            writes
                .add_texts(&mut *conn, receipt_id, search_texts(&merged))
                .await?;
            ImportOutcome::AddedCopy { receipt_id }
        }
        None => {
            let (receipt_id, possible_duplicate_of) =
                receipts::insert_imported(&mut *conn, &elements, sha256).await?;
            writes
                .add_texts(&mut *conn, receipt_id, search_texts(&elements))
                .await?;
            ImportOutcome::Imported {
                receipt_id,
                possible_duplicate_of,
            }
        }
    };
    let receipt_id = outcome.receipt_id().expect("a receipt");
    let seal_report = read
        .seals
        .as_ref()
        .map(|s| serde_json::to_string(s).expect("serialises"));
    let row = OriginalRow {
        id: 0,
        receipt_id,
        format: read.format.as_str().to_string(),
        file_name: name.to_string(),
        sha256: sha256.to_string(),
        bytes: bytes.to_vec(),
        imported_at: now(),
        seal_levels: read.seals.as_ref().map(|s| s.verified_levels() as i64),
        seal_report,
    };
    originals::add(&mut *conn, &row).await?;
    Ok(outcome)
}

/// The files under `paths`, each folder in name order. Inside folders, hidden
/// entries and symbolic links to folders are passed over (no loops); a path given
/// by name is always taken.
pub fn files_under(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        collect(path, true, &mut out);
    }
    out
}

fn collect(path: &Path, given: bool, out: &mut Vec<PathBuf>) {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !given && hidden {
        return;
    }
    if metadata.is_dir() || (given && path.is_dir()) {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for child in children {
            collect(&child, false, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

/// The extension a saved copy of an original gets.
pub fn extension_of(format: &str) -> &'static str {
    FileFormat::parse(format).map_or("bin", FileFormat::extension)
}
