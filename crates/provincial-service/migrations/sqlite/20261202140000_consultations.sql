-- 我要咨询: a citizen's questions about a receipt, and its issuer's answers.
CREATE TABLE consultations (
    id                INTEGER PRIMARY KEY,
    citizen_id        INTEGER NOT NULL REFERENCES citizens(id),
    issuer_code       TEXT NOT NULL,
    code              TEXT NOT NULL,
    number            TEXT NOT NULL,
    -- amount_wrong | not_mine | charged_twice | name_wrong | other
    reason            TEXT NOT NULL,
    -- open | answered | closed
    state             TEXT NOT NULL,
    opened_at         TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    closed_at         TEXT,
    -- The receipt the issuer issued in place of this one (after 冲红).
    corrected_code    TEXT,
    corrected_number  TEXT
);
CREATE INDEX consultations_by_issuer ON consultations (issuer_code, id);
CREATE INDEX consultations_by_receipt ON consultations (code, number);
CREATE INDEX consultations_closed ON consultations (closed_at) WHERE closed_at IS NOT NULL;

-- The texts, kept while the thread is open and for the retention period after it
-- closed; then deleted (the thread's state stays).
CREATE TABLE consultation_messages (
    id               INTEGER PRIMARY KEY,
    consultation_id  INTEGER NOT NULL REFERENCES consultations(id),
    -- citizen | issuer
    author           TEXT NOT NULL,
    body             TEXT NOT NULL,
    at               TEXT NOT NULL
);
CREATE INDEX consultation_messages_by_thread ON consultation_messages (consultation_id, id);

-- A thread's changes in its citizen's changes feed.
ALTER TABLE events ADD COLUMN consultation_id INTEGER;
ALTER TABLE events ADD COLUMN consultation_state TEXT;
