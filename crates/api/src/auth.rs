//! Logging in with an SMS code, and keeping the session with refresh tokens.

use crate::redacted::debug_redacted;
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SmsRequest {
    /// 身份证号.
    pub id_number: String,
}
debug_redacted!(SmsRequest {}[id_number]);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "expires_in": 300 })))]
pub struct SmsSent {
    /// Seconds the code stays valid. The answer is the same for unknown ID numbers,
    /// so it tells nobody who has an account.
    pub expires_in: i64,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub id_number: String,
    pub sms_code: String,
}
debug_redacted!(LoginRequest {} [id_number, sms_code]);

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}
debug_redacted!(RefreshRequest {}[refresh_token]);

/// How an access token is presented: `Authorization: Bearer <token>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TokenType {
    Bearer,
}

#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "pa_3q2+7w...",
    "expires_in": 900,
    "refresh_token": "pr_Zx81Lk...",
    "token_type": "Bearer",
    "name": "张三"
})))]
pub struct TokenPair {
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: each refresh returns a new one and retires this one.
    pub refresh_token: String,
    pub token_type: TokenType,
    /// The citizen's name as the province records it, for display.
    pub name: String,
}
debug_redacted!(TokenPair { expires_in, token_type } [access_token, refresh_token, name]);
