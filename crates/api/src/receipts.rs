//! A citizen's receipts, page by page, and the changes to them since a cursor.

use chrono::{DateTime, FixedOffset};
use piaojia_receipt::{ClaimState, Lifecycle, ReceiptKey};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The query of a page of receipts or changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page; absent for the first page.
    pub after: Option<String>,
    /// Items per page, 1 to 1000 (default 200).
    pub limit: Option<i64>,
}

/// One receipt as served: its signed original and its current lifecycle. A reader
/// parses the original on its own, so that one bad item does not spoil its page.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "cursor": "41",
    "original": crate::examples::original(),
    "lifecycle": { "state": "normal" }
})))]
pub struct ReceiptEntry {
    /// Position in this citizen's list; pass the last one as `after`.
    pub cursor: String,
    #[cfg_attr(feature = "openapi", schema(value_type = piaojia_receipt::SignedOriginal))]
    pub original: Box<RawValue>,
    pub lifecycle: Lifecycle,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "items": [],
    "next_cursor": "41",
    "has_more": false,
    "remaining": 0
})))]
pub struct ReceiptPage {
    pub items: Vec<ReceiptEntry>,
    /// Where the next page starts; equal to `after` when nothing new came.
    pub next_cursor: String,
    pub has_more: bool,
    /// Receipts after `next_cursor`, for progress.
    pub remaining: i64,
}

/// A change of one of the citizen's receipts: its lifecycle (冲红, 换开, 作废), the
/// state of the claim that holds it, or a thread about it (我要咨询).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "cursor": "7",
    "receipt": crate::examples::key("0012345678"),
    "lifecycle": { "state": "reversed", "by": crate::examples::key("0012345699") },
    "at": "2026-11-04T09:30:00+08:00"
})))]
pub struct ChangeEvent {
    pub cursor: String,
    pub receipt: ReceiptKey,
    pub lifecycle: Lifecycle,
    /// Present on claim changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ClaimChange>,
    /// Present on changes of a 我要咨询 thread about the receipt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consultation: Option<crate::ConsultationChange>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({ "id": 12, "state": "approved" })))]
pub struct ClaimChange {
    pub id: i64,
    pub state: ClaimState,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "events": [{
        "cursor": "8",
        "receipt": crate::examples::key("0012345678"),
        "lifecycle": { "state": "normal" },
        "claim": { "id": 12, "state": "approved" },
        "at": "2026-11-05T14:02:11+08:00"
    }],
    "next_cursor": "8",
    "has_more": false
})))]
pub struct ChangePage {
    pub events: Vec<ChangeEvent>,
    pub next_cursor: String,
    pub has_more: bool,
}
