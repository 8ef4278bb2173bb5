//! What each command does: a thin layer over `piaojia_wallet`.

use crate::args::{Cli, Command, LoginArgs, SearchArgs, VerifyArgs};
use crate::exit;
use crate::output;
use anyhow::{anyhow, Context, Result};
use piaojia_receipt::{Category, Fen, ProvinceCode, SignedOriginal};
use piaojia_wallet::CheckRequest;
use piaojia_wallet::{
    AccountSpec, Backups, KeyAccess, OsKeyring, Query, SecretString, Sort, StatusFilter,
    SyncProgress, Wallet, WalletError, KEYRING_SERVICE,
};
use std::io::Write;
use std::sync::Arc;

pub async fn run(cli: Cli) -> Result<i32> {
    let json = cli.json;
    match cli.command {
        Command::Verify(args) if args.online => verify_online(&args, json).await,
        Command::Verify(args) if args.file.as_deref().is_some_and(is_zip_file) => {
            verify_sealed_file(&args, json)
        }
        Command::Restore { file } => restore(&cli.wallet, &file, cli.passphrase, json).await,
        Command::Rekey => {
            let wallet = open(&cli.wallet, cli.passphrase).await?;
            let wallet = rekey(wallet).await?;
            output::done("the wallet's key was replaced", json);
            wallet.close().await;
            Ok(exit::OK)
        }
        command => {
            let wallet = open(&cli.wallet, cli.passphrase).await?;
            let result = on_wallet(&wallet, command, json).await;
            // Closed on every path: connections left open when the process exits
            // race the crypto library's exit-time clean-up.
            wallet.close().await;
            result
        }
    }
}

async fn on_wallet(wallet: &Wallet, command: Command, json: bool) -> Result<i32> {
    Ok(match command {
        Command::Login(args) => login(wallet, &args, json).await?,
        Command::Logout { account } => logout(wallet, account, json).await?,
        Command::Sync { account } => sync(wallet, account, json).await?,
        Command::Search(args) => search(wallet, &args, json).await?,
        Command::Show { receipt } => show(wallet, &receipt, json).await?,
        Command::Verify(args) => verify_offline(wallet, &args, json).await?,
        Command::Status => {
            output::status(&wallet.status().await?, json);
            exit::OK
        }
        Command::Quarantine => {
            output::quarantine(&wallet.receipts().quarantined().await?, json);
            exit::OK
        }
        Command::Backup(args) => backup(wallet, &args, json).await?,
        Command::Log { limit } => {
            output::activity(&wallet.activity(limit).await?, json);
            exit::OK
        }
        Command::Stats { account } => {
            output::spending(&wallet.spending(account).await?, json);
            exit::OK
        }
        Command::Claim(command) => claim(wallet, command, json).await?,
        Command::Ask {
            receipt,
            reason,
            text,
        } => {
            let id = resolve(wallet, &receipt).await?;
            output::consultation(&wallet.consultations().ask(id, reason, &text).await?, json);
            exit::OK
        }
        Command::Consult(command) => consult(wallet, command, json).await?,
        Command::Printers => {
            output::printers(
                &piaojia_render::PrintService::default().printers().await?,
                json,
            );
            exit::OK
        }
        Command::Print {
            receipts,
            printer,
            pdf,
            sheet,
        } => print(wallet, &receipts, printer, pdf, sheet, json).await?,
        Command::Export(args) => export(wallet, &args, json).await?,
        Command::Import(args) => crate::import::import(wallet, &args, json).await?,
        Command::SealRoots(command) => crate::import::seal_roots(wallet, command, json).await?,
        Command::Restore { .. } | Command::Rekey => unreachable!("handled before opening"),
    })
}

fn passphrase_access() -> Result<KeyAccess> {
    let text = std::env::var("PIAOJIA_PASSPHRASE").map_err(|_| WalletError::PassphraseRequired)?;
    Ok(KeyAccess::Passphrase(SecretString::new(text)))
}

fn keyring_access() -> Result<KeyAccess> {
    let keyring = OsKeyring::new(KEYRING_SERVICE);
    keyring.probe().context(
        "no OS keyring: set PIAOJIA_PASSPHRASE and pass --passphrase to use a passphrase",
    )?;
    Ok(KeyAccess::Keyring(Arc::new(keyring)))
}

async fn open(dir: &std::path::Path, passphrase: bool) -> Result<Wallet> {
    let access = if passphrase || Wallet::uses_passphrase(dir)? {
        passphrase_access()?
    } else {
        keyring_access()?
    };
    Ok(Wallet::open(dir, access).await?)
}

async fn backup(wallet: &Wallet, args: &crate::args::BackupArgs, json: bool) -> Result<i32> {
    if !wallet.backups().has_key().await? || args.new_recovery_key {
        let recovery = wallet.backups().set_up().await?;
        output::recovery_key(recovery.expose(), json);
    }
    if args.auto_off {
        wallet.backups().set_auto(None).await?;
        output::done("automatic backups are off", json);
        return Ok(exit::OK);
    }
    if let Some(folder) = &args.auto {
        wallet
            .backups()
            .set_auto(Some(piaojia_wallet::AutoBackup {
                folder: folder.clone(),
                keep: args.keep,
            }))
            .await?;
    }
    let report = match &args.to {
        Some(file) if !file.is_dir() => wallet.backups().write_to(file).await?,
        Some(folder) => wallet.backups().into_folder(folder, args.keep).await?,
        None => {
            let folder = args
                .auto
                .clone()
                .unwrap_or_else(|| wallet.dir().join("backups"));
            wallet.backups().into_folder(&folder, args.keep).await?
        }
    };
    output::backup(&report, json);
    Ok(exit::OK)
}

async fn restore(
    dir: &std::path::Path,
    file: &std::path::Path,
    passphrase: bool,
    json: bool,
) -> Result<i32> {
    let text = match std::env::var("PIAOJIA_RECOVERY_KEY") {
        Ok(text) => text,
        Err(_) => {
            eprint!("Recovery key: ");
            std::io::stderr().flush().ok();
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line
        }
    };
    let recovery = piaojia_wallet::RecoveryKey::parse(&text)?;
    let access = if passphrase {
        passphrase_access()?
    } else {
        keyring_access()?
    };
    let receipts = Backups::restore(dir, file, &recovery, access).await?;
    output::done(
        &format!("restored {receipts} receipts into {}", dir.display()),
        json,
    );
    Ok(exit::OK)
}

async fn claim(wallet: &Wallet, command: crate::args::ClaimCommand, json: bool) -> Result<i32> {
    use crate::args::ClaimCommand;
    match command {
        ClaimCommand::New {
            account,
            to,
            purpose,
            payee,
            amount,
        } => {
            let amount = yuan(&Some(amount))?.expect("given");
            let draft = piaojia_wallet::ClaimDraft {
                account_id: account,
                relying_party: to,
                purpose,
                payee_account: payee,
                amount_requested: Fen(amount),
            };
            let id = wallet.claims().create(&draft).await?;
            output::claim(&wallet.claims().get(id).await?, json);
        }
        ClaimCommand::Add { claim, receipts } => {
            for name in &receipts {
                let id = resolve(wallet, name).await?;
                wallet.claims().add(claim, id).await?;
            }
            output::claim(&wallet.claims().get(claim).await?, json);
        }
        ClaimCommand::Remove { claim, receipt } => {
            let id = resolve(wallet, &receipt).await?;
            wallet.claims().remove(claim, id).await?;
            output::claim(&wallet.claims().get(claim).await?, json);
        }
        ClaimCommand::Submit { claim } => {
            output::claim(&wallet.claims().submit(claim).await?, json)
        }
        ClaimCommand::Withdraw { claim } => {
            output::claim(&wallet.claims().withdraw(claim).await?, json)
        }
        ClaimCommand::Status { claim: Some(id) } => {
            output::claim(&wallet.claims().get(id).await?, json)
        }
        ClaimCommand::Status { claim: None } => {
            output::claims(&wallet.claims().list().await?, json)
        }
        ClaimCommand::Package { claim, to } => {
            output::export(&wallet.exports().claim_package(claim, &to).await?, json)
        }
        ClaimCommand::Parties { account } => {
            output::parties(&wallet.claims().relying_parties(account).await?, json)
        }
    }
    Ok(exit::OK)
}

async fn consult(wallet: &Wallet, command: crate::args::ConsultCommand, json: bool) -> Result<i32> {
    use crate::args::ConsultCommand;
    let threads = wallet.consultations();
    match command {
        ConsultCommand::List { receipt } => {
            let receipt = match receipt {
                Some(name) => Some(resolve(wallet, &name).await?),
                None => None,
            };
            output::consultations(&threads.list(receipt).await?, json)
        }
        ConsultCommand::Show { id } => {
            let shown = threads.get(id).await?;
            threads.mark_read(id).await?;
            output::consultation(&shown, json)
        }
        ConsultCommand::Write { id, text } => {
            output::consultation(&threads.write(id, &text).await?, json)
        }
        ConsultCommand::Close { id } => output::consultation(&threads.close(id).await?, json),
    }
    Ok(exit::OK)
}

async fn rekey(wallet: Wallet) -> Result<Wallet> {
    if wallet.key_mode() == piaojia_wallet::KeyMode::Passphrase {
        let current =
            std::env::var("PIAOJIA_PASSPHRASE").map_err(|_| WalletError::PassphraseRequired)?;
        let new = std::env::var("PIAOJIA_NEW_PASSPHRASE").map_err(|_| {
            WalletError::Invalid("set PIAOJIA_NEW_PASSPHRASE to the new passphrase".into())
        })?;
        return Ok(wallet
            .change_passphrase(&SecretString::new(current), SecretString::new(new))
            .await?);
    }
    Ok(wallet.rekey().await?)
}

async fn login(wallet: &Wallet, args: &LoginArgs, json: bool) -> Result<i32> {
    let spec = AccountSpec {
        province: ProvinceCode::new(args.province.clone())?,
        service_url: args.service.clone(),
        root_key: match &args.root_key {
            Some(key) => key.clone(),
            None => crate::args::demo_root_key(&args.service, &args.province)
                .ok_or_else(|| {
                    anyhow!(WalletError::Invalid(format!(
                        "give --root-key for {}: the province's root key, as the province publishes it. \
                         Only the local demo (scripts/run.sh) is known without it",
                        args.service
                    )))
                })?
                .to_string(),
        },
        id_number: args.id.clone(),
    };
    let code = match &args.code {
        Some(code) => code.clone(),
        None => {
            wallet
                .request_sms(&spec.service_url, &spec.id_number)
                .await?;
            eprint!("SMS code: ");
            std::io::stderr().flush().ok();
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            line.trim().to_string()
        }
    };
    let account = if args.replace_root {
        wallet.login_replacing_root(&spec, &code).await?
    } else {
        wallet.login(&spec, &code).await?
    };
    output::account(&account, json);
    Ok(exit::OK)
}

async fn sync(wallet: &Wallet, only: Option<i64>, json: bool) -> Result<i32> {
    let mut bar = output::ProgressBar::new(!json);
    let mut current = None;
    let outcomes = wallet
        .sync_each(only, &mut |account, p: SyncProgress| {
            if current.replace(account).is_some_and(|was| was != account) {
                bar.finish();
                bar = output::ProgressBar::new(!json);
            }
            bar.update(p)
        })
        .await?;
    bar.finish();
    if outcomes.is_empty() {
        return Err(match only {
            Some(_) => anyhow!(WalletError::NotFound("account")),
            None => anyhow!(WalletError::NotLoggedIn {
                province: "any province".into()
            }),
        });
    }
    output::sync_reports(&outcomes, json);
    // Each account was tried; the exit status is that of the first that failed.
    Ok(outcomes
        .iter()
        .find_map(|o| o.outcome.as_ref().err())
        .map_or(exit::OK, exit::code_for_wallet))
}

async fn logout(wallet: &Wallet, only: Option<i64>, json: bool) -> Result<i32> {
    let mut done = Vec::new();
    for account in wallet.accounts().await? {
        if only.is_none_or(|id| id == account.id) {
            wallet.logout(account.id).await?;
            done.push(account);
        }
    }
    if done.is_empty() && only.is_some() {
        return Err(anyhow!(WalletError::NotFound("account")));
    }
    output::logged_out(&done, json);
    Ok(exit::OK)
}

fn yuan(text: &Option<String>) -> Result<Option<i64>> {
    text.as_deref()
        .map(|t| {
            Fen::parse_yuan(t).map(|f| f.0).ok_or_else(|| {
                anyhow!(WalletError::Invalid(format!(
                    "{t:?} is not an amount in yuan"
                )))
            })
        })
        .transpose()
}

async fn search(wallet: &Wallet, args: &SearchArgs, json: bool) -> Result<i32> {
    let invalid = |what: &str| anyhow!(WalletError::Invalid(what.to_string()));
    let query = Query {
        text: args.text.join(" "),
        from: args.from,
        to: args.to,
        min_fen: yuan(&args.min)?,
        max_fen: yuan(&args.max)?,
        category: args
            .category
            .as_deref()
            .map(|c| Category::parse(c).ok_or_else(|| invalid("unknown category")))
            .transpose()?,
        issuer_code: args.issuer.clone(),
        status: args
            .status
            .as_deref()
            .map(|s| StatusFilter::parse(s).ok_or_else(|| invalid("unknown status")))
            .transpose()?,
        account_id: None,
        sort: match args.sort.as_str() {
            "date-desc" => Sort::DateDesc,
            "date-asc" => Sort::DateAsc,
            "amount-desc" => Sort::AmountDesc,
            "amount-asc" => Sort::AmountAsc,
            _ => {
                return Err(invalid(
                    "sort is date-desc, date-asc, amount-desc or amount-asc",
                ))
            }
        },
        limit: args.limit,
        offset: args.offset,
    };
    output::search(&wallet.search(&query).await?, json);
    Ok(exit::OK)
}

/// A receipt named by its id or as CODE-NUMBER.
pub(crate) async fn resolve(wallet: &Wallet, name: &str) -> Result<i64> {
    // A 数电 number stands alone: 20 digits, no code.
    if name.len() == 20 && name.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(wallet.receipts().find("", name).await?);
    }
    if let Some((code, number)) = name.split_once('-') {
        return Ok(wallet.receipts().find(code, number).await?);
    }
    name.parse::<i64>().map_err(|_| {
        anyhow!(WalletError::Invalid(
            "name a receipt by id or CODE-NUMBER".into()
        ))
    })
}

async fn show(wallet: &Wallet, name: &str, json: bool) -> Result<i32> {
    let id = resolve(wallet, name).await?;
    match wallet.imports().detail(id).await? {
        Some(imported) => output::imported_detail(&imported, json),
        None => output::detail(
            &wallet.receipts().get(id).await?,
            &wallet.receipts().verdict(id).await?,
            json,
        ),
    }
    Ok(exit::OK)
}

async fn verify_offline(wallet: &Wallet, args: &VerifyArgs, json: bool) -> Result<i32> {
    if let Some(payload) = qr_text(args)? {
        return verify_qr(wallet, &payload, args, json).await;
    }
    let result = if let Some(name) = &args.receipt {
        let id = resolve(wallet, name).await?;
        wallet.receipts().reverify(id).await
    } else if let Some(path) = &args.file {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        match SignedOriginal::from_json(&bytes) {
            Ok(original) => wallet.receipts().verify_original(&original).await,
            Err(e) => Err(WalletError::Receipt(e)),
        }
    } else {
        return Err(anyhow!(WalletError::Invalid(
            "give --receipt, --file, or --online with the elements".into()
        )));
    };
    match result {
        Ok(verified) => {
            output::verified(&verified.receipt, json);
            Ok(exit::OK)
        }
        Err(WalletError::Receipt(error)) => {
            output::rejected(&error, json);
            Ok(exit::INVALID_RECEIPT)
        }
        Err(other) => Err(other.into()),
    }
}

/// OFD files are ZIP packages; signed originals are JSON.
fn is_zip_file(path: &std::path::Path) -> bool {
    let mut magic = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && &magic == b"PK"
}

/// The seals of an OFD file, in levels; no wallet needed.
fn verify_sealed_file(args: &VerifyArgs, json: bool) -> Result<i32> {
    let path = args.file.as_ref().expect("the guard checked --file");
    let read = |p: &std::path::PathBuf| {
        std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
    };
    let mut roots = Vec::new();
    for file in &args.trust {
        roots.extend(
            piaojia_ofd::certificates_in(&read(file)?)
                .map_err(|e| anyhow!(WalletError::Invalid(format!("{}: {e}", file.display()))))?,
        );
    }
    let bytes = read(path)?;
    let verification = piaojia_ofd::Package::read(&bytes).and_then(|package| {
        let report = piaojia_ofd::verify(&package, &piaojia_ofd::TrustStore::new(roots))?;
        Ok((report, piaojia_ofd::invoice_elements(&package)))
    });
    match verification {
        Ok((report, elements)) => {
            output::seal_report(&report, elements.as_ref(), json);
            let failed = report.signatures.is_empty()
                || report.signatures.iter().any(|s| {
                    [&s.integrity, &s.signature, &s.seal, &s.trust]
                        .iter()
                        .any(|l| matches!(l, piaojia_ofd::Level::Failed(_)))
                });
            Ok(if failed {
                exit::INVALID_RECEIPT
            } else {
                exit::OK
            })
        }
        Err(error) => {
            output::unreadable_file(&error, json);
            Ok(exit::INVALID_RECEIPT)
        }
    }
}

async fn verify_online(args: &VerifyArgs, json: bool) -> Result<i32> {
    // clap requires these with --online.
    let given = |value: &Option<String>, flag: &str| {
        value
            .clone()
            .ok_or_else(|| WalletError::Invalid(format!("--online needs {flag}")))
    };
    let elements = CheckRequest {
        code: given(&args.code, "--code")?,
        number: given(&args.number, "--number")?,
        check_code: given(&args.check_code, "--check-code")?,
        total: yuan(&args.total)?,
        issued_on: args.date,
    };
    // clap requires --service with --online: no service is assumed, since whatever
    // answers on a default address could say "valid".
    let service = args.service.as_deref().ok_or_else(|| {
        WalletError::Invalid("--online needs --service URL: the service to ask".into())
    })?;
    check_online(service, &elements, json).await
}

/// 查验 at `service`; a receipt the service does not know exits with INVALID_RECEIPT.
async fn check_online(service: &str, elements: &CheckRequest, json: bool) -> Result<i32> {
    let client =
        piaojia_wallet::ServiceClient::new(service, piaojia_wallet::RetryPolicy::default())?;
    let result = client.check(elements).await?;
    output::checked(&result, json);
    Ok(if result.status == piaojia_wallet::CheckStatus::NotFound {
        exit::INVALID_RECEIPT
    } else {
        exit::OK
    })
}

async fn print(
    wallet: &Wallet,
    names: &[String],
    printer: Option<String>,
    pdf: Option<std::path::PathBuf>,
    sheet: Option<u32>,
    json: bool,
) -> Result<i32> {
    let mut ids = Vec::new();
    for name in names {
        ids.push(resolve(wallet, name).await?);
    }
    // Original files print as they are (an OFD drawn); synced receipts in the
    // official layout, several to a document; or all of them on sheets.
    let documents = match sheet {
        Some(count) => vec![
            wallet
                .reimbursement()
                .sheets(
                    &piaojia_wallet::Selection::Ids(ids.clone()),
                    per_sheet(count)?,
                )
                .await?,
        ],
        None => wallet.printing().documents(&ids).await?,
    };
    match (printer, pdf) {
        (_, Some(path)) => {
            let mut written = Vec::new();
            for (n, document) in documents.iter().enumerate() {
                let target = numbered(&path, n);
                std::fs::write(&target, &document.bytes)
                    .with_context(|| format!("cannot write {}", target.display()))?;
                written.push(target.display().to_string());
            }
            output::done(
                &format!("{} receipt(s) written to {}", ids.len(), written.join(", ")),
                json,
            );
        }
        (Some(name), None) => {
            let service = piaojia_render::PrintService::default();
            let mut jobs = Vec::new();
            for document in &documents {
                let job = service.print_pdf(&name, "piaojia", &document.bytes).await?;
                service
                    .wait(&name, job, std::time::Duration::from_secs(120))
                    .await?;
                wallet
                    .printing()
                    .mark_printed(&document.receipt_ids)
                    .await?;
                jobs.push(job.0.to_string());
            }
            output::done(
                &format!(
                    "{} receipt(s) printed on {name} (job {})",
                    ids.len(),
                    jobs.join(", ")
                ),
                json,
            );
        }
        (None, None) => {
            return Err(anyhow!(WalletError::Invalid(
                "give --printer NAME or --pdf FILE".into()
            )))
        }
    }
    Ok(exit::OK)
}

/// Writes a whole file or nothing: into a partial file first, renamed when complete.
fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)
        .and_then(|_| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `r.pdf`, then `r-2.pdf`, `r-3.pdf` for the documents after the first.
fn numbered(path: &std::path::Path, n: usize) -> std::path::PathBuf {
    if n == 0 {
        return path.to_path_buf();
    }
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let extension = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}-{}{extension}", n + 1))
}

fn per_sheet(count: u32) -> Result<piaojia_render::PerSheet> {
    piaojia_render::PerSheet::from_count(count)
        .ok_or_else(|| anyhow!(WalletError::Invalid("--sheet takes 2 or 4".into())))
}

async fn export(wallet: &Wallet, args: &crate::args::ExportArgs, json: bool) -> Result<i32> {
    if args.original {
        let [name] = args.receipts.as_slice() else {
            return Err(anyhow!(WalletError::Invalid(
                "--original exports one receipt".into()
            )));
        };
        let path = wallet
            .exports()
            .original(resolve(wallet, name).await?, &args.to)
            .await?;
        output::done(
            &format!("signed original written to {}", path.display()),
            json,
        );
        return Ok(exit::OK);
    }
    let selection = if let Some(year) = args.year {
        piaojia_wallet::Selection::Year(year)
    } else if let Some(text) = &args.search {
        piaojia_wallet::Selection::Search(Query {
            text: text.clone(),
            ..Query::default()
        })
    } else if let Some(claim) = args.claim {
        piaojia_wallet::Selection::Claim(claim)
    } else {
        let mut ids = Vec::new();
        for name in &args.receipts {
            ids.push(resolve(wallet, name).await?);
        }
        piaojia_wallet::Selection::Ids(ids)
    };
    if let Some(count) = args.sheet {
        let sheets = wallet
            .reimbursement()
            .sheets(&selection, per_sheet(count)?)
            .await?;
        write_file(&args.to, &sheets.bytes)?;
        output::done(
            &format!(
                "{} receipt(s) on {} sheet(s) written to {}",
                sheets.receipt_ids.len(),
                sheets.pages,
                args.to.display()
            ),
            json,
        );
        return Ok(exit::OK);
    }
    if args.summary {
        let format = piaojia_wallet::SummaryFormat::of_path(&args.to).ok_or_else(|| {
            anyhow!(WalletError::Invalid(
                "--summary writes a .pdf, .csv or .xlsx file: name --to so".into()
            ))
        })?;
        write_file(
            &args.to,
            &wallet
                .reimbursement()
                .summary_table(&selection, format)
                .await?,
        )?;
        output::done(&format!("汇总表 written to {}", args.to.display()), json);
        return Ok(exit::OK);
    }
    if args.pdf {
        let written = wallet.printing().pdfs(&selection, &args.to).await?;
        output::done(
            &format!("{} PDF(s) written to {}", written.len(), args.to.display()),
            json,
        );
        return Ok(exit::OK);
    }
    output::export(
        &wallet
            .exports()
            .zip(&selection, &args.to, args.archive)
            .await?,
        json,
    );
    Ok(exit::OK)
}

/// The QR text given directly or read from a picture.
fn qr_text(args: &VerifyArgs) -> Result<Option<String>> {
    if let Some(text) = &args.qr {
        return Ok(Some(text.clone()));
    }
    let Some(path) = &args.qr_image else {
        return Ok(None);
    };
    let image = image::open(path)
        .with_context(|| format!("cannot read the picture {}", path.display()))?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            return Ok(Some(text));
        }
    }
    Err(anyhow!(WalletError::Invalid(
        "no readable QR code in the picture".into()
    )))
}

/// Checks the elements of a QR code: offline when the wallet holds the receipt,
/// otherwise online (查验) at the province's service.
async fn verify_qr(wallet: &Wallet, payload: &str, args: &VerifyArgs, json: bool) -> Result<i32> {
    let parts: Vec<&str> = payload.trim().split('|').collect();
    let [tag, province, code, number, check_code, date, fen] = parts.as_slice() else {
        return Err(anyhow!(WalletError::Invalid(
            "not a Piaojia receipt QR code".into()
        )));
    };
    if *tag != "PJ1" {
        return Err(anyhow!(WalletError::Invalid(
            "not a Piaojia receipt QR code".into()
        )));
    }
    if let Ok(id) = wallet.receipts().find(code, number).await {
        return match wallet.receipts().reverify(id).await {
            Ok(verified)
                if verified.receipt.check_code.as_str() == *check_code
                    && verified.receipt.total.0.to_string() == *fen =>
            {
                output::verified(&verified.receipt, json);
                Ok(exit::OK)
            }
            Ok(_) => {
                output::rejected(
                    &piaojia_receipt::Error::Malformed(
                        "the QR code does not match the stored receipt".into(),
                    ),
                    json,
                );
                Ok(exit::INVALID_RECEIPT)
            }
            Err(WalletError::Receipt(e)) => {
                output::rejected(&e, json);
                Ok(exit::INVALID_RECEIPT)
            }
            Err(e) => Err(e.into()),
        };
    }
    let service = match &args.service {
        Some(url) => url.clone(),
        // The service of the wallet's own account there; never a default address.
        None => wallet.service_for(province).await?.ok_or_else(|| {
            WalletError::Invalid(format!(
                "no account of province {province} in this wallet to ask: give --service URL"
            ))
        })?,
    };
    let elements = CheckRequest {
        code: code.to_string(),
        number: number.to_string(),
        check_code: check_code.to_string(),
        total: fen.parse::<i64>().ok(),
        issued_on: chrono::NaiveDate::parse_from_str(date, "%Y%m%d").ok(),
    };
    check_online(&service, &elements, json).await
}
