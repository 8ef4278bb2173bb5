//! Citizen login: ID number + one-time SMS code -> a short-lived access token and a
//! refresh token that is rotated on every use.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::Json;
use crate::keys::sha256_hex;
use crate::state::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const SMS_CODE_TTL_SECS: i64 = 300;
const SMS_MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsRequest {
    /// 身份证号.
    pub id_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SmsSent {
    /// Seconds the code stays valid. The answer is the same for unknown ID numbers,
    /// so it tells nobody who has an account.
    pub expires_in: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub id_number: String,
    pub sms_code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: each refresh returns a new one and retires this one.
    pub refresh_token: String,
    pub token_type: &'static str,
    /// The citizen's name as the province records it, for display.
    pub name: String,
}

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
#[utoipa::path(post, path = "/v1/auth/sms", tag = "auth", request_body = SmsRequest,
    responses((status = 202, body = SmsSent), (status = 400, body = ErrorBody)))]
pub async fn send_sms(
    State(state): State<AppState>,
    Json(req): Json<SmsRequest>,
) -> ApiResult<(StatusCode, Json<SmsSent>)> {
    let known: Option<i64> = sqlx::query_scalar("SELECT id FROM citizens WHERE id_number = ?")
        .bind(&req.id_number)
        .fetch_optional(&state.db)
        .await?;
    if known.is_some() {
        let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
        sqlx::query(
            "INSERT INTO sms_codes (id_number, code, expires_at, attempts) VALUES (?, ?, ?, 0)
             ON CONFLICT (id_number) DO UPDATE SET code = excluded.code, expires_at = excluded.expires_at, attempts = 0",
        )
        .bind(&req.id_number)
        .bind(&code)
        .bind(now_secs() + SMS_CODE_TTL_SECS)
        .execute(&state.db)
        .await?;
        // The reference service has no SMS gateway: the code goes to its log.
        tracing::info!(target: "sms", citizen = %mask_id(&req.id_number), code = %code, "SMS code sent");
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(SmsSent {
            expires_in: SMS_CODE_TTL_SECS,
        }),
    ))
}

#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Json<TokenPair>> {
    let wrong = || {
        ApiError::unauthorized(
            "auth.invalid_code",
            "the ID number or SMS code is wrong or expired",
        )
    };
    let mut tx = state.db.begin().await?;
    let row: Option<(String, i64, i64)> =
        sqlx::query_as("SELECT code, expires_at, attempts FROM sms_codes WHERE id_number = ?")
            .bind(&req.id_number)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((code, expires_at, attempts)) = row else {
        return Err(wrong());
    };
    if expires_at < now_secs() || attempts >= SMS_MAX_ATTEMPTS {
        return Err(wrong());
    }
    if code != req.sms_code {
        sqlx::query("UPDATE sms_codes SET attempts = attempts + 1 WHERE id_number = ?")
            .bind(&req.id_number)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(wrong());
    }
    sqlx::query("DELETE FROM sms_codes WHERE id_number = ?")
        .bind(&req.id_number)
        .execute(&mut *tx)
        .await?;
    let (citizen_id, name): (i64, String) =
        sqlx::query_as("SELECT id, name FROM citizens WHERE id_number = ?")
            .bind(&req.id_number)
            .fetch_one(&mut *tx)
            .await?;
    let family = random_token("fam_");
    let pair = issue_pair(&state, &mut tx, citizen_id, &family, None, name).await?;
    tx.commit().await?;
    Ok(Json(pair))
}

/// Trades a refresh token for a new pair. A refresh token works once. Presented
/// again, it is honoured only within the grace period and only while the pair it
/// produced is unused: the client crashed before it kept that pair, and the unused
/// pair is revoked. Otherwise the token was copied, and its whole family is revoked.
#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    Json(req): Json<RefreshRequest>,
) -> ApiResult<Json<TokenPair>> {
    let invalid = || ApiError::unauthorized("auth.invalid_token", "the refresh token is not valid");
    let hash = sha256_hex(&req.refresh_token);
    let mut tx = state.db.begin().await?;
    let row: Option<(i64, String, i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT citizen_id, family, expires_at, used, used_at, revoked FROM tokens WHERE hash = ? AND kind = 'refresh'",
    )
    .bind(&hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((citizen_id, family, expires_at, used, used_at, revoked)) = row else {
        return Err(invalid());
    };
    if revoked != 0 || expires_at < now_secs() {
        return Err(invalid());
    }
    if used != 0 {
        let child_used: Option<i64> = sqlx::query_scalar(
            "SELECT used FROM tokens WHERE parent = ? AND kind = 'refresh' AND revoked = 0",
        )
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?;
        let in_grace =
            used_at.is_some_and(|t| t + state.config.refresh_grace.as_secs() as i64 >= now_secs());
        if in_grace && child_used == Some(0) {
            sqlx::query("UPDATE tokens SET revoked = 1 WHERE parent = ?")
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE tokens SET revoked = 1 WHERE family = ?")
                .bind(&family)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::warn!("a used refresh token was presented again; its family is revoked");
            return Err(ApiError::unauthorized(
                "auth.token_reused",
                "this refresh token was already used",
            ));
        }
    }
    sqlx::query("UPDATE tokens SET used = 1, used_at = ? WHERE hash = ?")
        .bind(now_secs())
        .bind(&hash)
        .execute(&mut *tx)
        .await?;
    let name: String = sqlx::query_scalar("SELECT name FROM citizens WHERE id = ?")
        .bind(citizen_id)
        .fetch_one(&mut *tx)
        .await?;
    let pair = issue_pair(&state, &mut tx, citizen_id, &family, Some(&hash), name).await?;
    tx.commit().await?;
    Ok(Json(pair))
}

pub(super) async fn issue_pair(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
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
        sqlx::query("INSERT INTO tokens (hash, kind, citizen_id, family, expires_at, parent) VALUES (?, ?, ?, ?, ?, ?)")
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
        token_type: "Bearer",
        name,
    })
}

pub(super) fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::thread_rng().gen();
    format!("{prefix}{}", hex::encode(bytes))
}

/// Reads `Authorization: Bearer <token>`.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A request made with a valid access token: the citizen it belongs to.
pub struct Citizen {
    pub id: i64,
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Citizen, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("auth.missing_token", "an access token is required")
        })?;
        let row: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT citizen_id, expires_at, revoked FROM tokens WHERE hash = ? AND kind = 'access'",
        )
        .bind(sha256_hex(token))
        .fetch_optional(&state.db)
        .await?;
        match row {
            Some((id, expires_at, 0)) if expires_at >= now_secs() => Ok(Citizen { id }),
            Some((_, _, 0)) => Err(ApiError::unauthorized(
                "auth.expired_token",
                "the access token has expired",
            )),
            _ => Err(ApiError::unauthorized(
                "auth.invalid_token",
                "the access token is not valid",
            )),
        }
    }
}
