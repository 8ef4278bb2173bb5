//! Hand-off: a citizen logged in on their own wallet asks for a one-time code and
//! shows it (digits and a QR code); a kiosk trades the code for a session of its
//! own, in place of an SMS code. A code lives two minutes and works once. The
//! kiosk's session is narrow: it may read (and so print) receipts, nothing else; it
//! has no refresh token and ends within 15 minutes, or when the kiosk logs out.

use super::auth::{now_secs, random_token};
use super::error::{ApiError, ApiResult};
use super::extract::Json;
use super::session::{Citizen, Scope};
use crate::keys::sha256_hex;
use crate::limits::RetryAfter;
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use piaojia_api::{ErrorBody, HandoffCode, HandoffSession, KioskTokens, RedeemRequest, TokenType};
use rand::Rng;
use std::net::SocketAddr;

const HANDOFF_TTL_SECS: i64 = 120;
/// Digits in a code: typed on a kiosk's keypad, and 10^12 codes leave nothing to
/// guess in two minutes at the redemption rate limit.
pub const HANDOFF_DIGITS: usize = 12;
/// Redemptions per client address and minute.
const REDEEM_PER_MINUTE: u32 = 10;
/// Wrong codes per minute from all addresses together: beyond it, redemptions wait
/// for the next minute, however many addresses the guesses come from.
pub const WRONG_CODES_PER_MINUTE: u32 = 600;
/// Codes one citizen may ask for per hour.
pub const CODES_PER_HOUR: u32 = 10;
/// The longest a kiosk session lives.
const KIOSK_SESSION_SECS: u64 = 15 * 60;

/// A one-time code that logs the citizen in elsewhere (a hospital kiosk).
#[utoipa::path(post, path = "/v1/auth/handoff", tag = "auth", security(("citizen" = [])),
    responses((status = 201, body = HandoffCode), (status = 401, body = ErrorBody),
              (status = 403, body = ErrorBody, description = "A kiosk session cannot hand itself on"),
              (status = 429, body = ErrorBody, description = "Too many codes asked for by this citizen",
               headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn create(
    State(state): State<AppState>,
    citizen: Citizen,
) -> ApiResult<(StatusCode, Json<HandoffCode>)> {
    state
        .handoff_codes_window
        .admit(&state.db, &citizen.id.to_string(), CODES_PER_HOUR)
        .await?
        .map_err(|wait| {
            ApiError::too_many(
                "auth.rate_limited",
                "too many hand-off codes asked for; wait before asking again",
                wait,
            )
        })?;
    let code: String = {
        let mut rng = rand::thread_rng();
        (0..HANDOFF_DIGITS)
            .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
            .collect()
    };
    sqlx::query(
        "INSERT INTO handoff_codes (hash, citizen_id, expires_at) VALUES ($1, $2, $3)
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
        .admit(&state.db, peer.ip(), REDEEM_PER_MINUTE)
        .await?
        .map_err(|wait| {
            ApiError::too_many(
                "auth.rate_limited",
                "too many hand-off codes tried; try again in a minute",
                wait,
            )
        })?;
    let too_many = |wait| {
        ApiError::too_many(
            "auth.rate_limited",
            "too many hand-off codes tried; try again in a minute",
            wait,
        )
    };
    // Wrong codes are counted for all addresses together: a code is six digits.
    let wrong = || async {
        match state
            .handoff_failures
            .admit(&state.db, "", WRONG_CODES_PER_MINUTE)
            .await
        {
            Ok(Ok(())) => {
                ApiError::unauthorized("auth.invalid_code", "the hand-off code is wrong or expired")
            }
            Ok(Err(wait)) => too_many(wait),
            Err(e) => e.into(),
        }
    };
    if state
        .handoff_failures
        .is_over(&state.db, "", WRONG_CODES_PER_MINUTE)
        .await?
    {
        return Err(too_many(RetryAfter(60)));
    }
    let code: String = req
        .code
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if code.len() != HANDOFF_DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(wrong().await);
    }
    let mut tx = crate::store::begin_write(&state.db).await?;
    let row: Option<(i64, i64)> = sqlx::query_as(
        "DELETE FROM handoff_codes WHERE hash = $1 RETURNING citizen_id, expires_at",
    )
    .bind(sha256_hex(&code))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((citizen_id, expires_at)) = row else {
        // The failure is counted on the store's other connection: this one's write
        // lock goes first.
        tx.rollback().await?;
        return Err(wrong().await);
    };
    if expires_at < now_secs() {
        tx.commit().await?;
        return Err(wrong().await);
    }
    let (id_number, name): (String, String) =
        sqlx::query_as("SELECT id_number, name FROM citizens WHERE id = $1")
            .bind(citizen_id)
            .fetch_one(&mut *tx)
            .await?;
    let access = random_token("pja_");
    let ttl = state
        .config
        .access_token_ttl
        .as_secs()
        .min(KIOSK_SESSION_SECS) as i64;
    sqlx::query(
        "INSERT INTO tokens (hash, kind, citizen_id, family, expires_at, scope) VALUES ($1, 'access', $2, $3, $4, $5)",
    )
    .bind(sha256_hex(&access))
    .bind(citizen_id)
    .bind(random_token("fam_"))
    .bind(now_secs() + ttl)
    .bind(Scope::Kiosk.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Json(HandoffSession {
        id_number,
        tokens: KioskTokens {
            access_token: access,
            expires_in: ttl,
            token_type: TokenType::Bearer,
            name,
        },
    }))
}
