//! `consultations`: 我要咨询 threads about this wallet's receipts.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor};

const COLUMNS: &str = "id, account_id, remote_id, receipt_id, reason, state, messages, corrected_code, corrected_number,
    opened_at, updated_at, unread";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ConsultationRow {
    pub id: i64,
    pub account_id: i64,
    pub remote_id: i64,
    pub receipt_id: i64,
    pub reason: String,
    pub state: String,
    /// `[ConsultMessage]` as JSON.
    pub messages: String,
    pub corrected_code: Option<String>,
    pub corrected_number: Option<String>,
    pub opened_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub unread: bool,
}

/// Every thread, or those about one receipt; the latest change first.
pub(crate) async fn list<'e>(
    db: impl SqliteExecutor<'e>,
    receipt_id: Option<i64>,
) -> Result<Vec<ConsultationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM consultations WHERE ?1 IS NULL OR receipt_id = ?1
         ORDER BY updated_at DESC, id DESC"
    ))
    .bind(receipt_id)
    .fetch_all(db)
    .await?)
}

/// Backups keep the order of ids.
pub(crate) async fn all<'e>(db: impl SqliteExecutor<'e>) -> Result<Vec<ConsultationRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM consultations ORDER BY id"))
            .fetch_all(db)
            .await?,
    )
}

pub(crate) async fn get<'e>(
    db: impl SqliteExecutor<'e>,
    id: i64,
) -> Result<Option<ConsultationRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM consultations WHERE id = ?"))
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

pub(crate) async fn by_remote<'e>(
    db: impl SqliteExecutor<'e>,
    account_id: i64,
    remote_id: i64,
) -> Result<Option<ConsultationRow>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM consultations WHERE account_id = ? AND remote_id = ?"
    ))
    .bind(account_id)
    .bind(remote_id)
    .fetch_optional(db)
    .await?)
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: ConsultationRow) -> Result<()> {
    let sql = super::insert_sql("consultations", COLUMNS);
    bind_columns(sqlx::query(&sql).bind(row.id), row)
        .execute(conn)
        .await?;
    Ok(())
}

/// Binds every column but the id, in `COLUMNS` order.
fn bind_columns<'q>(
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    row: ConsultationRow,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    query
        .bind(row.account_id)
        .bind(row.remote_id)
        .bind(row.receipt_id)
        .bind(row.reason)
        .bind(row.state)
        .bind(row.messages)
        .bind(row.corrected_code)
        .bind(row.corrected_number)
        .bind(row.opened_at)
        .bind(row.updated_at)
        .bind(row.unread)
}

/// Writes a thread as the service sent it, over the one kept (found by its remote
/// id), or as a new row.
pub(crate) async fn upsert(conn: &mut SqliteConnection, row: ConsultationRow) -> Result<i64> {
    let sql =
        "INSERT INTO consultations (account_id, remote_id, receipt_id, reason, state, messages,
             corrected_code, corrected_number, opened_at, updated_at, unread)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, remote_id) DO UPDATE SET
             state = excluded.state, messages = excluded.messages,
             corrected_code = excluded.corrected_code, corrected_number = excluded.corrected_number,
             updated_at = excluded.updated_at, unread = excluded.unread
         RETURNING id";
    let row = bind_columns(sqlx::query(sql), row).fetch_one(conn).await?;
    Ok(sqlx::Row::try_get(&row, 0)?)
}

pub(crate) async fn mark_read<'e>(db: impl SqliteExecutor<'e>, id: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE consultations SET unread = 0 WHERE id = ?")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn unread<'e>(db: impl SqliteExecutor<'e>) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM consultations WHERE unread = 1")
            .fetch_one(db)
            .await?,
    )
}
