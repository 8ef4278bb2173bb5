//! `originals`: the files a receipt was imported from, byte for byte, with their
//! seals' verification.

use crate::error::Result;
use crate::import::OriginalFile;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

const COLUMNS: &str =
    "id, receipt_id, format, file_name, sha256, bytes, imported_at, seal_levels, seal_report";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct OriginalRow {
    pub id: i64,
    pub receipt_id: i64,
    pub format: String,
    pub file_name: String,
    pub sha256: String,
    #[serde(with = "super::b64")]
    pub bytes: Vec<u8>,
    pub imported_at: NaiveDateTime,
    pub seal_levels: Option<i64>,
    pub seal_report: Option<String>,
}

/// The ids of every file, to read them one at a time (they may be large).
pub(crate) async fn ids(pool: &SqlitePool) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM originals ORDER BY id")
        .fetch_all(pool)
        .await?)
}

pub(crate) async fn get(pool: &SqlitePool, id: i64) -> Result<OriginalRow> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM originals WHERE id = ?"))
            .bind(id)
            .fetch_one(pool)
            .await?,
    )
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: OriginalRow) -> Result<()> {
    sqlx::query(&super::insert_sql("originals", COLUMNS))
        .bind(row.id)
        .bind(row.receipt_id)
        .bind(row.format)
        .bind(row.file_name)
        .bind(row.sha256)
        .bind(row.bytes)
        .bind(row.imported_at)
        .bind(row.seal_levels)
        .bind(row.seal_report)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps a file a receipt came in (its id is new).
pub(crate) async fn add(conn: &mut SqliteConnection, row: &OriginalRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO originals (receipt_id, format, file_name, sha256, bytes, imported_at, seal_levels, seal_report)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.receipt_id)
    .bind(&row.format)
    .bind(&row.file_name)
    .bind(&row.sha256)
    .bind(&row.bytes)
    .bind(row.imported_at)
    .bind(row.seal_levels)
    .bind(&row.seal_report)
    .execute(conn)
    .await?;
    Ok(())
}

/// The files a receipt came in, without their bytes, oldest first.
pub(crate) async fn of_receipt(pool: &SqlitePool, receipt_id: i64) -> Result<Vec<OriginalFile>> {
    Ok(sqlx::query_as(
        "SELECT id, receipt_id, format, file_name, sha256, imported_at, seal_levels, seal_report
         FROM originals WHERE receipt_id = ? ORDER BY id",
    )
    .bind(receipt_id)
    .fetch_all(pool)
    .await?)
}

/// One file's exact bytes.
pub(crate) async fn bytes(pool: &SqlitePool, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT bytes FROM originals WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The receipt a file already given (by its SHA-256) belongs to, if any.
pub(crate) async fn receipt_with(db: impl SqliteExecutor<'_>, sha256: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT receipt_id FROM originals WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(db)
            .await?,
    )
}
