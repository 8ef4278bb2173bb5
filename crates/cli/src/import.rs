//! `piaojia import`: files and folders of receipts into the wallet, with progress
//! and a summary; `piaojia seal-roots`: the e-seal roots the person trusts.

use crate::args::{ImportArgs, SealRootsCommand};
use crate::exit;
use crate::output;
use anyhow::{anyhow, Context, Result};
use piaojia_ofd::TrustStore;
use piaojia_wallet::{ImportOutcome, Wallet, WalletError};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub async fn import(wallet: &Wallet, args: &ImportArgs, json: bool) -> Result<i32> {
    let mut roots = wallet.seal_trust().await?.roots().to_vec();
    for file in &args.trust {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        roots.extend(
            piaojia_ofd::certificates_in(&bytes)
                .map_err(|e| anyhow!(WalletError::Invalid(format!("{}: {e}", file.display()))))?,
        );
    }
    let trust = TrustStore::new(roots);
    let mut files = Vec::new();
    for path in &args.paths {
        if !path.exists() {
            return Err(anyhow!(WalletError::NotFound("file or folder")))
                .with_context(|| path.display().to_string());
        }
        collect(path, true, &mut files);
    }
    let show_progress = !json && std::io::stderr().is_terminal();
    let mut results = Vec::with_capacity(files.len());
    for (n, path) in files.iter().enumerate() {
        if show_progress {
            eprint!("\r导入 importing {}/{}", n + 1, files.len());
            let _ = std::io::stderr().flush();
        }
        let outcome = match read_bounded(path) {
            Ok(bytes) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                wallet.import_file(&name, &bytes, &trust).await?
            }
            Err(refused) => refused,
        };
        results.push((path.clone(), outcome));
    }
    if show_progress {
        eprintln!();
    }
    let summary = output::ImportSummary::of(&results);
    wallet.record_import(&summary.counts()).await?;
    output::imported(&results, &summary, json);
    Ok(exit::OK)
}

/// A file's bytes, or its refusal when it is too large or cannot be read; the size
/// is checked before reading.
fn read_bounded(path: &Path) -> std::result::Result<Vec<u8>, ImportOutcome> {
    let unreadable = |e: std::io::Error| ImportOutcome::Refused {
        code: "unreadable".into(),
        reason: format!("cannot be read: {e}"),
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > piaojia_import::MAX_FILE {
        return Err(ImportOutcome::refused(
            &piaojia_import::ImportError::TooLarge {
                size,
                limit: piaojia_import::MAX_FILE,
            },
        ));
    }
    std::fs::read(path).map_err(unreadable)
}

/// The files under `path`, in name order. Inside folders, hidden entries and
/// symbolic links to folders are passed over (no loops); a path given by name is
/// always taken.
fn collect(path: &Path, given: bool, out: &mut Vec<PathBuf>) {
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !given && hidden {
        return;
    }
    if metadata.is_dir() || (given && path.is_dir()) {
        let Ok(entries) = std::fs::read_dir(path) else {
            return;
        };
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for child in children {
            collect(&child, false, out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}

pub async fn seal_roots(wallet: &Wallet, command: SealRootsCommand, json: bool) -> Result<i32> {
    match command {
        SealRootsCommand::Add { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let added = wallet.add_seal_roots(&bytes).await?;
            output::done(&format!("{added} new e-seal root(s) trusted"), json);
        }
        SealRootsCommand::List => output::seal_roots(&wallet.seal_trust().await?, json),
    }
    Ok(exit::OK)
}
