//! Tests of the `piaojia` binary against the reference service on 127.0.0.1:0, with
//! the real Secret Service (run through scripts/test.sh).

/// Commands, JSON output and documented exit codes.
mod commands;
/// Two CLI syncs and the app's sync of one wallet at once.
mod concurrent;
/// kill -9 at 50 random points of a 10k-receipt sync, each followed by a resume.
mod crash;
/// Thousands of short commands, each ending with exit 0 (no abort at exit).
mod exit;
/// `piaojia import`: a folder of real, generated and hostile files; kill -9 mid-import.
mod import;
/// The logs of a sync carry no names, ID numbers or tokens.
mod logs;
/// Print, export, archive packages, claim packages, verify from a QR code.
mod output;
/// A passphrase wallet (no keyring): login in one run, sync in the next.
mod passphrase;
/// Reimbursement sheets and the 汇总表 from chosen receipts.
mod reimbursement;
/// `verify --file` on OFD files: seals in levels, real and generated.
mod sealed_files;
/// Running the binary, a service, a logged-in wallet.
mod support;
/// HTTPS to a service whose certificate the system trusts; plain HTTP only locally.
mod tls;
/// Backup, restore into a fresh HOME with a fresh keyring, and kill -9 during rekey.
mod years;
