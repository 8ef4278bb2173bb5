-- Requests counted in fixed windows (per client address, per citizen, or for all),
-- kept in the store so that several instances over one database count together.
CREATE TABLE rate_windows (
    name     TEXT NOT NULL,
    key      TEXT NOT NULL,
    -- Unix seconds when the current window began.
    started  INTEGER NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (name, key)
);
