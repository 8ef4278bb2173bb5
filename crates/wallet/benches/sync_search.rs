//! The wallet benchmark: sync throughput against the reference service, the raw rate
//! of checking two signatures per receipt, search latencies and the peak memory of a
//! sync. Medians and percentiles are measured in one run; the machine is shared.
//!
//!     cargo bench -p piaojia-wallet --bench sync_search            # 100k receipts
//!     PIAOJIA_BENCH_RECEIPTS=20000 cargo bench -p piaojia-wallet --bench sync_search
//!
//! Each sync runs in a child process (this binary again, with `--sync-worker`) so
//! that its peak RSS is the wallet's alone, not the service's.

use chrono::NaiveDate;
use piaojia_receipt::{Category, SignedOriginal};
use piaojia_wallet::{AccountSpec, KeyAccess, Query, SecretString, Wallet};
use provincial_service::ServiceConfig;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "benchmark passphrase";
const SEARCH_RUNS: usize = 200;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Some(i) = args.iter().position(|a| a == "--sync-worker") {
        runtime.block_on(sync_worker(
            &args[i + 1],
            &args[i + 2],
            &args[i + 3],
            &args[i + 4],
            &args[i + 5],
        ));
        return;
    }
    let receipts: usize = std::env::var("PIAOJIA_BENCH_RECEIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    runtime.block_on(bench(receipts));
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        })
        .unwrap_or(0)
}

/// In the child: log in, sync everything, print `elapsed_ms receipts peak_kib`.
async fn sync_worker(dir: &str, url: &str, root: &str, id: &str, code: &str) {
    let wallet = Wallet::open(
        Path::new(dir),
        KeyAccess::Passphrase(SecretString::new(PASSPHRASE)),
    )
    .await
    .unwrap();
    let spec = AccountSpec {
        province: piaojia_receipt::ProvinceCode::new("330000").unwrap(),
        service_url: url.to_string(),
        root_key: root.to_string(),
        id_number: id.to_string(),
    };
    let account = wallet.login(&spec, code).await.unwrap();
    let started = Instant::now();
    let report = wallet.sync(account.id, &mut |_| {}).await.unwrap();
    let elapsed = started.elapsed();
    wallet.close().await;
    println!(
        "{} {} {}",
        elapsed.as_millis(),
        report.new_receipts,
        vm_hwm_kib()
    );
}

struct SyncRun {
    elapsed: Duration,
    receipts: u64,
    peak_kib: u64,
}

async fn run_sync(receipts: usize, dir: &Path) -> SyncRun {
    let config = ServiceConfig {
        test_hooks: true,
        demo_receipts: receipts,
        other_receipts: 0,
        ..ServiceConfig::demo()
    };
    let started = Instant::now();
    let (addr, state) = provincial_service::spawn(config).await.unwrap();
    eprintln!(
        "  service with {receipts} receipts ready in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    let id = provincial_service::demo::citizens(&state.config.province)[0]
        .id_number
        .clone();
    let http = reqwest::Client::new();
    http.post(format!("http://{addr}/v1/auth/sms"))
        .json(&serde_json::json!({ "id_number": id }))
        .send()
        .await
        .unwrap();
    let code: serde_json::Value = http
        .get(format!("http://{addr}/test/sms/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let output = tokio::task::spawn_blocking({
        let args = [
            "--sync-worker".to_string(),
            dir.display().to_string(),
            format!("http://{addr}"),
            state.keys.root_public_base64(),
            id.clone(),
            code["code"].as_str().unwrap().to_string(),
        ];
        move || {
            Command::new(std::env::current_exe().unwrap())
                .args(args)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let fields: Vec<u64> = text
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    SyncRun {
        elapsed: Duration::from_millis(fields[0]),
        receipts: fields[1],
        peak_kib: fields[2],
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn bench(receipts: usize) {
    println!("piaojia wallet benchmark: {receipts} receipts of one citizen, encrypted wallet (SQLCipher), 2 cores shared by service and wallet");

    let small_dir = tempfile::tempdir().unwrap();
    let small = run_sync(10_000.min(receipts), small_dir.path()).await;
    let dir = tempfile::tempdir().unwrap();
    let big = run_sync(receipts, dir.path()).await;
    let sync_rate = big.receipts as f64 / big.elapsed.as_secs_f64();

    let wallet = Wallet::open(
        dir.path(),
        KeyAccess::Passphrase(SecretString::new(PASSPHRASE)),
    )
    .await
    .unwrap();
    // The raw rate of checking both signatures, one core, on the same receipts.
    let originals: Vec<SignedOriginal> =
        sqlx::query_scalar::<_, Vec<u8>>("SELECT original FROM receipts ORDER BY id LIMIT 5000")
            .fetch_all(wallet.pool())
            .await
            .unwrap()
            .iter()
            .map(|b| SignedOriginal::from_json(b).unwrap())
            .collect();
    let (bundle, root): (String, String) =
        sqlx::query_as("SELECT bundle, root_key FROM trust_bundles")
            .fetch_one(wallet.pool())
            .await
            .unwrap();
    let bundle: piaojia_receipt::TrustBundle = serde_json::from_str(&bundle).unwrap();
    let anchor = piaojia_receipt::TrustAnchor::from_base64(bundle.province.clone(), &root).unwrap();
    let trust = bundle.verify(&anchor).unwrap();
    let raw_rate = raw_two_signature_rate(&originals, &trust);

    println!();
    println!(
        "sync (end to end, HTTP + verify + store, {} receipts):",
        big.receipts
    );
    println!(
        "  {:.0} receipts/s in {:.1}s",
        sync_rate,
        big.elapsed.as_secs_f64()
    );
    println!("  raw two-signature verification, one core: {raw_rate:.0} receipts/s");
    println!("  ratio sync / raw: {:.2}", sync_rate / raw_rate);
    println!(
        "peak RSS of the sync process: {} MiB at {} receipts, {} MiB at {} receipts",
        small.peak_kib / 1024,
        small.receipts,
        big.peak_kib / 1024,
        big.receipts
    );

    let year = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    let queries: Vec<(&str, Query)> = vec![
        (
            "3+ chars: 台州市中心医院",
            Query {
                text: "台州市中心医院".into(),
                ..Query::default()
            },
        ),
        (
            "3+ chars, rare: 头孢克肟分散片",
            Query {
                text: "头孢克肟分散片".into(),
                ..Query::default()
            },
        ),
        (
            "2 chars: 医院",
            Query {
                text: "医院".into(),
                ..Query::default()
            },
        ),
        (
            "2 chars: 胶囊",
            Query {
                text: "胶囊".into(),
                ..Query::default()
            },
        ),
        (
            "2 chars, rare: 慈善",
            Query {
                text: "慈善".into(),
                ..Query::default()
            },
        ),
        (
            "1 char: 药",
            Query {
                text: "药".into(),
                ..Query::default()
            },
        ),
        (
            "1 char, rare: 捐",
            Query {
                text: "捐".into(),
                ..Query::default()
            },
        ),
        (
            "1 char, in every receipt: 䶮",
            Query {
                text: "䶮".into(),
                ..Query::default()
            },
        ),
        (
            "filter only: inpatient, 100-5000 yuan",
            Query {
                category: Some(Category::MedicalInpatient),
                min_fen: Some(10_000),
                max_fen: Some(500_000),
                ..Query::default()
            },
        ),
        (
            "filter only: everything, by amount",
            Query {
                sort: piaojia_wallet::Sort::AmountDesc,
                ..Query::default()
            },
        ),
        (
            "term + date range: 西药费 in 2023",
            Query {
                text: "西药费".into(),
                from: Some(year(2023)),
                to: Some(year(2023).with_month(12).unwrap().with_day(31).unwrap()),
                ..Query::default()
            },
        ),
    ];
    // The first search of a process loads the in-memory index from the store.
    let started = Instant::now();
    wallet.search(&Query::default()).await.unwrap();
    println!(
        "search index load (first search after opening the wallet): {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    println!();
    println!("search, {SEARCH_RUNS} runs each (first page of 50, with count and sum):");
    println!(
        "  {:<42} {:>9} {:>9} {:>8}",
        "query", "p50 ms", "p99 ms", "matches"
    );
    for (name, query) in &queries {
        let mut times = Vec::with_capacity(SEARCH_RUNS);
        let mut count = 0;
        for _ in 0..SEARCH_RUNS {
            let started = Instant::now();
            let result = wallet.search(query).await.unwrap();
            times.push(started.elapsed());
            count = result.count;
        }
        times.sort();
        println!(
            "  {:<42} {:>9.2} {:>9.2} {:>8}",
            name,
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            count
        );
    }
    println!();
    println!("spending figures (per year, month, category, issuer; insurance vs self-paid; claimed), {SEARCH_RUNS} runs:");
    let mut times = Vec::with_capacity(SEARCH_RUNS);
    for _ in 0..SEARCH_RUNS {
        let started = Instant::now();
        let figures = wallet.spending(None).await.unwrap();
        times.push(started.elapsed());
        assert_eq!(figures.count as u64, big.receipts);
    }
    times.sort();
    println!(
        "  p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3
    );
    wallet.close().await;
}

use chrono::Datelike;

/// Receipts per second for checking the two ed25519 signatures alone (no parsing,
/// no certificate checks), one core, median of five rounds.
fn raw_two_signature_rate(
    originals: &[SignedOriginal],
    trust: &piaojia_receipt::TrustStore,
) -> f64 {
    use ed25519_dalek::{Signature, VerifyingKey};
    let key = |serial: &str| {
        VerifyingKey::from_bytes(&trust.certificate(serial).unwrap().public_key).unwrap()
    };
    let prepared: Vec<(VerifyingKey, VerifyingKey, Vec<u8>, &SignedOriginal)> = originals
        .iter()
        .map(|o| {
            let message = piaojia_receipt::supervisor_message(&o.document, &o.issuer_signature);
            (
                key(&o.issuer_cert_serial),
                key(&o.supervisor_cert_serial),
                message,
                o,
            )
        })
        .collect();
    let mut rates = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        for (issuer, supervisor, message, o) in &prepared {
            issuer
                .verify_strict(&o.document, &Signature::from_bytes(&o.issuer_signature))
                .unwrap();
            supervisor
                .verify_strict(message, &Signature::from_bytes(&o.supervisor_signature))
                .unwrap();
        }
        rates.push(prepared.len() as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    rates[2]
}
