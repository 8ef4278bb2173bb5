//! 查验: the public check of a receipt by its elements, rate-limited per address.

use super::error::{ApiError, ApiResult};
use super::extract::Json;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use chrono::NaiveDate;
use piaojia_api::{CheckRequest, CheckResult, ErrorBody};
use piaojia_receipt::{CheckStatus, LifecycleState};
use std::net::SocketAddr;

#[utoipa::path(post, path = "/v1/check", tag = "check", request_body = CheckRequest,
    responses((status = 200, body = CheckResult), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody, description = "Too many checks from this address",
               headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn check(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<CheckRequest>,
) -> ApiResult<Json<CheckResult>> {
    admit(&state, peer).await?;
    // The claim as a number: SQLite answers a comparison with one, PostgreSQL with a
    // boolean, and sqlx's Any driver decodes each only as what it is.
    let row: Option<(String, i64, i64, String, String)> = sqlx::query_as(
        "SELECT r.state, CASE WHEN r.claim_id IS NULL THEN 0 ELSE 1 END, r.total_fen, r.issued_at, i.name
         FROM receipts r JOIN issuers i ON i.code = r.issuer_code
         WHERE r.code = $1 AND r.number = $2 AND r.check_code = $3",
    )
    .bind(&req.code)
    .bind(&req.number)
    .bind(req.check_code.to_ascii_uppercase())
    .fetch_optional(&state.db)
    .await?;
    let not_found = Json(CheckResult {
        status: CheckStatus::NotFound,
        issuer_name: None,
        issued_on: None,
    });
    let Some((lifecycle, claimed, total, issued_at, issuer_name)) = row else {
        return Ok(not_found);
    };
    let issued_on = issued_at
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    if req.total.is_some_and(|t| t != total) || req.issued_on.is_some_and(|d| Some(d) != issued_on)
    {
        return Ok(not_found);
    }
    let lifecycle = LifecycleState::parse(&lifecycle)
        .ok_or_else(|| crate::error::ServiceError::Corrupt(format!("receipt state {lifecycle}")))?;
    let status = match lifecycle {
        LifecycleState::Reversed => CheckStatus::Reversed,
        LifecycleState::Exchanged => CheckStatus::Exchanged,
        LifecycleState::Voided => CheckStatus::Voided,
        LifecycleState::Normal if claimed != 0 => CheckStatus::Claimed,
        LifecycleState::Normal => CheckStatus::Valid,
    };
    Ok(Json(CheckResult {
        status,
        issuer_name: Some(issuer_name),
        issued_on,
    }))
}

async fn admit(state: &AppState, peer: SocketAddr) -> ApiResult<()> {
    state
        .verify_window
        .admit(&state.db, peer.ip(), state.config.verify_per_minute)
        .await?
        .map_err(|wait| {
            ApiError::too_many(
                "check.rate_limited",
                "too many checks; try again in a minute",
                wait,
            )
        })
}
