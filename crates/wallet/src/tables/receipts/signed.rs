//! A signed receipt's row, from its verified document: stored once per key, its
//! searchable columns always what the signed bytes say, its lifecycle as links.

use crate::error::Result;
use crate::store::{now, sha256_hex};
use piaojia_receipt::{Fen, Lifecycle, Receipt, ReceiptKey, VerifiedReceipt};
use sqlx::{Row, SqliteConnection};

/// Stores a verified receipt once per (province, code, number); a receipt held only
/// from imported files takes the signed copy's elements. Returns its id when it was
/// written, `None` when a signed copy was there already.
pub(crate) async fn insert_signed(
    conn: &mut SqliteConnection,
    account_id: i64,
    verified: &VerifiedReceipt,
    envelope: &[u8],
    bundle_version: u64,
) -> Result<Option<i64>> {
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
    Ok(bind_signed_columns(insert, &verified.receipt)
        .bind(now())
        .bind(bundle_version as i64)
        .bind(sha256_hex(&verified.original.document))
        .bind(envelope)
        .fetch_optional(conn)
        .await?
        .map(|row| row.get(0)))
}

/// Whether the receipt `key` is held and was issued by `issuer_code`.
pub(crate) async fn issued_by(
    conn: &mut SqliteConnection,
    key: &ReceiptKey,
    issuer_code: &str,
) -> Result<bool> {
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM receipts WHERE province = ? AND code = ? AND number = ? AND issuer_code = ?",
    )
    .bind(key.province.as_str())
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .bind(issuer_code)
    .fetch_optional(conn)
    .await?;
    Ok(held.is_some())
}

/// Whether the receipt `key` is held.
pub(crate) async fn holds(conn: &mut SqliteConnection, key: &ReceiptKey) -> Result<bool> {
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM receipts WHERE province = ? AND code = ? AND number = ?",
    )
    .bind(key.province.as_str())
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(held.is_some())
}

/// A receipt's code and number, and whether anything refers to it (a claim, its
/// files, a 我要咨询 thread).
pub(crate) async fn key_and_references(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<(String, String, bool)> {
    Ok(sqlx::query_as(
        "SELECT code, number, EXISTS (SELECT 1 FROM claim_receipts WHERE receipt_id = r.id)
             OR EXISTS (SELECT 1 FROM originals WHERE receipt_id = r.id) OR r.claim_id IS NOT NULL
             OR EXISTS (SELECT 1 FROM consultations WHERE receipt_id = r.id)
         FROM receipts r WHERE id = ?",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

pub(crate) async fn delete(conn: &mut SqliteConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM receipts WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
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
pub(crate) async fn write_signed_columns(
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

/// Records a lifecycle state on a stored receipt; a receipt not (yet) stored is
/// left alone, its state arrives with it.
pub(crate) async fn apply_lifecycle(
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
