//! Reimbursement claims: submission, review by relying parties, withdrawal. The
//! routes arrive with the claims issue; this module is where they are mounted.

use crate::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}
