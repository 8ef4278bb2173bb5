//! OFD originals drawn: per-page time (warm) to PNG at 150 DPI and to PDF, and the
//! output sizes, for each one-page e-invoice of the corpus and a 5-page one.
//! Medians of 15 runs measured in one process.
//!
//!     cargo bench -p piaojia-render --bench ofd [-- NAME-PART]

use piaojia_render::ofd;

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let corpus = piaojia_ofd::testkit::corpus_dir().join("vat-ofd");
    let files = [
        "zj-033002000211-83089647-2020.ofd",
        "js-032001600511-31471858-2020.ofd",
        "cq-050001700111-99999951-2020-TESTSYSTEM.ofd",
        "sdp-24412000000243455703-2024-zhuanpiao-unsigned.ofd",
        "cq-050001700111-12235358-2020-TESTSYSTEM-5pages.ofd",
    ];
    // The fonts of the machine and the bundled one are read once per process.
    let started = Instant::now();
    ofd::page_png(&std::fs::read(corpus.join(files[0])).unwrap(), 0, 72).unwrap();
    println!(
        "first drawing (fonts read once per process): {:.0} ms",
        ms(started.elapsed())
    );
    println!();
    println!(
        "{:<55} {:>5} {:>14} {:>10} {:>14} {:>10}",
        "file", "pages", "PNG 150 DPI ms", "PNG KB", "PDF ms/page", "PDF KB"
    );
    // `cargo bench … -- zj` draws only the files whose names contain "zj".
    let only = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    for name in files {
        if only
            .as_ref()
            .is_some_and(|part| !name.contains(part.as_str()))
        {
            continue;
        }
        let bytes = std::fs::read(corpus.join(name)).unwrap();
        let pages = ofd::page_count(&bytes).unwrap();
        let mut png_times = Vec::new();
        let mut pdf_times = Vec::new();
        let mut png_size = 0;
        let mut pdf_size = 0;
        for _ in 0..15 {
            let started = Instant::now();
            png_size = ofd::page_png(&bytes, 0, 150).unwrap().bytes.len();
            png_times.push(started.elapsed());
            let started = Instant::now();
            pdf_size = ofd::to_pdf(&bytes).unwrap().bytes.len();
            pdf_times.push(started.elapsed() / pages as u32);
        }
        println!(
            "{:<55} {:>5} {:>14.1} {:>10.0} {:>14.1} {:>10.0}",
            name,
            pages,
            ms(median(png_times)),
            png_size as f64 / 1024.0,
            ms(median(pdf_times)),
            pdf_size as f64 / 1024.0
        );
    }
    println!();
    println!("targets: ≤ 50 ms for a one-page e-invoice to PNG at 150 DPI, ≤ 20 ms to PDF");
}
