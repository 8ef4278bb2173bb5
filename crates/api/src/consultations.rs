//! 我要咨询: a citizen asks a receipt's issuer about it, and the issuer answers.
//! Only the receipt's payer and its issuer see a thread. The texts are personal:
//! they print as `<redacted>` with `{:?}`.

use crate::redacted::debug_redacted;
use chrono::{DateTime, FixedOffset};
use piaojia_receipt::{named_states, ReceiptKey};
use serde::{Deserialize, Serialize};

named_states! {
    /// Why the citizen asks.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum ConsultReason {
        AmountWrong = "amount_wrong",
        NotMine = "not_mine",
        ChargedTwice = "charged_twice",
        NameWrong = "name_wrong",
        Other = "other",
    }
}

named_states! {
    /// Where a thread stands: waiting for the issuer, answered, or closed (by
    /// either side). A citizen's new message opens an answered thread again.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum ConsultationState {
        Open = "open",
        Answered = "answered",
        Closed = "closed",
    }
}

named_states! {
    /// Who wrote a message of a thread.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
    pub enum Author {
        Citizen = "citizen",
        Issuer = "issuer",
    }
}

/// The longest message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// A citizen's question about one of their receipts.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "reason": "charged_twice", "text": "同一次检查收了两次费。"
})))]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    pub reason: ConsultReason,
    /// 1 to 1000 characters.
    pub text: String,
}
debug_redacted!(AskRequest { reason }[text]);

/// A further message of the citizen's.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    /// 1 to 1000 characters.
    pub text: String,
}
debug_redacted!(MessageRequest {}[text]);

/// The issuer's answer.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "text": "已核实重复收费，原票据已冲红并重新开具。",
    "close": true,
    "corrected_by": crate::examples::key("0012345700")
})))]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// 1 to 1000 characters.
    pub text: String,
    /// Closes the thread with this answer.
    #[serde(default)]
    pub close: bool,
    /// The receipt issued in place of this one, after reversing it (冲红): it
    /// must be the issuer's, to the same payer, and the asked-about receipt must
    /// be reversed.
    #[serde(default)]
    pub corrected_by: Option<ReceiptKey>,
}
debug_redacted!(
    AnswerRequest {
        close,
        corrected_by
    }[text]
);

/// One message of a thread.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConsultMessage {
    pub author: Author,
    pub text: String,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: DateTime<FixedOffset>,
}
debug_redacted!(ConsultMessage { author, at }[text]);

/// A thread about one receipt, as its payer and its issuer see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": 5,
    "receipt": crate::examples::key("0012345678"),
    "reason": "charged_twice",
    "state": "answered",
    "messages": [
        { "author": "citizen", "text": "同一次检查收了两次费。", "at": "2026-11-04T09:30:00+08:00" },
        { "author": "issuer", "text": "已核实，原票据已冲红并重新开具。", "at": "2026-11-05T10:12:00+08:00" }
    ],
    "corrected_by": crate::examples::key("0012345700"),
    "opened_at": "2026-11-04T09:30:00+08:00",
    "updated_at": "2026-11-05T10:12:00+08:00",
    "texts_kept_until": null
})))]
pub struct Consultation {
    pub id: i64,
    pub receipt: ReceiptKey,
    pub reason: ConsultReason,
    pub state: ConsultationState,
    /// Oldest first. Empty once a closed thread's retention has passed.
    pub messages: Vec<ConsultMessage>,
    /// The receipt the issuer issued in its place.
    #[serde(default)]
    pub corrected_by: Option<ReceiptKey>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub opened_at: DateTime<FixedOffset>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub updated_at: DateTime<FixedOffset>,
    /// For a closed thread: when the service removes its texts.
    #[serde(default)]
    pub texts_kept_until: Option<DateTime<FixedOffset>>,
}

/// A thread's change in the changes feed; its texts are read from the thread.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "id": 5, "state": "answered" })))]
pub struct ConsultationChange {
    pub id: i64,
    pub state: ConsultationState,
}
