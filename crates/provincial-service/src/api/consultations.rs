//! 我要咨询: a citizen's questions about one of their receipts and its issuer's
//! answers. Only the receipt's payer (from their own login: a kiosk may not) and
//! its issuer see a thread; anyone else is told there is none. Each change goes
//! into the payer's changes feed; the texts go only to the two parties, and are
//! deleted once a closed thread's retention has passed.

use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path};
use super::issuer::AuthIssuer;
use super::session::Citizen;
use crate::state::AppState;
use crate::store::Stamp;
use axum::http::StatusCode;
use chrono::NaiveDateTime;
use piaojia_api::{
    AnswerRequest, AskRequest, Author, ConsultMessage, ConsultReason, Consultation,
    ConsultationState, ErrorBody, MessageRequest, MAX_MESSAGE_CHARS,
};
use piaojia_receipt::service_time::{china_wall_clock_now, from_china_wall_clock};
use piaojia_receipt::LifecycleState;
use sqlx::AnyConnection;

/// Threads an issuer's list holds, newest first.
const ISSUER_LIST_LIMIT: i64 = 200;

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: i64,
    citizen_id: i64,
    issuer_code: String,
    code: String,
    number: String,
    reason: String,
    state: String,
    #[sqlx(try_from = "Stamp")]
    opened_at: NaiveDateTime,
    #[sqlx(try_from = "Stamp")]
    updated_at: NaiveDateTime,
    closed_at: Option<Stamp>,
    corrected_code: Option<String>,
    corrected_number: Option<String>,
}

impl ThreadRow {
    fn state(&self) -> ApiResult<ConsultationState> {
        ConsultationState::parse(&self.state).ok_or_else(|| corrupt("consultation state"))
    }

    fn reason(&self) -> ApiResult<ConsultReason> {
        ConsultReason::parse(&self.reason).ok_or_else(|| corrupt("consultation reason"))
    }
}

const THREAD_COLUMNS: &str = "id, citizen_id, issuer_code, code, number, reason, state, opened_at, updated_at, closed_at, corrected_code, corrected_number";

/// Who asks to see a thread; a thread that is not theirs is "not found".
enum Party<'a> {
    Payer(i64),
    Issuer(&'a str),
}

async fn thread(conn: &mut AnyConnection, id: i64, party: Party<'_>) -> ApiResult<ThreadRow> {
    let row: Option<ThreadRow> = sqlx::query_as(&format!(
        "SELECT {THREAD_COLUMNS} FROM consultations WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.filter(|t| match party {
        Party::Payer(citizen_id) => t.citizen_id == citizen_id,
        Party::Issuer(code) => t.issuer_code == code,
    })
    .ok_or_else(|| ApiError::not_found("consultation.not_found", "no such consultation"))
}

async fn answer_of(
    state: &AppState,
    conn: &mut AnyConnection,
    t: ThreadRow,
) -> ApiResult<Consultation> {
    let province = &state.config.province.code;
    let rows: Vec<(String, String, Stamp)> = sqlx::query_as(
        "SELECT author, body, at FROM consultation_messages WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(t.id)
    .fetch_all(&mut *conn)
    .await?;
    let messages = rows
        .into_iter()
        .map(|(author, text, at)| {
            Ok(ConsultMessage {
                author: Author::parse(&author).ok_or_else(|| corrupt("message author"))?,
                text,
                at: from_china_wall_clock(at.0),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let (reason, thread_state) = (t.reason()?, t.state()?);
    let corrected_by = match (t.corrected_code, t.corrected_number) {
        (Some(code), Some(number)) => Some(crate::store::stored_key(province, code, number)?),
        _ => None,
    };
    let retention = retention(state)?;
    Ok(Consultation {
        id: t.id,
        receipt: crate::store::stored_key(province, t.code, t.number)?,
        reason,
        state: thread_state,
        messages,
        corrected_by,
        opened_at: from_china_wall_clock(t.opened_at),
        updated_at: from_china_wall_clock(t.updated_at),
        texts_kept_until: t
            .closed_at
            .map(|at| from_china_wall_clock(at.0 + retention)),
    })
}

fn retention(state: &AppState) -> ApiResult<chrono::Duration> {
    chrono::Duration::from_std(state.config.consultation_retention)
        .map_err(|_| corrupt("consultation retention"))
}

fn corrupt(what: &str) -> ApiError {
    crate::error::ServiceError::Corrupt(what.to_string()).into()
}

/// The text of a message, trimmed: 1 to 1000 characters.
fn message_text(text: &str) -> ApiResult<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::bad_request(
            "consultation.invalid_text",
            "write 1 to 1000 characters",
        ));
    }
    Ok(text.to_string())
}

/// Deletes the texts of threads closed longer ago than the retention period. Run
/// before each use of the threads, so that nothing older is ever served.
async fn forget_expired(state: &AppState, conn: &mut AnyConnection) -> ApiResult<()> {
    let cutoff = china_wall_clock_now() - retention(state)?;
    sqlx::query(
        "DELETE FROM consultation_messages WHERE consultation_id IN
         (SELECT id FROM consultations WHERE closed_at IS NOT NULL AND closed_at <= $1)",
    )
    .bind(Stamp(cutoff))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn add_message(
    conn: &mut AnyConnection,
    id: i64,
    author: Author,
    text: &str,
    at: NaiveDateTime,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO consultation_messages (consultation_id, author, body, at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(author.as_str())
    .bind(text)
    .bind(Stamp(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves a thread to `to` and tells its payer's changes feed (with the receipt's
/// lifecycle as it is now).
async fn move_to(
    state: &AppState,
    conn: &mut AnyConnection,
    t: &ThreadRow,
    to: ConsultationState,
    at: NaiveDateTime,
) -> ApiResult<()> {
    sqlx::query(
        "UPDATE consultations SET state = $1, updated_at = $2,
         closed_at = CASE WHEN $3 THEN coalesce(closed_at, $4) ELSE NULL END WHERE id = $5",
    )
    .bind(to.as_str())
    .bind(Stamp(at))
    .bind(to == ConsultationState::Closed)
    .bind(Stamp(at))
    .bind(t.id)
    .execute(&mut *conn)
    .await?;
    let (lifecycle, linked_code, linked_number): (String, Option<String>, Option<String>) =
        sqlx::query_as(
            "SELECT state, linked_code, linked_number FROM receipts WHERE code = $1 AND number = $2",
        )
        .bind(&t.code)
        .bind(&t.number)
        .fetch_one(&mut *conn)
        .await?;
    let lifecycle = crate::store::stored_lifecycle(
        &state.config.province.code,
        &lifecycle,
        linked_code,
        linked_number,
    )?;
    sqlx::query(
        "INSERT INTO events (citizen_id, kind, code, number, lifecycle, at, consultation_id, consultation_state)
         VALUES ($1, 'consultation', $2, $3, $4, $5, $6, $7)",
    )
    .bind(t.citizen_id)
    .bind(&t.code)
    .bind(&t.number)
    .bind(serde_json::to_string(&lifecycle).expect("serialises"))
    .bind(Stamp(at))
    .bind(t.id)
    .bind(to.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[utoipa::path(post, path = "/v1/receipts/{code}/{number}/consultations", tag = "consultations",
    params(("code" = String, Path, description = "票据代码"), ("number" = String, Path, description = "票据号码")),
    request_body = AskRequest, security(("citizen" = [])),
    responses((status = 201, body = Consultation),
        (status = 400, body = ErrorBody, description = "consultation.invalid_text"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "auth.scope: a kiosk session"),
        (status = 404, body = ErrorBody, description = "receipt.not_found: not the caller's receipt"),
        (status = 409, body = ErrorBody, description = "consultation.already_open: a thread about this receipt is not closed")))]
pub async fn ask(
    axum::extract::State(state): axum::extract::State<AppState>,
    citizen: Citizen,
    Path((code, number)): Path<(String, String)>,
    Json(req): Json<AskRequest>,
) -> ApiResult<(StatusCode, Json<Consultation>)> {
    let text = message_text(&req.text)?;
    let mut tx = crate::store::begin_write(&state.db).await?;
    forget_expired(&state, &mut tx).await?;
    let issuer: Option<String> = sqlx::query_scalar(
        "SELECT issuer_code FROM receipts WHERE citizen_id = $1 AND code = $2 AND number = $3",
    )
    .bind(citizen.id)
    .bind(&code)
    .bind(&number)
    .fetch_optional(&mut *tx)
    .await?;
    let issuer =
        issuer.ok_or_else(|| ApiError::not_found("receipt.not_found", "no such receipt"))?;
    let open: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM consultations WHERE code = $1 AND number = $2 AND state != $3",
    )
    .bind(&code)
    .bind(&number)
    .bind(ConsultationState::Closed.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if open.is_some() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "consultation.already_open",
            "a consultation about this receipt is still open; write in it",
        ));
    }
    let now = china_wall_clock_now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO consultations (citizen_id, issuer_code, code, number, reason, state, opened_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(citizen.id)
    .bind(&issuer)
    .bind(&code)
    .bind(&number)
    .bind(req.reason.as_str())
    .bind(ConsultationState::Open.as_str())
    .bind(Stamp(now))
    .bind(Stamp(now))
    .fetch_one(&mut *tx)
    .await?;
    add_message(&mut tx, id, Author::Citizen, &text, now).await?;
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    move_to(&state, &mut tx, &t, ConsultationState::Open, now).await?;
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    let answer = answer_of(&state, &mut tx, t).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[utoipa::path(get, path = "/v1/consultations/{id}", tag = "consultations",
    params(("id" = i64, Path)), security(("citizen" = [])),
    responses((status = 200, body = Consultation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "consultation.not_found: none of the caller's")))]
pub async fn get_mine(
    axum::extract::State(state): axum::extract::State<AppState>,
    citizen: Citizen,
    Path(id): Path<i64>,
) -> ApiResult<Json<Consultation>> {
    let mut conn = state.db.acquire().await?;
    forget_expired(&state, &mut conn).await?;
    let t = thread(&mut conn, id, Party::Payer(citizen.id)).await?;
    Ok(Json(answer_of(&state, &mut conn, t).await?))
}

#[utoipa::path(post, path = "/v1/consultations/{id}/messages", tag = "consultations",
    params(("id" = i64, Path)), request_body = MessageRequest, security(("citizen" = [])),
    responses((status = 200, body = Consultation, description = "the thread, open again"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "consultation.closed")))]
pub async fn write(
    axum::extract::State(state): axum::extract::State<AppState>,
    citizen: Citizen,
    Path(id): Path<i64>,
    Json(req): Json<MessageRequest>,
) -> ApiResult<Json<Consultation>> {
    let text = message_text(&req.text)?;
    let mut tx = crate::store::begin_write(&state.db).await?;
    forget_expired(&state, &mut tx).await?;
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    refuse_closed(&t)?;
    let now = china_wall_clock_now();
    add_message(&mut tx, id, Author::Citizen, &text, now).await?;
    move_to(&state, &mut tx, &t, ConsultationState::Open, now).await?;
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    let answer = answer_of(&state, &mut tx, t).await?;
    tx.commit().await?;
    Ok(Json(answer))
}

fn refuse_closed(t: &ThreadRow) -> ApiResult<()> {
    if t.state()? == ConsultationState::Closed {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "consultation.closed",
            "the consultation is closed; ask again in a new one",
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/consultations/{id}/close", tag = "consultations",
    params(("id" = i64, Path)), security(("citizen" = [])),
    responses((status = 200, body = Consultation, description = "closed (closing a closed thread changes nothing)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn close(
    axum::extract::State(state): axum::extract::State<AppState>,
    citizen: Citizen,
    Path(id): Path<i64>,
) -> ApiResult<Json<Consultation>> {
    let mut tx = crate::store::begin_write(&state.db).await?;
    forget_expired(&state, &mut tx).await?;
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    if t.state()? != ConsultationState::Closed {
        move_to(
            &state,
            &mut tx,
            &t,
            ConsultationState::Closed,
            china_wall_clock_now(),
        )
        .await?;
    }
    let t = thread(&mut tx, id, Party::Payer(citizen.id)).await?;
    let answer = answer_of(&state, &mut tx, t).await?;
    tx.commit().await?;
    Ok(Json(answer))
}

#[utoipa::path(get, path = "/v1/issuer/consultations", tag = "issuer",
    security(("issuer" = [])),
    responses((status = 200, body = Vec<Consultation>, description = "the issuer's threads, newest first (200 at most)"),
        (status = 401, body = ErrorBody)))]
pub async fn issuer_list(
    axum::extract::State(state): axum::extract::State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
) -> ApiResult<Json<Vec<Consultation>>> {
    let mut conn = state.db.acquire().await?;
    forget_expired(&state, &mut conn).await?;
    let rows: Vec<ThreadRow> = sqlx::query_as(&format!(
        "SELECT {THREAD_COLUMNS} FROM consultations WHERE issuer_code = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(&issuer.code)
    .bind(ISSUER_LIST_LIMIT)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for t in rows {
        out.push(answer_of(&state, &mut conn, t).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/v1/issuer/consultations/{id}/answer", tag = "issuer",
    params(("id" = i64, Path)), request_body = AnswerRequest, security(("issuer" = [])),
    responses((status = 200, body = Consultation),
        (status = 400, body = ErrorBody, description = "consultation.invalid_text, consultation.invalid_correction: not this issuer's receipt to the same payer"),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "consultation.not_found: none of this issuer's"),
        (status = 409, body = ErrorBody, description = "consultation.closed, consultation.not_reversed: a correction needs the receipt reversed (冲红) first")))]
pub async fn answer(
    axum::extract::State(state): axum::extract::State<AppState>,
    AuthIssuer(issuer): AuthIssuer,
    Path(id): Path<i64>,
    Json(req): Json<AnswerRequest>,
) -> ApiResult<Json<Consultation>> {
    let text = message_text(&req.text)?;
    let mut tx = crate::store::begin_write(&state.db).await?;
    forget_expired(&state, &mut tx).await?;
    let t = thread(&mut tx, id, Party::Issuer(&issuer.code)).await?;
    refuse_closed(&t)?;
    if let Some(correction) = &req.corrected_by {
        let invalid = || {
            ApiError::bad_request(
                "consultation.invalid_correction",
                "the correcting receipt must be one of this issuer's to the same payer",
            )
        };
        if correction.province != state.config.province.code {
            return Err(invalid());
        }
        let to_same_payer: Option<i64> = sqlx::query_scalar(
            "SELECT seq FROM receipts WHERE code = $1 AND number = $2 AND issuer_code = $3 AND citizen_id = $4",
        )
        .bind(correction.code.as_str())
        .bind(correction.number.as_str())
        .bind(&issuer.code)
        .bind(t.citizen_id)
        .fetch_optional(&mut *tx)
        .await?;
        if to_same_payer.is_none() {
            return Err(invalid());
        }
        let asked_about: String =
            sqlx::query_scalar("SELECT state FROM receipts WHERE code = $1 AND number = $2")
                .bind(&t.code)
                .bind(&t.number)
                .fetch_one(&mut *tx)
                .await?;
        if LifecycleState::parse(&asked_about) != Some(LifecycleState::Reversed) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "consultation.not_reversed",
                "reverse (冲红) the receipt before naming the one issued in its place",
            ));
        }
        sqlx::query(
            "UPDATE consultations SET corrected_code = $1, corrected_number = $2 WHERE id = $3",
        )
        .bind(correction.code.as_str())
        .bind(correction.number.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let now = china_wall_clock_now();
    add_message(&mut tx, id, Author::Issuer, &text, now).await?;
    let to = if req.close {
        ConsultationState::Closed
    } else {
        ConsultationState::Answered
    };
    move_to(&state, &mut tx, &t, to, now).await?;
    let t = thread(&mut tx, id, Party::Issuer(&issuer.code)).await?;
    let answer = answer_of(&state, &mut tx, t).await?;
    tx.commit().await?;
    Ok(Json(answer))
}
