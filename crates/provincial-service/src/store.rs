//! The service's SQLite store: connection, migrations, and the writes that several
//! parts share (receipts, numbering, lifecycle events).

use crate::error::ServiceError;
use crate::issue::IssuerRecord;
use chrono::NaiveDateTime;
use piaojia_receipt::{
    Category, Lifecycle, ProvinceCode, Receipt, ReceiptKey, RegionCode, SignedOriginal, SigningKey,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{ConnectOptions, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;

/// The store: its pool and, for a store in memory, one more connection that is
/// never used. sqlx's in-memory database is shared by the connections open to it and
/// lives while one is; the pool may replace its connection (it closes one whose
/// request was cancelled mid-query, as when a client is killed), which without the
/// anchor would start an empty database ("no such table").
pub struct Store {
    pub pool: SqlitePool,
    pub anchor: Option<SqliteConnection>,
}

pub async fn connect(path: Option<&Path>) -> Result<Store, ServiceError> {
    let mut anchor = None;
    let pool = match path {
        Some(path) => {
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(10));
            SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?
        }
        // One pooled connection at a time: the shared in-memory database locks per
        // table, and one writer is all the reference service needs.
        None => {
            let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
            anchor = Some(options.connect().await?);
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?
        }
    };
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(Store { pool, anchor })
}

/// A transaction that writes. It takes the write lock when it begins: two deferred
/// transactions that both read and then both write fail one of them at once with
/// "database is locked", whatever the busy timeout, and a login answered 500.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
    pool.begin_with("BEGIN IMMEDIATE").await
}

pub async fn insert_receipt(
    conn: &mut SqliteConnection,
    citizen_id: i64,
    receipt: &Receipt,
    original: &SignedOriginal,
) -> Result<i64, ServiceError> {
    let original_json = String::from_utf8(original.to_json()).expect("JSON is UTF-8");
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO receipts (citizen_id, code, number, check_code, issuer_code, issued_at, total_fen, original)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
    )
    .bind(citizen_id)
    .bind(receipt.code.as_str())
    .bind(receipt.number.as_str())
    .bind(receipt.check_code.as_str())
    .bind(&receipt.issuer.code)
    .bind(receipt.issued_at)
    .bind(receipt.total.0)
    .bind(original_json)
    .fetch_one(&mut *conn)
    .await?;
    Ok(seq)
}

/// Takes the next 票据号码 for a 票据代码.
pub async fn next_number(conn: &mut SqliteConnection, code: &str) -> Result<u64, ServiceError> {
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO receipt_numbers (code, next) VALUES (?, 2)
         ON CONFLICT (code) DO UPDATE SET next = next + 1 RETURNING next - 1",
    )
    .bind(code)
    .fetch_one(&mut *conn)
    .await?;
    Ok(next as u64)
}

/// Records a lifecycle change on the receipt and in its owner's changes feed.
pub async fn set_lifecycle(
    conn: &mut SqliteConnection,
    citizen_id: i64,
    key: &ReceiptKey,
    lifecycle: &Lifecycle,
    at: NaiveDateTime,
) -> Result<(), ServiceError> {
    let (state, linked) = (lifecycle.state().as_str(), lifecycle.linked());
    sqlx::query(
        "UPDATE receipts SET state = ?, linked_code = ?, linked_number = ? WHERE code = ? AND number = ?",
    )
    .bind(state)
    .bind(linked.map(|k| k.code.as_str()))
    .bind(linked.map(|k| k.number.as_str()))
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO events (citizen_id, kind, code, number, lifecycle, at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(citizen_id)
        .bind(state)
        .bind(key.code.as_str())
        .bind(key.number.as_str())
        .bind(serde_json::to_string(lifecycle).expect("serialises"))
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn insert_issuer(
    conn: &mut SqliteConnection,
    issuer: &IssuerRecord,
    api_key_hash: &str,
) -> Result<(), ServiceError> {
    sqlx::query(
        "INSERT INTO issuers (code, name, category, region, cert_serial, signing_seed, api_key_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&issuer.code)
    .bind(&issuer.name)
    .bind(issuer.category.as_str())
    .bind(issuer.region.as_str())
    .bind(&issuer.cert_serial)
    .bind(issuer.key.to_bytes().to_vec())
    .bind(api_key_hash)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct IssuerRow {
    code: String,
    name: String,
    category: String,
    region: String,
    cert_serial: String,
    signing_seed: Vec<u8>,
    revoked_at: Option<NaiveDateTime>,
}

impl IssuerRow {
    fn into_record(self) -> Result<IssuerRecord, ServiceError> {
        let seed: [u8; 32] = self
            .signing_seed
            .try_into()
            .map_err(|_| ServiceError::Corrupt("issuer key is not 32 bytes".into()))?;
        Ok(IssuerRecord {
            code: self.code,
            name: self.name,
            category: Category::parse(&self.category)
                .ok_or_else(|| ServiceError::Corrupt("unknown issuer category".into()))?,
            region: RegionCode::new(self.region)
                .map_err(|e| ServiceError::Corrupt(e.to_string()))?,
            cert_serial: self.cert_serial,
            key: SigningKey::from_bytes(&seed),
        })
    }
}

const ISSUER_COLUMNS: &str = "code, name, category, region, cert_serial, signing_seed, revoked_at";

pub async fn issuer_by_api_key_hash(
    pool: &SqlitePool,
    hash: &str,
) -> Result<Option<IssuerRecord>, ServiceError> {
    let row: Option<IssuerRow> = sqlx::query_as(&format!(
        "SELECT {ISSUER_COLUMNS} FROM issuers WHERE api_key_hash = ? AND revoked_at IS NULL"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    row.map(IssuerRow::into_record).transpose()
}

/// Every issuer, with the time its certificate was revoked if it was.
pub async fn all_issuers(
    db: impl sqlx::SqliteExecutor<'_>,
) -> Result<Vec<(IssuerRecord, Option<NaiveDateTime>)>, ServiceError> {
    let rows: Vec<IssuerRow> = sqlx::query_as(&format!(
        "SELECT {ISSUER_COLUMNS} FROM issuers ORDER BY code"
    ))
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            let revoked = row.revoked_at;
            Ok((row.into_record()?, revoked))
        })
        .collect()
}

/// A receipt key from stored columns; stored values that do not parse are corrupt.
pub fn stored_key(
    province: &ProvinceCode,
    code: String,
    number: String,
) -> Result<ReceiptKey, ServiceError> {
    ReceiptKey::from_parts(province.as_str(), code, number)
        .map_err(|e| ServiceError::Corrupt(e.to_string()))
}

/// Reads back what `set_lifecycle` stored: the state and the linked receipt.
pub fn stored_lifecycle(
    province: &ProvinceCode,
    state: &str,
    linked_code: Option<String>,
    linked_number: Option<String>,
) -> Result<Lifecycle, ServiceError> {
    Lifecycle::from_columns(province, state, linked_code, linked_number)
        .ok_or_else(|| ServiceError::Corrupt(format!("receipt state {state}")))
}
