//! A citizen's own receipts: the list since a cursor, one signed original, and the
//! changes feed. Each query is bound to the authenticated citizen.

use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path, Query};
use super::session::Reader;
use crate::faults;
use crate::state::AppState;
use crate::store::Stamp;
use axum::extract::State;
use chrono::NaiveDateTime;
use piaojia_api::{
    ChangeEvent, ChangePage, ClaimChange, ConsultationChange, ConsultationState, ErrorBody,
    PageQuery, ReceiptEntry, ReceiptPage,
};
use piaojia_receipt::service_time::from_china_wall_clock;
use piaojia_receipt::ProvinceCode;
use serde_json::value::RawValue;

const DEFAULT_PAGE: i64 = 200;
const MAX_PAGE: i64 = 1000;

/// Where a page starts and how many items it holds.
fn page_bounds(q: &PageQuery) -> ApiResult<(i64, i64)> {
    let after = match &q.after {
        None => 0,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 0)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "request.invalid_cursor",
                    "the cursor is not one this service gave",
                )
            })?,
    };
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            "request.invalid_limit",
            "limit must be between 1 and 1000",
        ));
    }
    Ok((after, limit))
}

type ReceiptRow = (i64, String, String, Option<String>, Option<String>);

fn entry(state: &AppState, province: &ProvinceCode, row: ReceiptRow) -> ApiResult<ReceiptEntry> {
    let (seq, state_text, original, linked_code, linked_number) = row;
    let lifecycle =
        crate::store::stored_lifecycle(province, &state_text, linked_code, linked_number)?;
    let original = faults::maybe_tamper(&state.config.faults, seq, original);
    Ok(ReceiptEntry {
        cursor: seq.to_string(),
        original: RawValue::from_string(original).map_err(corrupt)?,
        lifecycle,
    })
}

fn claim_change(id: i64, state: &str) -> ApiResult<ClaimChange> {
    Ok(ClaimChange {
        id,
        state: super::claims::claim_state(state)?,
    })
}

fn corrupt(e: impl std::fmt::Display) -> ApiError {
    ApiError::from(crate::error::ServiceError::Corrupt(e.to_string()))
}

/// One entry of the changes feed as stored.
#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    code: String,
    number: String,
    lifecycle: String,
    #[sqlx(try_from = "Stamp")]
    at: NaiveDateTime,
    claim_id: Option<i64>,
    claim_state: Option<String>,
    consultation_id: Option<i64>,
    consultation_state: Option<String>,
}

const ROW_COLUMNS: &str = "seq, state, original, linked_code, linked_number";

#[utoipa::path(get, path = "/v1/receipts", tag = "receipts", params(PageQuery),
    security(("citizen" = [])),
    responses((status = 200, body = ReceiptPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    citizen: Reader,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<ReceiptPage>> {
    let (after, limit) = page_bounds(&q)?;
    let replay = faults::page_fault(&state.config.faults, after);
    let rows: Vec<ReceiptRow> = match replay {
        // The page before this one, served again as if it were new.
        Some(faults::PageFault::Replay) => {
            let mut rows: Vec<ReceiptRow> = sqlx::query_as(&format!(
                "SELECT {ROW_COLUMNS} FROM receipts WHERE citizen_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT $3"
            ))
            .bind(citizen.id)
            .bind(after)
            .bind(limit)
            .fetch_all(&state.db)
            .await?;
            rows.reverse();
            rows
        }
        _ => {
            sqlx::query_as(&format!(
                "SELECT {ROW_COLUMNS} FROM receipts WHERE citizen_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
            ))
            .bind(citizen.id)
            .bind(after)
            .bind(limit)
            .fetch_all(&state.db)
            .await?
        }
    };
    let next = rows.last().map(|r| r.0).unwrap_or(after);
    let remaining: i64 =
        sqlx::query_scalar("SELECT count(*) FROM receipts WHERE citizen_id = $1 AND seq > $2")
            .bind(citizen.id)
            .bind(next)
            .fetch_one(&state.db)
            .await?;
    let province = &state.config.province.code;
    let mut items = rows
        .into_iter()
        .map(|r| entry(&state, province, r))
        .collect::<ApiResult<Vec<_>>>()?;
    if replay == Some(faults::PageFault::Reorder) {
        items.reverse();
    }
    Ok(Json(ReceiptPage {
        items,
        next_cursor: next.to_string(),
        has_more: remaining > 0,
        remaining,
    }))
}

#[utoipa::path(get, path = "/v1/receipts/{code}/{number}", tag = "receipts",
    params(("code" = String, Path, description = "票据代码"), ("number" = String, Path, description = "票据号码")),
    security(("citizen" = [])),
    responses((status = 200, body = ReceiptEntry), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn fetch(
    State(state): State<AppState>,
    citizen: Reader,
    Path((code, number)): Path<(String, String)>,
) -> ApiResult<Json<ReceiptEntry>> {
    // Someone else's receipt is "not found": the answer must not reveal that it exists.
    let row: Option<ReceiptRow> = sqlx::query_as(&format!(
        "SELECT {ROW_COLUMNS} FROM receipts WHERE citizen_id = $1 AND code = $2 AND number = $3"
    ))
    .bind(citizen.id)
    .bind(&code)
    .bind(&number)
    .fetch_optional(&state.db)
    .await?;
    let row = row.ok_or_else(|| ApiError::not_found("receipt.not_found", "no such receipt"))?;
    Ok(Json(entry(&state, &state.config.province.code, row)?))
}

#[utoipa::path(get, path = "/v1/changes", tag = "receipts", params(PageQuery),
    security(("citizen" = [])),
    responses((status = 200, body = ChangePage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    citizen: Reader,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<ChangePage>> {
    let (after, limit) = page_bounds(&q)?;
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, code, number, lifecycle, at, claim_id, claim_state, consultation_id, consultation_state
         FROM events WHERE citizen_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
    )
    .bind(citizen.id)
    .bind(after)
    .bind(limit + 1)
    .fetch_all(&state.db)
    .await?;
    let has_more = rows.len() as i64 > limit;
    let province = &state.config.province.code;
    let events = rows
        .into_iter()
        .take(limit as usize)
        .map(|row| {
            Ok(ChangeEvent {
                cursor: row.seq.to_string(),
                receipt: crate::store::stored_key(province, row.code, row.number)?,
                lifecycle: serde_json::from_str(&row.lifecycle).map_err(corrupt)?,
                claim: row
                    .claim_id
                    .zip(row.claim_state)
                    .map(|(id, state)| claim_change(id, &state))
                    .transpose()?,
                consultation: row
                    .consultation_id
                    .zip(row.consultation_state)
                    .map(|(id, state)| {
                        Ok::<_, ApiError>(ConsultationChange {
                            id,
                            state: ConsultationState::parse(&state)
                                .ok_or_else(|| corrupt("consultation state"))?,
                        })
                    })
                    .transpose()?,
                at: from_china_wall_clock(row.at),
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let next_cursor = events
        .last()
        .map(|e| e.cursor.clone())
        .unwrap_or_else(|| after.to_string());
    Ok(Json(ChangePage {
        events,
        next_cursor,
        has_more,
    }))
}
