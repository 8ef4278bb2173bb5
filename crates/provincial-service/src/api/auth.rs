//! Citizen login: ID number + one-time SMS code -> a short-lived access token and a
//! refresh token that is rotated on every use.

use super::error::{ApiError, ApiResult};
use super::extract::Json;
use super::session::Session;
use crate::keys::sha256_hex;
use crate::limits::{self, IdEvent, RetryAfter};
use crate::state::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use piaojia_api::{
    ErrorBody, LoginRequest, RefreshRequest, SmsRequest, SmsSent, TokenPair, TokenType,
};
use rand::Rng;
use std::net::SocketAddr;
use subtle::ConstantTimeEq;

const SMS_CODE_TTL_SECS: i64 = 300;
const SMS_MAX_ATTEMPTS: i64 = 5;

pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Shows only the last four characters of an ID number, for logs.
pub fn mask_id(id_number: &str) -> String {
    let tail: String = id_number
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

/// Sends a one-time code by SMS (here: to the service log and the test hook).
/// Limited per client address, and per ID number: one code a minute while the last
/// is unused, a few unused codes an hour. The limits answer the same whether or not
/// the ID number has an account.
#[utoipa::path(post, path = "/v1/auth/sms", tag = "auth", request_body = SmsRequest,
    responses((status = 202, body = SmsSent), (status = 400, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "Too many codes asked for this ID number or from this address",
               headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn send_sms(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<SmsRequest>,
) -> ApiResult<(StatusCode, Json<SmsSent>)> {
    let limits = &state.config.auth_limits;
    state
        .sms_window
        .admit(&state.db, peer.ip(), limits.sms_per_address_minute)
        .await?
        .map_err(too_many_codes)?;
    let now = now_secs();
    let key = limits::id_key(&req.id_number);
    let mut tx = crate::store::begin_write(&state.db).await?;
    let (_, _, last_sent) = limits::recent(&mut tx, &key, IdEvent::SmsSent, now).await?;
    if let Some(last) = last_sent {
        let next = last + limits.sms_interval.as_secs() as i64;
        if next > now {
            return Err(too_many_codes(RetryAfter((next - now) as u64)));
        }
    }
    limits::within_hourly(&mut tx, &key, IdEvent::SmsSent, limits.sms_per_hour, now)
        .await?
        .map_err(too_many_codes)?;
    limits::record(&mut tx, &key, IdEvent::SmsSent, now).await?;
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM citizens WHERE id_number = $1")
        .bind(&req.id_number)
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_some() {
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        sqlx::query(
            "INSERT INTO sms_codes (id_number, code, expires_at, attempts) VALUES ($1, $2, $3, 0)
             ON CONFLICT (id_number) DO UPDATE SET code = excluded.code, expires_at = excluded.expires_at, attempts = 0",
        )
        .bind(&req.id_number)
        .bind(&code)
        .bind(now + SMS_CODE_TTL_SECS)
        .execute(&mut *tx)
        .await?;
        // The reference service has no SMS gateway: the demo's code goes to its log,
        // a production start's nowhere (a gateway would take it here).
        if state.config.log_sms_codes {
            tracing::info!(target: "sms", citizen = %mask_id(&req.id_number), code = %code, "SMS code sent");
        } else {
            tracing::info!(target: "sms", citizen = %mask_id(&req.id_number), "SMS code sent");
        }
    }
    tx.commit().await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SmsSent {
            expires_in: SMS_CODE_TTL_SECS,
        }),
    ))
}

fn too_many_codes(wait: RetryAfter) -> ApiError {
    ApiError::too_many(
        "auth.rate_limited",
        "too many SMS codes asked for; wait before asking again",
        wait,
    )
}

/// Logs in with the SMS code. A code takes five tries; an ID number takes a limited
/// number of wrong codes an hour, whatever codes they were for.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "Too many wrong codes for this ID number, or attempts from this address",
               headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Json<TokenPair>> {
    let limits = &state.config.auth_limits;
    let locked = |wait| {
        ApiError::too_many(
            "auth.rate_limited",
            "too many attempts; wait before trying again",
            wait,
        )
    };
    state
        .login_window
        .admit(&state.db, peer.ip(), limits.logins_per_address_minute)
        .await?
        .map_err(locked)?;
    let now = now_secs();
    let key = limits::id_key(&req.id_number);
    let mut tx = crate::store::begin_write(&state.db).await?;
    limits::within_hourly(
        &mut tx,
        &key,
        IdEvent::WrongCode,
        limits.failures_per_hour,
        now,
    )
    .await?
    .map_err(locked)?;
    let row: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT code, expires_at, attempts FROM sms_codes WHERE id_number = $1")
            .bind(&req.id_number)
            .fetch_optional(&mut *tx)
            .await?;
    let right = match &row {
        Some((code, expires_at, attempts)) => {
            *expires_at >= now
                && *attempts < SMS_MAX_ATTEMPTS
                && bool::from(code.as_bytes().ct_eq(req.sms_code.as_bytes()))
        }
        None => false,
    };
    if !right {
        if row.is_some() {
            sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id_number = $1")
                .bind(&req.id_number)
                .execute(&mut *tx)
                .await?;
        }
        limits::record(&mut tx, &key, IdEvent::WrongCode, now).await?;
        tx.commit().await?;
        return Err(ApiError::unauthorized(
            "auth.invalid_code",
            "the ID number or SMS code is wrong or expired",
        ));
    }
    sqlx::query("DELETE FROM sms_codes WHERE id_number = $1")
        .bind(&req.id_number)
        .execute(&mut *tx)
        .await?;
    limits::forget(&mut tx, &key).await?;
    let (citizen_id, name): (i64, String) =
        sqlx::query_as("SELECT id, name FROM citizens WHERE id_number = $1")
            .bind(&req.id_number)
            .fetch_one(&mut *tx)
            .await?;
    let family = random_token("fam_");
    let pair = issue_pair(&state, &mut tx, citizen_id, &family, None, name).await?;
    tx.commit().await?;
    Ok(Json(pair))
}

/// Trades a refresh token for a new pair. A refresh token works once. Presented
/// again, it is honoured only within the grace period after its first use (which a
/// replay does not move) and only while the pair it produced is unused: the client
/// crashed before it kept that pair, and the unused pair is revoked. Anything else
/// means the token was copied: a used token presented again, or a revoked one that
/// has not expired (the pair a replay replaced, which its holder did keep). Then
/// the whole family is revoked.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    let invalid = || ApiError::unauthorized("auth.invalid_token", "the refresh token is not valid");
    let hash = sha256_hex(&req.refresh_token);
    let now = now_secs();
    let mut tx = crate::store::begin_write(&state.db).await?;
    let row: Option<(i64, String, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT citizen_id, family, expires_at, used, used_at, revoked FROM tokens WHERE hash = $1 AND kind = 'refresh'",
    )
    .bind(&hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((citizen_id, family, expires_at, used, used_at, revoked)) = row else {
        return Err(invalid());
    };
    if expires_at < now {
        return Err(invalid());
    }
    let reused = if revoked != 0 {
        true
    } else if used != 0 {
        let child_used: Option<i64> = sqlx::query_scalar(
            "SELECT used FROM tokens WHERE parent = $1 AND kind = 'refresh' AND revoked = 0",
        )
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let in_grace =
            used_at.is_some_and(|t| t + state.config.refresh_grace.as_secs() as i64 >= now);
        !(in_grace && child_used == Some(0))
    } else {
        false
    };
    if reused {
        sqlx::query("UPDATE tokens SET revoked = 1 WHERE family = $1")
            .bind(&family)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::warn!(
            "a used or replaced refresh token was presented again; its family is revoked"
        );
        return Err(ApiError::unauthorized(
            "auth.token_reused",
            "this refresh token was already used",
        ));
    }
    if used != 0 {
        // The crash retry: its first answer is void. The time of first use stays,
        // so the grace period does not start again.
        sqlx::query("UPDATE tokens SET revoked = 1 WHERE parent = $1")
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
    } else {
        sqlx::query("UPDATE tokens SET used = 1, used_at = $1 WHERE hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
    }
    let name: String = sqlx::query_scalar("SELECT name FROM citizens WHERE id = $1")
        .bind(citizen_id)
        .fetch_one(&mut *tx)
        .await?;
    let pair = issue_pair(&state, &mut tx, citizen_id, &family, Some(&hash), name).await?;
    tx.commit().await?;
    Ok(Json(pair))
}

pub(super) async fn issue_pair(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    citizen_id: i64,
    family: &str,
    parent: Option<&str>,
    name: String,
) -> ApiResult<TokenPair> {
    let access = random_token("pja_");
    let refresh = random_token("pjr_");
    let access_ttl = state.config.access_token_ttl.as_secs() as i64;
    let refresh_ttl = state.config.refresh_token_ttl.as_secs() as i64;
    for (token, kind, ttl) in [
        (&access, "access", access_ttl),
        (&refresh, "refresh", refresh_ttl),
    ] {
        sqlx::query("INSERT INTO tokens (hash, kind, citizen_id, family, expires_at, parent) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(sha256_hex(token))
            .bind(kind)
            .bind(citizen_id)
            .bind(family)
            .bind(now_secs() + ttl)
            .bind(parent)
            .execute(&mut *conn)
            .await?;
    }
    Ok(TokenPair {
        access_token: access,
        expires_in: access_ttl,
        refresh_token: refresh,
        token_type: TokenType::Bearer,
        name,
    })
}

pub(super) fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    format!("{prefix}{}", hex::encode(bytes))
}

/// Ends the session of the token presented: its whole family (every access and
/// refresh token since the login or hand-off) is revoked. A kiosk calls it when a
/// patient's session ends, a wallet when its user logs out.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("citizen" = [])),
    responses((status = 204, description = "The session is ended"), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, session: Session) -> ApiResult<StatusCode> {
    sqlx::query("UPDATE tokens SET revoked = 1 WHERE family = $1")
        .bind(&session.family)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
