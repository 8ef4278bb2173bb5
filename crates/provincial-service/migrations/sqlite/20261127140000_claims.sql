-- Reimbursement claims: relying parties (employers, insurers, the medical-insurance
-- fund) and the claims citizens submit to them.

CREATE TABLE relying_parties (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    -- employer | insurer | medical_insurance
    kind          TEXT NOT NULL,
    api_key_hash  TEXT NOT NULL UNIQUE
);

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    citizen_id        INTEGER NOT NULL REFERENCES citizens(id),
    relying_party_id  INTEGER NOT NULL REFERENCES relying_parties(id),
    idempotency_key   TEXT NOT NULL,
    request_hash      TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    payee_account     TEXT NOT NULL,
    amount_requested  INTEGER NOT NULL,
    reimbursable      INTEGER NOT NULL,
    amount_approved   INTEGER,
    -- submitted | info_requested | approved | rejected | paid | withdrawn
    state             TEXT NOT NULL,
    message           TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (citizen_id, idempotency_key)
);
CREATE INDEX claims_by_party ON claims (relying_party_id, id);

CREATE TABLE claim_receipts (
    claim_id     INTEGER NOT NULL REFERENCES claims(id),
    receipt_seq  INTEGER NOT NULL REFERENCES receipts(seq),
    PRIMARY KEY (claim_id, receipt_seq)
);

-- The claim that holds a receipt (while the claim is active).
ALTER TABLE receipts ADD COLUMN claim_id INTEGER;
-- Claim changes in the changes feed: one event per receipt of the claim.
ALTER TABLE events ADD COLUMN claim_id INTEGER;
ALTER TABLE events ADD COLUMN claim_state TEXT;
