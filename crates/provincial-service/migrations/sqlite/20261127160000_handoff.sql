-- One-time hand-off codes: a citizen logged in on their own wallet asks for one and
-- shows it; a kiosk trades it, once and within minutes, for token pairs of its own.
-- Only the code's hash is kept.
CREATE TABLE handoff_codes (
    hash        TEXT PRIMARY KEY,
    citizen_id  INTEGER NOT NULL UNIQUE REFERENCES citizens(id),
    expires_at  INTEGER NOT NULL
);
