//! PDF rendering: per-receipt time (warm) and size, and a 100-receipt batch.
//! Medians of several runs measured in one process.
//!
//!     cargo bench -p piaojia-render --bench pdf

use piaojia_receipt::{parse_document, SignedOriginal};
use piaojia_render::{receipt_pdf, receipts_pdf, Mark, PrintView, Verification};
use provincial_service::{Service, ServiceConfig};
use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let service = Service::build(ServiceConfig {
        demo_receipts: 200,
        other_receipts: 0,
        ..ServiceConfig::demo()
    })
    .await
    .unwrap();
    let originals: Vec<String> = sqlx::query_scalar("SELECT original FROM receipts ORDER BY seq")
        .fetch_all(&service.state.db)
        .await
        .unwrap();
    let receipts: Vec<_> = originals
        .iter()
        .map(|o| {
            parse_document(&SignedOriginal::from_json(o.as_bytes()).unwrap().document).unwrap()
        })
        .collect();
    let verification = Verification {
        valid: true,
        checked_at: chrono::Local::now().naive_local(),
        bundle_version: 1,
    };
    let views: Vec<PrintView> = receipts
        .iter()
        .map(|r| PrintView {
            receipt: r,
            verification: verification.clone(),
            mark: Mark::None,
        })
        .collect();

    let started = Instant::now();
    piaojia_render::font();
    println!(
        "font parse (once per process): {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut times = Vec::new();
    let mut sizes = Vec::new();
    for view in views.iter().take(100) {
        let started = Instant::now();
        let pdf = receipt_pdf(view).unwrap();
        times.push(started.elapsed());
        sizes.push(pdf.len());
    }
    sizes.sort();
    println!(
        "single receipt (warm, 100 demo receipts, 清单 pages included): median {:.1} ms, median size {:.1} KB, largest {:.1} KB",
        median(times).as_secs_f64() * 1e3,
        sizes[sizes.len() / 2] as f64 / 1024.0,
        sizes[sizes.len() - 1] as f64 / 1024.0
    );
    let mut batch_times = Vec::new();
    let mut batch_size = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let pdf = receipts_pdf(&views[..100]).unwrap().bytes;
        batch_times.push(started.elapsed());
        batch_size = pdf.len();
    }
    println!(
        "batch of 100 receipts in one PDF: median {:.0} ms, {:.1} KB ({:.1} KB per receipt)",
        median(batch_times).as_secs_f64() * 1e3,
        batch_size as f64 / 1024.0,
        batch_size as f64 / 1024.0 / 100.0
    );
}
