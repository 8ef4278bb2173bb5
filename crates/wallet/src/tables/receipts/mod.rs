//! `receipts`: every receipt held, synced (its signed original) or imported (its
//! elements), with its state in this wallet.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "id, account_id, province, code, number, issued_at, category, issuer_code, issuer_name, payer_name,
    total, insurance_paid, patient_paid, is_red, lifecycle, linked_code, linked_number, claim_id, verified_at,
    bundle_version, document_sha256, original, printed_count, booked, archived, kind, elements, reference_only,
    possible_duplicate_of";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ReceiptRow {
    pub id: i64,
    pub account_id: Option<i64>,
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_at: NaiveDateTime,
    pub category: String,
    pub issuer_code: String,
    pub issuer_name: String,
    pub payer_name: String,
    pub total: i64,
    pub insurance_paid: i64,
    pub patient_paid: i64,
    pub is_red: bool,
    pub lifecycle: String,
    pub linked_code: Option<String>,
    pub linked_number: Option<String>,
    pub claim_id: Option<i64>,
    pub verified_at: NaiveDateTime,
    pub bundle_version: i64,
    pub document_sha256: String,
    #[serde(with = "super::b64_option")]
    pub original: Option<Vec<u8>>,
    pub printed_count: i64,
    pub booked: bool,
    pub archived: bool,
    // Backups made before file import lack these: their receipts are all synced.
    #[serde(default = "signed_kind")]
    pub kind: String,
    #[serde(default)]
    pub elements: Option<String>,
    #[serde(default)]
    pub reference_only: bool,
    #[serde(default)]
    pub possible_duplicate_of: Option<i64>,
}

fn signed_kind() -> String {
    "piaojia_signed".into()
}

pub(crate) async fn get(pool: &SqlitePool, id: i64) -> Result<Option<ReceiptRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM receipts WHERE id = ?"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// Up to `limit` receipts after the id `after`, in id order.
pub(crate) async fn batch_after(
    pool: &SqlitePool,
    after: i64,
    limit: i64,
) -> Result<Vec<ReceiptRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM receipts WHERE id > ? ORDER BY id LIMIT ?"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Writes a whole row; the columns its document decides are written again from
/// the document afterwards (see `signed::write_signed_columns`).
pub(crate) async fn insert(conn: &mut SqliteConnection, row: ReceiptRow) -> Result<()> {
    sqlx::query(&super::insert_sql("receipts", COLUMNS))
        .bind(row.id)
        .bind(row.account_id)
        .bind(row.province)
        .bind(row.code)
        .bind(row.number)
        .bind(row.issued_at)
        .bind(row.category)
        .bind(row.issuer_code)
        .bind(row.issuer_name)
        .bind(row.payer_name)
        .bind(row.total)
        .bind(row.insurance_paid)
        .bind(row.patient_paid)
        .bind(row.is_red)
        .bind(row.lifecycle)
        .bind(row.linked_code)
        .bind(row.linked_number)
        .bind(row.claim_id)
        .bind(row.verified_at)
        .bind(row.bundle_version)
        .bind(row.document_sha256)
        .bind(row.original)
        .bind(row.printed_count)
        .bind(row.booked)
        .bind(row.archived)
        .bind(row.kind)
        .bind(row.elements)
        .bind(row.reference_only)
        .bind(row.possible_duplicate_of)
        .execute(conn)
        .await?;
    Ok(())
}

mod imported;
mod lookups;
mod signed;
pub(crate) use imported::*;
pub(crate) use lookups::*;
pub(crate) use signed::*;
