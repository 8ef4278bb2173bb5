//! 我要咨询 in the wallet: asking a receipt's issuer about it, writing again,
//! closing; the threads kept (encrypted with the rest of the store) as the service
//! last sent them, brought up to date when the changes feed names them, and marked
//! unread when an answer comes.
//!
//! A feature of its own over the wallet's store: `wallet.consultations()` gives
//! its methods, which use the store and the account's session and nothing of
//! other features.

use crate::client::ServiceClient;
use crate::error::{Result, WalletError};
use crate::tables;
use crate::tables::consultations::{self as table, ConsultationRow};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_api::{
    AskRequest, Author, ConsultMessage, ConsultReason, Consultation, ConsultationState,
    MessageRequest,
};
use piaojia_receipt::ReceiptKey;
use serde::Serialize;

/// A thread as the person sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsultationView {
    pub id: i64,
    pub receipt_id: i64,
    /// The receipt asked about, and who issued it.
    pub receipt: ReceiptKey,
    pub issuer_name: String,
    pub reason: ConsultReason,
    pub state: ConsultationState,
    /// Oldest first.
    pub messages: Vec<ConsultMessage>,
    /// The receipt the issuer issued in place of this one (after 冲红), and its id
    /// here once it has arrived.
    pub corrected_by: Option<ReceiptKey>,
    pub corrected_receipt_id: Option<i64>,
    pub opened_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// An answer came that the person has not opened yet.
    pub unread: bool,
}

/// The wallet's 我要咨询 threads.
pub struct Consultations<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Consultations<'_> {
    /// Asks the issuer of a receipt about it.
    pub async fn ask(
        &self,
        receipt_id: i64,
        reason: ConsultReason,
        text: &str,
    ) -> Result<ConsultationView> {
        let asked = self.wallet.synced_receipt(receipt_id).await?;
        let body = AskRequest {
            reason,
            text: text.to_string(),
        };
        let body = &body;
        let key = &asked.key;
        let remote = self
            .wallet
            .call_account(asked.account_id, |client, token| async move {
                client.ask(&token, key, body).await
            })
            .await?;
        let id = self.keep(asked.account_id, remote, false).await?;
        self.get(id).await
    }

    /// Writes again in a thread (it opens again if it was answered).
    pub async fn write(&self, id: i64, text: &str) -> Result<ConsultationView> {
        let row = self.row(id).await?;
        let (remote_id, body) = (
            row.remote_id,
            MessageRequest {
                text: text.to_string(),
            },
        );
        let body = &body;
        let remote = self
            .wallet
            .call_account(row.account_id, |client, token| async move {
                client.write_consultation(&token, remote_id, body).await
            })
            .await?;
        self.keep(row.account_id, remote, false).await?;
        self.get(id).await
    }

    /// Closes a thread: the question is settled.
    pub async fn close(&self, id: i64) -> Result<ConsultationView> {
        let row = self.row(id).await?;
        let remote_id = row.remote_id;
        let remote = self
            .wallet
            .call_account(row.account_id, |client, token| async move {
                client.close_consultation(&token, remote_id).await
            })
            .await?;
        self.keep(row.account_id, remote, false).await?;
        self.get(id).await
    }

    /// Every thread, or those about one receipt; the latest change first.
    pub async fn list(&self, receipt_id: Option<i64>) -> Result<Vec<ConsultationView>> {
        let mut out = Vec::new();
        for row in table::list(&self.wallet.pool, receipt_id).await? {
            out.push(self.view(row).await?);
        }
        Ok(out)
    }

    pub async fn get(&self, id: i64) -> Result<ConsultationView> {
        let row = self.row(id).await?;
        self.view(row).await
    }

    /// The person has seen the thread's answers.
    pub async fn mark_read(&self, id: i64) -> Result<()> {
        if !table::mark_read(&self.wallet.pool, id).await? {
            return Err(WalletError::NotFound("consultation"));
        }
        Ok(())
    }

    /// Threads with an answer not opened yet: the badge.
    pub async fn unread(&self) -> Result<i64> {
        table::unread(&self.wallet.pool).await
    }

    /// Brings a thread up to date after the changes feed named it; false when it
    /// is about a receipt this wallet does not hold, or the session may not read
    /// threads (a kiosk's).
    pub(crate) async fn refresh(
        &self,
        account_id: i64,
        client: &ServiceClient,
        province: &str,
        remote_id: i64,
    ) -> Result<bool> {
        let fetched = self
            .wallet
            .with_token(account_id, client, province, |token| async move {
                client.consultation(&token, remote_id).await
            })
            .await;
        let remote = match fetched {
            Ok(remote) => remote,
            // A kiosk's session (a hand-off) reads receipts only: the threads in
            // the feed are not for it, and its sync goes on without them.
            Err(WalletError::Service {
                status: 403, code, ..
            }) if code == "auth.scope" => return Ok(false),
            Err(e) => return Err(e),
        };
        if self
            .receipt_id(account_id, &remote.receipt)
            .await?
            .is_none()
        {
            return Ok(false);
        }
        self.keep(account_id, remote, true).await?;
        Ok(true)
    }

    async fn receipt_id(&self, account_id: i64, key: &ReceiptKey) -> Result<Option<i64>> {
        tables::receipts::id_of(&self.wallet.pool, account_id, key).await
    }

    async fn row(&self, id: i64) -> Result<ConsultationRow> {
        table::get(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("consultation"))
    }

    /// Keeps a thread as the service sent it. Texts the service has since deleted
    /// (a closed thread past its retention) stay as kept. `from_feed`: a change the
    /// person did not make here, so a new answer in it is unread.
    async fn keep(&self, account_id: i64, remote: Consultation, from_feed: bool) -> Result<i64> {
        let receipt_id = self
            .receipt_id(account_id, &remote.receipt)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        let mut tx = crate::db::begin_write(&self.wallet.pool).await?;
        let kept = table::by_remote(&mut *tx, account_id, remote.id).await?;
        let kept_messages: Vec<ConsultMessage> = match &kept {
            Some(row) => messages(row)?,
            None => Vec::new(),
        };
        let answers =
            |m: &[ConsultMessage]| m.iter().filter(|m| m.author == Author::Issuer).count();
        let new_answer = answers(&remote.messages) > answers(&kept_messages);
        let unread = kept.as_ref().is_some_and(|row| row.unread) || (from_feed && new_answer);
        let messages = if remote.messages.len() >= kept_messages.len() {
            remote.messages
        } else {
            kept_messages
        };
        let id = table::upsert(
            &mut tx,
            ConsultationRow {
                id: 0,
                account_id,
                remote_id: remote.id,
                receipt_id,
                reason: remote.reason.as_str().to_string(),
                state: remote.state.as_str().to_string(),
                messages: serde_json::to_string(&messages)
                    .map_err(|e| WalletError::Invalid(e.to_string()))?,
                corrected_code: remote.corrected_by.as_ref().map(|k| k.code.to_string()),
                corrected_number: remote.corrected_by.as_ref().map(|k| k.number.to_string()),
                opened_at: remote.opened_at.naive_local(),
                updated_at: remote.updated_at.naive_local(),
                unread,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn view(&self, row: ConsultationRow) -> Result<ConsultationView> {
        let (province, code, number, issuer_name) =
            tables::receipts::key_and_issuer(&self.wallet.pool, row.receipt_id)
                .await?
                .ok_or(WalletError::NotFound("receipt"))?;
        let corrected_by = match (&row.corrected_code, &row.corrected_number) {
            (Some(code), Some(number)) => Some(ReceiptKey::from_parts(
                province.clone(),
                code.clone(),
                number.clone(),
            )?),
            _ => None,
        };
        let corrected_receipt_id = match &corrected_by {
            Some(key) => self.receipt_id(row.account_id, key).await?,
            None => None,
        };
        Ok(ConsultationView {
            id: row.id,
            receipt_id: row.receipt_id,
            receipt: ReceiptKey::from_parts(province, code, number)?,
            issuer_name,
            reason: crate::store::stored(row.reason.clone())?,
            state: crate::store::stored(row.state.clone())?,
            messages: messages(&row)?,
            corrected_by,
            corrected_receipt_id,
            opened_at: row.opened_at,
            updated_at: row.updated_at,
            unread: row.unread,
        })
    }
}

fn messages(row: &ConsultationRow) -> Result<Vec<ConsultMessage>> {
    serde_json::from_str(&row.messages).map_err(|e| {
        WalletError::Db(sqlx::Error::Decode(
            format!("a consultation's messages: {e}").into(),
        ))
    })
}
