//! Backups: one file holding everything in the wallet but tokens (signed originals,
//! their state, accounts, trust bundles, quarantine, activity, settings), encrypted
//! and authenticated with XChaCha20-Poly1305 in the STREAM construction (64 KiB
//! chunks; a changed, reordered, dropped or truncated chunk fails). The key is
//! derived with Argon2id from a recovery key shown to the person once.
//!
//! File: `PJBACKUP`, a u32 (big-endian) header length, the header (JSON: format,
//! time, KDF parameters, stream nonce), then the chunks. The header is the
//! associated data of every chunk. The plaintext is JSON lines, one record a line.

use crate::error::{Result, WalletError};
use crate::keys::KdfParams;
use crate::recovery::RecoveryKey;
use crate::tables;
use crate::tables::accounts::{self, AccountRow};
use crate::tables::activity::{self, ActivityRow};
use crate::tables::claims::{self, ClaimReceiptRow, ClaimRow};
use crate::tables::consultations::{self, ConsultationRow};
use crate::tables::originals::{self, OriginalRow};
use crate::tables::quarantine::{self, QuarantineRow};
use crate::tables::receipts::ReceiptRow;
use crate::tables::seal_roots::{self, SealRootRow};
use crate::tables::settings::{self, SettingRow};
use crate::tables::trust_bundles::{self, BundleRow, WhenHeld};
use crate::wallet::Wallet;
use chacha20poly1305::aead::stream::{DecryptorBE32, EncryptorBE32};
use chacha20poly1305::aead::{KeyInit, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

const MAGIC: &[u8; 8] = b"PJBACKUP";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const FORMAT: &str = "piaojia.backup/1";
const SETTING: &str = "backup_key";
const RECEIPT_BATCH: i64 = 1000;

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    created_at: chrono::NaiveDateTime,
    kdf: KdfParams,
    nonce_hex: String,
}

/// The backup key as kept (inside the encrypted store) for automatic backups.
#[derive(Serialize, Deserialize)]
struct StoredBackupKey {
    kdf: KdfParams,
    key_hex: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupReport {
    pub path: PathBuf,
    pub receipts: i64,
    pub bytes: u64,
}

/// One line of the plaintext: a whole row of a table (see `crate::tables`).
#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Record {
    Account(AccountRow),
    TrustBundle(BundleRow),
    Receipt(ReceiptRow),
    Quarantine(QuarantineRow),
    Activity(ActivityRow),
    Setting(SettingRow),
    Claim(ClaimRow),
    /// A file an imported receipt came in.
    Original(OriginalRow),
    SealRoot(SealRootRow),
    ClaimReceipt(ClaimReceiptRow),
    /// A 我要咨询 thread.
    Consultation(ConsultationRow),
    /// The last line: what a complete backup holds.
    End {
        receipts: i64,
    },
}

/// What a restored receipt is found by in search.
enum FoundBy {
    Signed(Box<piaojia_receipt::Receipt>),
    Imported(Box<piaojia_import::Elements>),
}

/// Encrypts a stream of plaintext into chunks as it is written.
struct SealingWriter<W: Write> {
    out: W,
    encryptor: Option<EncryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    buffer: Zeroizing<Vec<u8>>,
    written: u64,
}

impl<W: Write> SealingWriter<W> {
    fn write_record(&mut self, record: &Record) -> Result<()> {
        serde_json::to_writer(&mut *self.buffer, record)
            .map_err(|e| WalletError::Invalid(e.to_string()))?;
        self.buffer.push(b'\n');
        while self.buffer.len() >= CHUNK {
            let rest = Zeroizing::new(self.buffer.split_off(CHUNK));
            let chunk = std::mem::replace(&mut self.buffer, rest);
            let sealed = self
                .encryptor
                .as_mut()
                .expect("open until finished")
                .encrypt_next(Payload {
                    msg: &chunk,
                    aad: &self.aad,
                })
                .map_err(|_| WalletError::Invalid("encryption failed".into()))?;
            self.out.write_all(&sealed)?;
            self.written += sealed.len() as u64;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(W, u64)> {
        let sealed = self
            .encryptor
            .take()
            .expect("finished once")
            .encrypt_last(Payload {
                msg: &self.buffer,
                aad: &self.aad,
            })
            .map_err(|_| WalletError::Invalid("encryption failed".into()))?;
        self.out.write_all(&sealed)?;
        self.written += sealed.len() as u64;
        Ok((self.out, self.written))
    }
}

fn cipher(key: &[u8; 32]) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.into())
}

/// The wallet's backups: the recovery key, backups written by hand or after each sync,
/// and restores (`wallet.backups()`).
pub struct Backups<'w> {
    pub(crate) wallet: &'w Wallet,
}

impl Backups<'_> {
    /// Makes a new recovery key for backups and keeps the key derived from it (inside
    /// the encrypted store). The recovery key is returned to be shown once.
    pub async fn set_up(&self) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::generate();
        let kdf = KdfParams::new_random();
        let key = kdf.derive(&recovery.canonical())?;
        let stored = StoredBackupKey {
            kdf,
            key_hex: key.to_hex().to_string(),
        };
        let row = SettingRow {
            name: SETTING.into(),
            value: serde_json::to_string(&stored).expect("serialises"),
        };
        settings::put(&self.wallet.pool, row).await?;
        self.wallet
            .log_activity("backup_key_created", None, &[])
            .await?;
        Ok(recovery)
    }

    /// Whether backups are set up (a recovery key was made).
    pub async fn has_key(&self) -> Result<bool> {
        Ok(settings::get(&self.wallet.pool, SETTING).await?.is_some())
    }

    async fn key(&self) -> Result<(KdfParams, Zeroizing<[u8; 32]>)> {
        let value = settings::get(&self.wallet.pool, SETTING)
            .await?
            .ok_or_else(|| {
                WalletError::Invalid("no recovery key yet: set up backups first".into())
            })?;
        let stored: StoredBackupKey =
            serde_json::from_str(&value).map_err(|e| WalletError::Invalid(e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(&stored.key_hex, &mut key[..])
            .map_err(|_| WalletError::Invalid("corrupt backup key".into()))?;
        Ok((stored.kdf, key))
    }

    /// Writes a backup to `path` (atomically: a temporary file renamed at the end).
    pub async fn write_to(&self, path: &Path) -> Result<BackupReport> {
        self.wallet.on_disk()?;
        let (kdf, key) = self.key().await?;
        let nonce: [u8; 19] = rand::random();
        let header = serde_json::to_vec(&Header {
            format: FORMAT.into(),
            created_at: crate::store::now(),
            kdf,
            nonce_hex: hex::encode(nonce),
        })
        .expect("serialises");
        let tmp = path.with_extension("partial");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        file.write_all(MAGIC)?;
        file.write_all(&(header.len() as u32).to_be_bytes())?;
        file.write_all(&header)?;
        let mut writer = SealingWriter {
            out: file,
            encryptor: Some(EncryptorBE32::from_aead(cipher(&key), (&nonce).into())),
            aad: header.clone(),
            buffer: Zeroizing::new(Vec::with_capacity(2 * CHUNK)),
            written: (MAGIC.len() + 4 + header.len()) as u64,
        };
        let result = self.write_records(&mut writer).await;
        let receipts = match result {
            Ok(n) => n,
            Err(e) => {
                drop(writer);
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let (file, bytes) = writer.finish()?;
        let file = file
            .into_inner()
            .map_err(|e| WalletError::Io(e.into_error()))?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        self.wallet
            .log_activity("backup", None, &[("receipts", receipts)])
            .await?;
        Ok(BackupReport {
            path: path.to_path_buf(),
            receipts,
            bytes,
        })
    }

    async fn write_records<W: Write>(&self, w: &mut SealingWriter<W>) -> Result<i64> {
        let pool = &self.wallet.pool;
        for row in accounts::all(pool).await? {
            w.write_record(&Record::Account(row))?;
        }
        for row in trust_bundles::all(pool).await? {
            w.write_record(&Record::TrustBundle(row))?;
        }
        let mut last_id = 0;
        let mut receipts = 0;
        loop {
            let batch = tables::receipts::batch_after(pool, last_id, RECEIPT_BATCH).await?;
            let Some(last) = batch.last() else { break };
            last_id = last.id;
            for row in batch {
                w.write_record(&Record::Receipt(row))?;
                receipts += 1;
            }
        }
        // Files after receipts: their rows refer to receipts. One at a time, as they
        // may be large.
        for id in originals::ids(pool).await? {
            w.write_record(&Record::Original(originals::get(pool, id).await?))?;
        }
        for row in seal_roots::all(pool).await? {
            w.write_record(&Record::SealRoot(row))?;
        }
        // Claims after receipts: their rows refer to receipts.
        for row in claims::all(pool).await? {
            w.write_record(&Record::Claim(row))?;
        }
        for row in claims::all_held(pool).await? {
            w.write_record(&Record::ClaimReceipt(row))?;
        }
        for row in consultations::all(pool).await? {
            w.write_record(&Record::Consultation(row))?;
        }
        for row in quarantine::all(pool).await? {
            w.write_record(&Record::Quarantine(row))?;
        }
        for row in activity::all(pool).await? {
            w.write_record(&Record::Activity(row))?;
        }
        for row in settings::all(pool).await? {
            w.write_record(&Record::Setting(row))?;
        }
        w.write_record(&Record::End { receipts })?;
        Ok(receipts)
    }

    /// Restores a backup into `dir` as a wallet with a new key (`access`) and returns
    /// how many receipts it holds; open it afterwards as usual. Nothing in `dir`
    /// changes unless the whole backup decrypts, parses and verifies; an existing
    /// wallet there is then kept beside it as `<dir>.before-restore-<time>`.
    pub async fn restore(
        dir: &Path,
        backup: &Path,
        recovery: &RecoveryKey,
        access: crate::keys::KeyAccess,
    ) -> Result<i64> {
        Backups::stage_restore(dir, backup, recovery, access)
            .await?
            .finish()
    }

    /// The first half of [`Backups::restore`]: the backup decrypted, parsed and
    /// verified into a folder beside `dir`, while a wallet open in `dir` is left
    /// alone (the app closes it only once the backup is known to open).
    pub async fn stage_restore(
        dir: &Path,
        backup: &Path,
        recovery: &RecoveryKey,
        access: crate::keys::KeyAccess,
    ) -> Result<StagedRestore> {
        let staging = sibling(dir, "restoring");
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        let mut staged = StagedRestore {
            dir: dir.to_path_buf(),
            staging,
            receipts: 0,
            finished: false,
        };
        staged.receipts = restore_into(&staged.staging, backup, recovery, access).await?;
        Ok(staged)
    }
}

/// A backup restored into a folder beside the wallet's, not yet in its place.
/// Dropped unfinished, it leaves nothing behind.
pub struct StagedRestore {
    dir: PathBuf,
    staging: PathBuf,
    receipts: i64,
    finished: bool,
}

impl StagedRestore {
    /// The receipts the backup holds.
    pub fn receipts(&self) -> i64 {
        self.receipts
    }

    /// Puts the restored wallet in place; the wallet there before (closed by now)
    /// is kept beside it as `<dir>.before-restore-<time>`.
    pub fn finish(mut self) -> Result<i64> {
        if self.dir.exists() {
            let aside = sibling(
                &self.dir,
                &format!(
                    "before-restore-{}",
                    chrono::Local::now().format("%Y%m%d%H%M%S")
                ),
            );
            std::fs::rename(&self.dir, &aside)?;
        }
        std::fs::rename(&self.staging, &self.dir)?;
        self.finished = true;
        Ok(self.receipts)
    }
}

impl Drop for StagedRestore {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "wallet".into());
    dir.with_file_name(format!("{name}.{suffix}"))
}

/// Reads the chunks back, checking each; yields the plaintext lines.
struct OpeningReader<R: BufRead> {
    input: R,
    decryptor: Option<DecryptorBE32<XChaCha20Poly1305>>,
    aad: Vec<u8>,
    plain: Zeroizing<Vec<u8>>,
    first: bool,
}

impl<R: BufRead> OpeningReader<R> {
    /// The next line of plaintext, or `None` after the last chunk.
    fn next_line(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>> {
        loop {
            if let Some(end) = self.plain.iter().position(|b| *b == b'\n') {
                let rest = Zeroizing::new(self.plain.split_off(end + 1));
                let line = std::mem::replace(&mut self.plain, rest);
                return Ok(Some(line));
            }
            if self.decryptor.is_none() {
                if self.plain.is_empty() {
                    return Ok(None);
                }
                return Err(WalletError::BackupDamaged(
                    "the backup ends in the middle of a record".into(),
                ));
            }
            self.read_chunk()?;
        }
    }

    fn read_chunk(&mut self) -> Result<()> {
        let mut sealed = vec![0u8; CHUNK + TAG];
        let mut filled = 0;
        while filled < sealed.len() {
            let n = self.input.read(&mut sealed[filled..])?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        sealed.truncate(filled);
        let is_last = filled < CHUNK + TAG || self.input.fill_buf()?.is_empty();
        let bad = |first: bool| {
            if first {
                WalletError::BackupKey
            } else {
                WalletError::BackupDamaged("a part of the backup does not authenticate".into())
            }
        };
        let payload = Payload {
            msg: &sealed,
            aad: &self.aad,
        };
        let plain = if is_last {
            self.decryptor
                .take()
                .expect("open")
                .decrypt_last(payload)
                .map_err(|_| bad(self.first))?
        } else {
            self.decryptor
                .as_mut()
                .expect("open")
                .decrypt_next(payload)
                .map_err(|_| bad(self.first))?
        };
        self.first = false;
        self.plain.extend_from_slice(&plain);
        Ok(())
    }
}

async fn restore_into(
    staging: &Path,
    backup: &Path,
    recovery: &RecoveryKey,
    access: crate::keys::KeyAccess,
) -> Result<i64> {
    let mut input = BufReader::new(std::fs::File::open(backup)?);
    let mut magic = [0u8; 8];
    let mut length = [0u8; 4];
    input
        .read_exact(&mut magic)
        .and_then(|_| input.read_exact(&mut length))
        .map_err(|_| WalletError::BackupDamaged("not a Piaojia backup".into()))?;
    if &magic != MAGIC {
        return Err(WalletError::BackupDamaged("not a Piaojia backup".into()));
    }
    let length = u32::from_be_bytes(length) as usize;
    if length > 64 * 1024 {
        return Err(WalletError::BackupDamaged(
            "the backup header is damaged".into(),
        ));
    }
    let mut header_bytes = vec![0u8; length];
    input
        .read_exact(&mut header_bytes)
        .map_err(|_| WalletError::BackupDamaged("the backup is truncated".into()))?;
    let header: Header = serde_json::from_slice(&header_bytes)
        .map_err(|_| WalletError::BackupDamaged("the backup header is damaged".into()))?;
    if header.format != FORMAT {
        return Err(WalletError::BackupDamaged(format!(
            "unknown backup format {:?}",
            header.format
        )));
    }
    let nonce: [u8; 19] = hex::decode(&header.nonce_hex)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| WalletError::BackupDamaged("the backup header is damaged".into()))?;
    if !header.kdf.within_bounds() {
        return Err(WalletError::BackupDamaged(
            "the backup header asks for key derivation parameters no backup has".into(),
        ));
    }
    let key = header.kdf.derive(&recovery.canonical())?;
    let mut key_bytes = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(key.to_hex().as_str(), &mut key_bytes[..]).expect("hex of 32 bytes");
    let mut reader = OpeningReader {
        input,
        decryptor: Some(DecryptorBE32::from_aead(
            cipher(&key_bytes),
            (&nonce).into(),
        )),
        aad: header_bytes,
        plain: Zeroizing::new(Vec::new()),
        first: true,
    };
    // Check the key on the first chunk before anything is created.
    reader.read_chunk()?;

    std::fs::create_dir_all(staging)?;
    let wallet = Wallet::open(staging, access).await?;
    let mut tx = crate::db::begin_write(&wallet.pool).await?;
    let mut terms = crate::store::TermCache::default();
    let mut writes = crate::store::PageWrites::new(&mut terms, false);
    let mut receipts = 0i64;
    let mut bundles = Vec::new();
    let mut ended = None;
    while let Some(line) = reader.next_line()? {
        let record: Record = serde_json::from_slice(&line)
            .map_err(|e| WalletError::BackupDamaged(format!("a record does not parse: {e}")))?;
        if ended.is_some() {
            return Err(WalletError::BackupDamaged("records after the end".into()));
        }
        match record {
            Record::Account(row) => accounts::insert(&mut tx, row).await?,
            // Kept only once checked against a restored account's root (below).
            Record::TrustBundle(row) => bundles.push(row),
            Record::Receipt(r) => {
                // A synced receipt's signed document, or an imported one's elements:
                // checked before anything is written, and what it is found by.
                let found_by = match (&r.original, &r.elements) {
                    (Some(signed), _) => {
                        let original = piaojia_receipt::SignedOriginal::from_json(signed)?;
                        if crate::store::sha256_hex(&original.document) != r.document_sha256 {
                            return Err(WalletError::BackupDamaged(
                                "a receipt's document does not match its hash".into(),
                            ));
                        }
                        FoundBy::Signed(Box::new(piaojia_receipt::parse_document(
                            &original.document,
                        )?))
                    }
                    (None, Some(elements)) => {
                        FoundBy::Imported(serde_json::from_str(elements).map_err(|e| {
                            WalletError::BackupDamaged(format!(
                                "an imported receipt's elements: {e}"
                            ))
                        })?)
                    }
                    (None, None) => {
                        return Err(WalletError::BackupDamaged(
                            "a receipt with neither a signed original nor elements".into(),
                        ))
                    }
                };
                let id = r.id;
                tables::receipts::insert(&mut tx, r).await?;
                // What lists, searches and sums show comes from the signed document
                // (or the imported elements), never from the backup's columns.
                match &found_by {
                    FoundBy::Signed(document) => {
                        crate::tables::receipts::write_signed_columns(&mut tx, id, document)
                            .await?;
                        writes.add_postings(&mut tx, id, document).await?
                    }
                    FoundBy::Imported(elements) => {
                        crate::tables::receipts::update_imported(&mut tx, id, elements).await?;
                        writes
                            .add_texts(&mut tx, id, crate::import::search_texts(elements))
                            .await?
                    }
                }
                receipts += 1;
                if receipts % RECEIPT_BATCH == 0 {
                    writes.flush(&mut tx).await?;
                }
            }
            Record::Quarantine(row) => quarantine::insert(&mut tx, row).await?,
            Record::Activity(row) => activity::insert(&mut tx, row).await?,
            Record::Original(o) => {
                if crate::store::sha256_hex(&o.bytes) != o.sha256 {
                    return Err(WalletError::BackupDamaged(
                        "an imported file does not match its hash".into(),
                    ));
                }
                originals::insert(&mut tx, o).await?;
            }
            Record::SealRoot(row) => seal_roots::insert(&mut tx, row).await?,
            Record::Setting(row) => settings::put(&mut *tx, row).await?,
            Record::Claim(row) => claims::insert(&mut tx, row).await?,
            Record::ClaimReceipt(row) => claims::insert_held(&mut tx, row).await?,
            Record::Consultation(row) => consultations::insert(&mut tx, row).await?,
            Record::End { receipts: expected } => ended = Some(expected),
        }
    }
    match ended {
        Some(expected) if expected == receipts => {}
        _ => {
            return Err(WalletError::BackupDamaged(
                "the backup is incomplete".into(),
            ))
        }
    }
    writes.flush(&mut tx).await?;
    for row in bundles {
        keep_restored_bundle(&mut tx, row).await?;
    }
    tx.commit().await?;
    // Every signed receipt is verified against its restored root: one that its
    // bundle refuses goes to the quarantine, as after a sync.
    wallet.reverify_all().await?;
    wallet
        .log_activity("restore", None, &[("receipts", receipts)])
        .await?;
    wallet.close().await;
    Ok(receipts)
}

/// Keeps a restored trust bundle for each restored root of its province that it
/// verifies against; one that none vouches for is dropped (the next sync fetches it).
async fn keep_restored_bundle(conn: &mut sqlx::SqliteConnection, row: BundleRow) -> Result<()> {
    let bundle: piaojia_receipt::TrustBundle = serde_json::from_str(&row.bundle)
        .map_err(|e| WalletError::BackupDamaged(format!("a trust bundle does not parse: {e}")))?;
    let roots = accounts::root_keys_in(&mut *conn, bundle.province.as_str()).await?;
    for root_key in roots {
        let anchor = piaojia_receipt::TrustAnchor::from_base64(bundle.province.clone(), &root_key)
            .map_err(WalletError::Trust)?;
        let Ok(store) = bundle.verify(&anchor) else {
            continue;
        };
        let kept = BundleRow {
            province: bundle.province.to_string(),
            version: i64::try_from(store.version)
                .map_err(|_| WalletError::BackupDamaged("a trust bundle's version".into()))?,
            bundle: row.bundle.clone(),
            fetched_at: row.fetched_at,
        };
        trust_bundles::put(&mut *conn, &root_key, &kept, WhenHeld::KeepNewer).await?;
    }
    Ok(())
}

/// Automatic backups: a folder and how many backups to keep there.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AutoBackup {
    pub folder: PathBuf,
    pub keep: u32,
}

const AUTO_SETTING: &str = "auto_backup";
const AUTO_PREFIX: &str = "piaojia-backup-";
const AUTO_SUFFIX: &str = ".pjb";

impl Backups<'_> {
    /// Turns automatic backups on (after each sync that brought something new) or off.
    pub async fn set_auto(&self, auto: Option<AutoBackup>) -> Result<()> {
        match auto {
            Some(auto) => {
                if auto.keep == 0 {
                    return Err(WalletError::Invalid("keep at least one backup".into()));
                }
                std::fs::create_dir_all(&auto.folder)?;
                self.key().await?;
                let row = SettingRow {
                    name: AUTO_SETTING.into(),
                    value: serde_json::to_string(&auto).expect("serialises"),
                };
                settings::put(&self.wallet.pool, row).await?;
            }
            None => settings::remove(&self.wallet.pool, AUTO_SETTING).await?,
        }
        Ok(())
    }

    pub async fn auto(&self) -> Result<Option<AutoBackup>> {
        let value = settings::get(&self.wallet.pool, AUTO_SETTING).await?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Writes a backup into a folder with a dated name and keeps only this wallet's
    /// newest `keep`. The name carries the wallet's id, so that two wallets backing
    /// up into one folder never prune each other's backups.
    pub async fn into_folder(&self, folder: &Path, keep: u32) -> Result<BackupReport> {
        self.wallet.on_disk()?;
        std::fs::create_dir_all(folder)?;
        let own_prefix = format!(
            "{AUTO_PREFIX}{}-",
            &self.wallet.meta.wallet_id[..self.wallet.meta.wallet_id.len().min(12)]
        );
        let name = format!(
            "{own_prefix}{}{AUTO_SUFFIX}",
            chrono::Local::now().format("%Y%m%d-%H%M%S%.3f")
        );
        let report = self.write_to(&folder.join(name)).await?;
        let mut backups: Vec<PathBuf> = std::fs::read_dir(folder)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&own_prefix) && n.ends_with(AUTO_SUFFIX))
            })
            .collect();
        backups.sort();
        let excess = backups.len().saturating_sub(keep as usize);
        for old in &backups[..excess] {
            std::fs::remove_file(old)?;
        }
        Ok(report)
    }

    /// Runs the automatic backup when one is set up.
    pub(crate) async fn run_auto(&self) -> Result<()> {
        if let Some(auto) = self.auto().await? {
            self.into_folder(&auto.folder, auto.keep).await?;
        }
        Ok(())
    }
}
