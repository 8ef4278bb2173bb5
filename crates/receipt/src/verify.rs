//! Offline verification of signed originals against a province's trust store.

use crate::error::Error;
use crate::model::{Receipt, RECEIPT_FORMAT};
use crate::money::Fen;
use crate::original::{supervisor_message, SignedOriginal, ORIGINAL_FORMAT};
use crate::trust::{CertificateRole, TrustStore};
use crate::words::amount_in_words;
use ed25519_dalek::{Signature, VerifyingKey};

/// A receipt whose signatures, certificates and amounts all checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub receipt: Receipt,
    pub original: SignedOriginal,
}

/// Receipts verified together per ed25519 batch: large enough to amortise, small
/// enough that a failed batch costs little to re-check one by one.
const BATCH_RECEIPTS: usize = 128;

/// Verifies one signed original.
pub fn verify(original: &SignedOriginal, trust: &TrustStore) -> Result<VerifiedReceipt, Error> {
    let prepared = prepare(original, trust)?;
    prepared.check_single()?;
    finish(prepared)
}

/// Verifies many signed originals, each with its own result in input order. Uses
/// ed25519 batch verification and, when a batch fails, single checks to name each
/// bad receipt.
pub fn verify_batch(
    originals: &[SignedOriginal],
    trust: &TrustStore,
) -> Vec<Result<VerifiedReceipt, Error>> {
    let mut results: Vec<Option<Result<VerifiedReceipt, Error>>> = vec![None; originals.len()];
    let mut pending: Vec<(usize, Prepared)> = Vec::with_capacity(originals.len());
    for (index, original) in originals.iter().enumerate() {
        match prepare(original, trust) {
            Ok(prepared) => pending.push((index, prepared)),
            Err(e) => results[index] = Some(Err(e)),
        }
    }
    while !pending.is_empty() {
        let take = pending.len().min(BATCH_RECEIPTS);
        let chunk: Vec<(usize, Prepared)> = pending.drain(..take).collect();
        let batch_ok = batch_signatures_ok(&chunk);
        for (index, prepared) in chunk {
            let result = if batch_ok {
                finish(prepared)
            } else {
                prepared.check_single().and_then(|()| finish(prepared))
            };
            results[index] = Some(result);
        }
    }
    results
        .into_iter()
        .map(|r| r.expect("every input has a result"))
        .collect()
}

/// A parsed original with its keys looked up, signatures not yet checked.
struct Prepared {
    receipt: Receipt,
    original: SignedOriginal,
    issuer_key: VerifyingKey,
    supervisor_key: VerifyingKey,
    supervisor_message: Vec<u8>,
}

impl Prepared {
    fn check_single(&self) -> Result<(), Error> {
        self.issuer_key
            .verify_strict(
                &self.original.document,
                &Signature::from_bytes(&self.original.issuer_signature),
            )
            .map_err(|_| Error::IssuerSignature)?;
        self.supervisor_key
            .verify_strict(
                &self.supervisor_message,
                &Signature::from_bytes(&self.original.supervisor_signature),
            )
            .map_err(|_| Error::SupervisorSignature)
    }
}

fn batch_signatures_ok(chunk: &[(usize, Prepared)]) -> bool {
    let mut messages: Vec<&[u8]> = Vec::with_capacity(chunk.len() * 2);
    let mut signatures = Vec::with_capacity(chunk.len() * 2);
    let mut keys = Vec::with_capacity(chunk.len() * 2);
    for (_, p) in chunk {
        messages.push(&p.original.document);
        signatures.push(Signature::from_bytes(&p.original.issuer_signature));
        keys.push(p.issuer_key);
        messages.push(&p.supervisor_message);
        signatures.push(Signature::from_bytes(&p.original.supervisor_signature));
        keys.push(p.supervisor_key);
    }
    ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok()
}

fn prepare(original: &SignedOriginal, trust: &TrustStore) -> Result<Prepared, Error> {
    if original.format != ORIGINAL_FORMAT {
        return Err(Error::MalformedEnvelope(format!(
            "unknown format {:?}",
            original.format
        )));
    }
    let receipt = parse_document(&original.document)?;
    if receipt.province != trust.province {
        return Err(Error::WrongProvince {
            expected: trust.province.to_string(),
            found: receipt.province.to_string(),
        });
    }
    let at = receipt.issued_at;
    let issuer_key = *trust.key_for(
        &original.issuer_cert_serial,
        CertificateRole::Issuer,
        Some(&receipt.issuer.code),
        at,
    )?;
    let supervisor_key = *trust.key_for(
        &original.supervisor_cert_serial,
        CertificateRole::Supervisor,
        None,
        at,
    )?;
    Ok(Prepared {
        supervisor_message: supervisor_message(&original.document, &original.issuer_signature),
        receipt,
        original: original.clone(),
        issuer_key,
        supervisor_key,
    })
}

/// Parses a document's exact bytes into a receipt, refusing unknown fields and formats.
pub fn parse_document(document: &[u8]) -> Result<Receipt, Error> {
    let receipt: Receipt =
        serde_json::from_slice(document).map_err(|e| Error::Malformed(e.to_string()))?;
    if receipt.format != RECEIPT_FORMAT {
        return Err(Error::Malformed(format!(
            "unknown format {:?}",
            receipt.format
        )));
    }
    Ok(receipt)
}

/// The largest amount a receipt may carry, in fen (¥10 000 000 000): far above any
/// real bill, and low enough that a million receipts add up within an i64.
pub const MAX_AMOUNT_FEN: i64 = 1_000_000_000_000;

/// The checks on content that signatures cannot make: amounts within range, adding
/// up and reading right, and a medical payment split that fits the total.
pub fn check_amounts(receipt: &Receipt) -> Result<(), Error> {
    let amounts = receipt
        .items
        .iter()
        .map(|i| i.amount)
        .chain([receipt.total])
        .chain(receipt.medical.iter().flat_map(|m| {
            let p = &m.payments;
            [
                p.fund,
                p.personal_account,
                p.other,
                p.cash,
                p.self_pay,
                p.self_expense,
            ]
        }));
    for amount in amounts {
        if amount.0.unsigned_abs() > MAX_AMOUNT_FEN as u64 {
            return Err(Error::AmountOutOfRange(amount.0));
        }
    }
    let items_sum = Fen::checked_sum(receipt.items.iter().map(|i| i.amount))
        .ok_or_else(|| Error::Malformed("line item amounts overflow".into()))?;
    if items_sum != receipt.total {
        return Err(Error::TotalMismatch {
            total: receipt.total.0,
            items_sum: items_sum.0,
        });
    }
    if amount_in_words(receipt.total) != receipt.total_in_words {
        return Err(Error::AmountInWordsMismatch);
    }
    if let Some(medical) = &receipt.medical {
        medical
            .payments
            .check(receipt.total)
            .map_err(Error::PaymentSplit)?;
    }
    Ok(())
}

fn finish(prepared: Prepared) -> Result<VerifiedReceipt, Error> {
    check_amounts(&prepared.receipt)?;
    Ok(VerifiedReceipt {
        receipt: prepared.receipt,
        original: prepared.original,
    })
}
