//! What an error answer says, beside its HTTP status.

use serde::{Deserialize, Serialize};

/// The body of every error answer. Clients match on the code, never on the message.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "code": "auth.invalid_token", "message": "the access token is not valid"
})))]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `auth.invalid_token`.
    pub code: String,
    pub message: String,
}
