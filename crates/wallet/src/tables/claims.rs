//! `claims` and `claim_receipts`: reimbursement claims and the receipts each holds.

use crate::claims::ClaimDraft;
use crate::error::Result;
use chrono::NaiveDateTime;
use piaojia_api::Claim;
use piaojia_receipt::{ClaimState, LifecycleState};
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

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

/// A receipt a claim holds.
#[derive(sqlx::FromRow)]
pub(crate) struct Held {
    pub id: i64,
    pub code: String,
    pub number: String,
    #[sqlx(try_from = "String")]
    pub lifecycle: LifecycleState,
}

/// The receipts a claim holds, in id order.
pub(crate) async fn held_by(pool: &SqlitePool, claim_id: i64) -> Result<Vec<Held>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.code, r.number, r.lifecycle FROM claim_receipts c JOIN receipts r ON r.id = c.receipt_id
         WHERE c.claim_id = ? ORDER BY r.id",
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

// What the claims feature reads and writes of these rows, beside whole rows.

/// A new draft; returns its id.
pub(crate) async fn insert_draft(
    pool: &SqlitePool,
    draft: &ClaimDraft,
    idempotency_key: &str,
    at: NaiveDateTime,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO claims (account_id, relying_party, purpose, payee_account, amount_requested, idempotency_key, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(draft.account_id)
    .bind(draft.relying_party.trim())
    .bind(draft.purpose.trim())
    .bind(draft.payee_account.trim())
    .bind(draft.amount_requested.0)
    .bind(idempotency_key)
    .bind(at)
    .bind(at)
    .fetch_one(pool)
    .await?)
}

/// A claim's state, as stored.
pub(crate) async fn state(db: impl SqliteExecutor<'_>, id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT state FROM claims WHERE id = ?")
        .bind(id)
        .fetch_optional(db)
        .await?)
}

/// A claim's state and account.
pub(crate) async fn state_and_account(
    db: impl SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<(String, i64)>> {
    Ok(
        sqlx::query_as("SELECT state, account_id FROM claims WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// The claims in `state`, with their accounts, oldest first.
pub(crate) async fn in_state(pool: &SqlitePool, state: ClaimState) -> Result<Vec<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT id, account_id FROM claims WHERE state = ? ORDER BY id")
            .bind(state.as_str())
            .fetch_all(pool)
            .await?,
    )
}

/// The wallet's claim for the service's claim `remote_id` of an account.
pub(crate) async fn local_id(
    pool: &SqlitePool,
    account_id: i64,
    remote_id: i64,
) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM claims WHERE account_id = ? AND remote_id = ?")
            .bind(account_id)
            .bind(remote_id)
            .fetch_optional(pool)
            .await?,
    )
}

pub(crate) async fn set_state(
    pool: &SqlitePool,
    id: i64,
    state: ClaimState,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query("UPDATE claims SET state = ?, updated_at = ? WHERE id = ?")
        .bind(state.as_str())
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The service refused the claim for good: `reason` says why.
pub(crate) async fn refuse(
    pool: &SqlitePool,
    id: i64,
    reason: &str,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query("UPDATE claims SET state = ?, last_error = ?, updated_at = ? WHERE id = ?")
        .bind(ClaimState::Refused.as_str())
        .bind(reason)
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// A try to send the claim failed (it stays queued): the error's code.
pub(crate) async fn note_error(
    pool: &SqlitePool,
    id: i64,
    code: &str,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query("UPDATE claims SET last_error = ?, updated_at = ? WHERE id = ?")
        .bind(code)
        .bind(at)
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// The claim as the service holds it now.
pub(crate) async fn record_remote(
    pool: &SqlitePool,
    id: i64,
    remote: &Claim,
    at: NaiveDateTime,
) -> Result<()> {
    sqlx::query(
        "UPDATE claims SET state = ?, remote_id = ?, reimbursable = ?, amount_approved = ?, message = ?, last_error = NULL, updated_at = ?
         WHERE id = ?",
    )
    .bind(remote.state.as_str())
    .bind(remote.id)
    .bind(remote.reimbursable)
    .bind(remote.amount_approved)
    .bind(&remote.message)
    .bind(at)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts a receipt into a claim.
pub(crate) async fn hold(
    conn: &mut SqliteConnection,
    claim_id: i64,
    receipt_id: i64,
) -> Result<()> {
    sqlx::query("UPDATE receipts SET claim_id = ? WHERE id = ?")
        .bind(claim_id)
        .bind(receipt_id)
        .execute(&mut *conn)
        .await?;
    insert_held(
        conn,
        ClaimReceiptRow {
            claim_id,
            receipt_id,
        },
    )
    .await
}

/// Takes a receipt out of a claim.
pub(crate) async fn let_go(
    conn: &mut SqliteConnection,
    claim_id: i64,
    receipt_id: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM claim_receipts WHERE claim_id = ? AND receipt_id = ?")
        .bind(claim_id)
        .bind(receipt_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE receipts SET claim_id = NULL WHERE id = ? AND claim_id = ?")
        .bind(receipt_id)
        .bind(claim_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The receipts of a claim that ended are free again (the claim keeps its list).
pub(crate) async fn release(pool: &SqlitePool, claim_id: i64) -> Result<()> {
    sqlx::query("UPDATE receipts SET claim_id = NULL WHERE claim_id = ?")
        .bind(claim_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// How many receipts a claim holds, and how many of them were imported from files
/// (no signed original, so the service does not hold them).
pub(crate) async fn count_held(pool: &SqlitePool, claim_id: i64) -> Result<(i64, i64)> {
    Ok(sqlx::query_as(
        "SELECT count(*), coalesce(sum(r.original IS NULL), 0)
         FROM claim_receipts c JOIN receipts r ON r.id = c.receipt_id WHERE c.claim_id = ?",
    )
    .bind(claim_id)
    .fetch_one(pool)
    .await?)
}
