//! An account's session with its service: the access token held in memory,
//! renewed from the refresh token, and every call that needs it made through
//! [`Wallet::with_token`], which after a 401 (the service ended the session, or
//! the token expired early) forgets the token and tries once more with a new one.

use crate::client::{is_unauthorized, ServiceClient};
use crate::error::{Result, WalletError};
use crate::secret::SecretString;
use crate::tables;
use crate::wallet::Wallet;
use piaojia_receipt::ReceiptKey;
use std::future::Future;
use std::time::{Duration, Instant};

/// The longest access-token lifetime taken from a service.
const MAX_ACCESS_TTL_SECS: i64 = 24 * 3600;

/// A receipt that came from an account's service.
pub(crate) struct SyncedReceipt {
    pub account_id: i64,
    pub key: ReceiptKey,
}

pub(crate) struct Session {
    pub access: SecretString,
    pub expires: Instant,
}

/// Tokens a service granted: at a login, a refresh, or a kiosk's hand-off (which
/// gives no refresh token: its session ends with its access token).
pub(crate) struct Granted {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    pub expires_in: i64,
    /// The citizen's name as the province records it.
    pub name: String,
}

impl From<piaojia_api::TokenPair> for Granted {
    fn from(pair: piaojia_api::TokenPair) -> Granted {
        Granted {
            access_token: SecretString::new(pair.access_token),
            refresh_token: Some(SecretString::new(pair.refresh_token)),
            expires_in: pair.expires_in,
            name: pair.name,
        }
    }
}

impl From<piaojia_api::KioskTokens> for Granted {
    fn from(tokens: piaojia_api::KioskTokens) -> Granted {
        Granted {
            access_token: SecretString::new(tokens.access_token),
            refresh_token: None,
            expires_in: tokens.expires_in,
            name: tokens.name,
        }
    }
}

impl Wallet {
    /// Calls `call` with a valid access token of the account; after a 401, once
    /// more with a new one.
    pub(crate) async fn with_token<T, F>(
        &self,
        account_id: i64,
        client: &ServiceClient,
        province: &str,
        call: impl Fn(SecretString) -> F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let token = self.access_token(account_id, client, province).await?;
        match call(token).await {
            Err(e) if is_unauthorized(&e) => {
                self.forget_session(account_id);
                let token = self.access_token(account_id, client, province).await?;
                call(token).await
            }
            other => other,
        }
    }

    /// Keeps a new token pair: the refresh token where this wallet keeps them, the
    /// access token in memory until a little before the service says it expires.
    pub(crate) async fn keep_tokens(&self, account_id: i64, pair: Granted) -> Result<()> {
        match &pair.refresh_token {
            Some(refresh) => self.store_refresh(account_id, refresh.expose()).await?,
            None => self.forget_refresh(account_id).await?,
        }
        // The lifetime is the service's word: held to a day, so that no number it
        // sends can overflow the clock or keep a token past what any service gives.
        let ttl = Duration::from_secs(pair.expires_in.clamp(0, MAX_ACCESS_TTL_SECS) as u64);
        // Renew a little early rather than have a page refused half-way.
        let expires = Instant::now() + ttl.saturating_sub(Duration::from_secs(10));
        let session = Session {
            access: pair.access_token,
            expires,
        };
        self.sessions
            .lock()
            .expect("sessions")
            .insert(account_id, session);
        Ok(())
    }

    /// A valid access token: the session's, or a new one from the refresh token.
    pub(crate) async fn access_token(
        &self,
        account_id: i64,
        client: &ServiceClient,
        province: &str,
    ) -> Result<SecretString> {
        if let Some(session) = self.sessions.lock().expect("sessions").get(&account_id) {
            if session.expires > Instant::now() {
                return Ok(SecretString::new(session.access.expose()));
            }
        }
        let not_logged_in = || WalletError::NotLoggedIn {
            province: province.to_string(),
        };
        let refresh = self
            .stored_refresh(account_id)
            .await?
            .ok_or_else(not_logged_in)?;
        let pair: Granted = match client.refresh(&refresh).await {
            Ok(pair) => pair.into(),
            Err(WalletError::AuthFailed(_)) => return Err(not_logged_in()),
            Err(e) => return Err(e),
        };
        let access = SecretString::new(pair.access_token.expose());
        self.keep_tokens(account_id, pair).await?;
        Ok(access)
    }

    /// Forgets the account's access token (not its refresh token).
    pub(crate) fn forget_session(&self, account_id: i64) {
        self.sessions.lock().expect("sessions").remove(&account_id);
    }

    /// Calls the account's service with its session (renewed once after a 401).
    pub(crate) async fn call_account<T, F>(
        &self,
        account_id: i64,
        call: impl Fn(ServiceClient, SecretString) -> F,
    ) -> Result<T>
    where
        F: Future<Output = Result<T>>,
    {
        let (client, province) = self.account_client(account_id).await?;
        self.with_token(account_id, &client, &province, |token| {
            call(client.clone(), token)
        })
        .await
    }

    /// A synced receipt's account and key: what a call about it to its service
    /// names. A receipt imported from a file has no service to call.
    pub(crate) async fn synced_receipt(&self, receipt_id: i64) -> Result<SyncedReceipt> {
        let row = tables::receipts::account_and_key(&self.pool, receipt_id).await?;
        let (account_id, province, code, number) = row.ok_or(WalletError::NotFound("receipt"))?;
        let account_id = account_id.ok_or(WalletError::Imported)?;
        Ok(SyncedReceipt {
            account_id,
            key: ReceiptKey::from_parts(province, code, number)?,
        })
    }

    /// The client of the account's service, and the account's province.
    pub(crate) async fn account_client(&self, account_id: i64) -> Result<(ServiceClient, String)> {
        let account = tables::accounts::get(&self.pool, account_id)
            .await?
            .ok_or(WalletError::NotFound("account"))?;
        Ok((self.client(&account.service_url)?, account.province))
    }
}
