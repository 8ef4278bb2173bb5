//! `activity`: what was done when, in counts only (no names, no amounts).

use crate::activity::Activity;
use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "at, kind, account_id, counts";

/// A line of the log; its id is its place, kept by inserting in order.
#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ActivityRow {
    pub at: NaiveDateTime,
    pub kind: String,
    pub account_id: Option<i64>,
    pub counts: String,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<ActivityRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM activity ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: ActivityRow) -> Result<()> {
    sqlx::query(&super::insert_sql("activity", COLUMNS))
        .bind(row.at)
        .bind(row.kind)
        .bind(row.account_id)
        .bind(row.counts)
        .execute(conn)
        .await?;
    Ok(())
}

/// The newest `limit` lines with their ids, newest first.
pub(crate) async fn newest(pool: &SqlitePool, limit: u32) -> Result<Vec<Activity>> {
    Ok(sqlx::query_as(&format!(
        "SELECT id, {COLUMNS} FROM activity ORDER BY id DESC LIMIT ?"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?)
}
