//! Writes of receipts into the encrypted store: verified ones idempotently with
//! their search terms, rejected ones into quarantine, lifecycle changes as links.

use crate::error::Result;
use chrono::{Local, NaiveDateTime};
use piaojia_receipt::{Fen, Lifecycle, Receipt, ReceiptKey, VerifiedReceipt};
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
        let id: i64 = match sqlx::query_scalar("SELECT id FROM terms WHERE text = ?")
            .bind(text)
            .fetch_optional(&mut *conn)
            .await?
        {
            Some(id) => id,
            None => {
                sqlx::query_scalar("INSERT INTO terms (text) VALUES (?) RETURNING id")
                    .bind(text)
                    .fetch_one(&mut *conn)
                    .await?
            }
        };
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
        let insert = sqlx::query(
            "INSERT INTO receipts (account_id, province, code, number, issued_at, category, issuer_code, issuer_name,
                 payer_name, total, insurance_paid, patient_paid, is_red, verified_at, bundle_version, document_sha256, original)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (province, code, number) DO UPDATE SET
                 account_id = excluded.account_id, issued_at = excluded.issued_at, category = excluded.category,
                 issuer_code = excluded.issuer_code, issuer_name = excluded.issuer_name, payer_name = excluded.payer_name,
                 total = excluded.total, insurance_paid = excluded.insurance_paid, patient_paid = excluded.patient_paid,
                 is_red = excluded.is_red, verified_at = excluded.verified_at, bundle_version = excluded.bundle_version,
                 document_sha256 = excluded.document_sha256, original = excluded.original,
                 kind = 'piaojia_signed', elements = NULL, reference_only = 0
             WHERE receipts.original IS NULL
             RETURNING id",
        )
        .bind(account_id);
        let inserted: Option<i64> = bind_signed_columns(insert, r)
            .bind(now())
            .bind(bundle_version as i64)
            .bind(sha256_hex(&verified.original.document))
            .bind(envelope)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| sqlx::Row::get(&row, 0));
        let result = match inserted {
            Some(receipt_id) => {
                self.add_postings(conn, receipt_id, r).await?;
                // A receipt that verifies now is no longer in quarantine.
                if self.quarantine_in_use {
                    sqlx::query(
                        "DELETE FROM quarantine WHERE province = ? AND code = ? AND number = ?",
                    )
                    .bind(r.province.as_str())
                    .bind(r.code.as_str())
                    .bind(r.number.as_str())
                    .execute(&mut *conn)
                    .await?;
                }
                Stored::New
            }
            None => Stored::AlreadyThere,
        };
        if let Some(original) = &r.reverses {
            // A red receipt reverses a receipt of its own issuer only: another
            // issuer's certificate vouches for nothing about someone else's bill.
            let same_issuer: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM receipts WHERE province = ? AND code = ? AND number = ? AND issuer_code = ?",
            )
            .bind(original.province.as_str())
            .bind(original.code.as_str())
            .bind(original.number.as_str())
            .bind(r.issuer.code.as_str())
            .fetch_optional(&mut *conn)
            .await?;
            if same_issuer.is_some() {
                apply_lifecycle(conn, original, &Lifecycle::Reversed { by: r.key() }).await?;
            } else {
                tracing::warn!("a red receipt names a receipt of another issuer; not applied");
            }
        }
        if *lifecycle != Lifecycle::Normal {
            apply_lifecycle(conn, &r.key(), lifecycle).await?;
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
            sqlx::query(
                "INSERT OR IGNORE INTO receipt_terms (receipt_id, term_id)
                 SELECT value ->> 0, value ->> 1 FROM json_each(?)",
            )
            .bind(serde_json::to_string(&self.postings).expect("serialises"))
            .execute(&mut *conn)
            .await?;
            self.postings.clear();
        }
        Ok(())
    }
}

/// What insurance and the patient paid of a receipt (the patient all of a
/// non-medical one). Parsed documents keep the split within the total (see
/// `PaymentSplit::check`), so neither sum overflows.
fn payment_split(r: &Receipt) -> (i64, i64) {
    r.medical
        .as_ref()
        .map(|m| {
            let part = |sum: Option<Fen>| sum.unwrap_or(Fen::ZERO).0;
            (
                part(m.payments.insurance_paid()),
                part(m.payments.patient_paid()),
            )
        })
        .unwrap_or((0, r.total.0))
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Binds a signed receipt's searchable columns, in this order: province, code,
/// number, issued_at, category, issuer_code, issuer_name, payer_name, total,
/// insurance_paid, patient_paid, is_red.
fn bind_signed_columns<'q>(query: Query<'q>, r: &'q Receipt) -> Query<'q> {
    let (insurance, patient) = payment_split(r);
    query
        .bind(r.province.as_str())
        .bind(r.code.as_str())
        .bind(r.number.as_str())
        .bind(r.issued_at)
        .bind(r.category.as_str())
        .bind(r.issuer.code.as_str())
        .bind(r.issuer.name.as_str())
        .bind(r.payer.name.as_str())
        .bind(r.total.0)
        .bind(insurance)
        .bind(patient)
        .bind(r.reverses.is_some())
}

/// Sets a stored receipt's searchable columns from its signed document, so that
/// what lists and sums show is what the signed bytes say (a restore takes nothing
/// of this from the backup's copy of the columns).
pub async fn write_signed_columns(
    conn: &mut SqliteConnection,
    receipt_id: i64,
    r: &Receipt,
) -> Result<()> {
    let update = sqlx::query(
        "UPDATE receipts SET province = ?, code = ?, number = ?, issued_at = ?, category = ?,
             issuer_code = ?, issuer_name = ?, payer_name = ?, total = ?, insurance_paid = ?,
             patient_paid = ?, is_red = ?
         WHERE id = ?",
    );
    bind_signed_columns(update, r)
        .bind(receipt_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A state read from its column: a text no definition knows is a damaged store.
pub(crate) fn stored<T: TryFrom<String, Error = String>>(text: String) -> Result<T> {
    T::try_from(text).map_err(|e| sqlx::Error::Decode(e.into()).into())
}

/// Records a lifecycle state on a stored receipt; a receipt not (yet) stored is
/// left alone, its state arrives with it.
pub async fn apply_lifecycle(
    conn: &mut SqliteConnection,
    key: &ReceiptKey,
    lifecycle: &Lifecycle,
) -> Result<bool> {
    let (state, linked) = (lifecycle.state().as_str(), lifecycle.linked());
    let done = sqlx::query(
        "UPDATE receipts SET lifecycle = ?, linked_code = ?, linked_number = ?
         WHERE province = ? AND code = ? AND number = ?",
    )
    .bind(state)
    .bind(linked.map(|k| k.code.as_str()))
    .bind(linked.map(|k| k.number.as_str()))
    .bind(key.province.as_str())
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
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
        let held: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM receipts WHERE province = ? AND code = ? AND number = ?",
        )
        .bind(key.province.as_str())
        .bind(key.code.as_str())
        .bind(key.number.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if held.is_some() {
            return Ok(());
        }
    }
    let code_number = key.map(|k| (k.code.as_str(), k.number.as_str()));
    insert_quarantine(conn, account_id, province, code_number, error, envelope).await
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
    let (code, number, referenced): (String, String, bool) = sqlx::query_as(
        "SELECT code, number, EXISTS (SELECT 1 FROM claim_receipts WHERE receipt_id = r.id)
             OR EXISTS (SELECT 1 FROM originals WHERE receipt_id = r.id) OR r.claim_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM consultations WHERE receipt_id = r.id)
         FROM receipts r WHERE id = ?",
    )
    .bind(receipt_id)
    .fetch_one(&mut *conn)
    .await?;
    let code_number = Some((code.as_str(), number.as_str()));
    insert_quarantine(conn, account_id, province, code_number, error, envelope).await?;
    if !referenced {
        sqlx::query("DELETE FROM receipt_terms WHERE receipt_id = ?")
            .bind(receipt_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM receipts WHERE id = ?")
            .bind(receipt_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

async fn insert_quarantine(
    conn: &mut SqliteConnection,
    account_id: i64,
    province: &str,
    code_number: Option<(&str, &str)>,
    error: &piaojia_receipt::Error,
    envelope: &[u8],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO quarantine (account_id, province, code, number, reason_code, reason, received_at, entry_sha256, original)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, entry_sha256) DO UPDATE SET reason_code = excluded.reason_code, reason = excluded.reason",
    )
    .bind(account_id)
    .bind(province)
    .bind(code_number.map(|(code, _)| code))
    .bind(code_number.map(|(_, number)| number))
    .bind(error.code())
    .bind(error.to_string())
    .bind(now())
    .bind(sha256_hex(envelope))
    .bind(envelope)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
