//! The provincial service under load: many wallets at once, each logging in,
//! syncing its receipts and polling the changes feed, against one instance of the
//! reference service on SQLite (a file) or, with `PIAOJIA_LOAD_POSTGRES` set to a
//! server's URL, on PostgreSQL (a schema of its own there). Prints requests per second, p50 and p99
//! latency per endpoint, the errors (there must be none) and the store's size per
//! million receipts. One run; the machine is shared, and the wallets' HTTP clients
//! run on the same cores as the service (each on a runtime of its own).
//!
//!     cargo bench -p piaojia-wallet --bench service_load        # 1,000 wallets × 300 receipts
//!     PIAOJIA_LOAD_WALLETS=10000 PIAOJIA_LOAD_RECEIPTS=100 cargo bench -p piaojia-wallet --bench service_load
//!
//!     PIAOJIA_LOAD_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres cargo bench -p piaojia-wallet --bench service_load
//!
//! `PIAOJIA_LOAD_AT_ONCE` (default 50) is how many wallets run at the same time.

use piaojia_wallet::{RetryPolicy, SecretString, ServiceClient, PAGE_SIZE};
use provincial_service::{AuthLimits, ServiceConfig, StoreAt};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Times of each endpoint's answers, and the failures.
#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<String, u64>,
}

type Shared = Arc<Mutex<Tally>>;

/// Times one call under `endpoint`; a failure is counted with its code.
async fn timed<T>(
    tally: &Shared,
    endpoint: &'static str,
    call: impl std::future::Future<Output = piaojia_wallet::Result<T>>,
) -> Option<T> {
    let start = Instant::now();
    let outcome = call.await;
    let took = start.elapsed();
    let mut tally = tally.lock().unwrap();
    match outcome {
        Ok(value) => {
            tally.times.entry(endpoint).or_default().push(took);
            Some(value)
        }
        Err(e) => {
            *tally.errors.entry(format!("{endpoint}: {e}")).or_default() += 1;
            None
        }
    }
}

fn number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let wallets = number("PIAOJIA_LOAD_WALLETS", 1000).max(5);
    let receipts = number("PIAOJIA_LOAD_RECEIPTS", 300);
    let at_once = number("PIAOJIA_LOAD_AT_ONCE", 50).max(1);
    let dir = tempfile::tempdir().unwrap();
    let db = match std::env::var("PIAOJIA_LOAD_POSTGRES") {
        Ok(url) => StoreAt::Postgres {
            url,
            schema: Some(format!("load_{}", std::process::id())),
        },
        Err(_) => StoreAt::File(dir.path().join("service.db")),
    };
    let config = ServiceConfig {
        db: db.clone(),
        demo_receipts: receipts,
        other_receipts: receipts,
        load_citizens: wallets - 5,
        // The SMS code is read through the test hook: no gateway here.
        test_hooks: true,
        // One address logs every wallet in: the per-address limits would be the
        // figure measured otherwise.
        auth_limits: AuthLimits {
            sms_interval: Duration::ZERO,
            sms_per_hour: u32::MAX,
            failures_per_hour: u32::MAX,
            sms_per_address_minute: u32::MAX,
            logins_per_address_minute: u32::MAX,
        },
        ..ServiceConfig::demo()
    };
    let service_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("service")
        .enable_all()
        .build()
        .unwrap();
    println!("seeding {wallets} citizens × about {receipts} receipts (signed, one transaction)…");
    let seeding = Instant::now();
    let (addr, state) = service_runtime
        .block_on(provincial_service::spawn(config))
        .expect("the service starts");
    let seeded_in = seeding.elapsed();
    let held: i64 = service_runtime
        .block_on(
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM receipts").fetch_one(&state.db),
        )
        .unwrap();
    let bytes = service_runtime.block_on(store_size(&db, &state.db));
    let ids: Vec<String> =
        provincial_service::demo::citizens_and(&state.config.province, wallets - 5)
            .into_iter()
            .map(|c| c.id_number)
            .collect();

    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("wallets")
        .enable_all()
        .build()
        .unwrap();
    let url = format!("http://{addr}");
    let tally: Shared = Arc::default();
    let run = Instant::now();
    let synced = client_runtime.block_on(run_wallets(&url, ids, at_once, &tally));
    let ran_in = run.elapsed();

    let tally = tally.lock().unwrap();
    let requests: usize = tally.times.values().map(Vec::len).sum();
    let errors: u64 = tally.errors.values().sum();
    println!();
    println!("wallets {wallets}, {at_once} at once; receipts held {held}, synced {synced}");
    println!(
        "seeding: {:.1} s; store {:.1} MB, {:.2} GB per million receipts",
        seeded_in.as_secs_f64(),
        bytes as f64 / 1e6,
        bytes as f64 / held.max(1) as f64 * 1e6 / 1e9
    );
    println!(
        "load: {requests} requests in {:.1} s = {:.0} requests/s, {:.1} wallets/s; errors {errors}",
        ran_in.as_secs_f64(),
        requests as f64 / ran_in.as_secs_f64(),
        wallets as f64 / ran_in.as_secs_f64()
    );
    println!();
    println!(
        "{:<16} {:>9} {:>9} {:>9} {:>9}",
        "endpoint", "requests", "p50 ms", "p99 ms", "max ms"
    );
    for (endpoint, times) in &tally.times {
        let mut times = times.clone();
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        println!(
            "{:<16} {:>9} {:>9.1} {:>9.1} {:>9.1}",
            endpoint,
            times.len(),
            at(0.5).as_secs_f64() * 1e3,
            at(0.99).as_secs_f64() * 1e3,
            at(1.0).as_secs_f64() * 1e3
        );
    }
    for (what, count) in &tally.errors {
        println!("error {what}: {count}");
    }
    if errors > 0 || synced != held as usize {
        eprintln!("the load run had failures");
        std::process::exit(1);
    }
}

/// The store's size on disk: the SQLite file after a checkpoint, or the tables of the
/// schema with their indexes and TOAST on PostgreSQL.
async fn store_size(db: &StoreAt, pool: &sqlx::AnyPool) -> u64 {
    match db {
        StoreAt::File(path) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await
                .unwrap();
            std::fs::metadata(path).unwrap().len()
        }
        _ => {
            let bytes: i64 = sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT)
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema() AND c.relkind = 'r'",
            )
            .fetch_one(pool)
            .await
            .unwrap();
            bytes as u64
        }
    }
}

/// Runs every wallet, `at_once` at a time; returns how many receipts they synced.
async fn run_wallets(url: &str, ids: Vec<String>, at_once: usize, tally: &Shared) -> usize {
    let client = ServiceClient::new(
        url,
        RetryPolicy {
            // A failure is counted, not hidden by a retry.
            attempts: 1,
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let hooks = reqwest::Client::new();
    let queue = Arc::new(Mutex::new(ids));
    let mut workers = Vec::new();
    for _ in 0..at_once {
        let (client, hooks, queue, tally, url) = (
            client.clone(),
            hooks.clone(),
            queue.clone(),
            tally.clone(),
            url.to_string(),
        );
        workers.push(tokio::spawn(async move {
            let mut synced = 0;
            loop {
                let Some(id) = queue.lock().unwrap().pop() else {
                    return synced;
                };
                synced += one_wallet(&client, &hooks, &url, &id, &tally).await;
            }
        }));
    }
    let mut synced = 0;
    for worker in workers {
        synced += worker.await.unwrap();
    }
    synced
}

/// What a wallet does on its first day: log in, fetch the trust bundle, sync every
/// receipt a page at a time, read the changes feed to its end, then poll it twice
/// more as a wallet that stays open does. Returns the receipts it synced.
async fn one_wallet(
    client: &ServiceClient,
    hooks: &reqwest::Client,
    url: &str,
    id: &str,
    tally: &Shared,
) -> usize {
    if timed(tally, "auth/sms", client.send_sms(id))
        .await
        .is_none()
    {
        return 0;
    }
    let code: serde_json::Value = hooks
        .get(format!("{url}/test/sms/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap();
    let Some(pair) = timed(tally, "auth/login", client.login(id, code)).await else {
        return 0;
    };
    let token = SecretString::new(pair.access_token);
    timed(tally, "trust-bundle", client.trust_bundle()).await;
    let (mut cursor, mut synced) = (String::new(), 0);
    loop {
        let Some(page) = timed(
            tally,
            "receipts",
            client.receipts(&token, &cursor, PAGE_SIZE),
        )
        .await
        else {
            break;
        };
        synced += page.items.len();
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    let mut cursor = String::new();
    for polls_after_the_end in 0..3 {
        loop {
            let Some(page) =
                timed(tally, "changes", client.changes(&token, &cursor, PAGE_SIZE)).await
            else {
                return synced;
            };
            cursor = page.next_cursor;
            if !page.has_more || polls_after_the_end > 0 {
                break;
            }
        }
    }
    synced
}
