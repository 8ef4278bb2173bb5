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

/// A Secret Service that has just ended is started again by the session bus, and
/// answers within moments: a call that found no service is tried again for up to
/// three seconds before the keyring is called unreachable.
fn with_retry<T>(mut call: impl FnMut() -> keyring::Result<T>) -> keyring::Result<T> {
    let mut tries = 0;
    loop {
        match call() {
            Err(keyring::Error::PlatformFailure(_)) if tries < 15 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, name: &str) -> Result<Option<SecretString>> {
        let entry = self.entry(name)?;
        match with_retry(|| entry.get_password()) {
            Ok(value) => Ok(Some(SecretString::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, name: &str, value: &str) -> Result<()> {
        let entry = self.entry(name)?;
        with_retry(|| entry.set_password(value)).map_err(map_error)
    }

    fn delete(&self, name: &str) -> Result<()> {
        let entry = self.entry(name)?;
        match with_retry(|| entry.delete_credential()) {
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
