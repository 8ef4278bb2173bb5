//! Where an account's refresh token lives between runs: in the OS keyring for a
//! keyring wallet; inside the encrypted database for a passphrase wallet, which has
//! no keyring (a server, a minimal desktop) and whose database is encrypted with the
//! passphrase's key; in memory for an in-memory kiosk wallet.

use crate::error::Result;
use crate::keys::KeyMode;
use crate::secret::SecretString;
use crate::wallet::Wallet;

impl Wallet {
    fn refresh_in_database(&self) -> bool {
        self.meta.key_mode == KeyMode::Passphrase
    }

    pub(crate) async fn stored_refresh(&self, account_id: i64) -> Result<Option<SecretString>> {
        if !self.refresh_in_database() {
            return self.tokens.get(&self.refresh_name(account_id));
        }
        let token: Option<String> =
            sqlx::query_scalar("SELECT token FROM refresh_tokens WHERE account_id = ?")
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(token.map(SecretString::new))
    }

    pub(crate) async fn store_refresh(&self, account_id: i64, token: &str) -> Result<()> {
        if !self.refresh_in_database() {
            return self.tokens.set(&self.refresh_name(account_id), token);
        }
        sqlx::query(
            "INSERT INTO refresh_tokens (account_id, token) VALUES (?, ?)
             ON CONFLICT (account_id) DO UPDATE SET token = excluded.token",
        )
        .bind(account_id)
        .bind(token)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub(crate) async fn forget_refresh(&self, account_id: i64) -> Result<()> {
        if !self.refresh_in_database() {
            return self.tokens.delete(&self.refresh_name(account_id));
        }
        sqlx::query("DELETE FROM refresh_tokens WHERE account_id = ?")
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
