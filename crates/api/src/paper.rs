//! 换开纸质票据 at a hospital's kiosk: the issuer registers its kiosks (each gets a
//! key of its own), and a kiosk exchanges a present citizen's e-receipt for a
//! numbered paper receipt from its stock, once; it may take the exchange back
//! within minutes when the paper did not print.

use crate::redacted::debug_redacted;
use chrono::{DateTime, FixedOffset};
use piaojia_receipt::ReceiptKey;
use serde::{Deserialize, Serialize};

/// An issuer registers a kiosk of its own by a name it chooses.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterKioskRequest {
    /// 1 to 32 of A–Z, a–z, 0–9, `-` and `_`, unique in the province.
    pub kiosk_id: String,
}

/// A registered kiosk and its key, shown this once: the service keeps its hash.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kiosk_id": "menzhen-1", "kiosk_key": "pk_3JdT...", "issuer_name": "台州市中心医院"
})))]
pub struct KioskRegistration {
    pub kiosk_id: String,
    /// Sent as `X-Kiosk-Key` with the citizen's session when the kiosk exchanges.
    pub kiosk_key: String,
    /// The issuer whose receipts the kiosk exchanges, as its receipts name it.
    pub issuer_name: String,
}
debug_redacted!(
    KioskRegistration {
        kiosk_id,
        issuer_name
    }[kiosk_key]
);

/// An exchange the service recorded: the e-receipt now counts as the paper one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "receipt": { "province": "330000", "code": "33060122", "number": "0012345678" },
    "paper": { "province": "330000", "code": "33010125", "number": "0000100001" },
    "kiosk_id": "menzhen-1",
    "exchanged_at": "2026-12-02T09:30:00+08:00"
})))]
pub struct PaperExchange {
    pub receipt: ReceiptKey,
    pub paper: ReceiptKey,
    pub kiosk_id: String,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub exchanged_at: DateTime<FixedOffset>,
}
