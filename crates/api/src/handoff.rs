//! Hand-off: a one-time code from the citizen's own wallet logs a kiosk in.

use crate::redacted::debug_redacted;
use crate::TokenType;
use serde::{Deserialize, Serialize};

/// A one-time hand-off code, to show to the citizen (digits and QR) and to nobody
/// else: whoever types it within its lifetime is logged in as them.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "code": "048213776195", "expires_in": 120 })))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandoffCode {
    /// 12 digits. A new code replaces the citizen's earlier one.
    pub code: String,
    /// Seconds the code stays valid.
    pub expires_in: i64,
}
debug_redacted!(HandoffCode { expires_in }[code]);

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    /// The code as shown; spaces and dashes are ignored.
    pub code: String,
}
debug_redacted!(RedeemRequest {}[code]);

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id_number": "330106199001011234",
    "tokens": { "access_token": "pa_k8Yt...", "expires_in": 900, "token_type": "Bearer", "name": "张三" }
})))]
pub struct HandoffSession {
    /// The citizen the code was issued to: the kiosk's account is theirs.
    pub id_number: String,
    /// A session of the kiosk's own: ending it leaves the citizen's wallet logged in.
    pub tokens: KioskTokens,
}
debug_redacted!(HandoffSession { tokens }[id_number]);

/// A kiosk's session: an access token that may only read receipts, and no refresh
/// token.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "pa_k8Yt...", "expires_in": 900, "token_type": "Bearer", "name": "张三"
})))]
pub struct KioskTokens {
    pub access_token: String,
    /// Seconds until the session ends: at most 900.
    pub expires_in: i64,
    pub token_type: TokenType,
    /// The citizen's name as the province records it, for display.
    pub name: String,
}
debug_redacted!(KioskTokens { expires_in, token_type } [access_token, name]);
