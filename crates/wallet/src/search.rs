//! Search: Chinese full text over issuer, payer, item and list names, remarks and
//! department, with filters, sorting, paging, and the count and sum of the result.
//!
//! Text is matched against the dictionary of distinct receipt texts (`terms`): a
//! word of three or more characters through the FTS5 trigram index, a word of one
//! or two characters (which trigrams cannot find) by scanning the dictionary, which
//! is small because texts repeat. The matching texts, the filters, the count, the
//! sum and the ordering are then worked out on the in-memory index (`index.rs`).
//! Words separated by spaces must all match. What a person types is always data:
//! it is bound as a value and quoted as an FTS5 phrase, never spliced into a query.

use crate::error::Result;
use crate::index::{Filter, Sort, Status};
use crate::tables::{self, receipts};
use crate::wallet::Wallet;
use chrono::NaiveDate;
use piaojia_receipt::Category;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptSummary {
    pub id: i64,
    pub province: String,
    pub code: String,
    pub number: String,
    pub issued_at: chrono::NaiveDateTime,
    #[sqlx(try_from = "String")]
    pub category: Category,
    pub issuer_name: String,
    pub payer_name: String,
    pub total: i64,
    #[sqlx(try_from = "String")]
    pub lifecycle: piaojia_receipt::LifecycleState,
    pub is_red: bool,
    pub claim_id: Option<i64>,
    /// The state of the claim holding it: the list says 报销中 until the claim is
    /// approved or paid, 已报销 after (read in `tables::receipts`).
    #[sqlx(skip)]
    pub claim_state: Option<piaojia_receipt::ClaimState>,
    /// For a search by text, a text of the receipt that matched when it is not its
    /// issuer's name (an item, a remark, a department): why the row is in the result.
    #[sqlx(skip)]
    pub matched: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

impl Query {
    /// No text and no filter: the whole wallet by date, the list a person sees first.
    fn is_plain_by_date(&self) -> bool {
        self.text.trim().is_empty()
            && self.from.is_none()
            && self.to.is_none()
            && self.min_fen.is_none()
            && self.max_fen.is_none()
            && self.category.is_none()
            && self.issuer_code.is_none()
            && self.status.is_none()
            && self.account_id.is_none()
            && matches!(self.sort, Sort::DateDesc | Sort::DateAsc)
    }

    fn page_size(&self) -> u32 {
        if self.limit == 0 {
            50
        } else {
            self.limit.min(1000)
        }
    }
}

impl Wallet {
    /// Loads the in-memory search index now (about 2 s at 100k receipts), so that the
    /// first search typed does not wait for it.
    pub async fn warm_index(&self) -> Result<()> {
        self.index.lock().await.refresh(&self.pool).await
    }

    pub async fn search(&self, query: &Query) -> Result<SearchResult> {
        if query.is_plain_by_date() && !self.index_ready() {
            return self.plain_page(query).await;
        }
        let mut words: Vec<Vec<i64>> = Vec::new();
        for word in query.text.split_whitespace().take(8) {
            let term_ids = self.matching_terms(word).await?;
            if term_ids.is_empty() {
                return Ok(SearchResult {
                    items: vec![],
                    count: 0,
                    sum_fen: 0,
                });
            }
            words.push(term_ids);
        }
        let seconds = |date: NaiveDate| {
            date.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_utc()
                .timestamp()
        };
        let matched_terms: Vec<i64> = words.iter().flatten().copied().collect();
        let filter = Filter {
            words,
            from: query.from.map(seconds),
            to_exclusive: query.to.and_then(|d| d.succ_opt()).map(seconds),
            min_fen: query.min_fen,
            max_fen: query.max_fen,
            category: query.category,
            issuer_code: query.issuer_code.clone(),
            account_id: query.account_id,
            status: query.status,
        };
        let limit = query.page_size() as usize;
        let hits = {
            let mut index = self.index.lock().await;
            index.refresh(&self.pool).await?;
            index.search(&filter, query.sort, query.offset as usize, limit)
        };
        let mut items = receipts::summaries_of(&self.pool, &hits.page).await?;
        let position: std::collections::HashMap<i64, usize> = hits
            .page
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i))
            .collect();
        items.sort_by_key(|r| position.get(&r.id).copied().unwrap_or(usize::MAX));
        if !matched_terms.is_empty() {
            self.say_why_matched(&mut items, &matched_terms).await?;
        }
        Ok(SearchResult {
            items,
            count: hits.count,
            sum_fen: hits.sum_fen,
        })
    }

    /// Sets each row's `matched`: of the matching texts it carries, the first that is
    /// not its issuer's name.
    async fn say_why_matched(&self, items: &mut [ReceiptSummary], terms: &[i64]) -> Result<()> {
        let ids: Vec<i64> = items.iter().map(|r| r.id).collect();
        let texts = tables::terms::carried(&self.pool, &ids, terms).await?;
        for item in items.iter_mut() {
            item.matched = texts
                .iter()
                .find(|(id, text)| *id == item.id && *text != item.issuer_name)
                .map(|(_, text)| text.clone());
        }
        Ok(())
    }

    /// Whether the index is loaded and free; while it loads, a plain list comes
    /// from the store's date index instead of waiting.
    fn index_ready(&self) -> bool {
        self.index
            .try_lock()
            .is_ok_and(|index| index.loaded_max_id() > 0)
    }

    /// A page of the whole wallet by date, straight from the store.
    async fn plain_page(&self, query: &Query) -> Result<SearchResult> {
        let items = receipts::page_by_date(
            &self.pool,
            query.sort == Sort::DateAsc,
            query.page_size(),
            query.offset,
        )
        .await?;
        let (count, sum_fen) = receipts::count_and_total(&self.pool).await?;
        Ok(SearchResult {
            items,
            count,
            sum_fen,
        })
    }

    /// Spending figures for the overview, over one account or all.
    pub async fn spending(&self, account_id: Option<i64>) -> Result<crate::index::Spending> {
        let mut index = self.index.lock().await;
        index.refresh(&self.pool).await?;
        index.spending(account_id).ok_or_else(|| {
            crate::WalletError::Invalid("the amounts add up beyond what can be counted".into())
        })
    }

    /// Ids of the dictionary texts that contain `word`.
    async fn matching_terms(&self, word: &str) -> Result<Vec<i64>> {
        if word.chars().count() >= 3 {
            tables::terms::matching_phrase(&self.pool, &fts_phrase(word)).await
        } else {
            tables::terms::containing(&self.pool, word).await
        }
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
