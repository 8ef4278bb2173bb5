//! Renders three representative receipts of the demo data (an outpatient receipt,
//! an inpatient one with a long 清单, a reversed one) to PDF and, with pdftoppm, to
//! PNG pages for the README:
//!
//!     cargo run -p piaojia-render --example samples -- docs

use piaojia_receipt::{parse_document, Category, Lifecycle, SignedOriginal};
use piaojia_render::{receipt_pdf, Mark, PrintView, Verification};
use provincial_service::{Service, ServiceConfig};
use std::path::PathBuf;

#[tokio::main]
async fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "docs".into()));
    std::fs::create_dir_all(&out).unwrap();
    let service = Service::build(ServiceConfig {
        demo_receipts: 300,
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
    let receipts: Vec<_> = rows
        .into_iter()
        .map(|(o, state, code, number)| {
            let r =
                parse_document(&SignedOriginal::from_json(o.as_bytes()).unwrap().document).unwrap();
            let lifecycle = Lifecycle::from_columns(&r.province, &state, code, number)
                .expect("a stored lifecycle");
            (r, Mark::of(&lifecycle))
        })
        .collect();
    let pick = |f: &dyn Fn(&(piaojia_receipt::Receipt, Mark)) -> bool| {
        receipts.iter().find(|x| f(x)).unwrap().clone()
    };
    let samples = [
        (
            "receipt-outpatient",
            pick(&|(r, m)| {
                r.category == Category::MedicalOutpatient
                    && *m == Mark::None
                    && r.items.len() >= 3
                    && r.reverses.is_none()
            }),
        ),
        (
            "receipt-inpatient",
            pick(&|(r, _)| r.category == Category::MedicalInpatient && r.detail_list.len() >= 25),
        ),
        (
            "receipt-reversed",
            pick(&|(_, m)| matches!(m, Mark::Reversed { .. })),
        ),
    ];
    for (name, (receipt, mark)) in samples {
        let view = PrintView {
            receipt: &receipt,
            verification: Verification {
                valid: true,
                checked_at: chrono::Local::now().naive_local(),
                bundle_version: 1,
            },
            mark,
        };
        let pdf = out.join(format!("{name}.pdf"));
        std::fs::write(&pdf, receipt_pdf(&view).unwrap()).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "110"])
            .arg(&pdf)
            .arg(out.join(name))
            .status()
            .expect("pdftoppm (poppler-utils)");
        assert!(status.success());
        std::fs::remove_file(&pdf).unwrap();
        println!(
            "{name}: {} pages",
            std::fs::read_dir(&out)
                .unwrap()
                .filter(|e| e
                    .as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(name))
                .count()
        );
    }
}
