//! The states a provincial service and the wallets share, each with one stable
//! snake_case form (stored, sent over the API and to the UI): a receipt's
//! lifecycle, a reimbursement claim's, and a 查验 answer's.

use crate::{Lifecycle, ProvinceCode, ReceiptCode, ReceiptKey, ReceiptNumber};
use serde::{Deserialize, Serialize};

/// Where a receipt stands after issue, without the receipt it links to: the form
/// kept in a table column and shown in lists. [`Lifecycle`] carries the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum LifecycleState {
    Normal,
    /// 冲红: reversed by a red receipt.
    Reversed,
    /// 换开: exchanged for a paper receipt.
    Exchanged,
    /// 作废: cancelled by its issuer.
    Voided,
}

impl LifecycleState {
    pub const ALL: [LifecycleState; 4] = [
        LifecycleState::Normal,
        LifecycleState::Reversed,
        LifecycleState::Exchanged,
        LifecycleState::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleState::Normal => "normal",
            LifecycleState::Reversed => "reversed",
            LifecycleState::Exchanged => "exchanged",
            LifecycleState::Voided => "voided",
        }
    }

    pub fn parse(text: &str) -> Option<LifecycleState> {
        LifecycleState::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl TryFrom<String> for LifecycleState {
    type Error = String;

    fn try_from(text: String) -> Result<LifecycleState, String> {
        LifecycleState::parse(&text).ok_or_else(|| format!("unknown lifecycle state {text:?}"))
    }
}

impl Lifecycle {
    pub fn state(&self) -> LifecycleState {
        match self {
            Lifecycle::Normal => LifecycleState::Normal,
            Lifecycle::Reversed { .. } => LifecycleState::Reversed,
            Lifecycle::Exchanged { .. } => LifecycleState::Exchanged,
            Lifecycle::Voided => LifecycleState::Voided,
        }
    }

    /// The red receipt that reversed it, or the paper receipt it was exchanged for.
    pub fn linked(&self) -> Option<&ReceiptKey> {
        match self {
            Lifecycle::Normal | Lifecycle::Voided => None,
            Lifecycle::Reversed { by } => Some(by),
            Lifecycle::Exchanged { paper } => Some(paper),
        }
    }

    /// A lifecycle from its stored parts: None when a state that links lacks its
    /// link, or a normal one has one.
    pub fn from_parts(state: LifecycleState, linked: Option<ReceiptKey>) -> Option<Lifecycle> {
        match (state, linked) {
            (LifecycleState::Normal, None) => Some(Lifecycle::Normal),
            (LifecycleState::Voided, None) => Some(Lifecycle::Voided),
            (LifecycleState::Reversed, Some(by)) => Some(Lifecycle::Reversed { by }),
            (LifecycleState::Exchanged, Some(paper)) => Some(Lifecycle::Exchanged { paper }),
            _ => None,
        }
    }

    /// A lifecycle from the columns a store keeps it in (its state, the linked
    /// receipt's 票据代码 and 票据号码, of the same province); None when they do not
    /// make one.
    pub fn from_columns(
        province: &ProvinceCode,
        state: &str,
        linked_code: Option<String>,
        linked_number: Option<String>,
    ) -> Option<Lifecycle> {
        let linked = match (linked_code, linked_number) {
            (Some(code), Some(number)) => Some(ReceiptKey {
                province: province.clone(),
                code: ReceiptCode::new(code).ok()?,
                number: ReceiptNumber::new(number).ok()?,
            }),
            (None, None) => None,
            _ => return None,
        };
        Lifecycle::from_parts(LifecycleState::parse(state)?, linked)
    }
}

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
    /// 作废.
    Voided,
    /// Held by a reimbursement claim.
    Claimed,
    /// No receipt has these elements.
    NotFound,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 6] = [
        CheckStatus::Valid,
        CheckStatus::Reversed,
        CheckStatus::Exchanged,
        CheckStatus::Voided,
        CheckStatus::Claimed,
        CheckStatus::NotFound,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Valid => "valid",
            CheckStatus::Reversed => "reversed",
            CheckStatus::Exchanged => "exchanged",
            CheckStatus::Voided => "voided",
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
        for state in LifecycleState::ALL {
            let json = serde_json::to_value(state).unwrap();
            assert_eq!(json, serde_json::Value::String(state.as_str().into()));
            assert_eq!(LifecycleState::parse(state.as_str()), Some(state));
        }
    }

    /// A lifecycle's tag on the API is its stored state; its parts make it again.
    #[test]
    fn a_lifecycle_is_its_state_and_its_link() {
        let key = |number: &str| ReceiptKey {
            province: crate::ProvinceCode::new("330000").unwrap(),
            code: crate::ReceiptCode::new("33060122").unwrap(),
            number: crate::ReceiptNumber::new(number).unwrap(),
        };
        for lifecycle in [
            Lifecycle::Normal,
            Lifecycle::Reversed {
                by: key("0000000002"),
            },
            Lifecycle::Exchanged {
                paper: key("0000000003"),
            },
            Lifecycle::Voided,
        ] {
            let json = serde_json::to_value(&lifecycle).unwrap();
            assert_eq!(json["state"], lifecycle.state().as_str());
            let again = Lifecycle::from_parts(lifecycle.state(), lifecycle.linked().cloned());
            assert_eq!(again, Some(lifecycle));
        }
        assert_eq!(Lifecycle::from_parts(LifecycleState::Reversed, None), None);
        assert_eq!(
            Lifecycle::from_parts(LifecycleState::Normal, Some(key("0000000004"))),
            None
        );
    }
}
