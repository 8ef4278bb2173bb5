//! 换开纸质票据 at a hospital's self-service kiosk. An issuer registers its kiosks;
//! a kiosk exchanges an e-receipt for a numbered paper receipt from its stock with
//! two credentials together: its own key (`X-Kiosk-Key`: the machine is the
//! issuer's) and the citizen's session (the payer is at the machine). Each receipt
//! is exchanged once and each paper number used once. When the paper did not
//! print, the same kiosk may take the exchange back within [`UNDO_WINDOW_SECS`].

use super::auth::random_token;
use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path};
use super::issuer::{own_normal_receipt, AuthIssuer, NoNanos};
use super::session::Session;
use crate::keys::sha256_hex;
use crate::state::AppState;
use crate::store;
use crate::store::Stamp;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use chrono::NaiveDateTime;
use piaojia_api::{
    ErrorBody, ExchangeRequest, KioskRegistration, PaperExchange, RegisterKioskRequest,
};
use piaojia_receipt::service_time::{china_wall_clock_now, from_china_wall_clock};
use piaojia_receipt::{ClaimState, Lifecycle, LifecycleState, ReceiptKey};
use sqlx::AnyConnection;

/// The header a kiosk sends its key in.
pub const KIOSK_KEY_HEADER: &str = "x-kiosk-key";
/// How long after an exchange its kiosk may take it back (the print failed).
pub const UNDO_WINDOW_SECS: i64 = 10 * 60;

/// A request from a registered kiosk: its id and its issuer.
pub struct AuthKiosk {
    pub id: String,
    pub issuer_code: String,
}

impl FromRequestParts<AppState> for AuthKiosk {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AuthKiosk, ApiError> {
        let key = parts
            .headers
            .get(KIOSK_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                ApiError::unauthorized("auth.missing_kiosk_key", "a kiosk key is required")
            })?;
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT id, issuer_code FROM kiosks WHERE key_hash = $1")
                .bind(sha256_hex(key))
                .fetch_optional(&state.db)
                .await?;
        let (id, issuer_code) = row.ok_or_else(|| {
            ApiError::unauthorized("auth.invalid_kiosk_key", "the kiosk key is not valid")
        })?;
        Ok(AuthKiosk { id, issuer_code })
    }
}

fn valid_kiosk_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Registers a kiosk of the issuer's; its key is in the answer only.
#[utoipa::path(post, path = "/v1/issuer/kiosks", tag = "issuer", request_body = RegisterKioskRequest,
    security(("issuer" = [])),
    responses((status = 201, body = KioskRegistration), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 409, body = ErrorBody, description = "kiosk.exists")))]
pub async fn register(
    State(state): State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Json(req): Json<RegisterKioskRequest>,
) -> ApiResult<(StatusCode, Json<KioskRegistration>)> {
    if !valid_kiosk_id(&req.kiosk_id) {
        return Err(ApiError::bad_request(
            "kiosk.invalid_id",
            "a kiosk id has 1 to 32 of A-Z, a-z, 0-9, '-' and '_'",
        ));
    }
    let key = random_token("pk_");
    let mut tx = crate::store::begin_write(&state.db).await?;
    let taken: Option<String> = sqlx::query_scalar("SELECT id FROM kiosks WHERE id = $1")
        .bind(&req.kiosk_id)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "kiosk.exists",
            "a kiosk of that id is registered",
        ));
    }
    sqlx::query(
        "INSERT INTO kiosks (id, issuer_code, key_hash, registered_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(&req.kiosk_id)
    .bind(&issuer.code)
    .bind(sha256_hex(&key))
    .bind(Stamp(china_wall_clock_now().with_nanosecond_zero()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(KioskRegistration {
            kiosk_id: req.kiosk_id,
            kiosk_key: key,
            issuer_name: issuer.name,
        }),
    ))
}

/// Records an exchange of `key` for `paper` (by `kiosk`, or the issuer itself),
/// refusing a paper number already used.
pub(super) async fn record(
    conn: &mut AnyConnection,
    citizen_id: i64,
    key: &ReceiptKey,
    paper: &ReceiptKey,
    kiosk: Option<&str>,
    at: NaiveDateTime,
) -> ApiResult<()> {
    let used: Option<String> = sqlx::query_scalar(
        "SELECT code FROM paper_exchanges WHERE paper_code = $1 AND paper_number = $2",
    )
    .bind(paper.code.as_str())
    .bind(paper.number.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    if used.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "exchange.paper_used",
            "that paper receipt number was used for another exchange",
        ));
    }
    sqlx::query(
        "INSERT INTO paper_exchanges (paper_code, paper_number, code, number, kiosk_id, exchanged_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(paper.code.as_str())
    .bind(paper.number.as_str())
    .bind(key.code.as_str())
    .bind(key.number.as_str())
    .bind(kiosk)
    .bind(Stamp(at))
    .execute(&mut *conn)
    .await?;
    store::set_lifecycle(
        conn,
        citizen_id,
        key,
        &Lifecycle::Exchanged {
            paper: paper.clone(),
        },
        at,
    )
    .await?;
    Ok(())
}

/// The payer's receipt as this kiosk may exchange it: theirs, issued by the
/// kiosk's issuer, never exchanged, normal, in no claim that holds it.
async fn exchangeable(
    conn: &mut AnyConnection,
    citizen_id: i64,
    kiosk: &AuthKiosk,
    code: &str,
    number: &str,
) -> ApiResult<ReceiptKey> {
    let row: Option<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.citizen_id, r.issuer_code, r.state, c.state
         FROM receipts r LEFT JOIN claims c ON c.id = r.claim_id
         WHERE r.code = $1 AND r.number = $2",
    )
    .bind(code)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    let (payer, issuer_code, lifecycle, claim) = row
        .filter(|(payer, ..)| *payer == citizen_id)
        .ok_or_else(|| ApiError::not_found("receipt.not_found", "no such receipt of yours"))?;
    if issuer_code != kiosk.issuer_code {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "exchange.other_issuer",
            "this kiosk exchanges only receipts its own issuer issued",
        ));
    }
    if LifecycleState::parse(&lifecycle) == Some(LifecycleState::Exchanged) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "exchange.already_exchanged",
            "the receipt was exchanged for paper already; it is exchanged once",
        ));
    }
    if claim
        .as_deref()
        .and_then(ClaimState::parse)
        .is_some_and(ClaimState::holds_receipts)
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "receipt.in_claim",
            "the receipt is in a reimbursement claim",
        ));
    }
    let (_, receipt) = own_normal_receipt(conn, &issuer_code, code, number).await?;
    debug_assert_eq!(payer, citizen_id);
    Ok(receipt.key())
}

/// 换开: the kiosk exchanges the present citizen's receipt for the paper receipt
/// it is about to print.
#[utoipa::path(post, path = "/v1/receipts/{code}/{number}/paper", tag = "receipts",
    params(("code" = String, Path), ("number" = String, Path)), request_body = ExchangeRequest,
    security(("citizen" = [], "kiosk" = [])),
    responses((status = 201, body = PaperExchange), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "exchange.already_exchanged, exchange.paper_used, exchange.other_issuer, receipt.in_claim, receipt.not_normal, receipt.is_red")))]
pub async fn exchange(
    State(state): State<AppState>,
    session: Session,
    kiosk: AuthKiosk,
    Path((code, number)): Path<(String, String)>,
    Json(req): Json<ExchangeRequest>,
) -> ApiResult<(StatusCode, Json<PaperExchange>)> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    let key = exchangeable(&mut tx, session.citizen_id, &kiosk, &code, &number).await?;
    let paper = ReceiptKey {
        province: state.config.province.code.clone(),
        code: req.paper_code,
        number: req.paper_number,
    };
    let now = china_wall_clock_now().with_nanosecond_zero();
    record(
        &mut tx,
        session.citizen_id,
        &key,
        &paper,
        Some(&kiosk.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(PaperExchange {
            receipt: key,
            paper,
            kiosk_id: kiosk.id,
            exchanged_at: from_china_wall_clock(now),
        }),
    ))
}

/// Takes an exchange back: the paper did not print. Only the kiosk that made it,
/// for the same citizen, within [`UNDO_WINDOW_SECS`]; the receipt is normal again
/// and the paper number unused.
#[utoipa::path(delete, path = "/v1/receipts/{code}/{number}/paper", tag = "receipts",
    params(("code" = String, Path), ("number" = String, Path)),
    security(("citizen" = [], "kiosk" = [])),
    responses((status = 204, description = "taken back"), (status = 401, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "exchange.not_found"),
              (status = 409, body = ErrorBody, description = "exchange.too_late")))]
pub async fn undo(
    State(state): State<AppState>,
    session: Session,
    kiosk: AuthKiosk,
    Path((code, number)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    let row: Option<(i64, Option<String>, Stamp)> = sqlx::query_as(
        "SELECT r.citizen_id, p.kiosk_id, p.exchanged_at
         FROM paper_exchanges p JOIN receipts r ON r.code = p.code AND r.number = p.number
         WHERE p.code = $1 AND p.number = $2 AND r.state = $3",
    )
    .bind(&code)
    .bind(&number)
    .bind(LifecycleState::Exchanged.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let (citizen_id, _, exchanged_at) = row
        .filter(|(payer, by, ..)| {
            *payer == session.citizen_id && by.as_deref() == Some(kiosk.id.as_str())
        })
        .ok_or_else(|| {
            ApiError::not_found("exchange.not_found", "this kiosk made no such exchange")
        })?;
    let now = china_wall_clock_now().with_nanosecond_zero();
    if (now - exchanged_at.0).num_seconds() > UNDO_WINDOW_SECS {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "exchange.too_late",
            "an exchange is taken back within 10 minutes only; void the paper receipt instead",
        ));
    }
    let key = store::stored_key(&state.config.province.code, code.clone(), number.clone())?;
    sqlx::query("DELETE FROM paper_exchanges WHERE code = $1 AND number = $2")
        .bind(&code)
        .bind(&number)
        .execute(&mut *tx)
        .await?;
    store::set_lifecycle(&mut tx, citizen_id, &key, &Lifecycle::Normal, now).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
