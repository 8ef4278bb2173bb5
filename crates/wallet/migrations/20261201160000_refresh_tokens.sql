-- Refresh tokens of passphrase wallets, which have no keyring to keep them between
-- runs: here they are encrypted with the passphrase's key like everything else.
-- Keyring wallets keep theirs in the keyring; this table stays empty for them.
-- Backups leave it out: a restored wallet logs in again.
CREATE TABLE refresh_tokens (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token TEXT NOT NULL
);
