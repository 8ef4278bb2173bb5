//! `quarantine`: what a service sent that did not verify, with the reason, kept
//! apart from the receipts.

use crate::error::Result;
use chrono::NaiveDateTime;
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
