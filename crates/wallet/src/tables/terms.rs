//! `terms` and `receipt_terms`: the texts receipts are found by (issuers, payers,
//! items, departments), each stored once, and which receipt carries which. Search
//! reads them; a backup leaves them out, a restore builds them again.

use crate::error::Result;
use sqlx::{SqliteConnection, SqlitePool};

/// The id of a text, added when new.
pub(crate) async fn id_of(conn: &mut SqliteConnection, text: &str) -> Result<i64> {
    let held: Option<i64> = sqlx::query_scalar("SELECT id FROM terms WHERE text = ?")
        .bind(text)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match held {
        Some(id) => id,
        None => {
            sqlx::query_scalar("INSERT INTO terms (text) VALUES (?) RETURNING id")
                .bind(text)
                .fetch_one(conn)
                .await?
        }
    })
}

/// Links receipts to texts: (receipt id, term id) pairs, in one statement.
pub(crate) async fn link(conn: &mut SqliteConnection, postings: &[[i64; 2]]) -> Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO receipt_terms (receipt_id, term_id)
         SELECT value ->> 0, value ->> 1 FROM json_each(?)",
    )
    .bind(serde_json::to_string(postings).expect("serialises"))
    .execute(conn)
    .await?;
    Ok(())
}

/// A receipt is found by nothing any more (it is being deleted).
pub(crate) async fn unlink(conn: &mut SqliteConnection, receipt_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM receipt_terms WHERE receipt_id = ?")
        .bind(receipt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The ids of the texts an FTS5 phrase matches (words of three characters or more).
pub(crate) async fn matching_phrase(pool: &SqlitePool, phrase: &str) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT rowid FROM terms_fts WHERE terms_fts MATCH ?")
            .bind(phrase)
            .fetch_all(pool)
            .await?,
    )
}

/// The ids of the texts that contain `word` (shorter words, which FTS5's trigrams
/// cannot find).
pub(crate) async fn containing(pool: &SqlitePool, word: &str) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM terms WHERE instr(text, ?) > 0")
            .bind(word)
            .fetch_all(pool)
            .await?,
    )
}

/// Of `terms`, the texts each of `receipts` carries: (receipt id, text), in
/// receipt and term order.
pub(crate) async fn carried(
    pool: &SqlitePool,
    receipts: &[i64],
    terms: &[i64],
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT rt.receipt_id, t.text FROM receipt_terms rt JOIN terms t ON t.id = rt.term_id
         WHERE rt.receipt_id IN (SELECT value FROM json_each(?))
           AND rt.term_id IN (SELECT value FROM json_each(?))
         ORDER BY rt.receipt_id, t.id",
    )
    .bind(serde_json::to_string(receipts).expect("serialises"))
    .bind(serde_json::to_string(terms).expect("serialises"))
    .fetch_all(pool)
    .await?)
}

/// The term ids of the receipts in (after, up_to], one row per receipt with its
/// ids comma-separated: the pairs are ~15 times as many rows, and rows are what
/// loading the index costs.
pub(crate) async fn postings_between(
    pool: &SqlitePool,
    after: i64,
    up_to: i64,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT receipt_id, group_concat(term_id) FROM receipt_terms
         WHERE receipt_id > ? AND receipt_id <= ? GROUP BY receipt_id",
    )
    .bind(after)
    .bind(up_to)
    .fetch_all(pool)
    .await?)
}
