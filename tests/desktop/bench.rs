//! `desktop-bench`: the desktop app's figures on a wallet of 100k receipts, in one
//! run on this machine. Run by `scripts/bench-desktop.sh` (release build, Xvfb, a
//! D-Bus session with gnome-keyring).
//!
//! - cold start: from spawning the app process to the UI saying it drew its first
//!   list (the app prints a line when PIAOJIA_TIMING is set), several runs;
//! - search: from the `input` event of a keystroke to the result drawn, as the UI
//!   measures it (`data-search-ms`), over a set of typed words, one character at a
//!   time, through WebDriver in the real window;
//! - idle memory: RSS and PSS of the app and its WebKit processes after 10 s idle.

use piaojia_desktop_e2e::{app_binary, process_stat, read_attr, Desktop, ReferenceService};
use piaojia_wallet::{AccountSpec, KeyAccess, OsKeyring, Wallet, KEYRING_SERVICE};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const RECEIPTS: usize = 100_000;
const COLD_RUNS: usize = 5;
const WORDS: &[&str] = &[
    "医院",
    "西药费",
    "宁波市第一医院",
    "检查",
    "门诊",
    "杭州",
    "化验费",
    "人民",
];

#[tokio::main]
async fn main() {
    let receipts: usize = std::env::var("PIAOJIA_BENCH_RECEIPTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RECEIPTS);
    let started = Instant::now();
    let receipts_arg = receipts.to_string();
    let service = ReferenceService::start(&["--demo-receipts", &receipts_arg]);
    println!(
        "service with {receipts} receipts ready in {:.1}s",
        started.elapsed().as_secs_f64()
    );

    let home = tempfile::TempDir::new().unwrap();
    let wallet_dir = home.path().join("wallet");
    let config_dir = home.path().join("config");
    fill_wallet(&service, &wallet_dir).await;
    std::fs::create_dir_all(&config_dir).unwrap();
    let settings = serde_json::json!({
        "service": { "province": "330000", "url": service.url, "root_key": service.root_key },
    });
    std::fs::write(config_dir.join("settings.json"), settings.to_string()).unwrap();

    let mut starts = Vec::new();
    for run in 0..COLD_RUNS {
        let ms = cold_start(&app_binary(), &wallet_dir, &config_dir, home.path());
        println!("cold start {}: first list after {ms:.0} ms", run + 1);
        starts.push(ms);
    }

    let wallet = wallet_dir.display().to_string();
    let config = config_dir.display().to_string();
    let app = Desktop::launch(
        &app_binary(),
        settings,
        &[("PIAOJIA_WALLET", &wallet), ("PIAOJIA_CONFIG_DIR", &config)],
    )
    .await;
    app.wait_for("[data-receipt-id]").await;
    // Let the index finish loading in the background, as it would while a person
    // looks at the first list.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let mut searches = Vec::new();
    for word in WORDS {
        let mut typed = String::new();
        for c in word.chars() {
            typed.push(c);
            searches.push(keystroke(&app, &typed).await);
        }
        keystroke(&app, "").await;
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    let memory = idle_memory(&app_binary());
    app.close().await;

    println!();
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("desktop figures, {receipts} receipts, {build} build, Xvfb, this machine:");
    println!(
        "  cold start to first list: median {:.0} ms (runs: {})",
        median(&mut starts.clone()),
        starts
            .iter()
            .map(|m| format!("{m:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut sorted = searches.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "  search, keystroke to result drawn: median {:.0} ms, p95 {:.0} ms, max {:.0} ms over {} keystrokes",
        median(&mut searches),
        sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)],
        sorted.last().unwrap(),
        sorted.len()
    );
    for (name, rss, pss, parts) in &memory.0 {
        println!(
            "  idle {name}: RSS {:.0} MiB, PSS {:.0} MiB",
            rss / 1024.0,
            pss / 1024.0
        );
        let parts: Vec<String> = parts
            .iter()
            .map(|(part, kib)| format!("{part} {:.0}", kib / 1024.0))
            .collect();
        println!("      PSS by mapping, MiB: {}", parts.join(", "));
    }
    println!(
        "  idle total: RSS {:.0} MiB, PSS {:.0} MiB",
        memory.1 / 1024.0,
        memory.2 / 1024.0
    );
}

/// Logs in with the service's test hook and syncs every receipt, with the OS keyring.
async fn fill_wallet(service: &ReferenceService, dir: &Path) {
    let started = Instant::now();
    let keyring = OsKeyring::new(KEYRING_SERVICE);
    keyring
        .probe()
        .expect("a keyring (run under dbus-run-session with gnome-keyring)");
    let wallet = Wallet::open(dir, KeyAccess::Keyring(Arc::new(keyring)))
        .await
        .unwrap();
    wallet
        .request_sms(&service.url, &service.citizen_id)
        .await
        .unwrap();
    let code = service.sms_code(&service.citizen_id).await.expect("a code");
    let spec = AccountSpec {
        province: piaojia_receipt::ProvinceCode::new("330000").unwrap(),
        service_url: service.url.clone(),
        root_key: service.root_key.clone(),
        id_number: service.citizen_id.clone(),
    };
    let account = wallet.login(&spec, &code).await.unwrap();
    let report = wallet.sync(account.id, &mut |_| {}).await.unwrap();
    println!(
        "wallet filled: {} receipts in {:.1}s",
        report.new_receipts,
        started.elapsed().as_secs_f64()
    );
    wallet.close().await;
}

/// Milliseconds from spawning the app to its first list, a fresh process each time.
fn cold_start(app: &Path, wallet: &Path, config: &Path, home: &Path) -> f64 {
    let started = Instant::now();
    let mut child = Command::new(app)
        .env("PIAOJIA_TIMING", "1")
        .env("PIAOJIA_WALLET", wallet)
        .env("PIAOJIA_CONFIG_DIR", config)
        .env("HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the app starts");
    let stdout = child.stdout.take().unwrap();
    let mut shown = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if line.contains("first-list-shown") {
            shown = Some(started.elapsed());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    shown
        .expect("the app reported its first list")
        .as_secs_f64()
        * 1000.0
}

/// Commits `text` into the search box and returns the UI's measured time to the
/// drawn result.
async fn keystroke(app: &Desktop, text: &str) -> f64 {
    let drawn = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            read_attr(&c, "[data-testid=summary]", "data-searches")
                .await?
                .parse::<u64>()
                .ok()
        }
    };
    let before = drawn(&app.client).await.unwrap_or(0);
    app.commit_text("[data-testid=search]", text).await;
    app.wait_until(
        "the search result is drawn",
        async |c| drawn(c).await,
        |n| *n > before,
    )
    .await;
    app.attr("[data-testid=summary]", "data-search-ms")
        .await
        .and_then(|ms| ms.parse().ok())
        .expect("the UI measured the search")
}

/// (name, RSS KiB, PSS KiB, PSS by mapping) of the app and its descendants, and the
/// totals.
type MemoryRow = (String, f64, f64, Vec<(&'static str, f64)>);

fn idle_memory(app: &Path) -> (Vec<MemoryRow>, f64, f64) {
    let app_name = app.file_name().unwrap().to_string_lossy().into_owned();
    let procs: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let (name, ppid) = process_stat(pid)?;
            Some((pid, ppid, name))
        })
        .collect();
    let root = procs
        .iter()
        .find(|(_, _, name)| app_name.starts_with(name.as_str()))
        .map(|(pid, _, _)| *pid)
        .expect("the app process");
    let mut family = vec![root];
    let mut i = 0;
    while i < family.len() {
        let parent = family[i];
        family.extend(
            procs
                .iter()
                .filter(|(_, pp, _)| *pp == parent)
                .map(|(p, _, _)| *p),
        );
        i += 1;
    }
    let kib = |pid: u32, file: &str, key: &str| -> f64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or(0.0)
    };
    let rows: Vec<_> = family
        .iter()
        .map(|pid| {
            let name = procs.iter().find(|(p, _, _)| p == pid).unwrap().2.clone();
            (
                name,
                kib(*pid, "status", "VmRSS:"),
                kib(*pid, "smaps_rollup", "Pss:"),
                pss_by_mapping(*pid, app),
            )
        })
        .collect();
    let rss = rows.iter().map(|r| r.1).sum();
    let pss = rows.iter().map(|r| r.2).sum();
    (rows, rss, pss)
}

/// A process's PSS (KiB) by what is mapped: its heap and other anonymous memory,
/// WebKitGTK's and JavaScriptCore's libraries, other libraries, the program itself,
/// and other files (fonts, ICU data, caches).
fn pss_by_mapping(pid: u32, app: &Path) -> Vec<(&'static str, f64)> {
    let mut parts = vec![
        ("anonymous", 0.0),
        ("WebKit+JSC libraries", 0.0),
        ("other libraries", 0.0),
        ("the app's binary", 0.0),
        ("other files", 0.0),
    ];
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
    let mut part = 0;
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if let Some(kib) = line.strip_prefix("Pss:") {
            parts[part].1 += kib
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .unwrap_or(0.0);
        } else if fields.len() >= 5 && fields[0].contains('-') && !fields[0].ends_with(':') {
            // A mapping's header: address perms offset device inode [path].
            let path = fields.get(5).copied().unwrap_or("");
            part = if path.is_empty() || path.starts_with('[') {
                0
            } else if path.contains("libwebkit2gtk") || path.contains("libjavascriptcoregtk") {
                1
            } else if path.contains(".so") {
                2
            } else if Path::new(path).file_name() == app.file_name() {
                3
            } else {
                4
            };
        }
    }
    parts
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
