ALTER TABLE tokens ADD COLUMN parent TEXT;
ALTER TABLE tokens ADD COLUMN used_at BIGINT;
CREATE INDEX tokens_by_parent ON tokens (parent);
