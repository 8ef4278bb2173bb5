-- 我要咨询: threads with the issuers of this wallet's receipts, as the service last
-- sent them (the service deletes a closed thread's texts after a while; the wallet
-- keeps its copy, encrypted with everything else).
CREATE TABLE consultations (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER NOT NULL REFERENCES accounts(id),
    remote_id         INTEGER NOT NULL,
    receipt_id        INTEGER NOT NULL REFERENCES receipts(id),
    -- amount_wrong | not_mine | charged_twice | name_wrong | other
    reason            TEXT NOT NULL,
    -- open | answered | closed
    state             TEXT NOT NULL,
    -- JSON: [{author, text, at}], oldest first
    messages          TEXT NOT NULL,
    corrected_code    TEXT,
    corrected_number  TEXT,
    opened_at         TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    -- An answer came that the person has not opened yet.
    unread            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, remote_id)
);
CREATE INDEX consultations_by_receipt ON consultations (receipt_id);
