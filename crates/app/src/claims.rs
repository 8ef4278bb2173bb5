//! Commands over reimbursement claims.

use crate::app::App;
use crate::error::Result;
use piaojia_wallet::{ClaimDraft, ClaimLimit, ClaimView, RelyingParty, RelyingPartyKind};

impl App {
    pub async fn claims(&self) -> Result<Vec<ClaimView>> {
        Ok(self.wallet().await?.claims().list().await?)
    }

    pub async fn relying_parties(&self, account_id: i64) -> Result<Vec<RelyingParty>> {
        Ok(self
            .wallet()
            .await?
            .claims()
            .relying_parties(account_id)
            .await?)
    }

    /// What a claim of `receipt_ids` may ask a party of `kind` for: the form lists
    /// them with their sum and checks the amount against it before 创建.
    pub async fn claim_limit(
        &self,
        kind: RelyingPartyKind,
        receipt_ids: Vec<i64>,
    ) -> Result<ClaimLimit> {
        Ok(self
            .wallet()
            .await?
            .claims()
            .limit(kind, &receipt_ids)
            .await?)
    }

    /// A draft claim holding `receipt_ids`.
    pub async fn create_claim(
        &self,
        draft: ClaimDraft,
        receipt_ids: Vec<i64>,
    ) -> Result<ClaimView> {
        let wallet = self.wallet().await?;
        let id = wallet.claims().create(&draft).await?;
        for receipt in receipt_ids {
            wallet.claims().add(id, receipt).await?;
        }
        Ok(wallet.claims().get(id).await?)
    }

    pub async fn submit_claim(&self, id: i64) -> Result<ClaimView> {
        Ok(self.wallet().await?.claims().submit(id).await?)
    }

    pub async fn withdraw_claim(&self, id: i64) -> Result<ClaimView> {
        Ok(self.wallet().await?.claims().withdraw(id).await?)
    }
}
