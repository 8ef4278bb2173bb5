//! Claims in the wallet: drafts kept locally (encrypted), a submission queue that
//! survives restarts and being offline (every retry carries the claim's idempotency
//! key, so the service never makes two), and the states the service reports.

use crate::client::ServiceClient;
use crate::error::{Result, WalletError};
use crate::store::{now, stored};
use crate::tables::{self, claims as table, claims::ClaimRow};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_api::{Claim, ClaimRequest, NotReimbursable, ReceiptRef, RelyingPartyKind};
use piaojia_receipt::{ClaimState, Fen, LifecycleState};
use serde::{Deserialize, Serialize};

/// What a person fills in for a new claim.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimDraft {
    pub account_id: i64,
    /// A relying party's code, e.g. RP-EMP-001.
    pub relying_party: String,
    pub purpose: String,
    pub payee_account: String,
    pub amount_requested: Fen,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimView {
    pub id: i64,
    pub account_id: i64,
    pub relying_party: String,
    pub purpose: String,
    pub amount_requested: i64,
    pub state: ClaimState,
    pub remote_id: Option<i64>,
    pub reimbursable: Option<i64>,
    pub amount_approved: Option<i64>,
    pub message: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub receipt_ids: Vec<i64>,
    /// Receipts of the claim their issuer voided (作废) since they joined it: the
    /// person should take them out, or withdraw the claim.
    pub voided_receipt_ids: Vec<i64>,
}

/// What a claim of some receipts may ask a kind of relying party for: shown, and
/// checked, before the claim is made, by the rule the service applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimLimit {
    /// The receipts, as the claim form lists them.
    pub lines: Vec<ClaimLine>,
    /// The receipts' totals added up.
    pub total: Fen,
    /// The most the party reimburses of them; the service refuses more.
    pub reimbursable: Fen,
    /// Their 个人自付 added up, when the party is medical insurance (whose share is
    /// a part of it).
    pub self_pay: Option<Fen>,
    /// Receipts the party does not take: for medical insurance, those that are not
    /// insured medical receipts; for any party, those imported from files.
    pub not_reimbursable: Vec<i64>,
}

/// A receipt as a claim form lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimLine {
    pub id: i64,
    pub issuer_name: String,
    pub issued_at: NaiveDateTime,
    pub total: Fen,
}

impl ClaimView {
    fn new(row: ClaimRow, held: Vec<table::Held>) -> Result<ClaimView> {
        let receipt_ids = held.iter().map(|r| r.id).collect();
        let voided_receipt_ids = held
            .iter()
            .filter(|r| r.lifecycle == LifecycleState::Voided)
            .map(|r| r.id)
            .collect();
        Ok(ClaimView {
            id: row.id,
            account_id: row.account_id,
            relying_party: row.relying_party,
            purpose: row.purpose,
            amount_requested: row.amount_requested,
            state: stored(row.state)?,
            remote_id: row.remote_id,
            reimbursable: row.reimbursable,
            amount_approved: row.amount_approved,
            message: row.message,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            receipt_ids,
            voided_receipt_ids,
        })
    }
}

/// The wallet's claims: drafts, the submission queue, withdrawals, and what a relying
/// party takes (`wallet.claims()`).
pub struct Claims<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Claims<'_> {
    pub async fn create(&self, draft: &ClaimDraft) -> Result<i64> {
        if draft.amount_requested.0 <= 0 {
            return Err(WalletError::Invalid(
                "the amount requested must be more than zero".into(),
            ));
        }
        for text in [&draft.relying_party, &draft.purpose, &draft.payee_account] {
            if text.trim().is_empty() || text.chars().count() > 200 {
                return Err(WalletError::Invalid(
                    "relying party, purpose and payee take 1 to 200 characters".into(),
                ));
            }
        }
        self.wallet.account(draft.account_id).await?;
        let key = format!("pjc_{}", hex::encode(rand::random::<[u8; 16]>()));
        let id = table::insert_draft(&self.wallet.pool, draft, &key, now()).await?;
        self.wallet
            .log_activity("claim_created", Some(draft.account_id), &[("claim", id)])
            .await?;
        Ok(id)
    }

    /// Puts a stored receipt into a draft. A receipt held by any other claim is
    /// refused with that claim's id and state.
    pub async fn add(&self, claim_id: i64, receipt_id: i64) -> Result<()> {
        // A signed receipt is verified now: one whose certificate was revoked since
        // it arrived is not put before a relying party.
        match self.wallet.receipts().verdict(receipt_id).await {
            Ok(verdict) if !verdict.valid => {
                return Err(WalletError::Invalid(format!(
                    "a receipt that no longer verifies ({}) cannot be claimed",
                    verdict.reason_code.unwrap_or_default()
                )))
            }
            Ok(_) | Err(WalletError::Imported) => {}
            Err(e) => return Err(e),
        }
        let mut tx = crate::db::begin_write(&self.wallet.pool).await?;
        let (state, account_id) = table::state_and_account(&mut *tx, claim_id)
            .await?
            .ok_or(WalletError::NotFound("claim"))?;
        let state: ClaimState = stored(state)?;
        if state != ClaimState::Draft {
            return Err(WalletError::ClaimState(state));
        }
        let (held_by, receipt_account, lifecycle, is_red) =
            tables::receipts::claim_fields(&mut *tx, receipt_id)
                .await?
                .ok_or(WalletError::NotFound("receipt"))?;
        if let Some(other) = held_by {
            if other == claim_id {
                return Ok(());
            }
            let state = table::state(&mut *tx, other)
                .await?
                .ok_or(WalletError::NotFound("claim"))?;
            return Err(WalletError::ReceiptHeld {
                claim_id: other,
                state: stored(state)?,
            });
        }
        // An imported receipt (no account) may join any claim: it goes to the relying
        // party in the claim's package, with its files.
        if receipt_account.is_some_and(|a| a != account_id) {
            return Err(WalletError::Invalid(
                "a claim holds receipts of one account (one province) only".into(),
            ));
        }
        let lifecycle: LifecycleState = stored(lifecycle)?;
        if lifecycle != LifecycleState::Normal || is_red {
            return Err(WalletError::Invalid(format!(
                "a receipt that is {} cannot be claimed",
                if is_red { "red" } else { lifecycle.as_str() }
            )));
        }
        table::hold(&mut tx, claim_id, receipt_id).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn remove(&self, claim_id: i64, receipt_id: i64) -> Result<()> {
        let state = self.state(claim_id).await?;
        if state != ClaimState::Draft {
            return Err(WalletError::ClaimState(state));
        }
        let mut tx = crate::db::begin_write(&self.wallet.pool).await?;
        table::let_go(&mut tx, claim_id, receipt_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn state(&self, id: i64) -> Result<ClaimState> {
        let state = table::state(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("claim"))?;
        stored(state)
    }

    /// Queues a draft for submission and tries to send it now. Offline, it stays
    /// queued and goes with the next `send_queued` (every sync calls it).
    pub async fn submit(&self, id: i64) -> Result<ClaimView> {
        let state = self.state(id).await?;
        if state != ClaimState::Draft {
            return Err(WalletError::ClaimState(state));
        }
        let (receipts, imported) = table::count_held(&self.wallet.pool, id).await?;
        if receipts == 0 {
            return Err(WalletError::Invalid(
                "a claim needs at least one receipt".into(),
            ));
        }
        if imported > 0 {
            return Err(WalletError::Invalid(format!(
                "the claim holds {imported} receipt(s) imported from files, which the provincial service does not hold: send the claim as a package (piaojia claim package) instead"
            )));
        }
        table::set_state(&self.wallet.pool, id, ClaimState::Queued, now()).await?;
        self.send_queued().await?;
        self.get(id).await
    }

    /// Sends every queued claim; returns how many the service took. Claims that could
    /// not be sent stay queued with the reason.
    pub async fn send_queued(&self) -> Result<u32> {
        let queued = table::in_state(&self.wallet.pool, ClaimState::Queued).await?;
        let mut sent = 0;
        for (id, account_id) in queued {
            let (client, province) = self.wallet.account_client(account_id).await?;
            let body = self.request(id).await?;
            let (client, body) = (&client, &body);
            let attempt = self
                .wallet
                .with_token(account_id, client, &province, |token| async move {
                    client.submit_claim(&token, body).await
                })
                .await;
            match attempt {
                Ok(remote) => {
                    self.record_remote(id, &remote).await?;
                    self.wallet
                        .log_activity("claim_submitted", Some(account_id), &[("claim", id)])
                        .await?;
                    sent += 1;
                }
                Err(WalletError::Service {
                    status,
                    code,
                    message,
                }) if (400..500).contains(&status) && status != 401 => {
                    table::refuse(&self.wallet.pool, id, &format!("{code}: {message}"), now())
                        .await?;
                    self.release_receipts(id).await?;
                }
                Err(e) => {
                    tracing::warn!(claim = id, code = e.code(), "claim stays queued");
                    table::note_error(&self.wallet.pool, id, e.code(), now()).await?;
                }
            }
        }
        Ok(sent)
    }

    async fn request(&self, id: i64) -> Result<ClaimRequest> {
        let claim = table::get(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("claim"))?;
        let receipts = table::held_by(&self.wallet.pool, id).await?;
        Ok(ClaimRequest {
            idempotency_key: claim.idempotency_key,
            relying_party: claim.relying_party,
            purpose: claim.purpose,
            payee_account: claim.payee_account,
            amount_requested: claim.amount_requested,
            receipts: receipts
                .into_iter()
                .map(|r| ReceiptRef {
                    code: r.code,
                    number: r.number,
                })
                .collect(),
        })
    }

    async fn record_remote(&self, id: i64, remote: &Claim) -> Result<()> {
        table::record_remote(&self.wallet.pool, id, remote, now()).await?;
        if !remote.state.holds_receipts() {
            self.release_receipts(id).await?;
        }
        Ok(())
    }

    async fn release_receipts(&self, id: i64) -> Result<()> {
        table::release(&self.wallet.pool, id).await
    }

    /// Withdraws a submitted claim (before review); a draft or a queued claim is
    /// simply dropped locally.
    pub async fn withdraw(&self, id: i64) -> Result<ClaimView> {
        let view = self.get(id).await?;
        match (view.state, view.remote_id) {
            (ClaimState::Draft | ClaimState::Queued, _) => {
                table::set_state(&self.wallet.pool, id, ClaimState::Withdrawn, now()).await?;
                self.release_receipts(id).await?;
            }
            (ClaimState::Submitted, Some(remote_id)) => {
                let (client, province) = self.wallet.account_client(view.account_id).await?;
                let client = &client;
                let remote = self
                    .wallet
                    .with_token(view.account_id, client, &province, |token| async move {
                        client.withdraw_claim(&token, remote_id).await
                    })
                    .await?;
                self.record_remote(id, &remote).await?;
            }
            (state, _) => return Err(WalletError::ClaimState(state)),
        }
        self.wallet
            .log_activity("claim_withdrawn", Some(view.account_id), &[("claim", id)])
            .await?;
        self.get(id).await
    }

    /// Brings a claim's state up to date after the changes feed named it.
    pub(crate) async fn refresh_claim(
        &self,
        account_id: i64,
        client: &ServiceClient,
        province: &str,
        remote_id: i64,
    ) -> Result<bool> {
        let local = table::local_id(&self.wallet.pool, account_id, remote_id).await?;
        let Some(id) = local else { return Ok(false) };
        let remote = self
            .wallet
            .with_token(account_id, client, province, |token| async move {
                client.claim(&token, remote_id).await
            })
            .await?;
        self.record_remote(id, &remote).await?;
        Ok(true)
    }

    pub async fn list(&self) -> Result<Vec<ClaimView>> {
        let mut out = Vec::new();
        for row in table::all(&self.wallet.pool).await? {
            let held = table::held_by(&self.wallet.pool, row.id).await?;
            out.push(ClaimView::new(row, held)?);
        }
        Ok(out)
    }

    pub async fn get(&self, id: i64) -> Result<ClaimView> {
        let row = table::get(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("claim"))?;
        ClaimView::new(row, table::held_by(&self.wallet.pool, id).await?)
    }

    /// What a claim of `receipt_ids` may ask a party of `kind` for.
    pub async fn limit(&self, kind: RelyingPartyKind, receipt_ids: &[i64]) -> Result<ClaimLimit> {
        let out_of_range = || WalletError::Invalid("the receipts' amounts are out of range".into());
        let mut limit = ClaimLimit {
            lines: Vec::new(),
            total: Fen::ZERO,
            reimbursable: Fen::ZERO,
            self_pay: (kind == RelyingPartyKind::MedicalInsurance).then_some(Fen::ZERO),
            not_reimbursable: Vec::new(),
        };
        for &id in receipt_ids {
            let receipt = match self.wallet.receipts().get(id).await {
                Ok(detail) => detail.receipt,
                Err(WalletError::Imported) => {
                    limit.not_reimbursable.push(id);
                    continue;
                }
                Err(e) => return Err(e),
            };
            limit.total = limit
                .total
                .checked_add(receipt.total)
                .ok_or_else(out_of_range)?;
            limit.lines.push(ClaimLine {
                id,
                issuer_name: receipt.issuer.name.clone(),
                issued_at: receipt.issued_at,
                total: receipt.total,
            });
            match kind.reimbursable(&receipt) {
                Ok(share) => {
                    limit.reimbursable = limit
                        .reimbursable
                        .checked_add(Fen(share))
                        .ok_or_else(out_of_range)?;
                    if let (Some(sum), Some(medical)) = (limit.self_pay, &receipt.medical) {
                        let self_pay = medical.payments.self_pay;
                        limit.self_pay = Some(sum.checked_add(self_pay).ok_or_else(out_of_range)?);
                    }
                }
                Err(NotReimbursable::NotMedical) => limit.not_reimbursable.push(id),
                Err(NotReimbursable::OutOfRange) => return Err(out_of_range()),
            }
        }
        Ok(limit)
    }

    /// The relying parties of an account's service.
    pub async fn relying_parties(&self, account_id: i64) -> Result<Vec<piaojia_api::RelyingParty>> {
        let (client, _) = self.wallet.account_client(account_id).await?;
        client.relying_parties().await
    }
}
