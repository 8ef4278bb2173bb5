-- Which refresh token a token pair came from, and when a refresh token was used:
-- a client that crashed after the service rotated its token, before it saved the
-- new one, may present the old one again within a grace period.
ALTER TABLE tokens ADD COLUMN parent TEXT;
ALTER TABLE tokens ADD COLUMN used_at INTEGER;
CREATE INDEX tokens_by_parent ON tokens (parent);
