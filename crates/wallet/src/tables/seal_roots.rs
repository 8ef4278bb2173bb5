//! `seal_roots`: root certificates the person added, that seals of imported OFD
//! files may chain to.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "sha256, subject, der, added_at";

/// A root; its id is its place, kept by inserting in order.
#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct SealRootRow {
    pub sha256: String,
    pub subject: String,
    #[serde(with = "super::b64")]
    pub der: Vec<u8>,
    pub added_at: NaiveDateTime,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<SealRootRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM seal_roots ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: SealRootRow) -> Result<()> {
    sqlx::query(&super::insert_sql("seal_roots", COLUMNS))
        .bind(row.sha256)
        .bind(row.subject)
        .bind(row.der)
        .bind(row.added_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Adds a root unless it is there already; whether it was new.
pub(crate) async fn add(pool: &SqlitePool, row: &SealRootRow) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO seal_roots (sha256, subject, der, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(&row.sha256)
    .bind(&row.subject)
    .bind(&row.der)
    .bind(row.added_at)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() > 0)
}
