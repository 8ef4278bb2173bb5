//! `quarantine`: what a service sent that did not verify, with the reason, kept
//! apart from the receipts.

use crate::error::Result;
use chrono::NaiveDateTime;
use piaojia_receipt::ReceiptKey;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str =
    "account_id, province, code, number, reason_code, reason, received_at, entry_sha256, original";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct QuarantineRow {
    pub account_id: i64,
    pub province: String,
    pub code: Option<String>,
    pub number: Option<String>,
    pub reason_code: String,
    pub reason: String,
    pub received_at: NaiveDateTime,
    pub entry_sha256: String,
    #[serde(with = "super::b64")]
    pub original: Vec<u8>,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<QuarantineRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM quarantine ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: QuarantineRow) -> Result<()> {
    sqlx::query(&super::insert_sql("quarantine", COLUMNS))
        .bind(row.account_id)
        .bind(row.province)
        .bind(row.code)
        .bind(row.number)
        .bind(row.reason_code)
        .bind(row.reason)
        .bind(row.received_at)
        .bind(row.entry_sha256)
        .bind(row.original)
        .execute(conn)
        .await?;
    Ok(())
}

/// A row with its id, as the quarantine is listed.
#[derive(sqlx::FromRow)]
pub(crate) struct Listed {
    pub id: i64,
    #[sqlx(flatten)]
    pub row: QuarantineRow,
}

pub(crate) async fn listed(pool: &SqlitePool) -> Result<Vec<Listed>> {
    Ok(
        sqlx::query_as(&format!("SELECT id, {COLUMNS} FROM quarantine ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

/// The signed original as it arrived (it did not verify).
pub(crate) async fn original(pool: &SqlitePool, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT original FROM quarantine WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn count(pool: &SqlitePool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT count(*) FROM quarantine")
        .fetch_one(pool)
        .await?)
}

/// What a service sent that did not verify, with why; sent again, only the reason
/// is brought up to date.
pub(crate) async fn put(
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
    .bind(crate::store::now())
    .bind(crate::store::sha256_hex(envelope))
    .bind(envelope)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A receipt that verifies now is no longer in quarantine.
pub(crate) async fn clear(conn: &mut SqliteConnection, key: &ReceiptKey) -> Result<()> {
    sqlx::query("DELETE FROM quarantine WHERE province = ? AND code = ? AND number = ?")
        .bind(key.province.as_str())
        .bind(key.code.as_str())
        .bind(key.number.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether an account has anything in quarantine.
pub(crate) async fn any_of(conn: &mut SqliteConnection, account_id: i64) -> Result<bool> {
    Ok(
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM quarantine WHERE account_id = ?)")
            .bind(account_id)
            .fetch_one(conn)
            .await?,
    )
}
