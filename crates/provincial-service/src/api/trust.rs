//! The province's trust bundle, signed by its root.

use super::error::ApiResult;
use super::extract::Json;
use crate::state::AppState;
use axum::extract::State;
use piaojia_receipt::TrustBundle;

#[utoipa::path(get, path = "/v1/trust-bundle", tag = "trust",
    responses((status = 200, body = TrustBundle)))]
pub async fn bundle(State(state): State<AppState>) -> ApiResult<Json<TrustBundle>> {
    let bundle = state.bundle().await?;
    Ok(Json(TrustBundle::clone(&bundle)))
}
