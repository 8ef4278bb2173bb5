-- Trust bundles per (province, pinned root) instead of per province: a demo account
-- and a real one in one province, or two services, each keep their own bundle and
-- no sync of one replaces the other's. Each old bundle is copied to every root of
-- its province; one that does not verify against a root is ignored when read and
-- replaced at the next sync.
CREATE TABLE trust_bundles_by_root (
    province    TEXT NOT NULL,
    -- The root key (base64 ed25519) the bundle verified against.
    root_key    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    bundle      TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (province, root_key)
);
INSERT INTO trust_bundles_by_root (province, root_key, version, bundle, fetched_at)
SELECT DISTINCT b.province, a.root_key, b.version, b.bundle, b.fetched_at
FROM trust_bundles b JOIN accounts a ON a.province = b.province;
DROP TABLE trust_bundles;
ALTER TABLE trust_bundles_by_root RENAME TO trust_bundles;

-- A stored receipt can now leave the table (moved to the quarantine when it no
-- longer verifies): the in-memory search index of any process must reload.
CREATE TRIGGER receipt_rows_removed AFTER DELETE ON receipts BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'receipt_rows';
END;
