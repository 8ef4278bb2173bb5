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

/// One line of the plaintext.
#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Record {
    Account(AccountRecord),
    TrustBundle {
        province: String,
        version: i64,
        bundle: String,
        fetched_at: chrono::NaiveDateTime,
    },
    Receipt(ReceiptRecord),
    Quarantine(QuarantineRecord),
    Activity {
        at: chrono::NaiveDateTime,
        kind: String,
        account_id: Option<i64>,
        counts: String,
    },
    Setting {
        name: String,
        value: String,
    },
    Claim(ClaimRecord),
    /// A file an imported receipt came in.
    Original(OriginalRecord),
    SealRoot {
        sha256: String,
        subject: String,
        #[serde(with = "b64")]
        der: Vec<u8>,
        added_at: chrono::NaiveDateTime,
    },
    ClaimReceipt {
        claim_id: i64,
        receipt_id: i64,
    },
    /// The last line: what a complete backup holds.
    End {
        receipts: i64,
    },
}

#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct AccountRecord {
    id: i64,
    province: String,
    service_url: String,
    root_key: String,
    id_number: String,
    display_name: Option<String>,
    receipts_cursor: String,
    changes_cursor: String,
    last_sync_at: Option<chrono::NaiveDateTime>,
}

#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct ReceiptRecord {
    id: i64,
    account_id: Option<i64>,
    province: String,
    code: String,
    number: String,
    issued_at: chrono::NaiveDateTime,
    category: String,
    issuer_code: String,
    issuer_name: String,
    payer_name: String,
    total: i64,
    insurance_paid: i64,
    patient_paid: i64,
    is_red: bool,
    lifecycle: String,
    linked_code: Option<String>,
    linked_number: Option<String>,
    claim_id: Option<i64>,
    verified_at: chrono::NaiveDateTime,
    bundle_version: i64,
    document_sha256: String,
    #[serde(with = "b64_option")]
    original: Option<Vec<u8>>,
    printed_count: i64,
    booked: bool,
    archived: bool,
    // Backups made before file import lack these: their receipts are all synced.
    #[serde(default = "signed_kind")]
    kind: String,
    #[serde(default)]
    elements: Option<String>,
    #[serde(default)]
    reference_only: bool,
    #[serde(default)]
    possible_duplicate_of: Option<i64>,
}

fn signed_kind() -> String {
    "piaojia_signed".into()
}

#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct OriginalRecord {
    id: i64,
    receipt_id: i64,
    format: String,
    file_name: String,
    sha256: String,
    #[serde(with = "b64")]
    bytes: Vec<u8>,
    imported_at: chrono::NaiveDateTime,
    seal_levels: Option<i64>,
    seal_report: Option<String>,
}

const ORIGINAL_COLUMNS: &str =
    "id, receipt_id, format, file_name, sha256, bytes, imported_at, seal_levels, seal_report";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct ClaimRecord {
    id: i64,
    account_id: i64,
    relying_party: String,
    purpose: String,
    payee_account: String,
    amount_requested: i64,
    state: String,
    idempotency_key: String,
    remote_id: Option<i64>,
    reimbursable: Option<i64>,
    amount_approved: Option<i64>,
    message: Option<String>,
    last_error: Option<String>,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

const CLAIM_COLUMNS: &str = "id, account_id, relying_party, purpose, payee_account, amount_requested, state, idempotency_key,
    remote_id, reimbursable, amount_approved, message, last_error, created_at, updated_at";

#[derive(Serialize, Deserialize, sqlx::FromRow)]
struct QuarantineRecord {
    account_id: i64,
    province: String,
    code: Option<String>,
    number: Option<String>,
    reason_code: String,
    reason: String,
    received_at: chrono::NaiveDateTime,
    entry_sha256: String,
    #[serde(with = "b64")]
    original: Vec<u8>,
}

/// What a restored receipt is found by in search.
enum FoundBy {
    Signed(Box<piaojia_receipt::Receipt>),
    Imported(Box<piaojia_import::Elements>),
}

mod b64_option {
    use serde::{de, Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => s.serialize_some(&piaojia_receipt::base64_text::encode(bytes)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| piaojia_receipt::base64_text::decode(&text).map_err(de::Error::custom))
            .transpose()
    }
}

mod b64 {
    use serde::{de, Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&piaojia_receipt::base64_text::encode(bytes))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        piaojia_receipt::base64_text::decode(&String::deserialize(d)?).map_err(de::Error::custom)
    }
}

const RECEIPT_COLUMNS: &str = "id, account_id, province, code, number, issued_at, category, issuer_code, issuer_name, payer_name,
    total, insurance_paid, patient_paid, is_red, lifecycle, linked_code, linked_number, claim_id, verified_at,
    bundle_version, document_sha256, original, printed_count, booked, archived, kind, elements, reference_only,
    possible_duplicate_of";

/// `?, ?, …` for a list of columns.
fn placeholders(columns: &str) -> String {
    vec!["?"; columns.split(',').count()].join(", ")
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

impl Wallet {
    /// Makes a new recovery key for backups and keeps the key derived from it (inside
    /// the encrypted store). The recovery key is returned to be shown once.
    pub async fn setup_backup(&self) -> Result<RecoveryKey> {
        let recovery = RecoveryKey::generate();
        let kdf = KdfParams::new_random();
        let key = kdf.derive(&recovery.canonical())?;
        let stored = StoredBackupKey {
            kdf,
            key_hex: key.to_hex().to_string(),
        };
        sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(SETTING)
            .bind(serde_json::to_string(&stored).expect("serialises"))
            .execute(&self.pool)
            .await?;
        self.log_activity("backup_key_created", None, &[]).await?;
        Ok(recovery)
    }

    /// Whether backups are set up (a recovery key was made).
    pub async fn has_backup_key(&self) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM settings WHERE name = ?")
            .bind(SETTING)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    async fn backup_key(&self) -> Result<(KdfParams, Zeroizing<[u8; 32]>)> {
        let value: String = sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
            .bind(SETTING)
            .fetch_optional(&self.pool)
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
    pub async fn backup_to(&self, path: &Path) -> Result<BackupReport> {
        self.on_disk()?;
        let (kdf, key) = self.backup_key().await?;
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
        self.log_activity("backup", None, &[("receipts", receipts)])
            .await?;
        Ok(BackupReport {
            path: path.to_path_buf(),
            receipts,
            bytes,
        })
    }

    async fn write_records<W: Write>(&self, w: &mut SealingWriter<W>) -> Result<i64> {
        let accounts: Vec<AccountRecord> = sqlx::query_as(
            "SELECT id, province, service_url, root_key, id_number, display_name, receipts_cursor, changes_cursor, last_sync_at FROM accounts",
        )
        .fetch_all(&self.pool)
        .await?;
        for account in accounts {
            w.write_record(&Record::Account(account))?;
        }
        let bundles: Vec<(String, i64, String, chrono::NaiveDateTime)> =
            sqlx::query_as("SELECT province, version, bundle, fetched_at FROM trust_bundles")
                .fetch_all(&self.pool)
                .await?;
        for (province, version, bundle, fetched_at) in bundles {
            w.write_record(&Record::TrustBundle {
                province,
                version,
                bundle,
                fetched_at,
            })?;
        }
        let mut last_id = 0;
        let mut receipts = 0;
        loop {
            let batch: Vec<ReceiptRecord> = sqlx::query_as(&format!(
                "SELECT {RECEIPT_COLUMNS} FROM receipts WHERE id > ? ORDER BY id LIMIT ?"
            ))
            .bind(last_id)
            .bind(RECEIPT_BATCH)
            .fetch_all(&self.pool)
            .await?;
            let Some(last) = batch.last() else { break };
            last_id = last.id;
            for receipt in batch {
                w.write_record(&Record::Receipt(receipt))?;
                receipts += 1;
            }
        }
        // Files after receipts: their rows refer to receipts. One at a time, as they
        // may be large.
        let original_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM originals ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        for id in original_ids {
            let original: OriginalRecord = sqlx::query_as(&format!(
                "SELECT {ORIGINAL_COLUMNS} FROM originals WHERE id = ?"
            ))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
            w.write_record(&Record::Original(original))?;
        }
        let roots: Vec<(String, String, Vec<u8>, chrono::NaiveDateTime)> =
            sqlx::query_as("SELECT sha256, subject, der, added_at FROM seal_roots ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        for (sha256, subject, der, added_at) in roots {
            w.write_record(&Record::SealRoot {
                sha256,
                subject,
                der,
                added_at,
            })?;
        }
        // Claims after receipts: their rows refer to receipts.
        let claims: Vec<ClaimRecord> =
            sqlx::query_as(&format!("SELECT {CLAIM_COLUMNS} FROM claims ORDER BY id"))
                .fetch_all(&self.pool)
                .await?;
        for claim in claims {
            w.write_record(&Record::Claim(claim))?;
        }
        let links: Vec<(i64, i64)> =
            sqlx::query_as("SELECT claim_id, receipt_id FROM claim_receipts")
                .fetch_all(&self.pool)
                .await?;
        for (claim_id, receipt_id) in links {
            w.write_record(&Record::ClaimReceipt {
                claim_id,
                receipt_id,
            })?;
        }
        let quarantine: Vec<QuarantineRecord> = sqlx::query_as(
            "SELECT account_id, province, code, number, reason_code, reason, received_at, entry_sha256, original FROM quarantine",
        )
        .fetch_all(&self.pool)
        .await?;
        for q in quarantine {
            w.write_record(&Record::Quarantine(q))?;
        }
        let activity: Vec<(chrono::NaiveDateTime, String, Option<i64>, String)> =
            sqlx::query_as("SELECT at, kind, account_id, counts FROM activity ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        for (at, kind, account_id, counts) in activity {
            w.write_record(&Record::Activity {
                at,
                kind,
                account_id,
                counts,
            })?;
        }
        let settings: Vec<(String, String)> = sqlx::query_as("SELECT name, value FROM settings")
            .fetch_all(&self.pool)
            .await?;
        for (name, value) in settings {
            w.write_record(&Record::Setting { name, value })?;
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
        let staging = sibling(dir, "restoring");
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        let receipts = match restore_into(&staging, backup, recovery, access).await {
            Ok(receipts) => receipts,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        if dir.exists() {
            let aside = sibling(
                dir,
                &format!(
                    "before-restore-{}",
                    chrono::Local::now().format("%Y%m%d%H%M%S")
                ),
            );
            std::fs::rename(dir, &aside)?;
        }
        std::fs::rename(&staging, dir)?;
        Ok(receipts)
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
            Record::Account(a) => {
                sqlx::query(
                    "INSERT INTO accounts (id, province, service_url, root_key, id_number, display_name, receipts_cursor, changes_cursor, last_sync_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(a.id)
                .bind(a.province)
                .bind(a.service_url)
                .bind(a.root_key)
                .bind(a.id_number)
                .bind(a.display_name)
                .bind(a.receipts_cursor)
                .bind(a.changes_cursor)
                .bind(a.last_sync_at)
                .execute(&mut *tx)
                .await?;
            }
            // Kept only once checked against a restored account's root (below).
            Record::TrustBundle {
                bundle, fetched_at, ..
            } => bundles.push((bundle, fetched_at)),
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
                sqlx::query(&format!(
                    "INSERT INTO receipts ({RECEIPT_COLUMNS}) VALUES ({})",
                    placeholders(RECEIPT_COLUMNS)
                ))
                .bind(r.id)
                .bind(r.account_id)
                .bind(r.province)
                .bind(r.code)
                .bind(r.number)
                .bind(r.issued_at)
                .bind(r.category)
                .bind(r.issuer_code)
                .bind(r.issuer_name)
                .bind(r.payer_name)
                .bind(r.total)
                .bind(r.insurance_paid)
                .bind(r.patient_paid)
                .bind(r.is_red)
                .bind(r.lifecycle)
                .bind(r.linked_code)
                .bind(r.linked_number)
                .bind(r.claim_id)
                .bind(r.verified_at)
                .bind(r.bundle_version)
                .bind(r.document_sha256)
                .bind(r.original)
                .bind(r.printed_count)
                .bind(r.booked)
                .bind(r.archived)
                .bind(r.kind)
                .bind(r.elements)
                .bind(r.reference_only)
                .bind(r.possible_duplicate_of)
                .execute(&mut *tx)
                .await?;
                // What lists, searches and sums show comes from the signed document
                // (or the imported elements), never from the backup's columns.
                match &found_by {
                    FoundBy::Signed(document) => {
                        crate::store::write_signed_columns(&mut tx, r.id, document).await?;
                        writes.add_postings(&mut tx, r.id, document).await?
                    }
                    FoundBy::Imported(elements) => {
                        crate::import::update_row(&mut tx, r.id, elements).await?;
                        writes
                            .add_texts(&mut tx, r.id, crate::import::search_texts(elements))
                            .await?
                    }
                }
                receipts += 1;
                if receipts % RECEIPT_BATCH == 0 {
                    writes.flush(&mut tx).await?;
                }
            }
            Record::Quarantine(q) => {
                sqlx::query(
                    "INSERT INTO quarantine (account_id, province, code, number, reason_code, reason, received_at, entry_sha256, original)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(q.account_id)
                .bind(q.province)
                .bind(q.code)
                .bind(q.number)
                .bind(q.reason_code)
                .bind(q.reason)
                .bind(q.received_at)
                .bind(q.entry_sha256)
                .bind(q.original)
                .execute(&mut *tx)
                .await?;
            }
            Record::Activity {
                at,
                kind,
                account_id,
                counts,
            } => {
                sqlx::query(
                    "INSERT INTO activity (at, kind, account_id, counts) VALUES (?, ?, ?, ?)",
                )
                .bind(at)
                .bind(kind)
                .bind(account_id)
                .bind(counts)
                .execute(&mut *tx)
                .await?;
            }
            Record::Original(o) => {
                if crate::store::sha256_hex(&o.bytes) != o.sha256 {
                    return Err(WalletError::BackupDamaged(
                        "an imported file does not match its hash".into(),
                    ));
                }
                sqlx::query(&format!(
                    "INSERT INTO originals ({ORIGINAL_COLUMNS}) VALUES ({})",
                    placeholders(ORIGINAL_COLUMNS)
                ))
                .bind(o.id)
                .bind(o.receipt_id)
                .bind(o.format)
                .bind(o.file_name)
                .bind(o.sha256)
                .bind(o.bytes)
                .bind(o.imported_at)
                .bind(o.seal_levels)
                .bind(o.seal_report)
                .execute(&mut *tx)
                .await?;
            }
            Record::SealRoot {
                sha256,
                subject,
                der,
                added_at,
            } => {
                sqlx::query(
                    "INSERT INTO seal_roots (sha256, subject, der, added_at) VALUES (?, ?, ?, ?)",
                )
                .bind(sha256)
                .bind(subject)
                .bind(der)
                .bind(added_at)
                .execute(&mut *tx)
                .await?;
            }
            Record::Setting { name, value } => {
                sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                    .bind(name)
                    .bind(value)
                    .execute(&mut *tx)
                    .await?;
            }
            Record::Claim(c) => {
                sqlx::query(&format!(
                    "INSERT INTO claims ({CLAIM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ))
                .bind(c.id)
                .bind(c.account_id)
                .bind(c.relying_party)
                .bind(c.purpose)
                .bind(c.payee_account)
                .bind(c.amount_requested)
                .bind(c.state)
                .bind(c.idempotency_key)
                .bind(c.remote_id)
                .bind(c.reimbursable)
                .bind(c.amount_approved)
                .bind(c.message)
                .bind(c.last_error)
                .bind(c.created_at)
                .bind(c.updated_at)
                .execute(&mut *tx)
                .await?;
            }
            Record::ClaimReceipt {
                claim_id,
                receipt_id,
            } => {
                sqlx::query("INSERT INTO claim_receipts (claim_id, receipt_id) VALUES (?, ?)")
                    .bind(claim_id)
                    .bind(receipt_id)
                    .execute(&mut *tx)
                    .await?;
            }
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
    for (bundle, fetched_at) in bundles {
        keep_restored_bundle(&mut tx, &bundle, fetched_at).await?;
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
async fn keep_restored_bundle(
    conn: &mut sqlx::SqliteConnection,
    bundle_json: &str,
    fetched_at: chrono::NaiveDateTime,
) -> Result<()> {
    let bundle: piaojia_receipt::TrustBundle = serde_json::from_str(bundle_json)
        .map_err(|e| WalletError::BackupDamaged(format!("a trust bundle does not parse: {e}")))?;
    let roots: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT root_key FROM accounts WHERE province = ?")
            .bind(bundle.province.as_str())
            .fetch_all(&mut *conn)
            .await?;
    for root_key in roots {
        let anchor = piaojia_receipt::TrustAnchor::from_base64(bundle.province.clone(), &root_key)
            .map_err(WalletError::Trust)?;
        let Ok(store) = bundle.verify(&anchor) else {
            continue;
        };
        let version = i64::try_from(store.version)
            .map_err(|_| WalletError::BackupDamaged("a trust bundle's version".into()))?;
        sqlx::query(
            "INSERT INTO trust_bundles (province, root_key, version, bundle, fetched_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (province, root_key) DO UPDATE SET version = excluded.version,
                 bundle = excluded.bundle, fetched_at = excluded.fetched_at
             WHERE excluded.version > trust_bundles.version",
        )
        .bind(bundle.province.as_str())
        .bind(root_key)
        .bind(version)
        .bind(bundle_json)
        .bind(fetched_at)
        .execute(&mut *conn)
        .await?;
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

impl Wallet {
    /// Turns automatic backups on (after each sync that brought something new) or off.
    pub async fn set_auto_backup(&self, auto: Option<AutoBackup>) -> Result<()> {
        match auto {
            Some(auto) => {
                if auto.keep == 0 {
                    return Err(WalletError::Invalid("keep at least one backup".into()));
                }
                std::fs::create_dir_all(&auto.folder)?;
                self.backup_key().await?;
                sqlx::query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
                    .bind(AUTO_SETTING)
                    .bind(serde_json::to_string(&auto).expect("serialises"))
                    .execute(&self.pool)
                    .await?;
            }
            None => {
                sqlx::query("DELETE FROM settings WHERE name = ?")
                    .bind(AUTO_SETTING)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn auto_backup(&self) -> Result<Option<AutoBackup>> {
        let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE name = ?")
            .bind(AUTO_SETTING)
            .fetch_optional(&self.pool)
            .await?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
    }

    /// Writes a backup into a folder with a dated name and keeps only this wallet's
    /// newest `keep`. The name carries the wallet's id, so that two wallets backing
    /// up into one folder never prune each other's backups.
    pub async fn backup_into_folder(&self, folder: &Path, keep: u32) -> Result<BackupReport> {
        self.on_disk()?;
        std::fs::create_dir_all(folder)?;
        let own_prefix = format!(
            "{AUTO_PREFIX}{}-",
            &self.meta.wallet_id[..self.meta.wallet_id.len().min(12)]
        );
        let name = format!(
            "{own_prefix}{}{AUTO_SUFFIX}",
            chrono::Local::now().format("%Y%m%d-%H%M%S%.3f")
        );
        let report = self.backup_to(&folder.join(name)).await?;
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
    pub(crate) async fn run_auto_backup(&self) -> Result<()> {
        if let Some(auto) = self.auto_backup().await? {
            self.backup_into_folder(&auto.folder, auto.keep).await?;
        }
        Ok(())
    }
}
