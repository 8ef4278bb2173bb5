//! Papers for reimbursement (报销材料): sheets (粘贴单) with two or four receipts to
//! an A4 page, saved or printed, and the 汇总表 as PDF, CSV or XLSX; from chosen
//! receipts, a search result or a claim (a wallet `Selection`).

use crate::app::App;
use crate::error::{AppError, Result};
use crate::receipts::print_documents;
use crate::views::{PrintOutcome, SavedFile};
use piaojia_render::PerSheet;
use piaojia_wallet::{Selection, SummaryFormat};
use std::path::Path;

impl App {
    /// Saves the sheets into the save folder.
    pub async fn save_sheets(
        &self,
        selection: Selection,
        per_sheet: PerSheet,
    ) -> Result<SavedFile> {
        let wallet = self.wallet().await?;
        let sheets = wallet.reimbursement().sheets(&selection, per_sheet).await?;
        let name = format!("粘贴单-{}张-{}.pdf", sheets.receipt_ids.len(), stamp());
        self.save(&name, &sheets.bytes)
    }

    /// Prints the sheets on `printer` (or the one in the settings), as one job.
    pub async fn print_sheets(
        &self,
        selection: Selection,
        per_sheet: PerSheet,
        printer: Option<String>,
    ) -> Result<PrintOutcome> {
        let printer = printer
            .or(self.settings().printer)
            .ok_or(AppError::NoPrinter)?;
        let wallet = self.wallet().await?;
        let sheets = wallet.reimbursement().sheets(&selection, per_sheet).await?;
        print_documents(&wallet, printer, std::slice::from_ref(&sheets)).await
    }

    /// Saves the 汇总表 into the save folder.
    pub async fn save_summary(
        &self,
        selection: Selection,
        format: SummaryFormat,
    ) -> Result<SavedFile> {
        let wallet = self.wallet().await?;
        let bytes = wallet
            .reimbursement()
            .summary_table(&selection, format)
            .await?;
        let name = format!("汇总表-{}.{}", stamp(), format.extension());
        self.save(&name, &bytes)
    }

    /// Writes a whole file into the save folder, or nothing.
    fn save(&self, name: &str, bytes: &[u8]) -> Result<SavedFile> {
        let folder = self.settings().save_folder();
        std::fs::create_dir_all(&folder)?;
        let path = folder.join(name);
        write_whole(&path, bytes)?;
        Ok(SavedFile {
            path: path.display().to_string(),
            bytes: bytes.len() as u64,
        })
    }
}

fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

/// The time in a file name, so that papers made one after another do not replace
/// each other.
fn stamp() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}
