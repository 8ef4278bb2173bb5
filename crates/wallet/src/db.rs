//! Opening the encrypted store: SQLCipher with a raw 256-bit key, WAL, a 64 MiB page
//! cache (measured to matter: encrypted pages are decrypted on every cache miss).
//! To open the file by hand: `sqlcipher wallet.db` then
//! `PRAGMA key = "x'<64 hex digits>'"; PRAGMA cipher_page_size = 4096;`.

use crate::error::{Result, WalletError};
use crate::secret::DbKey;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::time::Duration;

pub const DB_FILE: &str = "wallet.db";

/// SQLite's SQLITE_NOTADB: what SQLCipher answers for a wrong key.
const SQLITE_NOTADB: &str = "26";

/// SQLCipher encrypts with the system's OpenSSL, which by default registers an
/// `atexit` clean-up that frees its global tables when the process exits. sqlx runs
/// each SQLite connection on a thread of its own that is not joined: a thread still
/// ending during `exit` frees its thread-local OpenSSL state into the tables the
/// clean-up is freeing, and glibc aborts ("double free or corruption"), after the
/// command's work was done. Initialising OpenSSL first with `OPENSSL_INIT_NO_ATEXIT`
/// (what `openssl_sys::init` does) means no clean-up runs at exit; the OS takes the
/// memory back. It must come before SQLCipher's own first use of OpenSSL, which
/// registers the handler otherwise: so every way into SQLCipher starts here.
fn openssl_without_exit_cleanup() {
    openssl_sys::init();
}

fn options(path: &Path, key: &DbKey) -> SqliteConnectOptions {
    openssl_without_exit_cleanup();
    SqliteConnectOptions::new()
        .filename(path)
        // The key pragma must come first; sqlx sends "key" before all others.
        .pragma("key", key.pragma_value().to_string())
        // SQLCipher 3 page format (HMAC-SHA1) with 4 KiB pages, so that the sqlcipher
        // 3.4 CLI that Debian 12 ships can open the file given the key. The key is
        // a random 256-bit raw key, so the KDF settings of that format play no part.
        .pragma("cipher_compatibility", "3")
        .pragma("cipher_page_size", "4096")
        // 4 MiB of decrypted pages per pooled connection. At 64 MiB each, loading the
        // search index of 100k receipts left about 185 MiB of cached pages in the
        // desktop app at rest; searches read a page of rows by id, which a small
        // cache serves as well (`scripts/bench-desktop.sh`).
        .pragma("cache_size", "-4096")
        // FULL: a stored page survives power loss, not only a crash, before the
        // cursor moves past it.
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(30))
        // Statement logs would carry the key pragma: never log statements.
        .disable_statement_logging()
}

pub async fn open(path: &Path, key: &DbKey, create: bool) -> Result<SqlitePool> {
    let options = options(path, key)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal);
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

/// A database in this process's memory only, temporary tables and indices in memory
/// too, so that nothing reaches a file. sqlx's in-memory database is shared by the
/// connections open to it and lives while one is: the second connection returned
/// (never used) keeps it alive when the pool replaces its own, as sqlx does after a
/// query was cancelled half-way; without it the wallet would find itself empty.
pub async fn open_in_memory() -> Result<(SqlitePool, SqliteConnection)> {
    openssl_without_exit_cleanup();
    let options: SqliteConnectOptions = "sqlite::memory:".parse()?;
    let options = options
        .pragma("temp_store", "MEMORY")
        .foreign_keys(true)
        .disable_statement_logging();
    let anchor = options.connect().await?;
    let pool = SqlitePoolOptions::new()
        .min_connections(1)
        .max_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok((pool, anchor))
}

/// A transaction that writes. It takes the write lock at `BEGIN IMMEDIATE`, where the
/// busy timeout applies: a deferred `BEGIN` that reads first and writes later cannot
/// take the lock once another connection has committed since its read (SQLite answers
/// "database is locked" at once, whatever the timeout), which is how a second sync of
/// one wallet used to fail.
pub async fn begin_write(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Re-encrypts the closed database under `new` in one transaction: with a rollback
/// journal, so that a crash leaves either the old key or the new one working.
pub async fn rekey(path: &Path, old: &DbKey, new: &DbKey) -> Result<()> {
    // Leaving WAL needs the file to itself, and SQLite answers "database is locked"
    // at once, without its busy handler, while a connection of the pool just closed
    // is still ending on its own thread (seen once in CI). A short, bounded wait.
    let mut tries = 0;
    let mut conn = loop {
        match options(path, old)
            .journal_mode(SqliteJournalMode::Delete)
            .connect()
            .await
        {
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("5") && tries < 50 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => break other.map_err(map_open_error)?,
        }
    };
    sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_schema")
        .fetch_one(&mut conn)
        .await
        .map_err(map_open_error)?;
    sqlx::query(&format!("PRAGMA rekey = {}", new.pragma_value().as_str()))
        .execute(&mut conn)
        .await?;
    sqlx::Connection::close(conn).await?;
    Ok(())
}

fn map_open_error(error: sqlx::Error) -> WalletError {
    match &error {
        sqlx::Error::Database(db) if db.code().as_deref() == Some(SQLITE_NOTADB) => {
            WalletError::WrongKey
        }
        _ => WalletError::Db(error),
    }
}
