//! Exit codes, stable for scripts:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | any other error |
//! | 2 | wrong usage (bad arguments) |
//! | 3 | the wallet cannot be opened: wrong key or passphrase, keyring unreachable, key missing |
//! | 4 | not logged in, or the login was refused (also: a different root key than the pinned one) |
//! | 5 | the provincial service is unreachable, answered with an error, or asks to wait (too many tries) |
//! | 6 | verification failed: the receipt is not valid |
//! | 7 | not found |
//! | 8 | the printer is not ready, or the print job failed |

use piaojia_wallet::WalletError;

pub const OK: i32 = 0;
pub const OTHER: i32 = 1;
pub const USAGE: i32 = 2;
pub const LOCKED: i32 = 3;
pub const AUTH: i32 = 4;
pub const SERVICE: i32 = 5;
pub const INVALID_RECEIPT: i32 = 6;
pub const NOT_FOUND: i32 = 7;
pub const PRINTER: i32 = 8;

pub fn code_for(error: &anyhow::Error) -> i32 {
    match error.downcast_ref::<WalletError>() {
        Some(wallet) => code_for_wallet(wallet),
        _ if error.downcast_ref::<piaojia_render::PrintError>().is_some() => PRINTER,
        _ => match error.downcast_ref::<piaojia_receipt::Error>() {
            Some(_) => INVALID_RECEIPT,
            None => OTHER,
        },
    }
}

pub fn code_for_wallet(error: &WalletError) -> i32 {
    match error {
        WalletError::WrongKey
        | WalletError::KeyringUnavailable(_)
        | WalletError::KeyMissing
        | WalletError::PassphraseRequired => LOCKED,
        WalletError::NotLoggedIn { .. }
        | WalletError::AuthFailed(_)
        | WalletError::RootChanged { .. } => AUTH,
        WalletError::ServiceUnavailable { .. }
        | WalletError::Tls(_)
        | WalletError::RateLimited { .. }
        | WalletError::Service { .. }
        | WalletError::Protocol(_) => SERVICE,
        WalletError::Receipt(_) => INVALID_RECEIPT,
        WalletError::NotFound(_) => NOT_FOUND,
        WalletError::Invalid(_) | WalletError::RecoveryKeyMalformed(_) => USAGE,
        _ => OTHER,
    }
}
