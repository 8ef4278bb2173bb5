-- The reference provincial service's own store (plain SQLite).

CREATE TABLE citizens (
    id          INTEGER PRIMARY KEY,
    id_number   TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    phone       TEXT NOT NULL
);

-- Issuers sign with keys the service holds: in this reference service it plays the
-- issuers' part too. api_key_hash authenticates the issuer endpoints.
CREATE TABLE issuers (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    category      TEXT NOT NULL,
    region        TEXT NOT NULL,
    cert_serial   TEXT NOT NULL UNIQUE,
    signing_seed  BLOB NOT NULL,
    api_key_hash  TEXT NOT NULL UNIQUE,
    revoked_at    TEXT
);

CREATE TABLE receipts (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id   INTEGER NOT NULL REFERENCES citizens(id),
    code         TEXT NOT NULL,
    number       TEXT NOT NULL,
    check_code   TEXT NOT NULL,
    issuer_code  TEXT NOT NULL REFERENCES issuers(code),
    issued_at    TEXT NOT NULL,
    total_fen    INTEGER NOT NULL,
    -- normal | reversed | exchanged
    state        TEXT NOT NULL DEFAULT 'normal',
    linked_code  TEXT,
    linked_number TEXT,
    -- The signed original as served (JSON envelope), verbatim.
    original     TEXT NOT NULL,
    UNIQUE (code, number)
);
CREATE INDEX receipts_by_citizen ON receipts (citizen_id, seq);

-- The changes feed: lifecycle events per citizen, in order.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    citizen_id   INTEGER NOT NULL REFERENCES citizens(id),
    kind         TEXT NOT NULL,
    code         TEXT NOT NULL,
    number       TEXT NOT NULL,
    lifecycle    TEXT NOT NULL,
    at           TEXT NOT NULL
);
CREATE INDEX events_by_citizen ON events (citizen_id, seq);

-- Numbering per receipt code.
CREATE TABLE receipt_numbers (
    code  TEXT PRIMARY KEY,
    next  INTEGER NOT NULL
);

CREATE TABLE sms_codes (
    id_number   TEXT PRIMARY KEY,
    code        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
);

-- Tokens are stored as SHA-256 hashes only. A refresh token is used once; a second
-- use revokes its whole family (the chain of rotations since one login).
CREATE TABLE tokens (
    hash        TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    citizen_id  INTEGER NOT NULL REFERENCES citizens(id),
    family      TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_by_family ON tokens (family);
