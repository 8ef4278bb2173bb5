//! Reimbursement claims. A citizen submits receipts to a relying party (employer,
//! insurer, medical-insurance fund) with an idempotency key; the receipts are locked
//! to the claim atomically, so of two claims of one receipt exactly one wins. The
//! relying party reviews through its own endpoints; the citizen may withdraw before
//! review. Every change reaches the citizen's changes feed.
//!
//! What a relying party reimburses (医保: 60% of 个人自付; employers and insurers: up to
//! the total; documented in the OpenAPI text too) is `RelyingPartyKind::reimbursable`
//! in piaojia-api, the rule the wallet applies before a claim is made.

use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path};
use super::session::{bearer, Citizen};
use crate::keys::sha256_hex;
use crate::state::AppState;
use crate::store::Stamp;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use chrono::NaiveDateTime;
use piaojia_api::{
    Claim, ClaimForReview, ClaimReceipt, ClaimRequest, Decision, ErrorBody, NotReimbursable,
    RelyingParty, RelyingPartyKind,
};
use piaojia_receipt::service_time::from_china_wall_clock;
use piaojia_receipt::{parse_document, ClaimState, LifecycleState, ProvinceCode, SignedOriginal};
use serde_json::value::RawValue;
use sqlx::AnyConnection;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(relying_parties))
        .routes(routes!(submit, list_mine))
        .routes(routes!(get_mine))
        .routes(routes!(withdraw))
        .routes(routes!(rp_list))
        .routes(routes!(rp_get))
        .routes(routes!(rp_decide))
}

#[utoipa::path(get, path = "/v1/relying-parties", tag = "claims",
    responses((status = 200, body = Vec<RelyingParty>)))]
pub async fn relying_parties(State(state): State<AppState>) -> ApiResult<Json<Vec<RelyingParty>>> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT code, name, kind FROM relying_parties ORDER BY id")
            .fetch_all(&state.db)
            .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(code, name, kind)| {
                Ok(RelyingParty {
                    code,
                    name,
                    kind: party_kind(&kind)?,
                })
            })
            .collect::<ApiResult<_>>()?,
    ))
}

/// A relying party's kind as stored here.
fn party_kind(text: &str) -> ApiResult<RelyingPartyKind> {
    RelyingPartyKind::parse(text).ok_or_else(|| {
        crate::error::ServiceError::Corrupt(format!("relying party kind {text}")).into()
    })
}

/// A claim state as stored here (only those from `Submitted` on are written).
pub(super) fn claim_state(text: &str) -> ApiResult<ClaimState> {
    ClaimState::parse(text)
        .ok_or_else(|| crate::error::ServiceError::Corrupt(format!("claim state {text}")).into())
}

fn now() -> NaiveDateTime {
    piaojia_receipt::service_time::china_wall_clock_now()
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::bad_request(code, message)
}

fn validate(req: &ClaimRequest) -> ApiResult<()> {
    if req.idempotency_key.trim().is_empty() || req.idempotency_key.len() > 100 {
        return Err(bad(
            "claim.invalid_idempotency_key",
            "give an idempotency key of 1 to 100 characters",
        ));
    }
    if req.receipts.is_empty() || req.receipts.len() > 500 {
        return Err(bad("claim.no_receipts", "a claim holds 1 to 500 receipts"));
    }
    if req.amount_requested <= 0 {
        return Err(bad(
            "claim.invalid_amount",
            "the amount requested must be more than zero",
        ));
    }
    for text in [&req.purpose, &req.payee_account] {
        if text.trim().is_empty() || text.chars().count() > 200 {
            return Err(bad(
                "claim.invalid_text",
                "purpose and payee account take 1 to 200 characters",
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if !req
        .receipts
        .iter()
        .all(|r| seen.insert((&r.code, &r.number)))
    {
        return Err(bad("claim.duplicate_receipt", "a receipt is listed twice"));
    }
    Ok(())
}

/// Submits a claim. Answers 201 with the new claim, or 200 with the claim an earlier
/// request with the same idempotency key made.
#[utoipa::path(post, path = "/v1/claims", tag = "claims", request_body = ClaimRequest,
    security(("citizen" = [])),
    responses((status = 201, body = Claim), (status = 200, body = Claim, description = "the same idempotency key was seen before"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    citizen: Citizen,
    Json(req): Json<ClaimRequest>,
) -> ApiResult<(StatusCode, Json<Claim>)> {
    validate(&req)?;
    let request_hash = sha256_hex(&serde_json::to_string(&req).expect("serialises"));
    let mut tx = crate::store::begin_write(&state.db).await?;
    let earlier: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, request_hash FROM claims WHERE citizen_id = $1 AND idempotency_key = $2",
    )
    .bind(citizen.id)
    .bind(&req.idempotency_key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((id, hash)) = earlier {
        if hash != request_hash {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.idempotency_conflict",
                "this idempotency key was used for another request",
            ));
        }
        let claim = load_claim(&mut tx, &state.config.province.code, id).await?;
        return Ok((StatusCode::OK, Json(claim)));
    }
    let party: Option<(i64, String)> =
        sqlx::query_as("SELECT id, kind FROM relying_parties WHERE code = $1")
            .bind(&req.relying_party)
            .fetch_optional(&mut *tx)
            .await?;
    let (party_id, kind) = party.ok_or_else(|| {
        ApiError::not_found("claim.unknown_relying_party", "no such relying party")
    })?;
    let kind = party_kind(&kind)?;
    let mut seqs = Vec::new();
    let mut reimbursable = 0i64;
    for r in &req.receipts {
        let row: Option<(i64, String, Option<i64>, String)> = sqlx::query_as(
            "SELECT seq, state, claim_id, original FROM receipts WHERE citizen_id = $1 AND code = $2 AND number = $3",
        )
        .bind(citizen.id)
        .bind(&r.code)
        .bind(&r.number)
        .fetch_optional(&mut *tx)
        .await?;
        // Someone else's receipt is "not found", like everywhere else.
        let (seq, lifecycle, held_by, original) = row.ok_or_else(|| {
            ApiError::not_found(
                "claim.receipt_not_found",
                format!("no receipt {}-{} of yours", r.code, r.number),
            )
        })?;
        if LifecycleState::parse(&lifecycle) != Some(LifecycleState::Normal) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.receipt_not_valid",
                format!("receipt {}-{} is {lifecycle}", r.code, r.number),
            ));
        }
        if let Some(other) = held_by {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.receipt_held",
                format!("receipt {}-{} is held by claim {other}", r.code, r.number),
            ));
        }
        let document = SignedOriginal::from_json(original.as_bytes())
            .and_then(|o| parse_document(&o.document))
            .map_err(|e| crate::error::ServiceError::Corrupt(e.to_string()))?;
        if document.reverses.is_some() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.receipt_not_valid",
                "a red receipt cannot be claimed",
            ));
        }
        let share = match kind.reimbursable(&document) {
            Ok(share) => Some(share),
            Err(NotReimbursable::NotMedical) => {
                return Err(bad(
                    "claim.not_medical",
                    format!(
                        "receipt {}-{} is not an insured medical receipt",
                        r.code, r.number
                    ),
                ))
            }
            Err(NotReimbursable::OutOfRange) => None,
        };
        reimbursable = share
            .and_then(|share| reimbursable.checked_add(share))
            .ok_or_else(|| {
                bad(
                    "claim.amount_exceeds",
                    "the receipts' amounts are out of range",
                )
            })?;
        seqs.push(seq);
    }
    if req.amount_requested > reimbursable {
        return Err(bad(
            "claim.amount_exceeds",
            format!("at most {reimbursable} fen can be claimed for these receipts"),
        ));
    }
    let at = now();
    let claim_id: i64 = sqlx::query_scalar(
        "INSERT INTO claims (citizen_id, relying_party_id, idempotency_key, request_hash, purpose, payee_account,
             amount_requested, reimbursable, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'submitted', $9, $10) RETURNING id",
    )
    .bind(citizen.id)
    .bind(party_id)
    .bind(&req.idempotency_key)
    .bind(&request_hash)
    .bind(req.purpose.trim())
    .bind(req.payee_account.trim())
    .bind(req.amount_requested)
    .bind(reimbursable)
    .bind(Stamp(at))
    .bind(Stamp(at))
    .fetch_one(&mut *tx)
    .await?;
    for seq in &seqs {
        // The lock: only a receipt still free is taken. A concurrent claim that got
        // there first leaves this one with nothing to update, and it fails whole.
        let taken =
            sqlx::query("UPDATE receipts SET claim_id = $1 WHERE seq = $2 AND claim_id IS NULL")
                .bind(claim_id)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        if taken.rows_affected() != 1 {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.receipt_held",
                "a receipt was taken by another claim",
            ));
        }
        sqlx::query("INSERT INTO claim_receipts (claim_id, receipt_seq) VALUES ($1, $2)")
            .bind(claim_id)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
    }
    record_change(
        &mut tx,
        &state.config.province.code,
        claim_id,
        ClaimState::Submitted,
    )
    .await?;
    let claim = load_claim(&mut tx, &state.config.province.code, claim_id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(claim)))
}

async fn load_claim(
    conn: &mut AnyConnection,
    province: &ProvinceCode,
    id: i64,
) -> ApiResult<Claim> {
    #[derive(sqlx::FromRow)]
    struct Row {
        code: String,
        name: String,
        purpose: String,
        amount_requested: i64,
        reimbursable: i64,
        amount_approved: Option<i64>,
        state: String,
        message: Option<String>,
        #[sqlx(try_from = "Stamp")]
        created_at: NaiveDateTime,
        #[sqlx(try_from = "Stamp")]
        updated_at: NaiveDateTime,
    }
    let row: Row = sqlx::query_as(
        "SELECT p.code, p.name, c.purpose, c.amount_requested, c.reimbursable, c.amount_approved, c.state, c.message,
                c.created_at, c.updated_at
         FROM claims c JOIN relying_parties p ON p.id = c.relying_party_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let receipts = claim_receipts(conn, province, id)
        .await?
        .into_iter()
        .map(|r| r.key)
        .collect();
    Ok(Claim {
        id,
        relying_party: row.code,
        relying_party_name: row.name,
        purpose: row.purpose,
        amount_requested: row.amount_requested,
        reimbursable: row.reimbursable,
        amount_approved: row.amount_approved,
        state: claim_state(&row.state)?,
        message: row.message,
        receipts,
        created_at: from_china_wall_clock(row.created_at),
        updated_at: from_china_wall_clock(row.updated_at),
    })
}

async fn claim_receipts(
    conn: &mut AnyConnection,
    province: &ProvinceCode,
    id: i64,
) -> ApiResult<Vec<ClaimReceipt>> {
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.code, r.number, r.state, r.linked_code, r.linked_number, r.original
         FROM claim_receipts cr JOIN receipts r ON r.seq = cr.receipt_seq WHERE cr.claim_id = $1 ORDER BY r.seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(
            |(code, number, state, linked_code, linked_number, original)| {
                Ok(ClaimReceipt {
                    key: crate::store::stored_key(province, code, number)?,
                    lifecycle: crate::store::stored_lifecycle(
                        province,
                        &state,
                        linked_code,
                        linked_number,
                    )?,
                    original: RawValue::from_string(original)
                        .map_err(|e| crate::error::ServiceError::Corrupt(e.to_string()))?,
                })
            },
        )
        .collect()
}

/// Puts a claim change into the owner's changes feed, once per receipt of the claim
/// (with that receipt's lifecycle as it is now).
async fn record_change(
    conn: &mut AnyConnection,
    province: &ProvinceCode,
    claim_id: i64,
    state: ClaimState,
) -> ApiResult<()> {
    let citizen_id: i64 = sqlx::query_scalar("SELECT citizen_id FROM claims WHERE id = $1")
        .bind(claim_id)
        .fetch_one(&mut *conn)
        .await?;
    let at = now();
    for receipt in claim_receipts(conn, province, claim_id).await? {
        sqlx::query(
            "INSERT INTO events (citizen_id, kind, code, number, lifecycle, at, claim_id, claim_state) VALUES ($1, 'claim', $2, $3, $4, $5, $6, $7)",
        )
        .bind(citizen_id)
        .bind(receipt.key.code.as_str())
        .bind(receipt.key.number.as_str())
        .bind(serde_json::to_string(&receipt.lifecycle).expect("serialises"))
        .bind(Stamp(at))
        .bind(claim_id)
        .bind(state.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[utoipa::path(get, path = "/v1/claims", tag = "claims", security(("citizen" = [])),
    responses((status = 200, body = Vec<Claim>), (status = 401, body = ErrorBody)))]
pub async fn list_mine(
    State(state): State<AppState>,
    citizen: Citizen,
) -> ApiResult<Json<Vec<Claim>>> {
    claims_where(&state, "citizen_id", citizen.id)
        .await
        .map(Json)
}

/// Every claim whose `column` (a fixed column name, never user text) is `value`.
async fn claims_where(state: &AppState, column: &'static str, value: i64) -> ApiResult<Vec<Claim>> {
    let mut conn = state.db.acquire().await?;
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM claims WHERE {column} = $1 ORDER BY id"
    ))
    .bind(value)
    .fetch_all(&mut *conn)
    .await?;
    let mut claims = Vec::new();
    for id in ids {
        claims.push(load_claim(&mut conn, &state.config.province.code, id).await?);
    }
    Ok(claims)
}

/// The citizen's own claim, or 404.
/// The state of claim `id` if `owner_column` (`citizen_id` or `relying_party_id`)
/// is `owner`; anyone else's claim is "not found".
async fn owned_claim(
    conn: &mut AnyConnection,
    owner_column: &'static str,
    owner: i64,
    id: i64,
) -> ApiResult<ClaimState> {
    let state: String = sqlx::query_scalar(&format!(
        "SELECT state FROM claims WHERE id = $1 AND {owner_column} = $2"
    ))
    .bind(id)
    .bind(owner)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| ApiError::not_found("claim.not_found", "no such claim"))?;
    claim_state(&state)
}

#[utoipa::path(get, path = "/v1/claims/{id}", tag = "claims", params(("id" = i64, Path)), security(("citizen" = [])),
    responses((status = 200, body = Claim), (status = 404, body = ErrorBody)))]
pub async fn get_mine(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<i64>,
) -> ApiResult<Json<Claim>> {
    let mut conn = state.db.acquire().await?;
    owned_claim(&mut conn, "citizen_id", citizen.id, id).await?;
    Ok(Json(
        load_claim(&mut conn, &state.config.province.code, id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/claims/{id}/withdraw", tag = "claims", params(("id" = i64, Path)), security(("citizen" = [])),
    responses((status = 200, body = Claim), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    citizen: Citizen,
    Path(id): Path<i64>,
) -> ApiResult<Json<Claim>> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    let current = owned_claim(&mut tx, "citizen_id", citizen.id, id).await?;
    if current != ClaimState::Submitted {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "claim.invalid_transition",
            format!("a claim that is {current} cannot be withdrawn"),
        ));
    }
    transition(
        &mut tx,
        &state.config.province.code,
        id,
        ClaimState::Withdrawn,
        None,
        None,
    )
    .await?;
    let claim = load_claim(&mut tx, &state.config.province.code, id).await?;
    tx.commit().await?;
    Ok(Json(claim))
}

/// Moves a claim to `to`; a rejected or withdrawn claim lets go of its receipts.
async fn transition(
    conn: &mut AnyConnection,
    province: &ProvinceCode,
    id: i64,
    to: ClaimState,
    amount: Option<i64>,
    message: Option<&str>,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE claims SET state = $1, amount_approved = coalesce($2, amount_approved), message = coalesce($3, message), updated_at = $4 WHERE id = $5",
    )
    .bind(to.as_str())
    .bind(amount)
    .bind(message)
    .bind(Stamp(now()))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if matches!(to, ClaimState::Rejected | ClaimState::Withdrawn) {
        sqlx::query("UPDATE receipts SET claim_id = NULL WHERE claim_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    record_change(conn, province, id, to).await
}

/// A request made with a relying party's API key.
pub struct AuthParty {
    pub id: i64,
}

impl FromRequestParts<AppState> for AuthParty {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<AuthParty, ApiError> {
        let key = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("auth.missing_token", "a relying party API key is required")
        })?;
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM relying_parties WHERE api_key_hash = $1")
                .bind(sha256_hex(key))
                .fetch_optional(&state.db)
                .await?;
        id.map(|id| AuthParty { id }).ok_or_else(|| {
            ApiError::unauthorized(
                "auth.invalid_token",
                "the relying party API key is not valid",
            )
        })
    }
}

#[utoipa::path(get, path = "/v1/rp/claims", tag = "relying party", security(("relying_party" = [])),
    responses((status = 200, body = Vec<Claim>), (status = 401, body = ErrorBody)))]
pub async fn rp_list(
    State(state): State<AppState>,
    party: AuthParty,
) -> ApiResult<Json<Vec<Claim>>> {
    claims_where(&state, "relying_party_id", party.id)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/rp/claims/{id}", tag = "relying party", params(("id" = i64, Path)), security(("relying_party" = [])),
    responses((status = 200, body = ClaimForReview), (status = 404, body = ErrorBody)))]
pub async fn rp_get(
    State(state): State<AppState>,
    party: AuthParty,
    Path(id): Path<i64>,
) -> ApiResult<Json<ClaimForReview>> {
    let mut conn = state.db.acquire().await?;
    owned_claim(&mut conn, "relying_party_id", party.id, id).await?;
    let claim = load_claim(&mut conn, &state.config.province.code, id).await?;
    let (claimant_name, payee_account): (String, String) = sqlx::query_as(
        "SELECT z.name, c.payee_account FROM claims c JOIN citizens z ON z.id = c.citizen_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let receipts = claim_receipts(&mut conn, &state.config.province.code, id).await?;
    Ok(Json(ClaimForReview {
        claim,
        claimant_name,
        payee_account,
        receipts,
    }))
}

#[utoipa::path(post, path = "/v1/rp/claims/{id}/decision", tag = "relying party", params(("id" = i64, Path)),
    request_body = Decision, security(("relying_party" = [])),
    responses((status = 200, body = Claim), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn rp_decide(
    State(state): State<AppState>,
    party: AuthParty,
    Path(id): Path<i64>,
    Json(decision): Json<Decision>,
) -> ApiResult<Json<Claim>> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    let current = owned_claim(&mut tx, "relying_party_id", party.id, id).await?;
    let requested: i64 = sqlx::query_scalar("SELECT amount_requested FROM claims WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let open = matches!(current, ClaimState::Submitted | ClaimState::InfoRequested);
    let text_ok = |t: &str| !t.trim().is_empty() && t.chars().count() <= 500;
    let (to, amount, message) = match &decision {
        Decision::Approve { amount } if open => {
            if *amount <= 0 || *amount > requested {
                return Err(bad(
                    "claim.invalid_amount",
                    "approve more than zero and at most the amount requested",
                ));
            }
            (ClaimState::Approved, Some(*amount), None)
        }
        Decision::Reject { reason } if open => {
            if !text_ok(reason) {
                return Err(bad(
                    "claim.invalid_text",
                    "give a reason of 1 to 500 characters",
                ));
            }
            (ClaimState::Rejected, None, Some(reason.trim()))
        }
        Decision::RequestInfo { message } if current == ClaimState::Submitted => {
            if !text_ok(message) {
                return Err(bad(
                    "claim.invalid_text",
                    "give a message of 1 to 500 characters",
                ));
            }
            (ClaimState::InfoRequested, None, Some(message.trim()))
        }
        Decision::MarkPaid if current == ClaimState::Approved => (ClaimState::Paid, None, None),
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "claim.invalid_transition",
                format!("not possible for a claim that is {current}"),
            ))
        }
    };
    transition(
        &mut tx,
        &state.config.province.code,
        id,
        to,
        amount,
        message,
    )
    .await?;
    let claim = load_claim(&mut tx, &state.config.province.code, id).await?;
    tx.commit().await?;
    Ok(Json(claim))
}
