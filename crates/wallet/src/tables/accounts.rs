//! `accounts`: one per province and ID number logged in, with its sync cursors.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "id, province, service_url, root_key, id_number, display_name, receipts_cursor, changes_cursor, last_sync_at";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: i64,
    pub province: String,
    pub service_url: String,
    pub root_key: String,
    pub id_number: String,
    pub display_name: Option<String>,
    pub receipts_cursor: String,
    pub changes_cursor: String,
    pub last_sync_at: Option<NaiveDateTime>,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<AccountRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: AccountRow) -> Result<()> {
    sqlx::query(&super::insert_sql("accounts", COLUMNS))
        .bind(row.id)
        .bind(row.province)
        .bind(row.service_url)
        .bind(row.root_key)
        .bind(row.id_number)
        .bind(row.display_name)
        .bind(row.receipts_cursor)
        .bind(row.changes_cursor)
        .bind(row.last_sync_at)
        .execute(conn)
        .await?;
    Ok(())
}
