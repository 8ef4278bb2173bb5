//! Hand-off: a citizen logged in on their own wallet asks for a one-time code and
//! shows it (digits and a QR code); a kiosk trades the code for token pairs of its
//! own, in place of an SMS code. A code lives two minutes and works once.

use super::auth::{issue_pair, now_secs, random_token, Citizen, TokenPair};
use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::Json;
use crate::keys::sha256_hex;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

const HANDOFF_TTL_SECS: i64 = 120;
/// Digits in a code: typed on a kiosk's keypad, and 10^12 codes leave nothing to
/// guess in two minutes at the redemption rate limit.
pub const HANDOFF_DIGITS: usize = 12;
/// Redemptions per client address and minute.
const REDEEM_PER_MINUTE: u32 = 10;

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffCode {
    /// 12 digits. A new code replaces the citizen's earlier one.
    pub code: String,
    /// Seconds the code stays valid.
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    /// The code as shown; spaces and dashes are ignored.
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoffSession {
    /// The citizen the code was issued to: the kiosk's account is theirs.
    pub id_number: String,
    /// A token family of the kiosk's own: ending it leaves the citizen's wallet
    /// logged in.
    pub tokens: TokenPair,
}

/// A one-time code that logs the citizen in elsewhere (a hospital kiosk).
#[utoipa::path(post, path = "/v1/auth/handoff", tag = "auth", security(("citizen" = [])),
    responses((status = 201, body = HandoffCode), (status = 401, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    citizen: Citizen,
) -> ApiResult<(StatusCode, Json<HandoffCode>)> {
    let code: String = {
        let mut rng = rand::thread_rng();
        (0..HANDOFF_DIGITS)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    };
    sqlx::query(
        "INSERT INTO handoff_codes (hash, citizen_id, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (citizen_id) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at",
    )
    .bind(sha256_hex(&code))
    .bind(citizen.id)
    .bind(now_secs() + HANDOFF_TTL_SECS)
    .execute(&state.db)
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(HandoffCode {
            code,
            expires_in: HANDOFF_TTL_SECS,
        }),
    ))
}

/// Trades a hand-off code for a new token pair. Wrong, used and expired codes get
/// the same answer.
#[utoipa::path(post, path = "/v1/auth/handoff/redeem", tag = "auth", request_body = RedeemRequest,
    responses((status = 200, body = HandoffSession), (status = 401, body = ErrorBody),
              (status = 400, body = ErrorBody), (status = 429, body = ErrorBody, description = "Too many codes tried from this address",
               headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn redeem(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<RedeemRequest>,
) -> ApiResult<Json<HandoffSession>> {
    state
        .handoff_window
        .admit(peer.ip(), REDEEM_PER_MINUTE)
        .map_err(|wait| {
            ApiError::too_many(
                "auth.rate_limited",
                "too many hand-off codes tried; try again in a minute",
                wait,
            )
        })?;
    let wrong =
        || ApiError::unauthorized("auth.invalid_code", "the hand-off code is wrong or expired");
    let code: String = req
        .code
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if code.len() != HANDOFF_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong());
    }
    let mut tx = state.db.begin().await?;
    let row: Option<(i64, i64)> =
        sqlx::query_as("DELETE FROM handoff_codes WHERE hash = ? RETURNING citizen_id, expires_at")
            .bind(sha256_hex(&code))
            .fetch_optional(&mut *tx)
            .await?;
    let Some((citizen_id, expires_at)) = row else {
        return Err(wrong());
    };
    if expires_at < now_secs() {
        tx.commit().await?;
        return Err(wrong());
    }
    let (id_number, name): (String, String) =
        sqlx::query_as("SELECT id_number, name FROM citizens WHERE id = ?")
            .bind(citizen_id)
            .fetch_one(&mut *tx)
            .await?;
    let family = random_token("fam_");
    let tokens = issue_pair(&state, &mut tx, citizen_id, &family, None, name).await?;
    tx.commit().await?;
    Ok(Json(HandoffSession { id_number, tokens }))
}
