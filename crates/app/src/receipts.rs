//! Commands over stored receipts: search, the detail with its verification, 查验,
//! saving PDFs and originals, printing, and the overview figures.

use crate::app::App;
use crate::error::{AppError, Result};
use crate::views::{PrintOutcome, ReceiptView, SavedFile, VerificationView};
use piaojia_render::{PrintService, Printer};
use piaojia_wallet::{
    base_name, Activity, CheckResult, PrintDocument, Quarantined, Query, SearchResult, Spending,
    Wallet, WalletError,
};
use std::time::Duration;

/// How long a print job is followed before it is reported as still queued.
const PRINT_WAIT: Duration = Duration::from_secs(60);

impl App {
    pub async fn search(&self, query: Query) -> Result<SearchResult> {
        Ok(self.wallet().await?.search(&query).await?)
    }

    /// A receipt with its signatures checked again, offline, now.
    pub async fn receipt(&self, id: i64) -> Result<ReceiptView> {
        let wallet = self.wallet().await?;
        let detail = wallet.receipts().get(id).await?;
        let (valid, code, message, original) = match wallet.receipts().reverify(id).await {
            Ok(verified) => (
                true,
                None,
                "both signatures verify".to_string(),
                verified.original,
            ),
            Err(WalletError::Receipt(e)) => (
                false,
                Some(e.code().to_string()),
                e.to_string(),
                wallet.receipts().signed_original(id).await?,
            ),
            Err(other) => return Err(other.into()),
        };
        let verification = VerificationView {
            valid,
            code,
            message,
            checked_at: chrono::Local::now().naive_local(),
            bundle_version: detail.bundle_version,
            issuer_certificate: original.issuer_cert_serial,
            document_sha256: detail.document_sha256.clone(),
        };
        Ok(ReceiptView {
            detail,
            verification,
        })
    }

    /// 查验 at the receipt's provincial service.
    pub async fn verify_online(&self, id: i64) -> Result<CheckResult> {
        Ok(self.wallet().await?.receipts().check_online(id).await?)
    }

    /// 查验 of a rejected receipt by the elements it states (unverified).
    pub async fn verify_quarantined(&self, id: i64) -> Result<CheckResult> {
        Ok(self
            .wallet()
            .await?
            .receipts()
            .check_quarantined(id)
            .await?)
    }

    /// Saves a receipt's PDF in the official layout into the save folder.
    pub async fn save_pdf(&self, id: i64) -> Result<SavedFile> {
        let wallet = self.wallet().await?;
        let receipt = wallet.receipts().get(id).await?.receipt;
        let pdf = wallet.exports().pdf(&[id]).await?.bytes;
        let folder = self.settings().save_folder();
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(format!("{}.pdf", base_name(&receipt)));
        std::fs::write(&path, &pdf)?;
        Ok(SavedFile {
            path: path.display().to_string(),
            bytes: pdf.len() as u64,
        })
    }

    /// Saves a receipt's signed original (its exact bytes) into the save folder.
    pub async fn export_original(&self, id: i64) -> Result<SavedFile> {
        let folder = self.settings().save_folder();
        let path = self.wallet().await?.exports().original(id, &folder).await?;
        let bytes = std::fs::metadata(&path)?.len();
        Ok(SavedFile {
            path: path.display().to_string(),
            bytes,
        })
    }

    pub async fn printers(&self) -> Result<Vec<Printer>> {
        Ok(PrintService::default().printers().await?)
    }

    pub async fn printer(&self, name: String) -> Result<Printer> {
        Ok(PrintService::default().printer(&name).await?)
    }

    /// Prints receipts as one job on `printer` (or the one in the settings) and
    /// follows the job to its end. A printer that is not ready gets no job.
    pub async fn print(&self, ids: Vec<i64>, printer: Option<String>) -> Result<PrintOutcome> {
        let printer = printer
            .or(self.settings().printer)
            .ok_or(AppError::NoPrinter)?;
        print_receipts(&*self.wallet().await?, printer, &ids).await
    }

    pub async fn quarantine(&self) -> Result<Vec<Quarantined>> {
        Ok(self.wallet().await?.receipts().quarantined().await?)
    }

    pub async fn spending(&self, account_id: Option<i64>) -> Result<Spending> {
        Ok(self.wallet().await?.spending(account_id).await?)
    }

    pub async fn activity(&self, limit: u32) -> Result<Vec<Activity>> {
        Ok(self.wallet().await?.activity(limit).await?)
    }
}

/// Prints receipts as one job and follows it to its end; marks them printed. A
/// printer that is not ready gets no job, so a retry cannot print twice.
pub(crate) async fn print_receipts(
    wallet: &Wallet,
    printer: String,
    ids: &[i64],
) -> Result<PrintOutcome> {
    // Original files print as they are (an OFD drawn); synced receipts in the
    // official layout.
    let documents = wallet.printing().documents(ids).await?;
    print_documents(wallet, printer, &documents).await
}

/// Prints each document as a job, following each to its end before the next, and
/// marks its receipts printed.
pub(crate) async fn print_documents(
    wallet: &Wallet,
    printer: String,
    documents: &[PrintDocument],
) -> Result<PrintOutcome> {
    let service = PrintService::default();
    let mut last_job = 0;
    let mut pages = 0;
    let mut receipts = 0;
    for document in documents {
        let job = service
            .print_pdf(
                &printer,
                &format!("Piaojia {} receipts", document.receipt_ids.len()),
                &document.bytes,
            )
            .await?;
        service.wait(&printer, job, PRINT_WAIT).await?;
        wallet
            .printing()
            .mark_printed(&document.receipt_ids)
            .await?;
        last_job = job.0;
        pages += document.pages as u32;
        receipts += document.receipt_ids.len() as u32;
    }
    Ok(PrintOutcome {
        printer,
        job: last_job,
        receipts,
        pages,
    })
}
