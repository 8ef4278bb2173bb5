//! Commands over 我要咨询: asking a receipt's issuer, the threads, their badge.

use crate::app::App;
use crate::error::Result;
use piaojia_wallet::{ConsultReason, ConsultationView};

impl App {
    /// Every thread, or those about one receipt.
    pub async fn consultations(&self, receipt_id: Option<i64>) -> Result<Vec<ConsultationView>> {
        Ok(self
            .wallet()
            .await?
            .consultations()
            .list(receipt_id)
            .await?)
    }

    pub async fn ask_issuer(
        &self,
        receipt_id: i64,
        reason: ConsultReason,
        text: String,
    ) -> Result<ConsultationView> {
        Ok(self
            .wallet()
            .await?
            .consultations()
            .ask(receipt_id, reason, &text)
            .await?)
    }

    pub async fn write_consultation(&self, id: i64, text: String) -> Result<ConsultationView> {
        Ok(self
            .wallet()
            .await?
            .consultations()
            .write(id, &text)
            .await?)
    }

    pub async fn close_consultation(&self, id: i64) -> Result<ConsultationView> {
        Ok(self.wallet().await?.consultations().close(id).await?)
    }

    /// The person has read a thread's answers.
    pub async fn read_consultation(&self, id: i64) -> Result<()> {
        Ok(self.wallet().await?.consultations().mark_read(id).await?)
    }

    /// Threads with an answer not read yet: the badge.
    pub async fn unread_consultations(&self) -> Result<i64> {
        Ok(self.wallet().await?.consultations().unread().await?)
    }
}
