use piaojia_receipt::{parse_document, Lifecycle, Receipt, SignedOriginal};
use piaojia_render::{Mark, PrintView, Verification};
use provincial_service::{Service, ServiceConfig};

/// Every receipt of the demo citizen, with the lifecycle the service gives it.
pub async fn demo_receipts(count: usize) -> Vec<(Receipt, Mark)> {
    let service = Service::build(ServiceConfig {
        demo_receipts: count,
        other_receipts: 0,
        ..ServiceConfig::demo()
    })
    .await
    .unwrap();
    let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT original, state, linked_code, linked_number FROM receipts ORDER BY seq",
    )
    .fetch_all(&service.state.db)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(original, state, code, number)| {
            let receipt = parse_document(
                &SignedOriginal::from_json(original.as_bytes())
                    .unwrap()
                    .document,
            )
            .unwrap();
            let lifecycle = Lifecycle::from_columns(&receipt.province, &state, code, number)
                .expect("a stored lifecycle");
            (receipt, Mark::of(&lifecycle))
        })
        .collect()
}

pub fn view<'a>(receipt: &'a Receipt, mark: &Mark) -> PrintView<'a> {
    PrintView {
        receipt,
        verification: Verification {
            valid: true,
            checked_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
                .unwrap()
                .and_hms_opt(10, 30, 0)
                .unwrap(),
            bundle_version: 1,
        },
        mark: mark.clone(),
    }
}
