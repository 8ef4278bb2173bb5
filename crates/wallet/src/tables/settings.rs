//! `settings`: named values of this wallet (the backup key, automatic backups).

use crate::error::Result;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct SettingRow {
    pub name: String,
    pub value: String,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<SettingRow>> {
    Ok(
        sqlx::query_as("SELECT name, value FROM settings ORDER BY name")
            .fetch_all(pool)
            .await?,
    )
}

/// Sets a value, replacing the one of that name.
pub(crate) async fn put<'e>(db: impl sqlx::SqliteExecutor<'e>, row: SettingRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (name, value) VALUES (?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )
    .bind(row.name)
    .bind(row.value)
    .execute(db)
    .await?;
    Ok(())
}

/// The value of the setting `name`, if set.
pub(crate) async fn get(pool: &SqlitePool, name: &str) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
            .bind(name)
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn remove(pool: &SqlitePool, name: &str) -> Result<()> {
    sqlx::query("DELETE FROM settings WHERE name = ?")
        .bind(name)
        .execute(pool)
        .await?;
    Ok(())
}
