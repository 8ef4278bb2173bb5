//! The states a provincial service and the wallets share, each with one stable
//! snake_case form (stored, sent over the API and to the UI): a reimbursement
//! claim's, and a 查验 answer's.

use serde::{Deserialize, Serialize};

/// A claim's state. The service reports those from `Submitted` on; `Draft`,
/// `Queued` and `Refused` are a wallet's own, before the service has the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    /// Being put together in the wallet; only a draft takes receipts.
    Draft,
    /// Waiting in the wallet to be sent (the service could not be reached).
    Queued,
    /// The service refused it as sent: it goes no further.
    Refused,
    /// With the relying party.
    Submitted,
    /// The relying party asks for more information.
    InfoRequested,
    Approved,
    Rejected,
    Paid,
    Withdrawn,
}

impl ClaimState {
    pub const ALL: [ClaimState; 9] = [
        ClaimState::Draft,
        ClaimState::Queued,
        ClaimState::Refused,
        ClaimState::Submitted,
        ClaimState::InfoRequested,
        ClaimState::Approved,
        ClaimState::Rejected,
        ClaimState::Paid,
        ClaimState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimState::Draft => "draft",
            ClaimState::Queued => "queued",
            ClaimState::Refused => "refused",
            ClaimState::Submitted => "submitted",
            ClaimState::InfoRequested => "info_requested",
            ClaimState::Approved => "approved",
            ClaimState::Rejected => "rejected",
            ClaimState::Paid => "paid",
            ClaimState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimState> {
        ClaimState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the claim still holds its receipts (they cannot join another).
    pub fn holds_receipts(self) -> bool {
        !matches!(
            self,
            ClaimState::Rejected | ClaimState::Withdrawn | ClaimState::Refused
        )
    }
}

/// A 查验 answer: what the service knows of a receipt named by its elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Valid,
    /// 冲红.
    Reversed,
    /// 换开.
    Exchanged,
    /// Held by a reimbursement claim.
    Claimed,
    /// No receipt has these elements.
    NotFound,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 5] = [
        CheckStatus::Valid,
        CheckStatus::Reversed,
        CheckStatus::Exchanged,
        CheckStatus::Claimed,
        CheckStatus::NotFound,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Valid => "valid",
            CheckStatus::Reversed => "reversed",
            CheckStatus::Exchanged => "exchanged",
            CheckStatus::Claimed => "claimed",
            CheckStatus::NotFound => "not_found",
        }
    }
}

/// For rows that hold a state as text (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for ClaimState {
    type Error = String;

    fn try_from(text: String) -> Result<ClaimState, String> {
        ClaimState::parse(&text).ok_or(text)
    }
}

impl std::fmt::Display for ClaimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The serialised, displayed and parsed forms are one.
    #[test]
    fn every_state_has_one_string_form() {
        for state in ClaimState::ALL {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, serde_json::Value::String(state.to_string()));
            assert_eq!(serde_json::from_value::<ClaimState>(json).unwrap(), state);
            assert_eq!(ClaimState::parse(state.as_str()), Some(state));
        }
        for status in CheckStatus::ALL {
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, serde_json::Value::String(status.to_string()));
            assert_eq!(serde_json::from_value::<CheckStatus>(json).unwrap(), status);
        }
        assert_eq!(ClaimState::parse("Draft"), None);
    }
}
