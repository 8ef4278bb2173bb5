-- The trust bundle's version, kept with the data: it only grows, across restarts too,
-- so that wallets (which refuse an older bundle) take every new revocation.
CREATE TABLE bundle_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO bundle_version (id, version) VALUES (1, 0);
