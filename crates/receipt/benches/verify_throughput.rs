//! Verification throughput: receipts per second with both signatures, single vs
//! batch, on one core. Prints medians of several rounds measured in one run.
//!
//!     cargo bench -p piaojia-receipt --bench verify_throughput

use piaojia_receipt::*;
use std::time::Instant;

#[path = "../tests/fixture.rs"]
#[allow(dead_code)]
mod fixture;

const RECEIPTS: u32 = 4_000;
const ROUNDS: usize = 7;

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let k = fixture::keys();
    let trust = fixture::store(&k);
    let originals: Vec<SignedOriginal> = (0..RECEIPTS)
        .map(|n| {
            let mut r = fixture::receipt();
            r.number = ReceiptNumber::new(format!("{n:010}")).unwrap();
            fixture::sign(&r, &k, "ISS-1")
        })
        .collect();
    let bytes = originals[0].document.len();
    let mut single = Vec::new();
    let mut batch = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let ok = originals
            .iter()
            .filter(|o| verify(o, &trust).is_ok())
            .count();
        single.push(RECEIPTS as f64 / t.elapsed().as_secs_f64());
        assert_eq!(ok, RECEIPTS as usize);
        let t = Instant::now();
        let ok = verify_batch(&originals, &trust)
            .iter()
            .filter(|r| r.is_ok())
            .count();
        batch.push(RECEIPTS as f64 / t.elapsed().as_secs_f64());
        assert_eq!(ok, RECEIPTS as usize);
    }
    let (single, batch) = (median(single), median(batch));
    println!("verify_throughput: {RECEIPTS} receipts of {bytes} B, two signatures each, one core, median of {ROUNDS}");
    println!("  single: {single:>8.0} receipts/s");
    println!("  batch:  {batch:>8.0} receipts/s");
    println!("  batch/single: {:.2}", batch / single);
}
