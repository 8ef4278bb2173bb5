//! Reading what the wallet holds: one receipt in full, verified again, checked at its
//! service; and the quarantine.

use crate::error::{Result, WalletError};
use crate::tables::{quarantine, receipts};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use piaojia_receipt::{parse_document, Lifecycle, Receipt, SignedOriginal};
use serde::Serialize;

/// What a receipt's signatures say at the moment they are asked: verified again,
/// offline, against the trust bundle held now. Everything that says "valid" (the
/// CLI's `show`, PDFs, prints, exports) takes it from here, never from the state
/// stored when the receipt arrived: a certificate may have been revoked since.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verdict {
    pub valid: bool,
    /// Why not, as a stable code (`receipt.certificate_revoked`, …) and in words.
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub checked_at: NaiveDateTime,
    /// The trust bundle it was checked against; 0 when none could be read.
    pub bundle_version: u64,
}

/// A stored receipt with the wallet's own state about it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptDetail {
    pub id: i64,
    pub receipt: Receipt,
    /// 冲红 or 换开, with the receipt that did it.
    pub lifecycle: Lifecycle,
    pub claim_id: Option<i64>,
    pub verified_at: NaiveDateTime,
    pub bundle_version: i64,
    pub document_sha256: String,
    pub printed_count: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Quarantined {
    pub id: i64,
    pub province: String,
    pub code: Option<String>,
    pub number: Option<String>,
    pub reason_code: String,
    pub reason: String,
    pub received_at: NaiveDateTime,
    /// What the rejected receipt says of itself (issuer, date, amount), where its
    /// document still reads: unverified, shown only so that the person knows which
    /// receipt it is.
    pub claims: Option<UnverifiedFace>,
}

/// A rejected receipt's own words about itself; not verified.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnverifiedFace {
    pub issuer_name: String,
    pub issued_at: NaiveDateTime,
    pub total: i64,
}

impl quarantine::Listed {
    fn view(self) -> Quarantined {
        let quarantine::Listed { id, row } = self;
        let claims = SignedOriginal::from_json(&row.original)
            .and_then(|original| parse_document(&original.document))
            .ok()
            .map(|receipt| UnverifiedFace {
                issuer_name: receipt.issuer.name,
                issued_at: receipt.issued_at,
                total: receipt.total.0,
            });
        Quarantined {
            id,
            province: row.province,
            code: row.code,
            number: row.number,
            reason_code: row.reason_code,
            reason: row.reason,
            received_at: row.received_at,
            claims,
        }
    }
}

/// Stored receipts read one at a time: in full, verified again, checked at their
/// service; and the quarantine (`wallet.receipts()`).
pub struct Receipts<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Receipts<'_> {
    pub async fn get(&self, id: i64) -> Result<ReceiptDetail> {
        let row = receipts::get(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        let receipt = parse_document(
            &SignedOriginal::from_json(&row.original.ok_or(WalletError::Imported)?)?.document,
        )?;
        let lifecycle = Lifecycle::from_columns(
            &receipt.province,
            &row.lifecycle,
            row.linked_code,
            row.linked_number,
        )
        .ok_or_else(|| sqlx::Error::Decode(format!("lifecycle {:?}", row.lifecycle).into()))?;
        Ok(ReceiptDetail {
            id,
            receipt,
            lifecycle,
            claim_id: row.claim_id,
            verified_at: row.verified_at,
            bundle_version: row.bundle_version,
            document_sha256: row.document_sha256,
            printed_count: row.printed_count,
        })
    }

    /// Finds a stored receipt by 票据代码 and 票据号码 (any province).
    pub async fn find(&self, code: &str, number: &str) -> Result<i64> {
        receipts::find(&self.wallet.pool, code, number)
            .await?
            .ok_or(WalletError::NotFound("receipt"))
    }

    /// The signed original as received, byte for byte.
    pub async fn signed_original(&self, id: i64) -> Result<SignedOriginal> {
        let bytes = receipts::signed_original(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("receipt"))?;
        let bytes = bytes.ok_or(WalletError::Imported)?;
        Ok(SignedOriginal::from_json(&bytes)?)
    }

    /// The receipt's verdict now (see `Verdict`). Failures of the receipt or of its
    /// trust bundle are a verdict; only the wallet's own faults are errors.
    pub async fn verdict(&self, id: i64) -> Result<Verdict> {
        let original = self.signed_original(id).await?;
        let root = self.wallet.receipt_root(id).await?;
        let checked_at = crate::store::now();
        let refused = |code: &str, words: String, bundle_version: u64| Verdict {
            valid: false,
            reason_code: Some(code.to_string()),
            reason: Some(words),
            checked_at,
            bundle_version,
        };
        let trust = match self.wallet.trust_store(&root).await {
            Ok(trust) => trust,
            Err(e @ (WalletError::Trust(_) | WalletError::NotFound(_))) => {
                return Ok(refused(e.code(), e.to_string(), 0))
            }
            Err(e) => return Err(e),
        };
        Ok(match piaojia_receipt::verify(&original, &trust) {
            Ok(_) => Verdict {
                valid: true,
                reason_code: None,
                reason: None,
                checked_at,
                bundle_version: trust.version,
            },
            Err(e) => refused(e.code(), e.to_string(), trust.version),
        })
    }

    /// Verifies a stored receipt again, offline, against the stored trust bundle.
    pub async fn reverify(&self, id: i64) -> Result<piaojia_receipt::VerifiedReceipt> {
        let original = self.signed_original(id).await?;
        let trust = self
            .wallet
            .trust_store(&self.wallet.receipt_root(id).await?)
            .await?;
        Ok(piaojia_receipt::verify(&original, &trust)?)
    }

    pub async fn quarantined(&self) -> Result<Vec<Quarantined>> {
        let rows = quarantine::listed(&self.wallet.pool).await?;
        Ok(rows.into_iter().map(quarantine::Listed::view).collect())
    }

    /// Verifies a signed original from outside (a file), offline, against the stored
    /// trust bundles of its province: valid when one of the roots pinned there
    /// vouches for it. Where none does, the first root's answer is given.
    pub async fn verify_original(
        &self,
        original: &SignedOriginal,
    ) -> Result<piaojia_receipt::VerifiedReceipt> {
        let receipt = parse_document(&original.document)?;
        let mut first_refusal = None;
        for root in self.wallet.roots_of(receipt.province.as_str()).await? {
            let outcome = match self.wallet.trust_store(&root).await {
                Ok(trust) => piaojia_receipt::verify(original, &trust).map_err(WalletError::from),
                Err(e) => Err(e),
            };
            match outcome {
                Ok(verified) => return Ok(verified),
                Err(e) => {
                    first_refusal.get_or_insert(e);
                }
            }
        }
        Err(first_refusal.unwrap_or(WalletError::NotFound("account in this receipt's province")))
    }

    /// 查验 of a stored receipt at its province's service: its live state there
    /// (冲红, 换开, already claimed), which offline verification cannot know.
    pub async fn check_online(&self, id: i64) -> Result<piaojia_api::CheckResult> {
        self.check_at_service(self.get(id).await?.receipt).await
    }

    /// 在线查验 of a rejected receipt, by the elements its (unverified) document
    /// states: whether the service holds a receipt that says the same.
    pub async fn check_quarantined(&self, id: i64) -> Result<piaojia_api::CheckResult> {
        let original = quarantine::original(&self.wallet.pool, id)
            .await?
            .ok_or(WalletError::NotFound("rejected receipt"))?;
        let receipt = parse_document(&SignedOriginal::from_json(&original)?.document)?;
        self.check_at_service(receipt).await
    }

    async fn check_at_service(&self, receipt: Receipt) -> Result<piaojia_api::CheckResult> {
        let service = self
            .wallet
            .service_for(receipt.province.as_str())
            .await?
            .ok_or(WalletError::NotFound("account in this receipt's province"))?;
        let elements = piaojia_api::CheckRequest {
            code: receipt.code.as_str().to_owned(),
            number: receipt.number.as_str().to_owned(),
            check_code: receipt.check_code.as_str().to_owned(),
            total: Some(receipt.total.0),
            issued_on: Some(receipt.issued_at.date()),
        };
        self.wallet.client(&service)?.check(&elements).await
    }
}
