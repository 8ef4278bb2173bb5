//! Hand-off: the citizen's own wallet shows a one-time code; another wallet (a
//! hospital kiosk's, in memory) logs in with it instead of an SMS code.

use crate::error::{Result, WalletError};
use crate::wallet::{Account, AccountSpec, Wallet};
use piaojia_api::HandoffCode;
use piaojia_receipt::{ProvinceCode, TrustAnchor};

impl Wallet {
    /// Asks the account's service for a one-time code to log in on a kiosk. A new
    /// code replaces the previous one.
    pub async fn handoff_code(&self, account_id: i64) -> Result<HandoffCode> {
        let (client, province) = self.account_client(account_id).await?;
        let client = &client;
        self.with_token(account_id, client, &province, |token| async move {
            client.handoff_code(&token).await
        })
        .await
    }

    /// Logs in with a hand-off code shown by the citizen's own wallet; the account
    /// is the one the code was issued for.
    pub async fn login_with_handoff(
        &self,
        province: &ProvinceCode,
        service_url: &str,
        root_key: &str,
        code: &str,
    ) -> Result<Account> {
        TrustAnchor::from_base64(province.clone(), root_key).map_err(WalletError::Trust)?;
        let session = self.client(service_url)?.redeem_handoff(code).await?;
        let spec = AccountSpec {
            province: province.clone(),
            service_url: service_url.to_string(),
            root_key: root_key.to_string(),
            id_number: session.id_number,
        };
        self.keep_account(&spec, session.tokens.into()).await
    }
}
