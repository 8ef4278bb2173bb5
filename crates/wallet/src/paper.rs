//! 换开纸质票据 from a kiosk: the receipt is exchanged at its service (the kiosk's
//! key and the citizen's session together) and marked exchanged here at once,
//! or the exchange is taken back when the paper did not print.
//!
//! A feature of its own over the wallet's store: `wallet.paper_exchanges()`.

use crate::error::Result;
use crate::printing::PrintDocument;
use crate::secret::SecretString;
use crate::wallet::Wallet;
use piaojia_api::{ExchangeRequest, PaperExchange};
use piaojia_receipt::{Lifecycle, ReceiptCode, ReceiptKey, ReceiptNumber};
use piaojia_render::{Mark, PrintView};

/// The wallet's exchanges of receipts for paper, made at a kiosk.
pub struct PaperExchanges<'w> {
    pub(crate) wallet: &'w Wallet,
    pub(crate) kiosk_key: &'w SecretString,
}

impl PaperExchanges<'_> {
    /// Exchanges a synced receipt for the paper receipt `code`/`number`.
    pub async fn exchange(
        &self,
        receipt_id: i64,
        code: ReceiptCode,
        number: ReceiptNumber,
    ) -> Result<PaperExchange> {
        let synced = self.wallet.synced_receipt(receipt_id).await?;
        let body = ExchangeRequest {
            paper_code: code,
            paper_number: number,
        };
        let (key, body, kiosk_key) = (&synced.key, &body, self.kiosk_key);
        let done = self
            .wallet
            .call_account(synced.account_id, |client, token| async move {
                client
                    .exchange_for_paper(&token, kiosk_key, key, body)
                    .await
            })
            .await?;
        self.mark(
            key,
            &Lifecycle::Exchanged {
                paper: done.paper.clone(),
            },
        )
        .await?;
        Ok(done)
    }

    /// Takes this kiosk's exchange of the receipt back: it is normal again.
    pub async fn undo(&self, receipt_id: i64) -> Result<()> {
        let synced = self.wallet.synced_receipt(receipt_id).await?;
        let (key, kiosk_key) = (&synced.key, self.kiosk_key);
        self.wallet
            .call_account(synced.account_id, |client, token| async move {
                client.undo_paper_exchange(&token, kiosk_key, key).await
            })
            .await?;
        self.mark(key, &Lifecycle::Normal).await
    }

    /// The paper receipt as the kiosk prints it: the official layout, with the
    /// paper's code and number.
    pub async fn paper_face(&self, receipt_id: i64, paper: &ReceiptKey) -> Result<PrintDocument> {
        let (receipt, verification, _) = self.wallet.exports().print_view_parts(receipt_id).await?;
        let view = PrintView {
            receipt: &receipt,
            verification,
            mark: Mark::PaperFace {
                code: paper.code.to_string(),
                number: paper.number.to_string(),
            },
        };
        let pdf = piaojia_render::receipts_pdf(&[view])?;
        Ok(PrintDocument {
            bytes: pdf.bytes,
            pages: pdf.pages,
            receipt_ids: vec![receipt_id],
        })
    }

    async fn mark(&self, key: &ReceiptKey, lifecycle: &Lifecycle) -> Result<()> {
        let mut tx = crate::db::begin_write(&self.wallet.pool).await?;
        crate::tables::receipts::apply_lifecycle(&mut tx, key, lifecycle).await?;
        tx.commit().await?;
        Ok(())
    }
}
