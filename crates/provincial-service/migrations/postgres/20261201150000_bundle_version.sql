CREATE TABLE bundle_version (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO bundle_version (id, version) VALUES (1, 0);
