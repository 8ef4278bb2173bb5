//! The service's store, SQLite or PostgreSQL through sqlx's Any driver: connection,
//! migrations, and the writes that several parts share (receipts, numbering,
//! lifecycle events). Queries are written once, with `$1` placeholders, which both
//! databases read.

use crate::config::StoreAt;
use crate::error::ServiceError;
use crate::issue::IssuerRecord;
use chrono::NaiveDateTime;
use piaojia_receipt::{
    Category, Lifecycle, ProvinceCode, Receipt, ReceiptKey, RegionCode, SignedOriginal, SigningKey,
};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Transaction};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The store: its pool and, for a store in memory, one more connection that is
/// never used. An in-memory SQLite database is shared by the connections open to it
/// and lives while one is; the pool may replace its connection (it closes one whose
/// request was cancelled mid-query, as when a client is killed), which without the
/// anchor would start an empty database ("no such table").
pub struct Store {
    pub pool: AnyPool,
    pub anchor: Option<AnyConnection>,
}

/// Which database a pool speaks to: the few statements that differ ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(pool: &AnyPool) -> Backend {
        match pool.connect_options().database_url.scheme() {
            "sqlite" => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

pub async fn connect(at: &StoreAt) -> Result<Store, ServiceError> {
    sqlx::any::install_default_drivers();
    let mut anchor = None;
    let pool = match at {
        StoreAt::File(path) => {
            let url = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .to_url_lossy();
            AnyPoolOptions::new()
                .max_connections(4)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000")
                            .await?;
                        Ok(())
                    })
                })
                .connect_with(AnyConnectOptions::from_url(&url)?)
                .await?
        }
        // One pooled connection at a time: the shared in-memory database locks per
        // table, and one writer is all the reference service needs.
        StoreAt::Memory => {
            // A name of its own: every connection opened with it joins one database.
            static MEMORY_STORES: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "sqlite:file:piaojia-service-{}-{}?mode=memory&cache=shared",
                std::process::id(),
                MEMORY_STORES.fetch_add(1, Ordering::Relaxed)
            );
            let options = AnyConnectOptions::from_str(&name)?;
            anchor = Some(AnyConnection::connect_with(&options).await?);
            AnyPoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?
        }
        StoreAt::Postgres { url, schema } => {
            let options = AnyConnectOptions::from_str(url)?;
            let search_path = match schema {
                Some(schema) => {
                    let quoted = quoted_schema(schema)?;
                    let mut conn = AnyConnection::connect_with(&options).await?;
                    conn.execute(format!("CREATE SCHEMA IF NOT EXISTS {quoted}").as_str())
                        .await?;
                    conn.close().await?;
                    Some(format!("SET search_path TO {quoted}"))
                }
                None => None,
            };
            AnyPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .after_connect(move |conn, _| {
                    let search_path = search_path.clone();
                    Box::pin(async move {
                        if let Some(statement) = search_path {
                            conn.execute(statement.as_str()).await?;
                        }
                        Ok(())
                    })
                })
                .connect_with(options)
                .await?
        }
    };
    match Backend::of(&pool) {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
    }
    Ok(Store { pool, anchor })
}

/// A schema name as an identifier; only lower-case letters, digits and `_`, so it
/// needs no escaping and cannot carry SQL.
fn quoted_schema(schema: &str) -> Result<String, ServiceError> {
    let plain = !schema.is_empty()
        && schema.len() <= 63
        && schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        return Err(ServiceError::Corrupt(format!(
            "schema name {schema:?}: use a-z, 0-9 and _"
        )));
    }
    Ok(format!("\"{schema}\""))
}

/// A transaction that writes. One writer at a time, on either database, so that a
/// read followed by a write in one transaction sees no other writer in between (a
/// claim that checks a receipt is free, then takes it). On SQLite it takes the write
/// lock when it begins: two deferred transactions that both read and then both write
/// fail one of them at once with "database is locked", and a login answered 500. On
/// PostgreSQL a transaction-scoped advisory lock does the same across every instance.
pub async fn begin_write(pool: &AnyPool) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match Backend::of(pool) {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock(7301) IS NOT NULL")
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// A time as stored: the text sqlx has always written for SQLite (`2026-12-03
/// 10:00:00.5`), in both databases, so stored files read back unchanged and times
/// in one format sort as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(pub NaiveDateTime);

const STAMP_FORMAT: &str = "%F %T%.f";

impl sqlx::Type<Any> for Stamp {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<Any>>::type_info()
    }
}

impl<'q> sqlx::Encode<'q, Any> for Stamp {
    fn encode_by_ref(
        &self,
        buf: &mut <Any as sqlx::Database>::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <String as sqlx::Encode<Any>>::encode(self.0.format(STAMP_FORMAT).to_string(), buf)
    }
}

impl<'r> sqlx::Decode<'r, Any> for Stamp {
    fn decode(
        value: <Any as sqlx::Database>::ValueRef<'r>,
    ) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <&str as sqlx::Decode<Any>>::decode(value)?;
        let time = NaiveDateTime::parse_from_str(text, STAMP_FORMAT)
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%FT%T%.f"))?;
        Ok(Stamp(time))
    }
}

impl From<Stamp> for NaiveDateTime {
    fn from(stamp: Stamp) -> NaiveDateTime {
        stamp.0
    }
}

pub async fn insert_receipt(
    conn: &mut AnyConnection,
    citizen_id: i64,
    receipt: &Receipt,
    original: &SignedOriginal,
) -> Result<i64, ServiceError> {
    let original_json = String::from_utf8(original.to_json()).expect("JSON is UTF-8");
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO receipts (citizen_id, code, number, check_code, issuer_code, issued_at, total_fen, original)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
    )
    .bind(citizen_id)
    .bind(receipt.code.as_str())
    .bind(receipt.number.as_str())
    .bind(receipt.check_code.as_str())
    .bind(&receipt.issuer.code)
    .bind(Stamp(receipt.issued_at))
    .bind(receipt.total.0)
    .bind(original_json)
    .fetch_one(&mut *conn)
    .await?;
    Ok(seq)
}

/// Takes the next 票据号码 for a 票据代码.
pub async fn next_number(conn: &mut AnyConnection, code: &str) -> Result<u64, ServiceError> {
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO receipt_numbers (code, next) VALUES ($1, 2)
         ON CONFLICT (code) DO UPDATE SET next = receipt_numbers.next + 1 RETURNING next - 1",
    )
    .bind(code)
    .fetch_one(&mut *conn)
    .await?;
    Ok(next as u64)
}

/// Records a lifecycle change on the receipt and in its owner's changes feed.
pub async fn set_lifecycle(
    conn: &mut AnyConnection,
    citizen_id: i64,
    key: &ReceiptKey,
    lifecycle: &Lifecycle,
    at: NaiveDateTime,
) -> Result<(), ServiceError> {
    let (state, linked) = (lifecycle.state().as_str(), lifecycle.linked());
    sqlx::query(
        "UPDATE receipts SET state = $1, linked_code = $2, linked_number = $3 WHERE code = $4 AND number = $5",
    )
    .bind(state)
    .bind(linked.map(|k| k.code.as_str()))
    .bind(linked.map(|k| k.number.as_str()))
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .execute(&mut *conn)
    .await?;
    sqlx::query("INSERT INTO events (citizen_id, kind, code, number, lifecycle, at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(citizen_id)
        .bind(state)
        .bind(key.code.as_str())
        .bind(key.number.as_str())
        .bind(serde_json::to_string(lifecycle).expect("serialises"))
        .bind(Stamp(at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn insert_issuer(
    conn: &mut AnyConnection,
    issuer: &IssuerRecord,
    api_key_hash: &str,
) -> Result<(), ServiceError> {
    sqlx::query(
        "INSERT INTO issuers (code, name, category, region, cert_serial, signing_seed, api_key_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
    revoked_at: Option<Stamp>,
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
    pool: &AnyPool,
    hash: &str,
) -> Result<Option<IssuerRecord>, ServiceError> {
    let row: Option<IssuerRow> = sqlx::query_as(&format!(
        "SELECT {ISSUER_COLUMNS} FROM issuers WHERE api_key_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    row.map(IssuerRow::into_record).transpose()
}

/// Every issuer, with the time its certificate was revoked if it was.
pub async fn all_issuers(
    db: impl sqlx::AnyExecutor<'_>,
) -> Result<Vec<(IssuerRecord, Option<NaiveDateTime>)>, ServiceError> {
    let rows: Vec<IssuerRow> = sqlx::query_as(&format!(
        "SELECT {ISSUER_COLUMNS} FROM issuers ORDER BY code"
    ))
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|row| {
            let revoked = row.revoked_at.map(NaiveDateTime::from);
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

#[cfg(test)]
mod tests {
    use chrono::Timelike;
    use std::collections::BTreeSet;

    fn names(folder: &str) -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect()
    }

    /// Every migration has its PostgreSQL form under the same name, and no more:
    /// both stores reach the same version. (The whole service suite runs on each
    /// store in the test command; that shows they mean the same.)
    #[test]
    fn the_two_stores_migrations_are_in_step() {
        let sqlite = names("migrations/sqlite");
        assert!(sqlite.len() >= 11, "{sqlite:?}");
        assert_eq!(sqlite, names("migrations/postgres"));
    }

    #[test]
    fn a_schema_name_carries_no_sql() {
        assert_eq!(super::quoted_schema("p330000").unwrap(), "\"p330000\"");
        for bad in [
            "",
            "a\"; DROP TABLE receipts; --",
            "Upper",
            "a b",
            &"x".repeat(64),
        ] {
            assert!(super::quoted_schema(bad).is_err(), "{bad:?}");
        }
    }

    /// Times written before the Any driver (sqlx's own SQLite encoding, with or
    /// without a fraction) read back; a stamp is written in that form.
    #[tokio::test]
    async fn stamps_read_what_sqlx_wrote_for_sqlite_and_write_it() {
        let store = super::connect(&crate::StoreAt::Memory).await.unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_milli_opt(10, 0, 0, 500)
            .unwrap();
        for (text, want) in [
            ("2026-12-03 10:00:00.5", at),
            ("2026-12-03T10:00:00.500", at),
            ("2026-12-03 10:00:00", at.with_nanosecond(0).unwrap()),
        ] {
            let read: super::Stamp = sqlx::query_scalar("SELECT $1")
                .bind(text)
                .fetch_one(&store.pool)
                .await
                .unwrap();
            assert_eq!(read.0, want, "{text}");
        }
        let written: String = sqlx::query_scalar("SELECT $1")
            .bind(super::Stamp(at))
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(written, "2026-12-03 10:00:00.500");
        let bad = sqlx::query_scalar::<_, super::Stamp>("SELECT 'yesterday'")
            .fetch_one(&store.pool)
            .await;
        assert!(bad.is_err());
    }
}
