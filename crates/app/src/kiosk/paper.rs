//! 换开纸质票据 at the kiosk: the paper stock the operator loaded (a 票据代码 and a
//! range of numbers, the next one kept in a file so that a restart does not use a
//! number twice), and the exchange itself: recorded at the service, printed on
//! the paper layout with its number, taken back when the printer refuses the job,
//! and written in the operator log either way.

use super::{Kiosk, OperatorLog};
use crate::error::{AppError, Result};
use piaojia_receipt::{ReceiptCode, ReceiptKey, ReceiptNumber};
use piaojia_render::PrintService;
use piaojia_wallet::{SecretString, WalletError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// How long the kiosk follows a paper's print job before it tells the patient to
/// ask the staff (the paper number is used then, whatever the job does).
const PAPER_PRINT_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// The kiosk's part in 换开: its registration with the issuer and the paper stock.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaperConfig {
    /// The id the issuer registered this kiosk under.
    pub kiosk_id: String,
    /// The key the registration returned (sent as `X-Kiosk-Key`).
    pub kiosk_key: String,
    /// The issuer the kiosk exchanges for, as the registration named it: 换开 is
    /// offered on its receipts only.
    pub issuer_name: String,
    /// 票据代码 of the paper receipts loaded in the printer.
    pub code: String,
    /// The first and the last number of the stock loaded, as printed on the paper.
    pub first: String,
    pub last: String,
    /// Where the next number is kept; beside the operator log (`<log>.paper`)
    /// unless given.
    #[serde(default)]
    pub state: Option<PathBuf>,
}

impl std::fmt::Debug for PaperConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaperConfig")
            .field("kiosk_id", &self.kiosk_id)
            .field("kiosk_key", &"<redacted>")
            .field("issuer_name", &self.issuer_name)
            .field("code", &self.code)
            .field("first", &self.first)
            .field("last", &self.last)
            .finish()
    }
}

impl PaperConfig {
    /// Checks the stock: a valid 票据代码, two numbers of one width, first ≤ last.
    pub fn validate(&self) -> std::result::Result<(), String> {
        ReceiptCode::new(self.code.clone()).map_err(|e| format!("paper.code: {e}"))?;
        let first = stock_number(&self.first).ok_or("paper.first: a paper number")?;
        let last = stock_number(&self.last).ok_or("paper.last: a paper number")?;
        if self.first.len() != self.last.len() || first > last {
            return Err("paper: first and last are of one width, first ≤ last".into());
        }
        if self.kiosk_id.is_empty() || self.kiosk_key.is_empty() || self.issuer_name.is_empty() {
            return Err(
                "paper: kiosk_id, kiosk_key and issuer_name as the registration gave them".into(),
            );
        }
        Ok(())
    }
}

fn stock_number(text: &str) -> Option<u64> {
    ReceiptNumber::new(text).ok()?;
    text.parse().ok()
}

/// What the kiosk keeps of its stock: the range it was loaded with and the next
/// number. A different range in the config is a new stock, from its first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StockState {
    code: String,
    first: String,
    last: String,
    next: u64,
}

/// The paper stock, its next number kept in a file.
pub struct PaperStock {
    path: PathBuf,
    state: StockState,
    width: usize,
}

impl PaperStock {
    pub fn load(config: &PaperConfig, log_path: &Path) -> PaperStock {
        let path = config
            .state
            .clone()
            .unwrap_or_else(|| log_path.with_extension("paper"));
        let fresh = StockState {
            code: config.code.clone(),
            first: config.first.clone(),
            last: config.last.clone(),
            next: stock_number(&config.first).unwrap_or(0),
        };
        let kept = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<StockState>(&bytes).ok())
            .filter(|kept| {
                (&kept.code, &kept.first, &kept.last) == (&fresh.code, &fresh.first, &fresh.last)
            });
        PaperStock {
            path,
            state: kept.unwrap_or(fresh),
            width: config.first.len(),
        }
    }

    /// The next paper receipt, or None when the stock is used up.
    pub fn next(&self) -> Option<(ReceiptCode, ReceiptNumber)> {
        let last = stock_number(&self.state.last)?;
        if self.state.next > last {
            return None;
        }
        let number = format!("{:0width$}", self.state.next, width = self.width);
        Some((
            ReceiptCode::new(self.state.code.clone()).ok()?,
            ReceiptNumber::new(number).ok()?,
        ))
    }

    /// Papers left in the stock.
    pub fn left(&self) -> u64 {
        stock_number(&self.state.last).map_or(0, |last| (last + 1).saturating_sub(self.state.next))
    }

    /// The next paper was used (printed, or recorded and not taken back).
    pub fn used(&mut self) -> Result<()> {
        self.state.next += 1;
        let tmp = self.path.with_extension("paper-tmp");
        std::fs::write(&tmp, serde_json::to_vec(&self.state).expect("serialises"))?;
        std::fs::rename(tmp, &self.path)?;
        Ok(())
    }
}

/// What became of a paper number, for the operator log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperFate {
    /// Printed: the patient took it.
    Printed,
    /// The printer refused the job: the exchange was taken back, the paper is
    /// unused and its number comes next again.
    TakenBack,
    /// The job was accepted but did not finish, or the exchange could not be taken
    /// back: the operator voids this paper number.
    ToVoid,
}

/// A paper exchange done at the kiosk.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PaperOutcome {
    pub paper_code: String,
    pub paper_number: String,
    pub printer: String,
    /// Paper numbers left in the stock.
    pub left: u64,
}

/// Whether the kiosk offers 换开, for whose receipts, and how many papers it has
/// left.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PaperStockView {
    pub issuer_name: String,
    pub left: u64,
}

impl Kiosk {
    /// The paper stock, when this kiosk exchanges for paper.
    pub fn paper_stock(&self) -> Option<PaperStockView> {
        let config = self.config.paper.as_ref()?;
        self.paper_stock.as_ref().map(|stock| PaperStockView {
            issuer_name: config.issuer_name.clone(),
            left: stock.lock().expect("paper stock").left(),
        })
    }

    /// 换开纸质票据: exchanges one of the patient's receipts for the next paper of
    /// the stock and prints it. A printer that refuses the job gets the exchange
    /// taken back; a job that does not finish leaves the number to void.
    pub async fn exchange_for_paper(&self, receipt_id: i64) -> Result<PaperOutcome> {
        let (Some(config), Some(stock)) = (&self.config.paper, &self.paper_stock) else {
            return Err(AppError::NoPaperStock);
        };
        let mut slot = self.session.lock().await;
        let session = slot.as_mut().ok_or(AppError::Locked)?;
        session.last_touch = std::time::Instant::now();
        let (code, number) = stock
            .lock()
            .expect("paper stock")
            .next()
            .ok_or(AppError::PaperStockEmpty)?;
        let key = SecretString::new(config.kiosk_key.clone());
        let exchanges = session.wallet.paper_exchanges(&key);
        let paper = format!("{code}-{number}");
        let done = match exchanges.exchange(receipt_id, code, number).await {
            Ok(done) => done,
            Err(e) => {
                if answer_lost(&e) {
                    // The service may have recorded the exchange before its answer
                    // was lost: take it back. "Not found" means nothing was recorded.
                    let fate = match exchanges.undo(receipt_id).await {
                        Ok(()) => Some(PaperFate::TakenBack),
                        Err(WalletError::Service { status: 404, .. }) => None,
                        Err(_) => Some(PaperFate::ToVoid),
                    };
                    if fate == Some(PaperFate::ToVoid) {
                        stock.lock().expect("paper stock").used()?;
                    }
                    if let Some(fate) = fate {
                        self.log.record_paper(&paper, fate)?;
                    }
                }
                return Err(refusal(e));
            }
        };
        let printed = self.print_paper(&exchanges, receipt_id, &done.paper).await;
        let fate = match &printed {
            Ok(_) => PaperFate::Printed,
            Err(Printed::Refused(_)) => match exchanges.undo(receipt_id).await {
                Ok(()) => PaperFate::TakenBack,
                Err(_) => PaperFate::ToVoid,
            },
            Err(Printed::Unfinished(_)) => PaperFate::ToVoid,
        };
        if fate != PaperFate::TakenBack {
            stock.lock().expect("paper stock").used()?;
        }
        self.log.record_paper(&paper, fate)?;
        match printed {
            Ok(pages) => session.counts.pages_printed += pages,
            Err(_) => session.counts.printer_errors += 1,
        }
        session.last_touch = std::time::Instant::now();
        printed.map_err(Printed::into_error)?;
        Ok(PaperOutcome {
            paper_code: done.paper.code.to_string(),
            paper_number: done.paper.number.to_string(),
            printer: self.config.printer.clone(),
            left: stock.lock().expect("paper stock").left(),
        })
    }

    async fn print_paper(
        &self,
        exchanges: &piaojia_wallet::PaperExchanges<'_>,
        receipt_id: i64,
        paper: &ReceiptKey,
    ) -> std::result::Result<u32, Printed> {
        let document = exchanges
            .paper_face(receipt_id, paper)
            .await
            .map_err(|e| Printed::Refused(e.into()))?;
        let service = PrintService::default();
        let printer = &self.config.printer;
        // The job is named by the paper's number: the queue and the operator see
        // which paper a job holds.
        let title = format!("Piaojia paper {}-{}", paper.code, paper.number);
        let job = service
            .print_pdf(printer, &title, &document.bytes)
            .await
            .map_err(|e| Printed::Refused(e.into()))?;
        service
            .wait(printer, job, PAPER_PRINT_WAIT)
            .await
            .map_err(|e| Printed::Unfinished(e.into()))?;
        Ok(document.pages as u32)
    }
}

/// Why a paper did not print: before the printer took the job (nothing printed),
/// or after (something may have).
enum Printed {
    Refused(AppError),
    Unfinished(AppError),
}

impl Printed {
    fn into_error(self) -> AppError {
        match self {
            Printed::Refused(e) | Printed::Unfinished(e) => e,
        }
    }
}

/// Whether a failed call may have been carried out all the same: the service did
/// not answer, or its answer did not read.
fn answer_lost(error: &WalletError) -> bool {
    matches!(
        error,
        WalletError::ServiceUnavailable { .. } | WalletError::Protocol(_)
    )
}

/// The service's refusals of an exchange, in the kiosk's terms.
fn refusal(error: WalletError) -> AppError {
    match &error {
        WalletError::Service { code, .. } if code == "exchange.already_exchanged" => {
            AppError::AlreadyExchanged
        }
        // The stock's next number is one the service has seen used: the roll in the
        // printer and the kiosk's count disagree, which only the staff can settle.
        WalletError::Service { code, .. } if code == "exchange.paper_used" => {
            AppError::PaperNumberUsed
        }
        WalletError::Service {
            status: 409, code, ..
        } => AppError::NotExchangeable(code.clone()),
        _ => error.into(),
    }
}

impl OperatorLog {
    /// Writes what became of a paper number: numbers and fixed words only.
    pub fn record_paper(&self, paper: &str, fate: PaperFate) -> Result<()> {
        #[derive(Serialize)]
        struct PaperLine<'a> {
            at: String,
            paper: &'a str,
            fate: PaperFate,
        }
        self.append(&PaperLine {
            at: super::log_time(),
            paper,
            fate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path, first: &str, last: &str) -> PaperConfig {
        PaperConfig {
            kiosk_id: "menzhen-1".into(),
            kiosk_key: "pk_x".into(),
            issuer_name: "台州市中心医院".into(),
            code: "33010125".into(),
            first: first.into(),
            last: last.into(),
            state: Some(dir.join("stock")),
        }
    }

    #[test]
    fn the_stock_keeps_its_next_number_across_restarts_until_a_new_range_is_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = config(dir.path(), "0000100001", "0000100002");
        assert!(loaded.validate().is_ok());
        let mut stock = PaperStock::load(&loaded, dir.path());
        assert_eq!(stock.next().unwrap().1.as_str(), "0000100001");
        stock.used().unwrap();
        let mut restarted = PaperStock::load(&loaded, dir.path());
        assert_eq!(restarted.next().unwrap().1.as_str(), "0000100002");
        assert_eq!(restarted.left(), 1);
        restarted.used().unwrap();
        assert!(restarted.next().is_none(), "used up");
        assert_eq!(restarted.left(), 0);
        let reloaded = config(dir.path(), "0000200001", "0000200500");
        let fresh = PaperStock::load(&reloaded, dir.path());
        assert_eq!(fresh.next().unwrap().1.as_str(), "0000200001");
        assert_eq!(fresh.left(), 500);
    }

    #[test]
    fn a_stock_that_cannot_be_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for (first, last) in [
            ("0000100002", "0000100001"),
            ("100", "0000100001"),
            ("x", "y"),
        ] {
            assert!(
                config(dir.path(), first, last).validate().is_err(),
                "{first}..{last}"
            );
        }
        let loaded = config(dir.path(), "0000100001", "0000100009");
        assert!(
            !format!("{loaded:?}").contains("pk_"),
            "the key never prints"
        );
        let mut keyless = loaded;
        keyless.kiosk_key.clear();
        assert!(keyless.validate().is_err());
    }
}
