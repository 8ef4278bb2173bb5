//! `accounts`: one per province and ID number logged in, with its sync cursors.

use crate::error::Result;
use crate::wallet::AccountSpec;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

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

pub(crate) async fn get(pool: &SqlitePool, id: i64) -> Result<Option<AccountRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The root key pinned for an ID number in a province, once it has logged in.
pub(crate) async fn pinned_root(
    pool: &SqlitePool,
    province: &str,
    id_number: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT root_key FROM accounts WHERE province = ? AND id_number = ?")
            .bind(province)
            .bind(id_number)
            .fetch_optional(pool)
            .await?,
    )
}

/// The account a login was for, created on the first; returns its id.
pub(crate) async fn upsert(
    pool: &SqlitePool,
    spec: &AccountSpec,
    display_name: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO accounts (province, service_url, root_key, id_number, display_name) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (province, id_number) DO UPDATE SET service_url = excluded.service_url,
             root_key = excluded.root_key, display_name = excluded.display_name
         RETURNING id",
    )
    .bind(spec.province.as_str())
    .bind(&spec.service_url)
    .bind(&spec.root_key)
    .bind(&spec.id_number)
    .bind(display_name)
    .fetch_one(pool)
    .await?)
}

/// The service URL of the first account in `province`.
pub(crate) async fn service_in(pool: &SqlitePool, province: &str) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT service_url FROM accounts WHERE province = ? ORDER BY id LIMIT 1",
    )
    .bind(province)
    .fetch_optional(pool)
    .await?)
}

/// Points the accounts at service `from` to `to`; returns how many moved.
pub(crate) async fn move_service(pool: &SqlitePool, from: &str, to: &str) -> Result<u64> {
    Ok(
        sqlx::query("UPDATE accounts SET service_url = ? WHERE service_url = ?")
            .bind(to)
            .bind(from)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

pub(crate) async fn set_last_sync(pool: &SqlitePool, id: i64, at: NaiveDateTime) -> Result<()> {
    sqlx::query("UPDATE accounts SET last_sync_at = ? WHERE id = ?")
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Where the next sync reads the account's receipts from.
pub(crate) async fn set_receipts_cursor(
    conn: &mut SqliteConnection,
    id: i64,
    cursor: &str,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET receipts_cursor = ? WHERE id = ?")
        .bind(cursor)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Where the next sync reads the account's changes feed from.
pub(crate) async fn set_changes_cursor(
    conn: &mut SqliteConnection,
    id: i64,
    cursor: &str,
) -> Result<()> {
    sqlx::query("UPDATE accounts SET changes_cursor = ? WHERE id = ?")
        .bind(cursor)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every (province, root key) an account is pinned to.
pub(crate) async fn roots(pool: &SqlitePool) -> Result<Vec<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT DISTINCT province, root_key FROM accounts")
            .fetch_all(pool)
            .await?,
    )
}

/// The root keys pinned in `province`, in account order.
pub(crate) async fn root_keys_in(
    db: impl SqliteExecutor<'_>,
    province: &str,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT root_key FROM accounts WHERE province = ? GROUP BY root_key ORDER BY min(id)",
    )
    .bind(province)
    .fetch_all(db)
    .await?)
}
