//! What the features read and write of a receipt's row, beside whole rows: a
//! receipt's detail, its export columns, result lines, claims' and prints' marks,
//! and the re-verification pass.

use crate::error::Result;
use crate::search::ReceiptSummary;
use crate::store::stored;
use chrono::NaiveDateTime;
use piaojia_receipt::{Category, LifecycleState, ReceiptKey};
use sqlx::{SqliteConnection, SqliteExecutor, SqlitePool};

/// What an export, a sheet or a 汇总表 says of a receipt, synced or imported alike.
#[derive(sqlx::FromRow)]
pub(crate) struct ExportRow {
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_at: NaiveDateTime,
    pub issuer_name: String,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub kind: String,
    pub total: i64,
    #[sqlx(try_from = "String")]
    pub lifecycle: LifecycleState,
    pub document_sha256: String,
    pub signed: Option<Vec<u8>>,
}

pub(crate) async fn for_export(pool: &SqlitePool, id: i64) -> Result<Option<ExportRow>> {
    Ok(sqlx::query_as(
        "SELECT province, code, number, issued_at, issuer_name, category, kind, total, lifecycle,
                document_sha256, original AS signed
         FROM receipts WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// The first receipt with this 票据代码 and 票据号码 (any province).
pub(crate) async fn find(pool: &SqlitePool, code: &str, number: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM receipts WHERE code = ? AND number = ? ORDER BY id LIMIT 1",
    )
    .bind(code)
    .bind(number)
    .fetch_optional(pool)
    .await?)
}

/// A synced receipt of an account, by its key.
pub(crate) async fn id_of(
    pool: &SqlitePool,
    account_id: i64,
    key: &ReceiptKey,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM receipts WHERE account_id = ? AND province = ? AND code = ? AND number = ?",
    )
    .bind(account_id)
    .bind(key.province.as_str())
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .fetch_optional(pool)
    .await?)
}

/// The signed original (None for an imported receipt); None when there is no such receipt.
pub(crate) async fn signed_original(pool: &SqlitePool, id: i64) -> Result<Option<Option<Vec<u8>>>> {
    Ok(
        sqlx::query_scalar("SELECT original FROM receipts WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// A receipt's account (None when imported) and key.
pub(crate) async fn account_and_key(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<(Option<i64>, String, String, String)>> {
    Ok(
        sqlx::query_as("SELECT account_id, province, code, number FROM receipts WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// A receipt's key and issuer's name.
pub(crate) async fn key_and_issuer(
    pool: &SqlitePool,
    id: i64,
) -> Result<Option<(String, String, String, String)>> {
    Ok(
        sqlx::query_as("SELECT province, code, number, issuer_name FROM receipts WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// What decides whether a receipt may join a claim: the claim holding it, its
/// account, its lifecycle state and whether it is red.
pub(crate) async fn claim_fields(
    db: impl SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<(Option<i64>, Option<i64>, String, bool)>> {
    Ok(
        sqlx::query_as("SELECT claim_id, account_id, lifecycle, is_red FROM receipts WHERE id = ?")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// How many receipts there are, and their total in fen.
pub(crate) async fn count_and_total(pool: &SqlitePool) -> Result<(i64, i64)> {
    Ok(
        sqlx::query_as("SELECT count(*), coalesce(sum(total), 0) FROM receipts")
            .fetch_one(pool)
            .await?,
    )
}

/// The receipts issued in `year`, by date.
pub(crate) async fn ids_of_year(pool: &SqlitePool, year: i32) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM receipts WHERE strftime('%Y', issued_at) = ? ORDER BY issued_at, id",
    )
    .bind(format!("{year:04}"))
    .fetch_all(pool)
    .await?)
}

/// One more print of each of `ids`.
pub(crate) async fn count_print(pool: &SqlitePool, ids: &[i64]) -> Result<()> {
    sqlx::query(
        "UPDATE receipts SET printed_count = printed_count + 1 WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(ids).expect("serialises"))
    .execute(pool)
    .await?;
    Ok(())
}

/// `ids` are booked and archived (入账/归档).
pub(crate) async fn mark_archived(pool: &SqlitePool, ids: &[i64]) -> Result<()> {
    sqlx::query(
        "UPDATE receipts SET booked = 1, archived = 1 WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(ids).expect("serialises"))
    .execute(pool)
    .await?;
    Ok(())
}

/// A result line's columns, and the state of the claim holding it.
const SUMMARY_COLUMNS: &str =
    "id, province, code, number, issued_at, category, issuer_name, payer_name, total, lifecycle, is_red, claim_id,
     (SELECT state FROM claims WHERE claims.id = receipts.claim_id) AS claim_state";

/// A result line as stored, the holding claim's state still its text.
#[derive(sqlx::FromRow)]
struct SummaryRow {
    #[sqlx(flatten)]
    summary: ReceiptSummary,
    claim_state: Option<String>,
}

fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<ReceiptSummary>> {
    rows.into_iter()
        .map(|row| {
            Ok(ReceiptSummary {
                claim_state: row.claim_state.map(stored).transpose()?,
                ..row.summary
            })
        })
        .collect()
}

/// The result lines of `ids` (in no particular order).
pub(crate) async fn summaries_of(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<ReceiptSummary>> {
    summaries(
        sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM receipts WHERE id IN (SELECT value FROM json_each(?))"
        ))
        .bind(serde_json::to_string(ids).expect("serialises"))
        .fetch_all(pool)
        .await?,
    )
}

/// A page of result lines of the whole wallet by date, from the store's date index.
pub(crate) async fn page_by_date(
    pool: &SqlitePool,
    oldest_first: bool,
    limit: u32,
    offset: u32,
) -> Result<Vec<ReceiptSummary>> {
    let direction = if oldest_first { "ASC" } else { "DESC" };
    summaries(
        sqlx::query_as(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM receipts ORDER BY issued_at {direction}, id {direction} LIMIT ? OFFSET ?"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?,
    )
}

/// Up to `limit` signed receipts after `after`, of the accounts pinned to a root:
/// id, account and signed original.
pub(crate) async fn signed_under_root(
    pool: &SqlitePool,
    province: &str,
    root_key: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, i64, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT r.id, r.account_id, r.original FROM receipts r JOIN accounts a ON a.id = r.account_id
         WHERE a.province = ? AND a.root_key = ? AND r.original IS NOT NULL AND r.id > ?
         ORDER BY r.id LIMIT ?",
    )
    .bind(province)
    .bind(root_key)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// `ids` verified again, at `at` against bundle `version`.
pub(crate) async fn mark_verified(
    conn: &mut SqliteConnection,
    ids: &[i64],
    at: NaiveDateTime,
    version: u64,
) -> Result<()> {
    sqlx::query(
        "UPDATE receipts SET verified_at = ?, bundle_version = ? WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(at)
    .bind(version as i64)
    .bind(serde_json::to_string(ids).expect("serialises"))
    .execute(conn)
    .await?;
    Ok(())
}

/// The province and root key of the account a receipt came through.
pub(crate) async fn root_of(pool: &SqlitePool, id: i64) -> Result<Option<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT a.province, a.root_key FROM receipts r JOIN accounts a ON a.id = r.account_id WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}
