//! `claims` and `claim_receipts`: reimbursement claims and the receipts each holds.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};

const COLUMNS: &str = "id, account_id, relying_party, purpose, payee_account, amount_requested, state, idempotency_key,
    remote_id, reimbursable, amount_approved, message, last_error, created_at, updated_at";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ClaimRow {
    pub id: i64,
    pub account_id: i64,
    pub relying_party: String,
    pub purpose: String,
    pub payee_account: String,
    pub amount_requested: i64,
    pub state: String,
    pub idempotency_key: String,
    pub remote_id: Option<i64>,
    pub reimbursable: Option<i64>,
    pub amount_approved: Option<i64>,
    pub message: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A receipt held by a claim.
#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct ClaimReceiptRow {
    pub claim_id: i64,
    pub receipt_id: i64,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<ClaimRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM claims ORDER BY id"))
            .fetch_all(pool)
            .await?,
    )
}

pub(crate) async fn get(pool: &SqlitePool, id: i64) -> Result<Option<ClaimRow>> {
    Ok(
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM claims WHERE id = ?"))
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The receipts a claim holds: their ids and lifecycle states.
pub(crate) async fn held_by(pool: &SqlitePool, claim_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.receipt_id, r.lifecycle FROM claim_receipts c JOIN receipts r ON r.id = c.receipt_id
         WHERE c.claim_id = ? ORDER BY c.receipt_id",
    )
    .bind(claim_id)
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn insert(conn: &mut SqliteConnection, row: ClaimRow) -> Result<()> {
    sqlx::query(&super::insert_sql("claims", COLUMNS))
        .bind(row.id)
        .bind(row.account_id)
        .bind(row.relying_party)
        .bind(row.purpose)
        .bind(row.payee_account)
        .bind(row.amount_requested)
        .bind(row.state)
        .bind(row.idempotency_key)
        .bind(row.remote_id)
        .bind(row.reimbursable)
        .bind(row.amount_approved)
        .bind(row.message)
        .bind(row.last_error)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn all_held(pool: &SqlitePool) -> Result<Vec<ClaimReceiptRow>> {
    Ok(sqlx::query_as(
        "SELECT claim_id, receipt_id FROM claim_receipts ORDER BY claim_id, receipt_id",
    )
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn insert_held(conn: &mut SqliteConnection, row: ClaimReceiptRow) -> Result<()> {
    sqlx::query("INSERT INTO claim_receipts (claim_id, receipt_id) VALUES (?, ?)")
        .bind(row.claim_id)
        .bind(row.receipt_id)
        .execute(conn)
        .await?;
    Ok(())
}
