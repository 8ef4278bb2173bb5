CREATE TABLE handoff_codes (
    hash        TEXT PRIMARY KEY,
    citizen_id  BIGINT NOT NULL UNIQUE REFERENCES citizens(id),
    expires_at  BIGINT NOT NULL
);
