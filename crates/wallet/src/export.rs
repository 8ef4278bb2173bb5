//! Downloads and packages: a receipt's signed original as a file, ZIPs of receipts
//! (a year, a search result, a claim) with their PDFs, originals and a manifest, and
//! the archive package for booking (入账/归档). Every name inside is built from
//! receipt fields made filesystem-safe, so no issuer name can leave its folder.

use crate::error::{Result, WalletError};
use crate::tables;
use crate::tables::receipts::{self, ExportRow};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_receipt::{Category, Fen, LifecycleState, Receipt};
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
或 piaojia verify --online --service <该省服务地址> --code … --number … --check-code …

*.original.json is the signed original of a fiscal e-receipt: `document` holds the
issuer's exact bytes (base64); `issuer_signature` is the issuer's ed25519 signature over
them; `supervisor_signature` is the fiscal supervisor's signature over the bytes followed
by the issuer's signature; the serials name certificates in the province's trust bundle.
Check it offline with `piaojia verify --file FILE`, or online by code, number and check
code.

其他文件（.ofd、.pdf、.xml、图片）是导入时的原始文件，逐字节保存。OFD 文件的电子签章
可离线验证：piaojia verify --file <文件>.ofd（--trust 根证书）。增值税发票和数电票
可到国家税务总局全国增值税发票查验平台查验。
Other files (.ofd, .pdf, .xml, pictures) are the files as imported, byte for byte. The
seals of an OFD file verify offline with `piaojia verify --file FILE.ofd`.
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
    name_of(
        r.issued_at,
        &r.issuer.name,
        r.total.0,
        r.code.as_str(),
        r.number.as_str(),
    )
}

fn name_of(issued_at: NaiveDateTime, issuer: &str, total: i64, code: &str, number: &str) -> String {
    let key = if code.is_empty() {
        number.to_string()
    } else {
        format!("{code}-{number}")
    };
    format!(
        "{}_{}_{}_{}",
        issued_at.format("%Y-%m-%d"),
        safe_name(issuer, 40),
        Fen(total),
        safe_name(&key, 40)
    )
}

/// What an export, a sheet or a 汇总表 says of a receipt.
impl ExportRow {
    /// The receipt's line in a summary (汇总表).
    pub(crate) fn summary_line(self) -> piaojia_render::SummaryLine {
        piaojia_render::SummaryLine {
            date: self.issued_at.format("%Y-%m-%d").to_string(),
            code_number: if self.code.is_empty() {
                self.number
            } else {
                format!("{}-{}", self.code, self.number)
            },
            issuer: self.issuer_name,
            total: Fen(self.total),
        }
    }

    pub(crate) fn base_name(&self) -> String {
        name_of(
            self.issued_at,
            &self.issuer_name,
            self.total,
            &self.code,
            &self.number,
        )
    }
}

/// Which receipts an export, a sheet or a 汇总表 holds (the app sends it too).
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Selection {
    Year(i32),
    Search(crate::search::Query),
    Claim(i64),
    Ids(Vec<i64>),
}

#[derive(Debug, Clone, Serialize)]
pub struct ManifestRow {
    /// The receipt in the official layout; empty for an imported receipt (its own
    /// files are its originals).
    pub pdf: String,
    /// The signed original of a synced receipt; empty for an imported one.
    pub original: String,
    /// The files it was imported from, byte for byte.
    pub files: Vec<String>,
    /// fiscal_receipt, vat_invoice, digital_invoice, ticket or piaojia_signed.
    pub kind: String,
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_on: String,
    pub issuer: String,
    pub category: Category,
    pub total_fen: i64,
    pub state: LifecycleState,
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

/// Receipts written out: PDFs, signed originals, ZIPs and claim packages
/// (`wallet.exports()`).
pub struct Exports<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Exports<'_> {
    /// The ids a selection names.
    pub async fn select(&self, selection: &Selection) -> Result<Vec<i64>> {
        Ok(match selection {
            Selection::Ids(ids) => ids.clone(),
            Selection::Claim(id) => tables::claims::held_by(&self.wallet.pool, *id)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect(),
            Selection::Year(year) => receipts::ids_of_year(&self.wallet.pool, *year).await?,
            Selection::Search(query) => {
                let mut all = Vec::new();
                let mut q = query.clone();
                q.limit = 1000;
                q.offset = 0;
                loop {
                    let page = self.wallet.search(&q).await?;
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

    /// How a stored receipt is printed: its verification, as it stands now, and any
    /// 冲红/换开 mark.
    pub async fn print_view_parts(&self, id: i64) -> Result<(Receipt, Verification, Mark)> {
        let detail = self.wallet.receipts().get(id).await?;
        let verdict = self.wallet.receipts().verdict(id).await?;
        let verification = Verification {
            valid: verdict.valid,
            checked_at: verdict.checked_at,
            bundle_version: verdict.bundle_version,
        };
        let mark = Mark::of(&detail.lifecycle);
        Ok((detail.receipt, verification, mark))
    }

    /// The PDF of stored receipts (one page set each, fonts embedded once).
    pub async fn pdf(&self, ids: &[i64]) -> Result<piaojia_render::Pdf> {
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
        Ok(piaojia_render::receipts_pdf(&views)?)
    }

    /// Writes a receipt's signed original (its exact bytes), or for an imported
    /// receipt the files it came in, and how to verify them, into `folder`; returns
    /// the (first) file's path.
    pub async fn original(&self, id: i64, folder: &Path) -> Result<PathBuf> {
        let stored = self.stored(id).await?;
        std::fs::create_dir_all(folder)?;
        let base = stored.base_name();
        let mut paths = Vec::new();
        if let Some(signed) = &stored.signed {
            let path = folder.join(format!("{base}.original.json"));
            std::fs::write(&path, signed)?;
            paths.push(path);
        }
        for (n, file) in self
            .wallet
            .imports()
            .originals(id)
            .await?
            .iter()
            .enumerate()
        {
            let path = folder.join(original_name_of(&base, n, &file.format));
            std::fs::write(&path, self.wallet.imports().original_bytes(file.id).await?)?;
            paths.push(path);
        }
        std::fs::write(folder.join("HOW-TO-VERIFY.txt"), HOW_TO_VERIFY)?;
        self.wallet
            .log_activity("export", None, &[("receipts", 1)])
            .await?;
        paths
            .into_iter()
            .next()
            .ok_or(WalletError::NotFound("original file"))
    }

    pub(crate) async fn stored(&self, id: i64) -> Result<ExportRow> {
        receipts::for_export(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("receipt"))
    }

    /// A ZIP of receipts: a PDF and the signed original of each, manifest.csv and
    /// manifest.json with totals, and how to verify. `archive` also marks them as
    /// booked and archived (入账/归档).
    pub async fn zip(
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
            let stored = self.stored(*id).await?;
            let mut base = stored.base_name();
            let mut n = 2;
            while !used.insert(base.clone()) {
                base = format!("{}_{n}", stored.base_name());
                n += 1;
            }
            let (mut pdf_name, mut original_name) = (String::new(), String::new());
            if let Some(signed) = &stored.signed {
                let pdf = self.pdf(&[*id]).await?.bytes;
                pdf_name = format!("receipts/{base}.pdf");
                original_name = format!("originals/{base}.original.json");
                zip.start_file(&pdf_name, options).map_err(zip_error)?;
                zip.write_all(&pdf)?;
                zip.start_file(&original_name, options).map_err(zip_error)?;
                zip.write_all(signed)?;
            }
            let mut files = Vec::new();
            for (n, file) in self
                .wallet
                .imports()
                .originals(*id)
                .await?
                .iter()
                .enumerate()
            {
                let name = format!("originals/{}", original_name_of(&base, n, &file.format));
                zip.start_file(&name, options).map_err(zip_error)?;
                zip.write_all(&self.wallet.imports().original_bytes(file.id).await?)?;
                files.push(name);
            }
            rows.push(ManifestRow {
                pdf: pdf_name,
                original: original_name,
                files,
                kind: stored.kind,
                province: stored.province,
                code: stored.code,
                number: stored.number,
                issued_on: stored.issued_at.format("%Y-%m-%d").to_string(),
                issuer: stored.issuer_name,
                category: stored.category,
                total_fen: stored.total,
                state: stored.lifecycle,
                document_sha256: stored.document_sha256,
            });
        }
        let total_fen = rows
            .iter()
            .try_fold(0i64, |sum, r| sum.checked_add(r.total_fen))
            .ok_or_else(|| {
                WalletError::Invalid("the amounts add up beyond what can be counted".into())
            })?;
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
            receipts::mark_archived(&self.wallet.pool, &ids).await?;
        }
        self.wallet
            .log_activity(kind, None, &[("receipts", ids.len() as i64)])
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
        let claim = self.wallet.claims().get(claim_id).await?;
        if claim.receipt_ids.is_empty() {
            return Err(WalletError::Invalid("the claim holds no receipts".into()));
        }
        let report = self.zip(&Selection::Claim(claim_id), path, false).await?;
        let account = self.wallet.account(claim.account_id).await?;
        let summary = piaojia_render::Summary {
            claim: Some(piaojia_render::ClaimHeading {
                claim_id,
                claimant: account.display_name.unwrap_or_default(),
                relying_party: claim.relying_party.clone(),
                purpose: claim.purpose.clone(),
                state: claim.state.to_string(),
                amount_requested: Fen(claim.amount_requested),
            }),
            lines: self
                .wallet
                .reimbursement()
                .summary_lines(&claim.receipt_ids)
                .await?,
        };
        let pdf = piaojia_render::summary_pdf(&summary)?.bytes;
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

/// `<base>.ofd`, then `<base>_2.pdf`, … for a receipt's imported files.
fn original_name_of(base: &str, n: usize, format: &str) -> String {
    let extension = crate::import::extension_of(format);
    if n == 0 {
        format!("{base}.{extension}")
    } else {
        format!("{base}_{}.{extension}", n + 1)
    }
}

fn zip_error(e: zip::result::ZipError) -> WalletError {
    WalletError::Io(std::io::Error::other(e.to_string()))
}

use crate::csv::csv_text;

fn manifest_csv(m: &Manifest) -> String {
    let mut out = String::from("\u{feff}pdf,original,files,kind,province,code,number,issued_on,issuer,category,total_yuan,state,document_sha256\n");
    for r in &m.receipts {
        let texts = [
            r.pdf.clone(),
            r.original.clone(),
            r.files.join(" "),
            r.kind.clone(),
            r.province.clone(),
            r.code.clone(),
            r.number.clone(),
            r.issued_on.clone(),
            r.issuer.clone(),
            r.category.as_str().to_string(),
        ];
        let mut cells: Vec<String> = texts.iter().map(|t| csv_text(t)).collect();
        // An amount is a number, negative for a red receipt: never quoted as text.
        cells.push(Fen(r.total_fen).to_string());
        cells.extend([csv_text(r.state.as_str()), csv_text(&r.document_sha256)]);
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.push_str(&format!("total,,,,,,,,,,{},,\n", Fen(m.total_fen)));
    out
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
