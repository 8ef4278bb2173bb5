//! Where secrets live: the OS keyring (Secret Service, Keychain, Credential Manager)
//! or, where there is none, memory only.

use crate::error::{Result, WalletError};
use crate::secret::SecretString;
use std::collections::HashMap;
use std::sync::Mutex;

/// A named secret store.
pub trait SecretStore: Send + Sync {
    fn get(&self, name: &str) -> Result<Option<SecretString>>;
    fn set(&self, name: &str, value: &str) -> Result<()>;
    fn delete(&self, name: &str) -> Result<()>;
    /// Whether secrets survive the process (a real keyring) or not (memory).
    fn persistent(&self) -> bool;
}

/// The platform keyring, under one service name.
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    pub fn new(service: impl Into<String>) -> OsKeyring {
        OsKeyring {
            service: service.into(),
        }
    }

    /// Checks that the keyring answers, by a read of an entry that need not exist.
    pub fn probe(&self) -> Result<()> {
        self.get("probe").map(|_| ())
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry> {
        keyring::Entry::new(&self.service, name).map_err(map_error)
    }
}

fn map_error(error: keyring::Error) -> WalletError {
    let detail = match &error {
        keyring::Error::PlatformFailure(_) => {
            "no keyring service answers (is a Secret Service running and unlocked?)".to_string()
        }
        keyring::Error::NoStorageAccess(_) => "the keyring is locked or refused access".to_string(),
        other => other.to_string(),
    };
    WalletError::KeyringUnavailable(detail)
}

impl SecretStore for OsKeyring {
    fn get(&self, name: &str) -> Result<Option<SecretString>> {
        match self.entry(name)?.get_password() {
            Ok(value) => Ok(Some(SecretString::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.entry(name)?.set_password(value).map_err(map_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }

    fn persistent(&self) -> bool {
        true
    }
}

/// Secrets held for this process only: passphrase-mode tokens and kiosk sessions.
#[derive(Default)]
pub struct MemoryStore {
    values: Mutex<HashMap<String, SecretString>>,
}

impl SecretStore for MemoryStore {
    fn get(&self, name: &str) -> Result<Option<SecretString>> {
        let values = self.values.lock().expect("store lock");
        Ok(values.get(name).map(|v| SecretString::new(v.expose())))
    }

    fn set(&self, name: &str, value: &str) -> Result<()> {
        self.values
            .lock()
            .expect("store lock")
            .insert(name.to_string(), SecretString::new(value));
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<()> {
        self.values.lock().expect("store lock").remove(name);
        Ok(())
    }

    fn persistent(&self) -> bool {
        false
    }
}
