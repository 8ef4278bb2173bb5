//! Who a request is from: the session its access token belongs to, and what that
//! session may do. A session from a kiosk hand-off may only read (and so print);
//! every other endpoint refuses it unless it asks for `Reader` on purpose.

use super::auth::now_secs;
use super::error::ApiError;
use crate::keys::sha256_hex;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The citizen's own login: everything.
    Full,
    /// A hand-off to a kiosk: read receipts, nothing else, for minutes.
    Kiosk,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Full => "full",
            Scope::Kiosk => "kiosk",
        }
    }

    fn parse(text: &str) -> Option<Scope> {
        match text {
            "full" => Some(Scope::Full),
            "kiosk" => Some(Scope::Kiosk),
            _ => None,
        }
    }
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

/// A request made with a valid access token, of any scope.
pub struct Session {
    pub citizen_id: i64,
    pub family: String,
    pub scope: Scope,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Session, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("auth.missing_token", "an access token is required")
        })?;
        let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
            "SELECT citizen_id, family, scope, expires_at, revoked FROM tokens WHERE hash = $1 AND kind = 'access'",
        )
        .bind(sha256_hex(token))
        .fetch_optional(&state.db)
        .await?;
        let invalid =
            || ApiError::unauthorized("auth.invalid_token", "the access token is not valid");
        match row {
            Some((citizen_id, family, scope, expires_at, 0)) if expires_at >= now_secs() => {
                Ok(Session {
                    citizen_id,
                    family,
                    scope: Scope::parse(&scope).ok_or_else(invalid)?,
                })
            }
            Some((_, _, _, _, 0)) => Err(ApiError::unauthorized(
                "auth.expired_token",
                "the access token has expired",
            )),
            _ => Err(invalid()),
        }
    }
}

/// A request that may come from any session, a kiosk's included: reading receipts.
pub struct Reader {
    pub id: i64,
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Reader, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        Ok(Reader {
            id: session.citizen_id,
        })
    }
}

/// A request from the citizen's own login (full scope): everything but reading
/// goes through this, so that a new endpoint is closed to kiosks unless it says
/// otherwise.
pub struct Citizen {
    pub id: i64,
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Citizen, ApiError> {
        let session = Session::from_request_parts(parts, state).await?;
        match session.scope {
            Scope::Full => Ok(Citizen {
                id: session.citizen_id,
            }),
            Scope::Kiosk => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "auth.scope",
                "a kiosk session may only read and print receipts",
            )),
        }
    }
}
