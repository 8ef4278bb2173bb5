-- What the login limits count per ID number over the last hour: SMS codes sent and
-- wrong codes tried. The ID number is kept only as a keyed hash, so numbers typed by
-- strangers are not stored, and a known and an unknown number are counted alike.
CREATE TABLE auth_events (
    id_key  TEXT NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('sms', 'failure')),
    at      INTEGER NOT NULL
);
CREATE INDEX auth_events_by_key ON auth_events (id_key, kind, at);
CREATE INDEX auth_events_by_time ON auth_events (at);
