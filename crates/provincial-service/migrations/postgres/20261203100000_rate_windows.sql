CREATE TABLE rate_windows (
    name     TEXT NOT NULL,
    key      TEXT NOT NULL,
    started  BIGINT NOT NULL,
    count    BIGINT NOT NULL,
    PRIMARY KEY (name, key)
);
