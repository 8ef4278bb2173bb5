//! The states a provincial service and the wallets share, each with one stable
//! snake_case form (stored, sent over the API and to the UI): a receipt's
//! lifecycle, a reimbursement claim's, and a 查验 answer's. Every such enum (here
//! and in other crates) is declared through [`named_states!`], the one place that
//! ties a state to its text.

use crate::{Lifecycle, ProvinceCode, ReceiptKey};

/// Declares a state enum whose every variant has one stable text form: serde's,
/// `as_str`, `parse`, `Display` and `TryFrom<String>` (for rows that keep it as
/// text, `#[sqlx(try_from = "String")]`) all use that text, so they cannot differ.
/// The text is taken as a token tree, not a `literal` fragment: a fragment reaches
/// derive macros wrapped in an invisible group, which utoipa does not look into
/// (its OpenAPI schema named the variants instead; the API fuzzer caught it).
#[macro_export]
macro_rules! named_states {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every state, in the order declared.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stable form: stored, sent and shown to the UI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<$name, String> {
                $name::parse(&text)
                    .ok_or_else(|| format!(concat!("not a ", stringify!($name), ": {:?}"), text))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_states! {
    /// Where a receipt stands after issue, without the receipt it links to: the form
    /// kept in a table column and shown in lists. [`Lifecycle`] carries the link.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum LifecycleState {
        Normal = "normal",
        /// 冲红: reversed by a red receipt.
        Reversed = "reversed",
        /// 换开: exchanged for a paper receipt.
        Exchanged = "exchanged",
        /// 作废: cancelled by its issuer.
        Voided = "voided",
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
            (Some(code), Some(number)) => {
                Some(ReceiptKey::from_parts(province.as_str(), code, number).ok()?)
            }
            (None, None) => None,
            _ => return None,
        };
        Lifecycle::from_parts(LifecycleState::parse(state)?, linked)
    }
}

named_states! {
    /// A claim's state. The service reports those from `Submitted` on; `Draft`,
    /// `Queued` and `Refused` are a wallet's own, before the service has the claim.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum ClaimState {
        /// Being put together in the wallet; only a draft takes receipts.
        Draft = "draft",
        /// Waiting in the wallet to be sent (the service could not be reached).
        Queued = "queued",
        /// The service refused it as sent: it goes no further.
        Refused = "refused",
        /// With the relying party.
        Submitted = "submitted",
        /// The relying party asks for more information.
        InfoRequested = "info_requested",
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
        Withdrawn = "withdrawn",
    }
}

impl ClaimState {
    /// Whether the claim still holds its receipts (they cannot join another).
    pub fn holds_receipts(self) -> bool {
        !matches!(
            self,
            ClaimState::Rejected | ClaimState::Withdrawn | ClaimState::Refused
        )
    }
}

named_states! {
    /// A 查验 answer: what the service knows of a receipt named by its elements.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum CheckStatus {
        Valid = "valid",
        /// 冲红.
        Reversed = "reversed",
        /// 换开.
        Exchanged = "exchanged",
        /// 作废.
        Voided = "voided",
        /// Held by a reimbursement claim.
        Claimed = "claimed",
        /// No receipt has these elements.
        NotFound = "not_found",
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
