//! Opening the encrypted store: SQLCipher with a raw 256-bit key, WAL, a 64 MiB page
//! cache (measured to matter: encrypted pages are decrypted on every cache miss).
//! To open the file by hand: `sqlcipher wallet.db` then
//! `PRAGMA key = "x'<64 hex digits>'"; PRAGMA cipher_page_size = 4096;`.

use crate::error::{Result, WalletError};
use crate::secret::DbKey;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqlitePool};
use std::path::Path;
use std::time::Duration;

pub const DB_FILE: &str = "wallet.db";

/// SQLite's SQLITE_NOTADB: what SQLCipher answers for a wrong key.
const SQLITE_NOTADB: &str = "26";

pub async fn open(path: &Path, key: &DbKey, create: bool) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        // The key pragma must come first; sqlx sends "key" before all others.
        .pragma("key", key.pragma_value().to_string())
        // SQLCipher 3 page format (HMAC-SHA1) with 4 KiB pages, so that the sqlcipher
        // 3.4 CLI that Debian 12 ships can open the file given the key. The key is
        // a random 256-bit raw key, so the KDF settings of that format play no part.
        .pragma("cipher_compatibility", "3")
        .pragma("cipher_page_size", "4096")
        .pragma("cache_size", "-65536")
        .journal_mode(SqliteJournalMode::Wal)
        // FULL: a stored page survives power loss, not only a crash, before the
        // cursor moves past it.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30))
        // Statement logs would carry the key pragma: never log statements.
        .disable_statement_logging();
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await
        .map_err(map_open_error)?;
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_schema")
        .fetch_one(&pool)
        .await
        .map_err(map_open_error)?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

fn map_open_error(error: sqlx::Error) -> WalletError {
    match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some(SQLITE_NOTADB) => {
            WalletError::WrongKey
        }
        _ => WalletError::Db(error),
    }
}
