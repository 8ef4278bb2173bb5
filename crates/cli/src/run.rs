//! What each command does: a thin layer over `piaojia_wallet`.

use crate::args::{Cli, Command, LoginArgs, SearchArgs, VerifyArgs};
use crate::exit;
use crate::output;
use anyhow::{anyhow, Context, Result};
use piaojia_receipt::{Category, Fen, ProvinceCode, SignedOriginal};
use piaojia_wallet::{
    AccountSpec, KeyAccess, OsKeyring, Query, SecretString, Sort, StatusFilter, SyncProgress,
    Wallet, WalletError, KEYRING_SERVICE,
};
use std::io::Write;
use std::sync::Arc;

pub async fn run(cli: Cli) -> Result<i32> {
    let json = cli.json;
    match cli.command {
        Command::Verify(args) if args.online => verify_online(&args, json).await,
        Command::Restore { file } => restore(&cli.wallet, &file, cli.passphrase, json).await,
        command => {
            let wallet = open(&cli.wallet, cli.passphrase).await?;
            let code = match command {
                Command::Login(args) => login(&wallet, &args, json).await?,
                Command::Sync { account } => sync(&wallet, account, json).await?,
                Command::Search(args) => search(&wallet, &args, json).await?,
                Command::Show { receipt } => show(&wallet, &receipt, json).await?,
                Command::Verify(args) => verify_offline(&wallet, &args, json).await?,
                Command::Status => {
                    output::status(&wallet.status().await?, json);
                    exit::OK
                }
                Command::Quarantine => {
                    output::quarantine(&wallet.quarantine().await?, json);
                    exit::OK
                }
                Command::Backup(args) => backup(&wallet, &args, json).await?,
                Command::Rekey => {
                    let wallet = rekey(wallet).await?;
                    output::done("the wallet's key was replaced", json);
                    wallet.close().await;
                    return Ok(exit::OK);
                }
                Command::Log { limit } => {
                    output::activity(&wallet.activity(limit).await?, json);
                    exit::OK
                }
                Command::Stats { account } => {
                    output::spending(&wallet.spending(account).await?, json);
                    exit::OK
                }
                Command::Claim(command) => claim(&wallet, command, json).await?,
                Command::Restore { .. } => unreachable!("handled before opening"),
            };
            wallet.close().await;
            Ok(code)
        }
    }
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
    if !wallet.has_backup_key().await? || args.new_recovery_key {
        let recovery = wallet.setup_backup().await?;
        output::recovery_key(recovery.expose(), json);
    }
    if args.auto_off {
        wallet.set_auto_backup(None).await?;
        output::done("automatic backups are off", json);
        return Ok(exit::OK);
    }
    if let Some(folder) = &args.auto {
        wallet
            .set_auto_backup(Some(piaojia_wallet::AutoBackup {
                folder: folder.clone(),
                keep: args.keep,
            }))
            .await?;
    }
    let report = match &args.to {
        Some(file) if !file.is_dir() => wallet.backup_to(file).await?,
        Some(folder) => wallet.backup_into_folder(folder, args.keep).await?,
        None => {
            let folder = args
                .auto
                .clone()
                .unwrap_or_else(|| wallet.dir().join("backups"));
            wallet.backup_into_folder(&folder, args.keep).await?
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
    let receipts = Wallet::restore(dir, file, &recovery, access).await?;
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
            let id = wallet.create_claim(&draft).await?;
            output::claim(&wallet.claim(id).await?, json);
        }
        ClaimCommand::Add { claim, receipts } => {
            for name in &receipts {
                let id = resolve(wallet, name).await?;
                wallet.add_to_claim(claim, id).await?;
            }
            output::claim(&wallet.claim(claim).await?, json);
        }
        ClaimCommand::Remove { claim, receipt } => {
            let id = resolve(wallet, &receipt).await?;
            wallet.remove_from_claim(claim, id).await?;
            output::claim(&wallet.claim(claim).await?, json);
        }
        ClaimCommand::Submit { claim } => output::claim(&wallet.submit_claim(claim).await?, json),
        ClaimCommand::Withdraw { claim } => {
            output::claim(&wallet.withdraw_claim(claim).await?, json)
        }
        ClaimCommand::Status { claim: Some(id) } => output::claim(&wallet.claim(id).await?, json),
        ClaimCommand::Status { claim: None } => output::claims(&wallet.claims().await?, json),
        ClaimCommand::Parties { account } => {
            output::parties(&wallet.relying_parties(account).await?, json)
        }
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
            None => crate::args::demo_root_key(&args.province)
                .ok_or_else(|| {
                    anyhow!(WalletError::Invalid(
                        "give --root-key: the province's pinned root key".into()
                    ))
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
    let account = wallet.login(&spec, &code).await?;
    output::account(&account, json);
    Ok(exit::OK)
}

async fn sync(wallet: &Wallet, only: Option<i64>, json: bool) -> Result<i32> {
    let accounts = wallet.accounts().await?;
    if accounts.is_empty() {
        return Err(anyhow!(WalletError::NotLoggedIn {
            province: "any province".into()
        }));
    }
    let mut reports = Vec::new();
    for account in accounts
        .into_iter()
        .filter(|a| only.is_none_or(|id| id == a.id))
    {
        let mut bar = output::ProgressBar::new(!json);
        let mut show = |p: SyncProgress| bar.update(p);
        let report = wallet.sync(account.id, &mut show).await?;
        bar.finish();
        reports.push((account, report));
    }
    output::sync_reports(&reports, json);
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
async fn resolve(wallet: &Wallet, name: &str) -> Result<i64> {
    if let Some((code, number)) = name.split_once('-') {
        return Ok(wallet.find(code, number).await?);
    }
    name.parse::<i64>().map_err(|_| {
        anyhow!(WalletError::Invalid(
            "name a receipt by id or CODE-NUMBER".into()
        ))
    })
}

async fn show(wallet: &Wallet, name: &str, json: bool) -> Result<i32> {
    let id = resolve(wallet, name).await?;
    output::detail(&wallet.receipt(id).await?, json);
    Ok(exit::OK)
}

async fn verify_offline(wallet: &Wallet, args: &VerifyArgs, json: bool) -> Result<i32> {
    let result = if let Some(name) = &args.receipt {
        let id = resolve(wallet, name).await?;
        wallet.reverify(id).await
    } else if let Some(path) = &args.file {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        match SignedOriginal::from_json(&bytes) {
            Ok(original) => wallet.verify_original(&original).await,
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

async fn verify_online(args: &VerifyArgs, json: bool) -> Result<i32> {
    let client =
        piaojia_wallet::ServiceClient::new(&args.service, piaojia_wallet::RetryPolicy::default())?;
    let mut elements = serde_json::json!({
        "code": args.code, "number": args.number, "check_code": args.check_code,
    });
    if let Some(total) = yuan(&args.total)? {
        elements["total"] = total.into();
    }
    if let Some(date) = args.date {
        elements["issued_on"] = date.to_string().into();
    }
    let result = client.check(&elements).await?;
    output::checked(&result, json);
    Ok(if result.status == "not_found" {
        exit::INVALID_RECEIPT
    } else {
        exit::OK
    })
}
