CREATE TABLE auth_events (
    id_key  TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('sms', 'failure')),
    at      BIGINT NOT NULL
);
CREATE INDEX auth_events_by_key ON auth_events (id_key, kind, at);
CREATE INDEX auth_events_by_time ON auth_events (at);
