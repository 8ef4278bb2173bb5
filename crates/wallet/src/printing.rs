//! What is printed (or saved as PDF) for stored receipts: a receipt's original file
//! where it has one (a PDF as it is, an OFD drawn by the renderer), else, for a
//! receipt synced from a provincial service, the official layout.

use crate::error::{Result, WalletError};
use crate::tables;
use crate::wallet::Wallet;
use std::path::{Path, PathBuf};

/// One PDF to print, and the receipts it holds.
pub struct PrintDocument {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub receipt_ids: Vec<i64>,
}

/// How one receipt is printed.
enum Printed {
    /// In the official layout (with the others beside it, one PDF).
    Official,
    Original(PrintDocument),
}

/// What prints stored receipts, and their print count (`wallet.printing()`).
pub struct Printing<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Printing<'_> {
    /// Counts a print of these receipts (their printed_count, and the activity log).
    pub async fn mark_printed(&self, ids: &[i64]) -> Result<()> {
        tables::receipts::count_print(&self.wallet.pool, ids).await?;
        self.wallet
            .log_activity("print", None, &[("receipts", ids.len() as i64)])
            .await
    }

    /// The documents that print `ids`, in their order: receipts printed in the
    /// official layout one after another share a PDF (its font embedded once);
    /// each original file is a document of its own.
    pub async fn documents(&self, ids: &[i64]) -> Result<Vec<PrintDocument>> {
        if ids.is_empty() {
            return Err(WalletError::Invalid("nothing to print".into()));
        }
        let mut documents = Vec::new();
        let mut official = Vec::new();
        for id in ids {
            match self.printed(*id).await? {
                Printed::Official => official.push(*id),
                Printed::Original(document) => {
                    if !official.is_empty() {
                        documents.push(
                            self.official_document(std::mem::take(&mut official))
                                .await?,
                        );
                    }
                    documents.push(document);
                }
            }
        }
        if !official.is_empty() {
            documents.push(self.official_document(official).await?);
        }
        Ok(documents)
    }

    /// Writes each selected receipt as a PDF into `folder` (its original file drawn
    /// or as it is, else the official layout), named as exports name receipts;
    /// returns the files written.
    pub async fn pdfs(&self, selection: &crate::Selection, folder: &Path) -> Result<Vec<PathBuf>> {
        let ids = self.wallet.exports().select(selection).await?;
        if ids.is_empty() {
            return Err(WalletError::Invalid("nothing to export".into()));
        }
        std::fs::create_dir_all(folder)?;
        let mut written = Vec::new();
        for id in ids {
            let document = self
                .documents(&[id])
                .await?
                .pop()
                .expect("one document for one receipt");
            let path = folder.join(format!(
                "{}.pdf",
                self.wallet.exports().stored(id).await?.base_name()
            ));
            let partial = path.with_extension("partial");
            std::fs::write(&partial, &document.bytes)?;
            std::fs::rename(&partial, &path)?;
            written.push(path);
        }
        self.wallet
            .log_activity("export", None, &[("receipts", written.len() as i64)])
            .await?;
        Ok(written)
    }

    async fn official_document(&self, ids: Vec<i64>) -> Result<PrintDocument> {
        let pdf = self.wallet.exports().pdf(&ids).await?;
        Ok(PrintDocument {
            bytes: pdf.bytes,
            pages: pdf.pages,
            receipt_ids: ids,
        })
    }

    async fn printed(&self, id: i64) -> Result<Printed> {
        let originals = self.wallet.imports().originals(id).await?;
        let pick = |format: &str| originals.iter().find(|o| o.format == format);
        if let Some(pdf) = pick("pdf") {
            let bytes = self.wallet.imports().original_bytes(pdf.id).await?;
            let pages = piaojia_import::pdf_page_count(&bytes).map_err(|e| {
                WalletError::Invalid(format!("the PDF original cannot be printed: {e}"))
            })?;
            return Ok(Printed::Original(PrintDocument {
                bytes,
                pages,
                receipt_ids: vec![id],
            }));
        }
        if let Some(ofd) = pick("ofd") {
            let bytes = self.wallet.imports().original_bytes(ofd.id).await?;
            let drawn = tokio::task::spawn_blocking(move || piaojia_render::ofd::to_pdf(&bytes))
                .await
                .map_err(|e| WalletError::Invalid(format!("drawing failed: {e}")))??;
            if !drawn.warnings.is_empty() {
                // Counts only: the warnings name files inside the original.
                tracing::warn!(
                    warnings = drawn.warnings.len(),
                    "parts of an OFD original were left out"
                );
            }
            return Ok(Printed::Original(PrintDocument {
                bytes: drawn.bytes,
                pages: drawn.pages,
                receipt_ids: vec![id],
            }));
        }
        // A signed original (synced from a service) prints in the official layout.
        match self.wallet.receipts().signed_original(id).await {
            Ok(_) => Ok(Printed::Official),
            Err(WalletError::Imported) => Err(WalletError::Invalid(
                "this receipt was imported without an OFD or PDF file: there is nothing to print (import its file)".into(),
            )),
            Err(e) => Err(e),
        }
    }
}
