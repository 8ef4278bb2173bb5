//! Command-line arguments.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The demo service's province root keys (seed 20261127): pinned without
/// `--root-key` only for the demo `scripts/run.sh` starts on this machine
/// (Zhejiang on :8640, Shanghai on :8641). Their private keys are public; any other
/// service must be given its root.
pub fn demo_root_key(service: &str, province: &str) -> Option<&'static str> {
    match (service.trim_end_matches('/'), province) {
        ("http://127.0.0.1:8640", "330000") => Some("9JxCJX/24k37siC5qro3CzffnYsA0vMuTWJiJCTUXQU="),
        ("http://127.0.0.1:8641", "310000") => Some("NrGyRQwoCMEqHfvlou29mWcENdAWAL41l9oWfVaVSX8="),
        _ => None,
    }
}

#[derive(Parser)]
#[command(
    name = "piaojia",
    version,
    about = "票夹: your fiscal e-receipts, verified and encrypted"
)]
pub struct Cli {
    /// The wallet folder.
    #[arg(long, env = "PIAOJIA_WALLET", global = true, default_value_os_t = default_wallet_dir())]
    pub wallet: PathBuf,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// Use a passphrase instead of the OS keyring (read from PIAOJIA_PASSPHRASE).
    #[arg(long, global = true)]
    pub passphrase: bool,
    #[command(subcommand)]
    pub command: Command,
}

fn default_wallet_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/piaojia")
}

#[derive(Subcommand)]
pub enum Command {
    /// Log in to a provincial service with your ID number and an SMS code.
    Login(LoginArgs),
    /// Forget the login of every account (or one): its refresh token is wiped, its
    /// receipts stay.
    Logout {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Pull new receipts and changes from every account (or one).
    Sync {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Search receipts.
    Search(SearchArgs),
    /// Show one receipt: by id, or as CODE-NUMBER.
    Show { receipt: String },
    /// Verify a stored receipt, a signed-original file, or the elements online (查验).
    Verify(VerifyArgs),
    /// Key mode, accounts, counts, last sync, quarantine.
    Status,
    /// Receipts that failed verification, with the reason.
    Quarantine,
    /// Write an encrypted backup. The first one shows a recovery key, once.
    Backup(BackupArgs),
    /// Restore a backup into the wallet folder (the recovery key is read from
    /// PIAOJIA_RECOVERY_KEY or standard input). An existing wallet is kept aside.
    Restore { file: PathBuf },
    /// Replace the wallet's key (keyring), or change its passphrase (--passphrase,
    /// with the new one in PIAOJIA_NEW_PASSPHRASE).
    Rekey,
    /// The activity log (counts only), newest first.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Spending per year, month, category and issuer; insurance vs self-paid.
    Stats {
        #[arg(long)]
        account: Option<i64>,
    },
    /// Printers and their state (ready, printing, paper_out, offline, stopped).
    Printers,
    /// Print receipts on a printer, or to a PDF file.
    Print {
        /// Receipts: ids or CODE-NUMBER.
        #[arg(required = true)]
        receipts: Vec<String>,
        /// The printer (see `printers`).
        #[arg(long, conflicts_with = "pdf")]
        printer: Option<String>,
        /// Write a PDF file instead of printing.
        #[arg(long)]
        pdf: Option<PathBuf>,
        /// Reimbursement sheets (粘贴单): 2 or 4 receipts to an A4 sheet, with cut lines.
        #[arg(long, value_name = "2|4")]
        sheet: Option<u32>,
    },
    /// Export receipts as a ZIP (PDFs, signed originals, manifest), or one signed original.
    Export(ExportArgs),
    /// Import receipt files you hold (OFD, PDF, XML, pictures of a QR code); folders
    /// are read recursively. Files are never moved or changed.
    Import(ImportArgs),
    /// The e-seal roots you trust: add them from a certificate file, or list them.
    #[command(subcommand)]
    SealRoots(SealRootsCommand),
    /// Reimbursement claims: new, add, submit, status, withdraw, parties.
    #[command(subcommand)]
    Claim(ClaimCommand),
    /// 我要咨询: ask a receipt's issuer about it (the answer arrives with a sync;
    /// see `consult`).
    Ask {
        /// The receipt: id or CODE-NUMBER.
        receipt: String,
        /// Why you ask.
        #[arg(long, value_parser = parse_reason,
              value_name = "amount_wrong|not_mine|charged_twice|name_wrong|other")]
        reason: piaojia_wallet::ConsultReason,
        /// Your question or complaint, 1 to 1000 characters.
        text: String,
    },
    /// 我要咨询 threads: list, show, write again, close.
    #[command(subcommand)]
    Consult(ConsultCommand),
}

fn parse_reason(text: &str) -> Result<piaojia_wallet::ConsultReason, String> {
    piaojia_wallet::ConsultReason::parse(text).ok_or_else(|| {
        let names: Vec<&str> = piaojia_wallet::ConsultReason::ALL
            .iter()
            .map(|r| r.as_str())
            .collect();
        format!("one of {}", names.join(", "))
    })
}

#[derive(Subcommand)]
pub enum ConsultCommand {
    /// Every thread (or those about one receipt), the latest change first.
    List {
        #[arg(long)]
        receipt: Option<String>,
    },
    /// One thread with its messages (marks its answers read).
    Show { id: i64 },
    /// Write again in a thread.
    Write { id: i64, text: String },
    /// Close a thread: the question is settled.
    Close { id: i64 },
}

#[derive(Args)]
pub struct ImportArgs {
    /// Files and folders to import.
    #[arg(required = true)]
    pub paths: Vec<std::path::PathBuf>,
    /// Also trust the roots in these certificate files (DER or PEM) for this import.
    #[arg(long)]
    pub trust: Vec<std::path::PathBuf>,
}

#[derive(Subcommand)]
pub enum SealRootsCommand {
    /// Trust the certificates of a file (DER or PEM) as e-seal roots from now on.
    Add { file: std::path::PathBuf },
    /// The roots you trust.
    List,
}

#[derive(Subcommand)]
pub enum ClaimCommand {
    /// Start a draft; prints its id.
    New {
        /// The account (see `status`) whose receipts the claim holds.
        #[arg(long)]
        account: i64,
        /// The relying party's code (see `claim parties`).
        #[arg(long)]
        to: String,
        #[arg(long)]
        purpose: String,
        /// The bank account to pay.
        #[arg(long)]
        payee: String,
        /// The amount to claim, in yuan.
        #[arg(long)]
        amount: String,
    },
    /// Put receipts (ids or CODE-NUMBER) into a draft.
    Add { claim: i64, receipts: Vec<String> },
    /// Take a receipt out of a draft.
    Remove { claim: i64, receipt: String },
    /// Submit a draft (queued while offline; sent again by every sync).
    Submit { claim: i64 },
    /// One claim, or all.
    Status { claim: Option<i64> },
    /// Withdraw a claim before review.
    Withdraw { claim: i64 },
    /// A ZIP for a relying party that is not connected: summary PDF, receipts, originals.
    Package {
        claim: i64,
        #[arg(long)]
        to: PathBuf,
    },
    /// The relying parties of an account's service.
    Parties {
        #[arg(long)]
        account: i64,
    },
}

#[derive(Args)]
pub struct BackupArgs {
    /// The backup file to write; a folder gets a dated file name.
    #[arg(long)]
    pub to: Option<PathBuf>,
    /// Make a new recovery key (older backups keep needing the old one).
    #[arg(long)]
    pub new_recovery_key: bool,
    /// Back up into this folder after each sync that brings something new.
    #[arg(long, conflicts_with = "to")]
    pub auto: Option<PathBuf>,
    /// With --auto or a folder: how many backups to keep.
    #[arg(long, default_value_t = 10)]
    pub keep: u32,
    /// Turn automatic backups off.
    #[arg(long, conflicts_with_all = ["auto", "to"])]
    pub auto_off: bool,
}

#[derive(Args)]
pub struct LoginArgs {
    /// The provincial service.
    #[arg(long, default_value = "http://127.0.0.1:8640")]
    pub service: String,
    /// Province code (330000 Zhejiang, 310000 Shanghai).
    #[arg(long, default_value = "330000")]
    pub province: String,
    /// The province's root public key (base64) to pin. Needed for every service but
    /// the local demo of `scripts/run.sh`.
    #[arg(long)]
    pub root_key: Option<String>,
    /// Pin a root other than the one this account has: only when the province has
    /// announced a new root key.
    #[arg(long)]
    pub replace_root: bool,
    /// Your ID number (身份证号).
    #[arg(long)]
    pub id: String,
    /// The SMS code; without it one is requested and read from standard input.
    #[arg(long)]
    pub code: Option<String>,
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words to find (issuer, payer, items, remarks); all must match.
    pub text: Vec<String>,
    /// From this date (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<chrono::NaiveDate>,
    /// Up to and including this date.
    #[arg(long)]
    pub to: Option<chrono::NaiveDate>,
    /// At least this many yuan (e.g. 12.50).
    #[arg(long)]
    pub min: Option<String>,
    /// At most this many yuan.
    #[arg(long)]
    pub max: Option<String>,
    /// medical_outpatient, medical_inpatient, education, donation, administrative_fee, other.
    #[arg(long)]
    pub category: Option<String>,
    /// Issuer code.
    #[arg(long)]
    pub issuer: Option<String>,
    /// valid, reversed, exchanged, claimed, unclaimed.
    #[arg(long)]
    pub status: Option<String>,
    /// date-desc (default), date-asc, amount-desc, amount-asc.
    #[arg(long, default_value = "date-desc")]
    pub sort: String,
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// A stored receipt: id or CODE-NUMBER.
    #[arg(long, conflicts_with_all = ["file", "online"])]
    pub receipt: Option<String>,
    /// A file: a signed original (JSON envelope), or an OFD file whose seals are
    /// verified in levels.
    #[arg(long, conflicts_with = "online")]
    pub file: Option<PathBuf>,
    /// A root certificate (DER or PEM) to trust for seals, for this check.
    #[arg(long = "trust", value_name = "CERT_FILE", requires = "file")]
    pub trust: Vec<PathBuf>,
    /// Ask the service (查验) with the elements below.
    #[arg(long, requires_all = ["code", "number", "check_code", "service"])]
    pub online: bool,
    /// The text of a receipt's QR code (PJ1|province|code|number|check code|date|fen).
    #[arg(long, conflicts_with_all = ["receipt", "file", "online", "qr_image"])]
    pub qr: Option<String>,
    /// A picture (PNG or JPEG) of a printed receipt; its QR code is read.
    #[arg(long, conflicts_with_all = ["receipt", "file", "online"])]
    pub qr_image: Option<PathBuf>,
    /// The service to ask online (with --qr, default: the wallet's account of that
    /// province; never an address assumed).
    #[arg(long)]
    pub service: Option<String>,
    #[arg(long)]
    pub code: Option<String>,
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub check_code: Option<String>,
    /// The total in yuan, checked when given.
    #[arg(long)]
    pub total: Option<String>,
    /// The issue date, checked when given.
    #[arg(long)]
    pub date: Option<chrono::NaiveDate>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Receipts by id or CODE-NUMBER (or use --year, --search, --claim).
    pub receipts: Vec<String>,
    #[arg(long)]
    pub year: Option<i32>,
    /// Receipts matching these words.
    #[arg(long)]
    pub search: Option<String>,
    #[arg(long)]
    pub claim: Option<i64>,
    /// Also mark them as booked and archived (入账/归档).
    #[arg(long)]
    pub archive: bool,
    /// Export one receipt's signed original into the folder given by --to.
    #[arg(long, conflicts_with = "pdf")]
    pub original: bool,
    /// Write each receipt as a PDF into the folder given by --to: its OFD original
    /// drawn, its PDF original as it is, else the official layout.
    #[arg(long, conflicts_with = "archive")]
    pub pdf: bool,
    /// Reimbursement sheets (粘贴单) as one PDF file (--to): 2 or 4 receipts to an A4
    /// sheet, each as it prints alone, with cut lines between them.
    #[arg(long, value_name = "2|4", conflicts_with_all = ["archive", "original", "pdf"])]
    pub sheet: Option<u32>,
    /// The 汇总表 (date, issuer, number, amount; the total in figures and in words)
    /// as the file given by --to: .pdf, .csv or .xlsx.
    #[arg(long, conflicts_with_all = ["archive", "original", "pdf", "sheet"])]
    pub summary: bool,
    /// The ZIP file (or, with --original or --pdf, the folder; with --sheet or
    /// --summary, the file).
    #[arg(long)]
    pub to: PathBuf,
}
