//! Parts the OpenAPI document's examples share: one receipt key, one signed
//! original, one claim.

use serde_json::{json, Value};

/// A receipt of the Zhejiang demo issuer 33060122.
pub(crate) fn key(number: &str) -> Value {
    json!({ "province": "330000", "code": "33060122", "number": number })
}

/// A signed original as served (its document and signatures shortened to samples).
pub(crate) fn original() -> Value {
    json!({
        "format": "piaojia.signed-original/1",
        "document": "eyJjb2RlIjoiMzMwNjAxMjIiLCJudW1iZXIiOiIwMDEyMzQ1Njc4In0=",
        "issuer_cert_serial": "33-ISS-0002",
        "issuer_signature": "boslKnQmT3GqMi65QAk4xsFGN8mnq0V1AbKGLLwLag+n/7FcloP7Fzs7hwE5kMsGsgwE1y+Bb6wJGe+CIVUMYQ==",
        "supervisor_cert_serial": "33-SUP-0001",
        "supervisor_signature": "tSJxUzT+FBBDbVmO8Vq0dLAL5w7pGfkorEuV6Atw2Hd0hld1J6s0sZ1aEBQKboiSKVgL9W/XI3PwZLXGgNajjQ=="
    })
}

/// A claim just submitted to the province's medical-insurance fund.
pub(crate) fn claim() -> Value {
    json!({
        "id": 12,
        "relying_party": "RP-MI-330000",
        "relying_party_name": "浙江省医疗保障局",
        "purpose": "2026年11月门诊",
        "amount_requested": 12840,
        "reimbursable": 12840,
        "amount_approved": null,
        "state": "submitted",
        "message": null,
        "receipts": [key("0012345678")],
        "created_at": "2026-11-05T10:12:40+08:00",
        "updated_at": "2026-11-05T10:12:40+08:00"
    })
}
