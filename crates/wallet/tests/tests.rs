//! Integration tests of the wallet with real parts: the reference service over HTTP
//! on 127.0.0.1:0, SQLCipher, and the Secret Service (the test command runs these
//! under dbus-run-session with gnome-keyring unlocked).

/// The activity log holds counts only; the spending figures add up.
mod activity;
/// The OpenAPI document's examples read as the client's types.
mod api_examples;
/// Backups: restore round trip into a fresh home and keyring; damage is refused.
mod backup;
/// A backup round trip keeps every column of every table it holds.
mod backup_columns;
/// Claims: drafts, held receipts, the submission queue offline and after a crash,
/// states through sync.
mod claims;
/// 我要咨询: a question to the issuer, its answers through sync, unread marks.
mod consultations;
/// The file is encrypted: the sqlcipher CLI needs the key; no plaintext on disk.
mod encryption;
/// Thousands of processes that exit while SQLite's threads end: none aborts.
mod exit;
/// A faulty or lying service: nothing invalid stored, every valid receipt stored.
mod faults;
/// File import beside sync: one receipt per key whatever its sources, QR references
/// completed by files, possible duplicates, claims, backups, seal roots.
mod import;
/// The kiosk's wallet in memory: works, writes nothing, ends with its session.
mod in_memory;
/// Two service instances over one store: a wallet syncs through each in turn.
mod instances;
/// Keys: the OS keyring, passphrases, wrong keys, a missing keyring entry.
mod keys;
/// Two provinces in one wallet.
mod provinces;
/// Key rotation and passphrase change.
mod rekey;
/// Search: 1, 2 and 3+ characters, filters, totals, FTS syntax as plain text.
mod search;
/// A service, a wallet in a temporary folder, a logged-in account.
mod support;
/// Sync: complete, idempotent, incremental, lifecycle, several accounts.
mod sync;
