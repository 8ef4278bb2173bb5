//! The activity log: each sync, verification failure, backup, restore and rekey
//! (later: print, export, claim) with its time, kind and counts. Only numbers and
//! internal ids go in; the type of `counts` makes anything else hard to add.

use crate::error::Result;
use crate::tables::{self, activity::ActivityRow};
use crate::wallet::Wallet;
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Activity {
    pub id: i64,
    pub at: NaiveDateTime,
    pub kind: String,
    pub account_id: Option<i64>,
    /// JSON object of counts, e.g. `{"new": 12, "quarantined": 1}`.
    pub counts: String,
}

impl Wallet {
    /// Records an action. `counts` holds numbers only.
    pub(crate) async fn log_activity(
        &self,
        kind: &str,
        account_id: Option<i64>,
        counts: &[(&str, i64)],
    ) -> Result<()> {
        let counts: BTreeMap<&str, i64> = counts.iter().copied().collect();
        let row = ActivityRow {
            at: crate::store::now(),
            kind: kind.to_string(),
            account_id,
            counts: serde_json::to_string(&counts).expect("serialises"),
        };
        tables::activity::insert(&mut *self.pool.acquire().await?, row).await
    }

    /// The newest `limit` entries, newest first.
    pub async fn activity(&self, limit: u32) -> Result<Vec<Activity>> {
        tables::activity::newest(&self.pool, limit).await
    }
}
