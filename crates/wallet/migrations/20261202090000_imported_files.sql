-- Receipts imported from files (OFD, PDF, XML, QR pictures) beside synced ones: one
-- receipts table for both, so that search, figures, exports and claims see them
-- alike. An imported receipt has no account and no signed envelope; its files are
-- in `originals`, byte for byte, and its elements (as read) in `elements`.
--
-- SQLite cannot relax NOT NULL in place: the table is rebuilt. claim_receipts
-- refers to receipts, so its rows step aside while the old table is dropped.

CREATE TABLE claim_receipts_during_rebuild AS SELECT claim_id, receipt_id FROM claim_receipts;
DELETE FROM claim_receipts;

CREATE TABLE receipts_rebuilt (
    id              INTEGER PRIMARY KEY,
    -- NULL: imported from a file, held by no provincial account.
    account_id      INTEGER REFERENCES accounts(id),
    province        TEXT NOT NULL,
    code            TEXT NOT NULL,
    number          TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    category        TEXT NOT NULL,
    issuer_code     TEXT NOT NULL,
    issuer_name     TEXT NOT NULL,
    payer_name      TEXT NOT NULL,
    total           INTEGER NOT NULL,
    insurance_paid  INTEGER NOT NULL DEFAULT 0,
    patient_paid    INTEGER NOT NULL DEFAULT 0,
    is_red          INTEGER NOT NULL DEFAULT 0,
    lifecycle       TEXT NOT NULL DEFAULT 'normal',
    linked_code     TEXT,
    linked_number   TEXT,
    claim_id        INTEGER,
    verified_at     TEXT NOT NULL,
    bundle_version  INTEGER NOT NULL,
    document_sha256 TEXT NOT NULL,
    -- The signed original (JSON envelope) of a synced receipt; NULL when imported.
    original        BLOB,
    printed_count   INTEGER NOT NULL DEFAULT 0,
    booked          INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    -- fiscal_receipt | vat_invoice | digital_invoice | ticket | piaojia_signed
    kind            TEXT NOT NULL DEFAULT 'piaojia_signed',
    -- The elements read from the files (JSON) of an imported receipt.
    elements        TEXT,
    -- Known from a QR code alone, waiting for a file or a sync to complete it.
    reference_only  INTEGER NOT NULL DEFAULT 0,
    -- Same issuer, amount and day as this other receipt, under another key: shown
    -- for the person to confirm.
    possible_duplicate_of INTEGER,
    UNIQUE (province, code, number)
);
INSERT INTO receipts_rebuilt (id, account_id, province, code, number, issued_at, category, issuer_code,
    issuer_name, payer_name, total, insurance_paid, patient_paid, is_red, lifecycle, linked_code,
    linked_number, claim_id, verified_at, bundle_version, document_sha256, original, printed_count,
    booked, archived)
SELECT id, account_id, province, code, number, issued_at, category, issuer_code,
    issuer_name, payer_name, total, insurance_paid, patient_paid, is_red, lifecycle, linked_code,
    linked_number, claim_id, verified_at, bundle_version, document_sha256, original, printed_count,
    booked, archived
FROM receipts;
DROP TABLE receipts;
ALTER TABLE receipts_rebuilt RENAME TO receipts;

CREATE INDEX receipts_by_date ON receipts (issued_at, id, total);
-- Copies of one receipt meet on 代码+号码 (数电: the number, its code empty).
CREATE INDEX receipts_by_key ON receipts (code, number);
CREATE TRIGGER receipt_state_changed AFTER UPDATE OF lifecycle, claim_id ON receipts BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'receipt_state';
END;

INSERT INTO claim_receipts (claim_id, receipt_id) SELECT claim_id, receipt_id FROM claim_receipts_during_rebuild;
DROP TABLE claim_receipts_during_rebuild;

-- The files a receipt came in, exactly as they were: never changed, never moved.
CREATE TABLE originals (
    id           INTEGER PRIMARY KEY,
    receipt_id   INTEGER NOT NULL REFERENCES receipts(id),
    -- ofd | pdf | xml | png | jpeg
    format       TEXT NOT NULL,
    -- The file's name when imported (no folder), for the person's reference.
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    bytes        BLOB NOT NULL,
    imported_at  TEXT NOT NULL,
    -- The seals of an OFD file: how many levels held (0-4) and the report (JSON).
    seal_levels  INTEGER,
    seal_report  TEXT
);
CREATE INDEX originals_by_receipt ON originals (receipt_id);

-- Roots the person trusts for e-seals (DER certificates), added from files.
CREATE TABLE seal_roots (
    id        INTEGER PRIMARY KEY,
    sha256    TEXT NOT NULL UNIQUE,
    subject   TEXT NOT NULL,
    der       BLOB NOT NULL,
    added_at  TEXT NOT NULL
);
