//! The HTTP API: versioned JSON under /v1, described by an OpenAPI document that is
//! generated from the same handlers that serve it.

pub mod auth;
pub mod check;
pub mod claims;
pub mod consultations;
pub mod error;
pub mod extract;
pub mod handoff;
pub mod issuer;
pub mod paper;
pub mod receipts;
pub mod session;
pub mod test_hooks;
pub mod trust;

use crate::faults;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use error::ApiError;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Request bodies larger than this are refused with 413.
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Provincial fiscal e-receipt service (Piaojia reference)", version = "1.0.0",
         description = "Citizens' receipts, 查验, the trust bundle and issuer operations."),
    modifiers(&SecuritySchemes),
    tags((name = "auth"), (name = "receipts"), (name = "check"), (name = "trust"), (name = "issuer"),
         (name = "claims", description = "Reimbursement claims. Medical-insurance claims reimburse 60% of each receipt's 个人自付 (rounded down to the fen); 个人自费 is not reimbursed."),
         (name = "relying party"),
         (name = "consultations", description = "我要咨询: a citizen asks a receipt's issuer about it. Only the receipt's payer and its issuer see a thread; its texts are deleted a retention period after it closes."))
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["citizen", "issuer", "relying_party"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
        components.add_security_scheme(
            "kiosk",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new(paper::KIOSK_KEY_HEADER))),
        );
    }
}

/// The public routes, from which the OpenAPI document is generated (test hooks
/// are not part of it).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::send_sms))
        .routes(routes!(auth::login))
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::logout))
        .routes(routes!(handoff::create))
        .routes(routes!(handoff::redeem))
        .routes(routes!(receipts::list))
        .routes(routes!(receipts::fetch))
        .routes(routes!(receipts::changes))
        .routes(routes!(check::check))
        .routes(routes!(trust::bundle))
        .routes(routes!(issuer::issue))
        .routes(routes!(issuer::reverse))
        .routes(routes!(issuer::exchange))
        .routes(routes!(issuer::void))
        .routes(routes!(paper::register))
        .routes(routes!(paper::exchange, paper::undo))
        .routes(routes!(consultations::ask))
        .routes(routes!(consultations::get_mine))
        .routes(routes!(consultations::write))
        .routes(routes!(consultations::close))
        .routes(routes!(consultations::issuer_list))
        .routes(routes!(consultations::answer))
        .merge(claims::routes())
}

/// The OpenAPI document of this service, as served at /openapi.json.
pub fn openapi() -> OpenApiDoc {
    api_routes().split_for_parts().1
}

pub fn router(state: AppState) -> Router {
    let (mut router, doc) = api_routes().split_for_parts();
    if state.config.faults.any() {
        router = router.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    }
    let doc = std::sync::Arc::new(doc);
    router = router
        .route(
            "/openapi.json",
            get(move || async move { axum::Json(doc.as_ref().clone()) }),
        )
        .route("/healthz", get(|| async { "ok" }));
    if state.config.test_hooks {
        router = router
            .route("/test/sms/{id_number}", get(test_hooks::sms_code))
            .route(
                "/test/issuers/{code}/revoke",
                axum::routing::post(test_hooks::revoke_issuer),
            );
    }
    router
        .fallback(|| async { ApiError::not_found("route.not_found", "no such endpoint") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "route.method_not_allowed",
                "method not allowed",
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            ))
        }))
        .with_state(state)
}
