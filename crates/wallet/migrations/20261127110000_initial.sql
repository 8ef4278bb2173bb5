-- The wallet's store. The whole file is encrypted by SQLCipher, indexes included.

-- One account per (province, citizen) at a provincial service.
CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    province        TEXT NOT NULL,
    service_url     TEXT NOT NULL,
    -- The pinned root key of the province (base64 ed25519).
    root_key        TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    display_name    TEXT,
    receipts_cursor TEXT NOT NULL DEFAULT '',
    changes_cursor  TEXT NOT NULL DEFAULT '',
    last_sync_at    TEXT,
    UNIQUE (province, id_number)
);

-- The newest verified trust bundle per province, as received.
CREATE TABLE trust_bundles (
    province    TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    bundle      TEXT NOT NULL,
    fetched_at  TEXT NOT NULL
);

CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
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
    -- A red receipt (红字) that reverses another.
    is_red          INTEGER NOT NULL DEFAULT 0,
    -- normal | reversed | exchanged, with the linked receipt.
    lifecycle       TEXT NOT NULL DEFAULT 'normal',
    linked_code     TEXT,
    linked_number   TEXT,
    claim_id        INTEGER,
    verified_at     TEXT NOT NULL,
    bundle_version  INTEGER NOT NULL,
    document_sha256 TEXT NOT NULL,
    -- The signed original (JSON envelope), byte for byte as received.
    original        BLOB NOT NULL,
    printed_count   INTEGER NOT NULL DEFAULT 0,
    booked          INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (province, code, number)
);
-- Searches run on an in-memory index (see src/index.rs); the store needs only the
-- date order for the first screen, before that index is loaded.
CREATE INDEX receipts_by_date ON receipts (issued_at, id, total);

-- Bumped on every change of a stored receipt's state, so that the in-memory search
-- index of any process can tell that it must reload those states.
CREATE TABLE counters (
    name   TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('receipt_state', 0);
CREATE TRIGGER receipt_state_changed AFTER UPDATE OF lifecycle, claim_id ON receipts BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'receipt_state';
END;

-- Receipts that failed verification: kept with the reason, never shown as valid.
CREATE TABLE quarantine (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    province      TEXT NOT NULL,
    code          TEXT,
    number        TEXT,
    reason_code   TEXT NOT NULL,
    reason        TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    entry_sha256  TEXT NOT NULL,
    original      BLOB NOT NULL,
    UNIQUE (account_id, entry_sha256)
);

-- Full-text search: a dictionary of the distinct texts of receipts (issuer, payer,
-- item and list names, remarks, department) with a trigram index, and the texts each
-- receipt carries. Texts repeat across receipts, so the dictionary stays small and
-- 1-2 character queries can scan it directly.
CREATE TABLE terms (
    id    INTEGER PRIMARY KEY,
    text  TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE terms_fts USING fts5 (text, content = 'terms', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER terms_to_fts AFTER INSERT ON terms BEGIN
    INSERT INTO terms_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TABLE receipt_terms (
    receipt_id  INTEGER NOT NULL,
    term_id     INTEGER NOT NULL,
    PRIMARY KEY (receipt_id, term_id)
) WITHOUT ROWID;

-- What the wallet did, for the person to review: time, kind and counts or internal
-- ids only, never names, ID numbers or amounts.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    account_id  INTEGER,
    counts      TEXT NOT NULL
);

-- Wallet settings (JSON values), e.g. the backup key and automatic backups.
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
