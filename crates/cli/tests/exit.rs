use crate::support::*;
use std::io::Write;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Runs of a short command; `PIAOJIA_EXIT_RUNS` sets another count. The wallet's
/// exit test runs a process that widens the race, to find the old rate quickly.
const RUNS: usize = 1_000;
/// At once: the abort came more often on a loaded machine.
const PARALLEL: usize = 4;

/// `piaojia search` ends with exit 0 every time. It used to abort now and then
/// (SIGABRT, "double free or corruption") after printing its results: OpenSSL's
/// exit-time clean-up raced the ending SQLite connection threads (see the wallet's
/// `db.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_commands_never_abort_at_exit() {
    let runs = std::env::var("PIAOJIA_EXIT_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RUNS);
    let peer = peer(50).await;
    let (_dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;

    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..PARALLEL)
        .map(|_| {
            let (next, wallet) = (next.clone(), wallet.clone());
            std::thread::spawn(move || {
                let (mut aborted, mut failed) = (Vec::new(), Vec::new());
                while next.fetch_add(1, Ordering::SeqCst) < runs {
                    let status = piaojia(&wallet)
                        .args(["--json", "search", "医院"])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    match status.code() {
                        Some(0) => {}
                        // Killed by a signal, or 128 + SIGABRT from a shell.
                        None | Some(134) => aborted.push(format!("{status:?}")),
                        Some(_) => failed.push(format!("{status:?}")),
                    }
                }
                (aborted, failed)
            })
        })
        .collect();
    let (mut aborted, mut failed) = (Vec::new(), Vec::new());
    for worker in workers {
        let (a, f) = worker.join().unwrap();
        aborted.extend(a);
        failed.extend(f);
    }
    // Written past the test harness's capture, so that CI's log shows the count.
    writeln!(
        std::io::stderr(),
        "exit stress: {runs} runs of `piaojia search`, {PARALLEL} at once: {} abnormal exits, {} other failures",
        aborted.len(),
        failed.len()
    )
    .ok();
    assert!(aborted.is_empty(), "abnormal exits: {aborted:?}");
    assert!(failed.is_empty(), "failures: {failed:?}");
}
