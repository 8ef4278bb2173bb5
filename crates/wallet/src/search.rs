//! Search: Chinese full text over issuer, payer, item and list names, remarks and
//! department, with filters, sorting, paging, and the count and sum of the result.
//!
//! Text is matched against the dictionary of distinct receipt texts (`terms`): a
//! word of three or more characters through the FTS5 trigram index, a word of one
//! or two characters (which trigrams cannot find) by scanning the dictionary, which
//! is small because texts repeat. Matching terms lead to receipts through postings.
//! Words separated by spaces must all match. What a person types is always data:
//! it is bound as a value and quoted as an FTS5 phrase, never spliced into a query.

use crate::error::{Result, WalletError};
use crate::wallet::Wallet;
use chrono::NaiveDate;
use piaojia_receipt::Category;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteArguments;
use sqlx::Arguments;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Normal, not a red receipt.
    Valid,
    Reversed,
    Exchanged,
    Claimed,
    Unclaimed,
}

impl Status {
    pub fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "valid" => Status::Valid,
            "reversed" => Status::Reversed,
            "exchanged" => Status::Exchanged,
            "claimed" => Status::Claimed,
            "unclaimed" => Status::Unclaimed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    DateDesc,
    DateAsc,
    AmountDesc,
    AmountAsc,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Query {
    pub text: String,
    pub from: Option<NaiveDate>,
    /// Inclusive.
    pub to: Option<NaiveDate>,
    pub min_fen: Option<i64>,
    pub max_fen: Option<i64>,
    pub category: Option<Category>,
    pub issuer_code: Option<String>,
    pub status: Option<Status>,
    pub account_id: Option<i64>,
    pub sort: Sort,
    pub limit: u32,
    pub offset: u32,
}

/// One line of a result list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReceiptSummary {
    pub id: i64,
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_at: chrono::NaiveDateTime,
    pub category: String,
    pub issuer_name: String,
    pub payer_name: String,
    pub total: i64,
    pub lifecycle: String,
    pub is_red: bool,
    pub claim_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub items: Vec<ReceiptSummary>,
    /// Receipts matching, over all pages.
    pub count: i64,
    /// Their total in fen.
    pub sum_fen: i64,
}

/// Quotes a word as an FTS5 phrase: every character is literal inside.
fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

impl Wallet {
    pub async fn search(&self, query: &Query) -> Result<SearchResult> {
        let mut conditions: Vec<String> = Vec::new();
        let mut args = SqliteArguments::default();
        let bind = |args: &mut SqliteArguments, value: String| {
            args.add(value)
                .map_err(|e| WalletError::Invalid(e.to_string()))
        };

        for word in query.text.split_whitespace().take(8) {
            let term_ids = self.matching_terms(word).await?;
            if term_ids.is_empty() {
                return Ok(SearchResult {
                    items: vec![],
                    count: 0,
                    sum_fen: 0,
                });
            }
            conditions.push(
                "r.id IN (SELECT receipt_id FROM receipt_terms WHERE term_id IN (SELECT value FROM json_each(?)))".into(),
            );
            bind(
                &mut args,
                serde_json::to_string(&term_ids).expect("serialises"),
            )?;
        }
        if let Some(from) = query.from {
            conditions.push("r.issued_at >= ?".into());
            bind(&mut args, format!("{from}"))?;
        }
        if let Some(to) = query.to {
            // issued_at is stored as text "YYYY-MM-DD HH:MM:SS"; the day after bounds it.
            conditions.push("r.issued_at < ?".into());
            bind(&mut args, format!("{}", to.succ_opt().unwrap_or(to)))?;
        }
        if let Some(min) = query.min_fen {
            conditions.push("r.total >= ?".into());
            args.add(min)
                .map_err(|e| WalletError::Invalid(e.to_string()))?;
        }
        if let Some(max) = query.max_fen {
            conditions.push("r.total <= ?".into());
            args.add(max)
                .map_err(|e| WalletError::Invalid(e.to_string()))?;
        }
        if let Some(category) = query.category {
            conditions.push("r.category = ?".into());
            bind(&mut args, category.as_str().to_string())?;
        }
        if let Some(issuer) = &query.issuer_code {
            conditions.push("r.issuer_code = ?".into());
            bind(&mut args, issuer.clone())?;
        }
        if let Some(account) = query.account_id {
            conditions.push("r.account_id = ?".into());
            args.add(account)
                .map_err(|e| WalletError::Invalid(e.to_string()))?;
        }
        match query.status {
            Some(Status::Valid) => {
                conditions.push("r.lifecycle = 'normal' AND r.is_red = 0".into())
            }
            Some(Status::Reversed) => conditions.push("r.lifecycle = 'reversed'".into()),
            Some(Status::Exchanged) => conditions.push("r.lifecycle = 'exchanged'".into()),
            Some(Status::Claimed) => conditions.push("r.claim_id IS NOT NULL".into()),
            Some(Status::Unclaimed) => conditions.push("r.claim_id IS NULL".into()),
            None => {}
        }
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        let order = match query.sort {
            Sort::DateDesc => "r.issued_at DESC, r.id DESC",
            Sort::DateAsc => "r.issued_at ASC, r.id ASC",
            Sort::AmountDesc => "r.total DESC, r.id DESC",
            Sort::AmountAsc => "r.total ASC, r.id ASC",
        };
        let (count, sum_fen): (i64, i64) = sqlx::query_as_with(
            &format!("SELECT count(*), coalesce(sum(r.total), 0) FROM receipts r {filter}"),
            args.clone(),
        )
        .fetch_one(&self.pool)
        .await?;
        let limit = if query.limit == 0 {
            50
        } else {
            query.limit.min(1000)
        };
        let mut page_args = args;
        page_args
            .add(limit as i64)
            .map_err(|e| WalletError::Invalid(e.to_string()))?;
        page_args
            .add(query.offset as i64)
            .map_err(|e| WalletError::Invalid(e.to_string()))?;
        let items: Vec<ReceiptSummary> = sqlx::query_as_with(
            &format!(
                "SELECT r.id, r.province, r.code, r.number, r.issued_at, r.category, r.issuer_name, r.payer_name,
                        r.total, r.lifecycle, r.is_red, r.claim_id
                 FROM receipts r {filter} ORDER BY {order} LIMIT ? OFFSET ?"
            ),
            page_args,
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(SearchResult {
            items,
            count,
            sum_fen,
        })
    }

    /// Ids of the dictionary texts that contain `word`.
    async fn matching_terms(&self, word: &str) -> Result<Vec<i64>> {
        let ids = if word.chars().count() >= 3 {
            sqlx::query_scalar("SELECT rowid FROM terms_fts WHERE terms_fts MATCH ?")
                .bind(fts_phrase(word))
                .fetch_all(&self.pool)
                .await?
        } else {
            sqlx::query_scalar("SELECT id FROM terms WHERE instr(text, ?) > 0")
                .bind(word)
                .fetch_all(&self.pool)
                .await?
        };
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_phrase;

    #[test]
    fn quotes_make_any_text_a_phrase() {
        assert_eq!(fts_phrase("医院"), "\"医院\"");
        assert_eq!(fts_phrase("a\"b OR c*"), "\"a\"\"b OR c*\"");
    }
}
