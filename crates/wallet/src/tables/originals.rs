//! `originals`: the files a receipt was imported from, byte for byte, with their
//! seals' verification.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

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
