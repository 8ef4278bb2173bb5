//! Downloads and packages: a receipt's signed original as a file, ZIPs of receipts
//! (a year, a search result, a claim) with their PDFs, originals and a manifest, and
//! the archive package for booking (入账/归档). Every name inside is built from
//! receipt fields made filesystem-safe, so no issuer name can leave its folder.

use crate::error::{Result, WalletError};
use crate::wallet::Wallet;
use piaojia_receipt::{Fen, Receipt};
use piaojia_render::{Mark, PrintView, Verification};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How to check a signed original, shipped beside every exported one.
pub const HOW_TO_VERIFY: &str = "\
如何验证 / How to verify

*.original.json 是财政电子票据的签名原件：document 是开票单位签发的原始字节（base64），
issuer_signature 是开票单位对这些字节的 ed25519 签名，supervisor_signature 是财政监制
对“原始字节 + 开票单位签名”的签名，*_cert_serial 指明省级信任包中的证书。

离线验证：piaojia verify --file <文件>（用钱包中已钉住的省级根公钥和信任包）。
在线查验：用票据代码、票据号码、校验码到开票省份的财政电子票据查验平台查询，
或 piaojia verify --online --code … --number … --check-code …

*.original.json is the signed original of a fiscal e-receipt: `document` holds the
issuer's exact bytes (base64); `issuer_signature` is the issuer's ed25519 signature over
them; `supervisor_signature` is the fiscal supervisor's signature over the bytes followed
by the issuer's signature; the serials name certificates in the province's trust bundle.
Check it offline with `piaojia verify --file FILE`, or online by code, number and check
code.
";

/// A name made safe for every filesystem: no separators, no control or reserved
/// characters, no leading dots, at most `max` characters.
pub fn safe_name(text: &str, max: usize) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '/'
            | '\\'
            | ':'
            | '*'
            | '?'
            | '"'
            | '<'
            | '>'
            | '|'
            | '\u{0}'..='\u{1f}'
            | '\u{7f}' => '_',
            c if c.is_whitespace() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned
        .trim_start_matches(['.', '_'])
        .trim_end_matches(['.', ' ']);
    let mut out: String = trimmed.chars().take(max).collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// `2024-05-01_台州市中心医院_123.45_33060122-0012345678`.
pub fn base_name(r: &Receipt) -> String {
    format!(
        "{}_{}_{}_{}-{}",
        r.issued_at.format("%Y-%m-%d"),
        safe_name(&r.issuer.name, 40),
        r.total,
        r.code,
        r.number
    )
}

/// Which receipts an export holds.
#[derive(Debug, Clone)]
pub enum Selection {
    Year(i32),
    Search(crate::search::Query),
    Claim(i64),
    Ids(Vec<i64>),
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestRow {
    pub pdf: String,
    pub original: String,
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    pub category: String,
    pub total_fen: i64,
    pub state: String,
    pub document_sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub created_at: chrono::NaiveDateTime,
    pub kind: String,
    pub receipts: Vec<ManifestRow>,
    pub count: usize,
    pub total_fen: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    pub receipts: usize,
    pub total_fen: i64,
}

impl Wallet {
    /// The ids a selection names.
    pub async fn select(&self, selection: &Selection) -> Result<Vec<i64>> {
        Ok(match selection {
            Selection::Ids(ids) => ids.clone(),
            Selection::Claim(id) => sqlx::query_scalar("SELECT receipt_id FROM claim_receipts WHERE claim_id = ? ORDER BY receipt_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?,
            Selection::Year(year) => sqlx::query_scalar("SELECT id FROM receipts WHERE strftime('%Y', issued_at) = ? ORDER BY issued_at, id")
                .bind(format!("{year:04}"))
                .fetch_all(&self.pool)
                .await?,
            Selection::Search(query) => {
                let mut all = Vec::new();
                let mut q = query.clone();
                q.limit = 1000;
                q.offset = 0;
                loop {
                    let page = self.search(&q).await?;
                    let n = page.items.len();
                    all.extend(page.items.into_iter().map(|r| r.id));
                    if n < 1000 {
                        break;
                    }
                    q.offset += 1000;
                }
                all
            }
        })
    }

    /// How a stored receipt is printed: its verification and any 冲红/换开 mark.
    pub async fn print_view_parts(&self, id: i64) -> Result<(Receipt, Verification, Mark)> {
        let detail = self.receipt(id).await?;
        let verification = Verification {
            valid: true,
            checked_at: detail.verified_at,
            bundle_version: detail.bundle_version as u64,
        };
        let linked = format!(
            "{}-{}",
            detail.linked_code.clone().unwrap_or_default(),
            detail.linked_number.clone().unwrap_or_default()
        );
        let mark = match detail.lifecycle.as_str() {
            "reversed" => Mark::Reversed { by: linked },
            "exchanged" => Mark::Exchanged { paper: linked },
            _ => Mark::None,
        };
        Ok((detail.receipt, verification, mark))
    }

    /// The PDF of stored receipts (one page set each, fonts embedded once).
    pub async fn receipts_pdf(&self, ids: &[i64]) -> Result<piaojia_render::Pdf> {
        let mut parts = Vec::new();
        for id in ids {
            parts.push(self.print_view_parts(*id).await?);
        }
        let views: Vec<PrintView> = parts
            .iter()
            .map(|(r, v, m)| PrintView {
                receipt: r,
                verification: v.clone(),
                mark: m.clone(),
            })
            .collect();
        piaojia_render::receipts_pdf(&views).map_err(|e| WalletError::Invalid(e.to_string()))
    }

    /// Writes a receipt's signed original (its exact bytes) and how to verify it
    /// into `folder`; returns the original's path.
    pub async fn export_original(&self, id: i64, folder: &Path) -> Result<PathBuf> {
        let bytes: Vec<u8> = sqlx::query_scalar("SELECT original FROM receipts WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        let receipt = self.receipt(id).await?.receipt;
        std::fs::create_dir_all(folder)?;
        let path = folder.join(format!("{}.original.json", base_name(&receipt)));
        std::fs::write(&path, &bytes)?;
        std::fs::write(folder.join("HOW-TO-VERIFY.txt"), HOW_TO_VERIFY)?;
        self.log_activity("export", None, &[("receipts", 1)])
            .await?;
        Ok(path)
    }

    /// A ZIP of receipts: a PDF and the signed original of each, manifest.csv and
    /// manifest.json with totals, and how to verify. `archive` also marks them as
    /// booked and archived (入账/归档).
    pub async fn export_zip(
        &self,
        selection: &Selection,
        path: &Path,
        archive: bool,
    ) -> Result<ExportReport> {
        let ids = self.select(selection).await?;
        if ids.is_empty() {
            return Err(WalletError::Invalid("nothing to export".into()));
        }
        let kind = if archive { "archive" } else { "export" };
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut rows = Vec::new();
        let mut used = HashSet::new();
        for id in &ids {
            let detail = self.receipt(*id).await?;
            let original: Vec<u8> =
                sqlx::query_scalar("SELECT original FROM receipts WHERE id = ?")
                    .bind(id)
                    .fetch_one(&self.pool)
                    .await?;
            let mut base = base_name(&detail.receipt);
            let mut n = 2;
            while !used.insert(base.clone()) {
                base = format!("{}_{n}", base_name(&detail.receipt));
                n += 1;
            }
            let pdf = self.receipts_pdf(&[*id]).await?.bytes;
            let pdf_name = format!("receipts/{base}.pdf");
            let original_name = format!("originals/{base}.original.json");
            zip.start_file(&pdf_name, options).map_err(zip_error)?;
            zip.write_all(&pdf)?;
            zip.start_file(&original_name, options).map_err(zip_error)?;
            zip.write_all(&original)?;
            let r = &detail.receipt;
            rows.push(ManifestRow {
                pdf: pdf_name,
                original: original_name,
                province: r.province.to_string(),
                code: r.code.to_string(),
                number: r.number.to_string(),
                issued_on: r.issued_at.format("%Y-%m-%d").to_string(),
                issuer: r.issuer.name.clone(),
                category: r.category.as_str().to_string(),
                total_fen: r.total.0,
                state: detail.lifecycle.clone(),
                document_sha256: detail.document_sha256.clone(),
            });
        }
        let total_fen: i64 = rows.iter().map(|r| r.total_fen).sum();
        let manifest = Manifest {
            created_at: crate::store::now(),
            kind: kind.into(),
            count: rows.len(),
            total_fen,
            receipts: rows,
        };
        zip.start_file("manifest.json", options)
            .map_err(zip_error)?;
        zip.write_all(&serde_json::to_vec_pretty(&manifest).expect("serialises"))?;
        zip.start_file("manifest.csv", options).map_err(zip_error)?;
        zip.write_all(manifest_csv(&manifest).as_bytes())?;
        zip.start_file("HOW-TO-VERIFY.txt", options)
            .map_err(zip_error)?;
        zip.write_all(HOW_TO_VERIFY.as_bytes())?;
        zip.finish().map_err(zip_error)?.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if archive {
            sqlx::query("UPDATE receipts SET booked = 1, archived = 1 WHERE id IN (SELECT value FROM json_each(?))")
                .bind(serde_json::to_string(&ids).expect("serialises"))
                .execute(&self.pool)
                .await?;
        }
        self.log_activity(kind, None, &[("receipts", ids.len() as i64)])
            .await?;
        Ok(ExportReport {
            path: path.to_path_buf(),
            receipts: ids.len(),
            total_fen,
        })
    }

    /// The package of a claim for a relying party that is not connected: a summary
    /// PDF and the receipts' PDFs and signed originals, with the manifest.
    pub async fn claim_package(&self, claim_id: i64, path: &Path) -> Result<ExportReport> {
        let claim = self.claim(claim_id).await?;
        if claim.receipt_ids.is_empty() {
            return Err(WalletError::Invalid("the claim holds no receipts".into()));
        }
        let report = self
            .export_zip(&Selection::Claim(claim_id), path, false)
            .await?;
        let account = self.account(claim.account_id).await?;
        let mut lines = Vec::new();
        for id in &claim.receipt_ids {
            let r = self.receipt(*id).await?.receipt;
            lines.push(piaojia_render::SummaryLine {
                date: r.issued_at.format("%Y-%m-%d").to_string(),
                issuer: r.issuer.name.clone(),
                code_number: format!("{}-{}", r.code, r.number),
                total: r.total,
            });
        }
        let summary = piaojia_render::ClaimSummary {
            claim_id,
            claimant: account.display_name.unwrap_or_default(),
            relying_party: claim.relying_party.clone(),
            purpose: claim.purpose.clone(),
            state: claim.state.clone(),
            amount_requested: Fen(claim.amount_requested),
            lines,
        };
        let pdf = piaojia_render::claim_summary_pdf(&summary)
            .map_err(|e| WalletError::Invalid(e.to_string()))?;
        // Add the summary to the finished ZIP.
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)?;
        let mut zip = zip::ZipWriter::new_append(file).map_err(zip_error)?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("claim-summary.pdf", options)
            .map_err(zip_error)?;
        zip.write_all(&pdf)?;
        zip.finish().map_err(zip_error)?.sync_all()?;
        Ok(report)
    }
}

fn zip_error(e: zip::result::ZipError) -> WalletError {
    WalletError::Io(std::io::Error::other(e.to_string()))
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn manifest_csv(m: &Manifest) -> String {
    let mut out = String::from("\u{feff}pdf,original,province,code,number,issued_on,issuer,category,total_yuan,state,document_sha256\n");
    for r in &m.receipts {
        let fields = [
            r.pdf.clone(),
            r.original.clone(),
            r.province.clone(),
            r.code.clone(),
            r.number.clone(),
            r.issued_on.clone(),
            r.issuer.clone(),
            r.category.clone(),
            Fen(r.total_fen).to_string(),
            r.state.clone(),
            r.document_sha256.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out.push_str(&format!("total,,,,,,,,{},,\n", Fen(m.total_fen)));
    out
}

impl Wallet {
    /// Counts a print of these receipts (their printed_count, and the activity log).
    pub async fn mark_printed(&self, ids: &[i64]) -> Result<()> {
        sqlx::query("UPDATE receipts SET printed_count = printed_count + 1 WHERE id IN (SELECT value FROM json_each(?))")
            .bind(serde_json::to_string(ids).expect("serialises"))
            .execute(&self.pool)
            .await?;
        self.log_activity("print", None, &[("receipts", ids.len() as i64)])
            .await
    }

    /// The service URL of the wallet's account in `province`, if there is one.
    pub async fn service_for(&self, province: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT service_url FROM accounts WHERE province = ? ORDER BY id LIMIT 1",
        )
        .bind(province)
        .fetch_optional(&self.pool)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_cannot_leave_their_folder() {
        for evil in [
            "../../etc/passwd",
            "..\\..\\boot.ini",
            "/abs/path",
            "a:b*c?d\"e<f>g|h",
            ".hidden",
            "\u{0}nul",
            "  ",
            "",
        ] {
            let safe = safe_name(evil, 40);
            assert!(
                !safe.contains('/')
                    && !safe.contains('\\')
                    && !safe.starts_with('.')
                    && !safe.is_empty(),
                "{evil:?} -> {safe:?}"
            );
            assert!(!safe.contains(".."), "{evil:?} -> {safe:?}");
        }
        assert_eq!(safe_name("台州市中心医院", 40), "台州市中心医院");
        assert_eq!(safe_name(&"长".repeat(100), 40).chars().count(), 40);
    }
}
