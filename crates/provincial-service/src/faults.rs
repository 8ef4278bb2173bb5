//! Fault injection for tests: latency, stalls, 5xx answers, truncated bodies, tampered
//! signatures, replayed or reordered pages. All off unless the service is started
//! with the matching flags.

use crate::config::Faults;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};

static REQUESTS: AtomicU64 = AtomicU64::new(0);

/// A die in 0..1000, fixed by the seed, a purpose and a number.
fn roll(seed: u64, purpose: &str, n: u64) -> u32 {
    let digest = Sha256::new()
        .chain_update(seed.to_be_bytes())
        .chain_update(purpose.as_bytes())
        .chain_update(n.to_be_bytes())
        .finalize();
    (u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])) % 1000
}

/// Whether the receipt at `seq` is one of those served tampered.
pub fn is_tampered(faults: &Faults, seq: i64) -> bool {
    faults.tamper_per_mille > 0 && roll(faults.seed, "tamper", seq as u64) < faults.tamper_per_mille
}

/// Flips one bit of the issuer signature of a chosen receipt's JSON envelope.
pub fn maybe_tamper(faults: &Faults, seq: i64, original_json: String) -> String {
    if !is_tampered(faults, seq) {
        return original_json;
    }
    let Ok(mut original) = piaojia_receipt::SignedOriginal::from_json(original_json.as_bytes())
    else {
        return original_json;
    };
    original.issuer_signature[0] ^= 0x01;
    String::from_utf8(original.to_json()).expect("JSON is UTF-8")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFault {
    Replay,
    Reorder,
}

/// Whether this page request gets a replayed or reordered page.
pub fn page_fault(faults: &Faults, after: i64) -> Option<PageFault> {
    if faults.replay_per_mille == 0 || after == 0 {
        return None;
    }
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    let r = roll(faults.seed, "page", n);
    if r >= faults.replay_per_mille {
        None
    } else if r.is_multiple_of(2) {
        Some(PageFault::Replay)
    } else {
        Some(PageFault::Reorder)
    }
}

/// Middleware for the receipts and changes routes: latency, 503s, truncated bodies.
pub async fn inject(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !(path.starts_with("/v1/receipts") || path.starts_with("/v1/changes")) {
        return next.run(request).await;
    }
    let faults = &state.config.faults;
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    if faults.stall_per_mille > 0 && roll(faults.seed, "stall", n) < faults.stall_per_mille {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
    if faults.error_per_mille > 0 && roll(faults.seed, "error", n) < faults.error_per_mille {
        let body = serde_json::json!({"code": "service.unavailable", "message": "injected fault"});
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    }
    let response = next.run(request).await;
    if faults.truncate_per_mille == 0
        || roll(faults.seed, "truncate", n) >= faults.truncate_per_mille
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let cut = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, cut.len().into());
    Response::from_parts(parts, Body::from(cut))
}
