//! File import, the second source of receipts beside the provincial sync: a file's
//! exact bytes kept in the encrypted store, its receipt found by key among those
//! held (synced or imported) or added, each file in one transaction so that a crash
//! leaves it wholly imported or not at all.

use crate::error::{Result, WalletError};
use crate::store::{now, sha256_hex, PageWrites, TermCache};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_import::{Elements, FileFormat, ReceiptKind};
use piaojia_ofd::{Certificate, TrustStore};
use serde::Serialize;
use sqlx::SqliteConnection;

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
    pub lifecycle: String,
    pub claim_id: Option<i64>,
    pub possible_duplicate_of: Option<i64>,
    pub originals: Vec<OriginalFile>,
}

/// The row values an imported receipt's elements give.
struct Columns<'a> {
    province: &'a str,
    issued_at: NaiveDateTime,
    category: &'static str,
    issuer_code: &'a str,
    issuer_name: &'a str,
    payer_name: &'a str,
    total: i64,
    elements: String,
}

fn columns(e: &Elements) -> Columns<'_> {
    let text = |name: &str| {
        e.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let said = format!(
        "{} {}",
        e.name.as_deref().unwrap_or_default(),
        text("MedicalCareType").unwrap_or_default()
    );
    let category = match e.kind {
        ReceiptKind::FiscalReceipt if said.contains("住院") => "medical_inpatient",
        ReceiptKind::FiscalReceipt if said.contains("门诊") || said.contains("医疗") => {
            "medical_outpatient"
        }
        ReceiptKind::FiscalReceipt if said.contains("捐赠") => "donation",
        ReceiptKind::FiscalReceipt if said.contains("教育") || said.contains("学费") => {
            "education"
        }
        _ => "other",
    };
    Columns {
        province: e.province.as_deref().unwrap_or_default(),
        issued_at: e.issued_on.and_hms_opt(0, 0, 0).expect("midnight exists"),
        category,
        issuer_code: e
            .issuer
            .as_ref()
            .and_then(|p| p.id.as_deref())
            .unwrap_or_default(),
        issuer_name: e
            .issuer
            .as_ref()
            .map(|p| p.name.as_str())
            .unwrap_or_default(),
        payer_name: e
            .payer
            .as_ref()
            .map(|p| p.name.as_str())
            .unwrap_or_default(),
        total: e.total_fen.unwrap_or(0),
        elements: serde_json::to_string(e).expect("serialises"),
    }
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

impl Wallet {
    /// The roots the person trusts for e-seals.
    pub async fn seal_trust(&self) -> Result<TrustStore> {
        let ders: Vec<Vec<u8>> = sqlx::query_scalar("SELECT der FROM seal_roots ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let roots = ders
            .iter()
            .filter_map(|der| Certificate::parse(der).ok())
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
            let done = sqlx::query(
                "INSERT INTO seal_roots (sha256, subject, der, added_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (sha256) DO NOTHING",
            )
            .bind(sha256_hex(certificate.der()))
            .bind(certificate.summary().subject)
            .bind(certificate.der())
            .bind(now())
            .execute(&self.pool)
            .await?;
            added += done.rows_affected() as usize;
        }
        self.log_activity("seal_roots_added", None, &[("roots", added as i64)])
            .await?;
        Ok(added)
    }

    /// Imports one file: `name` is its file name (no folder) for the person's
    /// reference. A file that is not a receipt is refused in the outcome; an error
    /// is the wallet's own (its database, its disk).
    pub async fn import_file(
        &self,
        name: &str,
        bytes: &[u8],
        trust: &TrustStore,
    ) -> Result<ImportOutcome> {
        let read = match piaojia_import::read_file(bytes, trust) {
            Ok(read) => read,
            Err(error) => return Ok(ImportOutcome::refused(&error)),
        };
        let sha256 = sha256_hex(bytes);
        let mut tx = crate::db::begin_write(&self.pool).await?;
        if let Some(receipt_id) =
            sqlx::query_scalar::<_, i64>("SELECT receipt_id FROM originals WHERE sha256 = ?")
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?
        {
            return Ok(ImportOutcome::AlreadyHeld { receipt_id });
        }
        let elements = read.elements;
        let (code, number) = elements.key();
        let held: Option<(i64, bool, Option<String>)> = sqlx::query_as(
            "SELECT id, original IS NOT NULL, elements FROM receipts WHERE code = ? AND number = ? ORDER BY id LIMIT 1",
        )
        .bind(code)
        .bind(number)
        .fetch_optional(&mut *tx)
        .await?;
        let mut terms = TermCache::default();
        let mut writes = PageWrites::new(&mut terms, false);
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
                update_row(&mut tx, receipt_id, &merged).await?;
                writes
                    .add_texts(&mut tx, receipt_id, search_texts(&merged))
                    .await?;
                ImportOutcome::AddedCopy { receipt_id }
            }
            None => {
                let c = columns(&elements);
                let possible_duplicate_of: Option<i64> = if c.issuer_name.is_empty() {
                    None
                } else {
                    sqlx::query_scalar(
                        "SELECT id FROM receipts WHERE issuer_name = ? AND total = ? AND date(issued_at) = date(?)
                         ORDER BY id LIMIT 1",
                    )
                    .bind(c.issuer_name)
                    .bind(c.total)
                    .bind(c.issued_at)
                    .fetch_optional(&mut *tx)
                    .await?
                };
                let receipt_id: i64 = sqlx::query_scalar(
                    "INSERT INTO receipts (account_id, province, code, number, issued_at, category, issuer_code, issuer_name,
                         payer_name, total, insurance_paid, patient_paid, is_red, verified_at, bundle_version, document_sha256,
                         original, kind, elements, reference_only, possible_duplicate_of)
                     VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, ?, NULL, ?, ?, ?, ?) RETURNING id",
                )
                .bind(c.province)
                .bind(code)
                .bind(number)
                .bind(c.issued_at)
                .bind(c.category)
                .bind(c.issuer_code)
                .bind(c.issuer_name)
                .bind(c.payer_name)
                .bind(c.total)
                .bind(c.total)
                .bind(c.total < 0)
                .bind(now())
                .bind(&sha256)
                .bind(elements.kind.as_str())
                .bind(&c.elements)
                .bind(elements.reference_only)
                .bind(possible_duplicate_of)
                .fetch_one(&mut *tx)
                .await?;
                writes
                    .add_texts(&mut tx, receipt_id, search_texts(&elements))
                    .await?;
                ImportOutcome::Imported {
                    receipt_id,
                    possible_duplicate_of,
                }
            }
        };
        writes.flush(&mut tx).await?;
        let receipt_id = outcome.receipt_id().expect("a receipt");
        let seal_report = read
            .seals
            .as_ref()
            .map(|s| serde_json::to_string(s).expect("serialises"));
        sqlx::query(
            "INSERT INTO originals (receipt_id, format, file_name, sha256, bytes, imported_at, seal_levels, seal_report)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(receipt_id)
        .bind(read.format.as_str())
        .bind(name)
        .bind(&sha256)
        .bind(bytes)
        .bind(now())
        .bind(read.seals.as_ref().map(|s| s.verified_levels() as i64))
        .bind(seal_report)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Notes an import in the activity log: counts only, never names.
    pub async fn record_import(&self, counts: &[(&str, i64)]) -> Result<()> {
        self.log_activity("import", None, counts).await
    }

    /// The files a receipt came in, newest last.
    pub async fn originals(&self, receipt_id: i64) -> Result<Vec<OriginalFile>> {
        Ok(sqlx::query_as(
            "SELECT id, receipt_id, format, file_name, sha256, imported_at, seal_levels, seal_report
             FROM originals WHERE receipt_id = ? ORDER BY id",
        )
        .bind(receipt_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One file's exact bytes.
    pub async fn original_bytes(&self, original_id: i64) -> Result<Vec<u8>> {
        sqlx::query_scalar("SELECT bytes FROM originals WHERE id = ?")
            .bind(original_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WalletError::NotFound("original file"))
    }

    /// An imported receipt in full; `None` for a synced one (see `receipt`).
    pub async fn imported(&self, id: i64) -> Result<Option<ImportedDetail>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            elements: Option<String>,
            lifecycle: String,
            claim_id: Option<i64>,
            possible_duplicate_of: Option<i64>,
        }
        let row: Row = sqlx::query_as(
            "SELECT elements, lifecycle, claim_id, possible_duplicate_of FROM receipts WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(WalletError::NotFound("receipt"))?;
        let Row {
            elements,
            lifecycle,
            claim_id,
            possible_duplicate_of,
        } = row;
        let Some(elements) = elements else {
            return Ok(None);
        };
        Ok(Some(ImportedDetail {
            id,
            elements: serde_json::from_str(&elements)
                .map_err(|e| WalletError::Invalid(format!("stored elements: {e}")))?,
            lifecycle,
            claim_id,
            possible_duplicate_of,
            originals: self.originals(id).await?,
        }))
    }
}

/// Writes merged elements over an imported receipt's row.
async fn update_row(conn: &mut SqliteConnection, id: i64, e: &Elements) -> Result<()> {
    let c = columns(e);
    sqlx::query(
        "UPDATE receipts SET province = ?, issued_at = ?, category = ?, issuer_code = ?, issuer_name = ?,
             payer_name = ?, total = ?, patient_paid = ?, is_red = ?, kind = ?, elements = ?, reference_only = ?
         WHERE id = ?",
    )
    .bind(c.province)
    .bind(c.issued_at)
    .bind(c.category)
    .bind(c.issuer_code)
    .bind(c.issuer_name)
    .bind(c.payer_name)
    .bind(c.total)
    .bind(c.total)
    .bind(c.total < 0)
    .bind(e.kind.as_str())
    .bind(&c.elements)
    .bind(e.reference_only)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The extension a saved copy of an original gets.
pub fn extension_of(format: &str) -> &'static str {
    FileFormat::parse(format).map_or("bin", FileFormat::extension)
}
