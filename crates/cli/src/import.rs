//! `piaojia import`: files and folders of receipts into the wallet, with progress
//! and a summary; `piaojia seal-roots`: the e-seal roots the person trusts.

use crate::args::{ImportArgs, SealRootsCommand};
use crate::exit;
use crate::output;
use anyhow::{anyhow, Context, Result};
use piaojia_ofd::TrustStore;
use piaojia_wallet::{Wallet, WalletError};
use std::io::{IsTerminal, Write};

pub async fn import(wallet: &Wallet, args: &ImportArgs, json: bool) -> Result<i32> {
    let mut roots = wallet.imports().seal_trust().await?.roots().to_vec();
    for file in &args.trust {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        roots.extend(
            piaojia_ofd::certificates_in(&bytes)
                .map_err(|e| anyhow!(WalletError::Invalid(format!("{}: {e}", file.display()))))?,
        );
    }
    let trust = TrustStore::new(roots);
    for path in &args.paths {
        if !path.exists() {
            return Err(anyhow!(WalletError::NotFound("file or folder")))
                .with_context(|| path.display().to_string());
        }
    }
    let files = piaojia_wallet::files_under(&args.paths);
    let show_progress = !json && std::io::stderr().is_terminal();
    let results = wallet
        .imports()
        .paths(&files, &trust, &mut |done, all| {
            if show_progress {
                eprint!("\r导入 importing {} {done}/{all}", bar(done, all));
                let _ = std::io::stderr().flush();
            }
        })
        .await?;
    if show_progress {
        eprintln!();
    }
    let summary = piaojia_wallet::ImportSummary::of(&results);
    wallet.imports().record(&summary).await?;
    output::imported(&results, &summary, json);
    Ok(exit::OK)
}

/// `[#########-----------]`: how far an import is.
fn bar(done: usize, all: usize) -> String {
    const WIDTH: usize = 20;
    let filled = (done * WIDTH).checked_div(all).unwrap_or(WIDTH);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(WIDTH - filled))
}

pub async fn seal_roots(wallet: &Wallet, command: SealRootsCommand, json: bool) -> Result<i32> {
    match command {
        SealRootsCommand::Add { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let added = wallet.imports().add_seal_roots(&bytes).await?;
            output::done(&format!("{added} new e-seal root(s) trusted"), json);
        }
        SealRootsCommand::List => output::seal_roots(&wallet.imports().seal_trust().await?, json),
    }
    Ok(exit::OK)
}
