//! A claim's state, the wallet's own (draft, queued, refused) and those its service
//! reports (submitted, info requested, approved, rejected, paid, withdrawn): one
//! enum, stored and sent to the UI in its snake_case form.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ClaimState {
    /// Being put together here; only a draft takes receipts.
    Draft,
    /// Waiting to be sent (the service could not be reached).
    Queued,
    /// The service refused it as sent (a 4xx): it goes no further.
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

    /// Whether the claim still holds its receipts (they cannot join another).
    pub fn holds_receipts(self) -> bool {
        !matches!(
            self,
            ClaimState::Rejected | ClaimState::Withdrawn | ClaimState::Refused
        )
    }
}

impl std::fmt::Display for ClaimState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stored, serialised and displayed forms are one.
    #[test]
    fn every_state_has_one_string_form() {
        for state in [
            ClaimState::Draft,
            ClaimState::Queued,
            ClaimState::Refused,
            ClaimState::Submitted,
            ClaimState::InfoRequested,
            ClaimState::Approved,
            ClaimState::Rejected,
            ClaimState::Paid,
            ClaimState::Withdrawn,
        ] {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, serde_json::Value::String(state.to_string()));
            assert_eq!(serde_json::from_value::<ClaimState>(json).unwrap(), state);
        }
    }
}
