//! A sync's page of receipts into the encrypted store: verified ones idempotently
//! with their search terms, rejected ones into quarantine, lifecycle changes as
//! links. The SQL is the tables' (`tables/receipts/signed.rs`, `tables/terms.rs`,
//! `tables/quarantine.rs`).

use crate::error::Result;
use crate::tables::{self, receipts};
use chrono::{Local, NaiveDateTime};
use piaojia_receipt::{Lifecycle, Receipt, ReceiptKey, VerifiedReceipt};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use std::collections::HashMap;

pub fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Caches term ids during a sync; the same issuer and item names recur constantly.
#[derive(Default)]
pub struct TermCache {
    ids: HashMap<String, i64>,
}

impl TermCache {
    async fn id(&mut self, conn: &mut SqliteConnection, text: &str) -> Result<i64> {
        if let Some(id) = self.ids.get(text) {
            return Ok(*id);
        }
        let id = tables::terms::id_of(conn, text).await?;
        if self.ids.len() > 50_000 {
            self.ids.clear();
        }
        self.ids.insert(text.to_string(), id);
        Ok(id)
    }
}

/// The texts a receipt is found by.
pub fn search_texts(receipt: &Receipt) -> Vec<&str> {
    let mut texts: Vec<&str> = vec![&receipt.issuer.name, &receipt.payer.name, &receipt.remark];
    for item in &receipt.items {
        texts.push(&item.name);
        texts.push(&item.remark);
    }
    for detail in &receipt.detail_list {
        texts.push(&detail.name);
    }
    if let Some(medical) = &receipt.medical {
        texts.push(&medical.department);
    }
    texts.retain(|t| !t.trim().is_empty());
    texts.sort_unstable();
    texts.dedup();
    texts
}

pub enum Stored {
    New,
    AlreadyThere,
}

/// What a page of receipts writes besides the rows themselves, gathered so that it
/// costs one statement per page rather than one per receipt and text.
pub struct PageWrites<'a> {
    terms: &'a mut TermCache,
    /// (receipt id, term id) pairs.
    postings: Vec<[i64; 2]>,
    /// Whether the account has anything in quarantine that a good copy could clear.
    quarantine_in_use: bool,
}

impl<'a> PageWrites<'a> {
    pub fn new(terms: &'a mut TermCache, quarantine_in_use: bool) -> PageWrites<'a> {
        PageWrites {
            terms,
            postings: Vec::new(),
            quarantine_in_use,
        }
    }

    /// Stores a verified receipt once per (province, code, number); a second arrival
    /// only refreshes its lifecycle. A receipt held only from imported files takes
    /// the signed copy's elements (its files stay its originals).
    pub async fn store_verified(
        &mut self,
        conn: &mut SqliteConnection,
        account_id: i64,
        verified: &VerifiedReceipt,
        envelope: &[u8],
        lifecycle: &Lifecycle,
        bundle_version: u64,
    ) -> Result<Stored> {
        let r = &verified.receipt;
        let inserted =
            receipts::insert_signed(conn, account_id, verified, envelope, bundle_version).await?;
        let result = match inserted {
            Some(receipt_id) => {
                self.add_postings(conn, receipt_id, r).await?;
                // A receipt that verifies now is no longer in quarantine.
                if self.quarantine_in_use {
                    tables::quarantine::clear(conn, &r.key()).await?;
                }
                Stored::New
            }
            None => Stored::AlreadyThere,
        };
        if let Some(original) = &r.reverses {
            // A red receipt reverses a receipt of its own issuer only: another
            // issuer's certificate vouches for nothing about someone else's bill.
            if receipts::issued_by(conn, original, r.issuer.code.as_str()).await? {
                receipts::apply_lifecycle(conn, original, &Lifecycle::Reversed { by: r.key() })
                    .await?;
            } else {
                tracing::warn!("a red receipt names a receipt of another issuer; not applied");
            }
        }
        if *lifecycle != Lifecycle::Normal {
            receipts::apply_lifecycle(conn, &r.key(), lifecycle).await?;
        }
        Ok(result)
    }

    /// Links a stored receipt to the texts it is found by.
    pub async fn add_postings(
        &mut self,
        conn: &mut SqliteConnection,
        receipt_id: i64,
        receipt: &Receipt,
    ) -> Result<()> {
        self.add_texts(conn, receipt_id, search_texts(receipt))
            .await
    }

    /// Links a stored receipt to these texts.
    pub async fn add_texts(
        &mut self,
        conn: &mut SqliteConnection,
        receipt_id: i64,
        texts: Vec<&str>,
    ) -> Result<()> {
        for text in texts {
            let term_id = self.terms.id(conn, text).await?;
            self.postings.push([receipt_id, term_id]);
        }
        Ok(())
    }

    pub async fn flush(&mut self, conn: &mut SqliteConnection) -> Result<()> {
        if !self.postings.is_empty() {
            tables::terms::link(conn, &self.postings).await?;
            self.postings.clear();
        }
        Ok(())
    }
}

/// A state read from its column: a text no definition knows is a damaged store.
pub(crate) fn stored<T: TryFrom<String, Error = String>>(text: String) -> Result<T> {
    T::try_from(text).map_err(|e| sqlx::Error::Decode(e.into()).into())
}

/// Keeps a rejected receipt with the reason; never among the valid ones.
pub async fn quarantine(
    conn: &mut SqliteConnection,
    account_id: i64,
    province: &str,
    key: Option<&ReceiptKey>,
    error: &piaojia_receipt::Error,
    envelope: &[u8],
) -> Result<()> {
    // A bad copy of a receipt already held valid is dropped, not shown as a problem.
    if let Some(key) = key {
        if receipts::holds(conn, key).await? {
            return Ok(());
        }
    }
    let code_number = key.map(|k| (k.code.as_str(), k.number.as_str()));
    tables::quarantine::put(conn, account_id, province, code_number, error, envelope).await
}

/// Moves a stored receipt that no longer verifies (its certificate was revoked, its
/// root replaced) to the quarantine with the reason. One that a claim or imported
/// files refer to keeps its row, so the claim's record stays whole, and is listed
/// in the quarantine as well; everything that says "valid" verifies it again.
pub async fn move_to_quarantine(
    conn: &mut SqliteConnection,
    receipt_id: i64,
    account_id: i64,
    province: &str,
    error: &piaojia_receipt::Error,
    envelope: &[u8],
) -> Result<()> {
    let (code, number, referenced) = receipts::key_and_references(conn, receipt_id).await?;
    let code_number = Some((code.as_str(), number.as_str()));
    tables::quarantine::put(conn, account_id, province, code_number, error, envelope).await?;
    if !referenced {
        tables::terms::unlink(conn, receipt_id).await?;
        receipts::delete(conn, receipt_id).await?;
    }
    Ok(())
}
