//! The issuer's side: issue receipts to citizens, reverse (冲红) and exchange (换开)
//! them while wallets are connected. Authenticated by the issuer's API key.

use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path};
use super::session::bearer;
use crate::issue::{red_draft, sign_receipt, Draft, IssuerRecord};
use crate::keys::sha256_hex;
use crate::state::AppState;
use crate::store;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use chrono::Datelike;
use piaojia_api::{
    ErrorBody, ExchangeRequest, IssueRequest, IssuedReceipt, ReverseRequest, VoidRequest,
};
use piaojia_receipt::{
    parse_document, ClaimState, Fen, Lifecycle, LifecycleState, Payer, PayerKind, ReceiptKey,
    SignedOriginal,
};

/// A request made with an issuer's API key.
pub struct AuthIssuer(pub IssuerRecord);

impl FromRequestParts<AppState> for AuthIssuer {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AuthIssuer, ApiError> {
        let key = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("auth.missing_token", "an issuer API key is required")
        })?;
        store::issuer_by_api_key_hash(&state.db, &sha256_hex(key))
            .await?
            .map(AuthIssuer)
            .ok_or_else(|| {
                ApiError::unauthorized("auth.invalid_token", "the issuer API key is not valid")
            })
    }
}

const MAX_ITEMS: usize = 200;
const MAX_TEXT: usize = 200;

fn validate(req: &IssueRequest, issuer: &IssuerRecord) -> ApiResult<()> {
    let bad = |m: &str| Err(ApiError::bad_request("receipt.invalid_draft", m));
    if req.items.is_empty() || req.items.len() > MAX_ITEMS || req.detail_list.len() > 10 * MAX_ITEMS
    {
        return bad("a receipt has 1 to 200 line items");
    }
    if req.items.iter().any(|i| i.amount.0 < 0) || req.detail_list.iter().any(|d| d.amount.0 < 0) {
        return bad("amounts cannot be negative; reverse a receipt to refund it");
    }
    if Fen::checked_sum(req.items.iter().map(|i| i.amount)).is_none_or(|t| t.0 > 1_000_000_000_000)
    {
        return bad("the total is too large");
    }
    // A school's certificate does not vouch for a hospital bill: medical receipts
    // come from medical issuers only.
    if req.category.is_some_and(|c| c.is_medical()) && !issuer.category.is_medical() {
        return bad("only a medical issuer issues medical receipts");
    }
    if let Some(medical) = &req.medical {
        let total = Fen::checked_sum(req.items.iter().map(|i| i.amount)).ok_or_else(|| {
            ApiError::bad_request("receipt.invalid_draft", "the total is too large")
        })?;
        medical
            .payments
            .check(total)
            .map_err(|m| ApiError::bad_request("receipt.invalid_payments", m))?;
    }
    let texts = req
        .items
        .iter()
        .flat_map(|i| [&i.code, &i.name, &i.unit, &i.quantity, &i.remark]);
    if texts
        .chain([&req.handler, &req.checker, &req.remark])
        .any(|t| t.chars().count() > MAX_TEXT)
    {
        return bad("a text field is longer than 200 characters");
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/issuer/receipts", tag = "issuer", request_body = IssueRequest,
    security(("issuer" = [])),
    responses((status = 201, body = IssuedReceipt), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Json(req): Json<IssueRequest>,
) -> ApiResult<(StatusCode, Json<IssuedReceipt>)> {
    validate(&req, &issuer)?;
    let mut tx = crate::store::begin_write(&state.db).await?;
    let citizen: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM citizens WHERE id_number = $1")
            .bind(&req.payer_id_number)
            .fetch_optional(&mut *tx)
            .await?;
    let (citizen_id, name) = citizen.ok_or_else(|| {
        ApiError::not_found("citizen.not_found", "no citizen with this ID number")
    })?;
    let draft = Draft {
        category: req.category.unwrap_or(issuer.category),
        payer: Payer {
            name,
            id: req.payer_id_number,
            kind: PayerKind::Person,
        },
        issued_at: piaojia_receipt::service_time::china_wall_clock_now().with_nanosecond_zero(),
        items: req.items,
        detail_list: req.detail_list,
        medical: req.medical,
        reverses: None,
        handler: req.handler,
        checker: req.checker,
        remark: req.remark,
    };
    let issued = sign_and_store(&state, &mut tx, &issuer, citizen_id, draft).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

pub(super) trait NoNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl NoNanos for chrono::NaiveDateTime {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

async fn sign_and_store(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    issuer: &IssuerRecord,
    citizen_id: i64,
    draft: Draft,
) -> ApiResult<IssuedReceipt> {
    let province = &state.config.province;
    let code = crate::issue::receipt_code(
        province,
        &issuer.region,
        draft.category,
        draft.issued_at.year(),
    );
    let number = store::next_number(conn, code.as_str()).await?;
    let (receipt, original) = sign_receipt(
        &state.config.secret(),
        province,
        &state.keys,
        issuer,
        number,
        draft,
    );
    store::insert_receipt(conn, citizen_id, &receipt, &original).await?;
    Ok(IssuedReceipt {
        key: receipt.key(),
        check_code: receipt.check_code,
        total: receipt.total,
    })
}

/// Loads one of this issuer's receipts that is still in the normal state.
pub(super) async fn own_normal_receipt(
    conn: &mut sqlx::AnyConnection,
    issuer_code: &str,
    code: &str,
    number: &str,
) -> ApiResult<(i64, piaojia_receipt::Receipt)> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT citizen_id, state, original FROM receipts WHERE code = $1 AND number = $2 AND issuer_code = $3",
    )
    .bind(code)
    .bind(number)
    .bind(issuer_code)
    .fetch_optional(&mut *conn)
    .await?;
    let (citizen_id, lifecycle, original) = row.ok_or_else(|| {
        ApiError::not_found("receipt.not_found", "this issuer has no such receipt")
    })?;
    if LifecycleState::parse(&lifecycle) != Some(LifecycleState::Normal) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "receipt.not_normal",
            format!("the receipt is already {lifecycle}"),
        ));
    }
    let original = SignedOriginal::from_json(original.as_bytes()).map_err(corrupt)?;
    let receipt = parse_document(&original.document).map_err(corrupt)?;
    if receipt.reverses.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "receipt.is_red",
            "a red receipt cannot be reversed or exchanged",
        ));
    }
    Ok((citizen_id, receipt))
}

fn corrupt(e: piaojia_receipt::Error) -> ApiError {
    crate::error::ServiceError::Corrupt(e.to_string()).into()
}

#[utoipa::path(post, path = "/v1/issuer/receipts/{code}/{number}/reverse", tag = "issuer",
    params(("code" = String, Path), ("number" = String, Path)), request_body = ReverseRequest,
    security(("issuer" = [])),
    responses((status = 201, body = IssuedReceipt, description = "the red receipt"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reverse(
    State(state): State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Path((code, number)): Path<(String, String)>,
    Json(req): Json<ReverseRequest>,
) -> ApiResult<(StatusCode, Json<IssuedReceipt>)> {
    if req.reason.trim().is_empty() || req.reason.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_request(
            "receipt.invalid_reason",
            "give a reason of 1 to 200 characters",
        ));
    }
    let mut tx = crate::store::begin_write(&state.db).await?;
    let (citizen_id, original) = own_normal_receipt(&mut tx, &issuer.code, &code, &number).await?;
    let now = piaojia_receipt::service_time::china_wall_clock_now().with_nanosecond_zero();
    let red = sign_and_store(
        &state,
        &mut tx,
        &issuer,
        citizen_id,
        red_draft(&original, now, req.reason.trim()).ok_or_else(|| {
            ApiError::bad_request(
                "receipt.amount_out_of_range",
                "an amount cannot be reversed",
            )
        })?,
    )
    .await?;
    store::set_lifecycle(
        &mut tx,
        citizen_id,
        &original.key(),
        &Lifecycle::Reversed {
            by: red.key.clone(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(red)))
}

#[utoipa::path(post, path = "/v1/issuer/receipts/{code}/{number}/exchange", tag = "issuer",
    params(("code" = String, Path), ("number" = String, Path)), request_body = ExchangeRequest,
    security(("issuer" = [])),
    responses((status = 200, body = Lifecycle), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn exchange(
    State(state): State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Path((code, number)): Path<(String, String)>,
    Json(req): Json<ExchangeRequest>,
) -> ApiResult<Json<Lifecycle>> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    let (citizen_id, original) = own_normal_receipt(&mut tx, &issuer.code, &code, &number).await?;
    let paper = ReceiptKey {
        province: state.config.province.code.clone(),
        code: req.paper_code,
        number: req.paper_number,
    };
    let now = piaojia_receipt::service_time::china_wall_clock_now().with_nanosecond_zero();
    super::paper::record(&mut tx, citizen_id, &original.key(), &paper, None, now).await?;
    let lifecycle = Lifecycle::Exchanged { paper };
    tx.commit().await?;
    Ok(Json(lifecycle))
}

/// 作废. Not for a red receipt, nor one already reversed, exchanged for paper
/// (the paper is what counts now) or voided, nor one in a claim its relying party
/// approved or paid: the money moved on it. One in a claim still under review may
/// be voided; the relying party sees it voided.
#[utoipa::path(post, path = "/v1/issuer/receipts/{code}/{number}/void", tag = "issuer",
    params(("code" = String, Path), ("number" = String, Path)), request_body = VoidRequest,
    security(("issuer" = [])),
    responses((status = 200, body = Lifecycle), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn void(
    State(state): State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Path((code, number)): Path<(String, String)>,
    Json(req): Json<VoidRequest>,
) -> ApiResult<Json<Lifecycle>> {
    if req.reason.trim().is_empty() || req.reason.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_request(
            "receipt.invalid_reason",
            "give a reason of 1 to 200 characters",
        ));
    }
    let mut tx = crate::store::begin_write(&state.db).await?;
    let (citizen_id, receipt) = own_normal_receipt(&mut tx, &issuer.code, &code, &number).await?;
    let settled: Option<String> = sqlx::query_scalar(
        "SELECT c.state FROM receipts r JOIN claims c ON c.id = r.claim_id
         WHERE r.code = $1 AND r.number = $2 AND c.state IN ($3, $4)",
    )
    .bind(&code)
    .bind(&number)
    .bind(ClaimState::Approved.as_str())
    .bind(ClaimState::Paid.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(claim_state) = settled {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "receipt.claim_settled",
            format!("the receipt is in a claim that was {claim_state}"),
        ));
    }
    let now = piaojia_receipt::service_time::china_wall_clock_now().with_nanosecond_zero();
    store::set_lifecycle(&mut tx, citizen_id, &receipt.key(), &Lifecycle::Voided, now).await?;
    tx.commit().await?;
    Ok(Json(Lifecycle::Voided))
}
