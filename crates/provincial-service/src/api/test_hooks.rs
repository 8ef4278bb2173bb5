//! Endpoints for tests only, mounted when the service starts with `--test-hooks`.

use super::error::{ApiError, ApiResult};
use super::extract::{Json, Path};
use crate::state::AppState;
use crate::store::Stamp;
use axum::extract::State;
use piaojia_api::ErrorBody;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct SmsPeek {
    pub code: String,
}

/// The SMS code last sent to this ID number.
#[utoipa::path(get, path = "/test/sms/{id_number}", tag = "test",
    params(("id_number" = String, Path)),
    responses((status = 200, body = SmsPeek), (status = 404, body = ErrorBody)))]
pub async fn sms_code(
    State(state): State<AppState>,
    Path(id_number): Path<String>,
) -> ApiResult<Json<SmsPeek>> {
    let code = state.pending_sms_code(&id_number).await?;
    code.map(|code| Json(SmsPeek { code }))
        .ok_or_else(|| ApiError::not_found("test.no_code", "no code was sent to this ID number"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BundlePublished {
    pub version: u64,
}

/// Revokes an issuer's certificate and publishes a new trust bundle.
#[utoipa::path(post, path = "/test/issuers/{code}/revoke", tag = "test",
    params(("code" = String, Path)),
    responses((status = 200, body = BundlePublished), (status = 404, body = ErrorBody)))]
pub async fn revoke_issuer(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<BundlePublished>> {
    let done =
        sqlx::query("UPDATE issuers SET revoked_at = $1 WHERE code = $2 AND revoked_at IS NULL")
            .bind(Stamp(piaojia_receipt::service_time::china_wall_clock_now()))
            .bind(&code)
            .execute(&state.db)
            .await?;
    if done.rows_affected() == 0 {
        return Err(ApiError::not_found(
            "issuer.not_found",
            "no such issuer, or already revoked",
        ));
    }
    state.republish_bundle().await?;
    Ok(Json(BundlePublished {
        version: state.bundle().await?.version,
    }))
}
