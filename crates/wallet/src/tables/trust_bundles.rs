//! `trust_bundles`: each province's trust bundle, per root it verified against.

use crate::error::Result;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

/// A bundle as a backup carries it: without the root, which a restore finds again
/// by verifying the bundle against the roots of the restored accounts.
#[derive(Serialize, Deserialize, sqlx::FromRow)]
pub(crate) struct BundleRow {
    pub province: String,
    pub version: i64,
    pub bundle: String,
    pub fetched_at: NaiveDateTime,
}

pub(crate) async fn all(pool: &SqlitePool) -> Result<Vec<BundleRow>> {
    Ok(sqlx::query_as(
        "SELECT province, version, bundle, fetched_at FROM trust_bundles ORDER BY province, root_key",
    )
    .fetch_all(pool)
    .await?)
}

/// What happens when a bundle is already held for the root.
pub(crate) enum WhenHeld {
    /// The held one goes (sync: it is older, or no longer verifies).
    Replace,
    /// The newer version stays (a restore that meets a root's bundle twice).
    KeepNewer,
}

/// Keeps `row` as the bundle of the root `root_key`.
pub(crate) async fn put<'e>(
    db: impl sqlx::SqliteExecutor<'e>,
    root_key: &str,
    row: &BundleRow,
    when_held: WhenHeld,
) -> Result<()> {
    let condition = match when_held {
        WhenHeld::Replace => "",
        WhenHeld::KeepNewer => "WHERE excluded.version > trust_bundles.version",
    };
    sqlx::query(&format!(
        "INSERT INTO trust_bundles (province, root_key, version, bundle, fetched_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (province, root_key) DO UPDATE SET version = excluded.version,
             bundle = excluded.bundle, fetched_at = excluded.fetched_at {condition}"
    ))
    .bind(&row.province)
    .bind(root_key)
    .bind(row.version)
    .bind(&row.bundle)
    .bind(row.fetched_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The bundle held for a root, as stored.
pub(crate) async fn bundle(
    pool: &SqlitePool,
    province: &str,
    root_key: &str,
) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT bundle FROM trust_bundles WHERE province = ? AND root_key = ?")
            .bind(province)
            .bind(root_key)
            .fetch_optional(pool)
            .await?,
    )
}

/// Drops the bundles no account is pinned to any more (after a root was replaced).
pub(crate) async fn drop_unpinned(pool: &SqlitePool) -> Result<()> {
    sqlx::query(
        "DELETE FROM trust_bundles WHERE NOT EXISTS (SELECT 1 FROM accounts a
             WHERE a.province = trust_bundles.province AND a.root_key = trust_bundles.root_key)",
    )
    .execute(pool)
    .await?;
    Ok(())
}
