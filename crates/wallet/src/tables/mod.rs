//! The wallet's tables, one module each: its whole-row type and the SQL that reads
//! and writes every column (what a backup carries and restores), and the queries
//! the features make of it (a receipt's detail, a claim's state, a result line…).
//! A column a migration adds is added here, once; the backup round-trip test
//! (`tests/backup_columns.rs`) fails until it is.
//!
//! Outside this folder, SQL is left only where a table is one feature's own: the
//! search index's bulk load (`index.rs`, with its `counters`), the refresh tokens
//! (`refresh.rs`), and the store's pragmas (`db.rs`).

pub(crate) mod accounts;
pub(crate) mod activity;
pub(crate) mod claims;
pub(crate) mod consultations;
pub(crate) mod originals;
pub(crate) mod quarantine;
pub(crate) mod receipts;
pub(crate) mod seal_roots;
pub(crate) mod settings;
pub(crate) mod terms;
pub(crate) mod trust_bundles;

/// `INSERT INTO table (columns) VALUES (?, ?, …)`.
fn insert_sql(table: &str, columns: &str) -> String {
    let marks = vec!["?"; columns.split(',').count()].join(", ");
    format!("INSERT INTO {table} ({columns}) VALUES ({marks})")
}

/// Bytes as base64 text in a backup's JSON lines.
pub(crate) mod b64 {
    use serde::{de, Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&piaojia_receipt::base64_text::encode(bytes))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        piaojia_receipt::base64_text::decode(&String::deserialize(d)?).map_err(de::Error::custom)
    }
}

/// Optional bytes as base64 text, or null.
pub(crate) mod b64_option {
    use serde::{de, Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&piaojia_receipt::base64_text::encode(bytes)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| piaojia_receipt::base64_text::decode(&text).map_err(de::Error::custom))
            .transpose()
    }
}
