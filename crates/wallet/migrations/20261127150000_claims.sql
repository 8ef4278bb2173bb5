-- Reimbursement claims kept in the wallet: drafts, the submission queue, and the
-- state the service reports. receipts.claim_id names the local claim holding a receipt.

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    relying_party     TEXT NOT NULL,
    purpose           TEXT NOT NULL,
    payee_account     TEXT NOT NULL,
    amount_requested  INTEGER NOT NULL,
    -- draft | queued | submitted | info_requested | approved | rejected | paid
    -- | withdrawn | refused (the service said no to the submission itself)
    state             TEXT NOT NULL DEFAULT 'draft',
    idempotency_key   TEXT NOT NULL UNIQUE,
    remote_id         INTEGER,
    reimbursable      INTEGER,
    amount_approved   INTEGER,
    message           TEXT,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE claim_receipts (
    claim_id    INTEGER NOT NULL REFERENCES claims(id),
    receipt_id  INTEGER NOT NULL REFERENCES receipts(id),
    PRIMARY KEY (claim_id, receipt_id)
);
