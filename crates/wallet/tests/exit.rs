use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Runs of `examples/exit_race.rs`; `PIAOJIA_EXIT_RUNS` sets another count. Without
/// the fix, 2 of 1,000 runs aborted here (one "double free or corruption", one
/// segmentation fault), so this count finds the old rate within a minute.
const RUNS: usize = 3_000;

/// The example, built beside this test by `cargo test` (and `cargo build --all-targets`).
fn example() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let path = deps
        .parent()
        .and_then(|d| d.parent())
        .unwrap()
        .join("examples/exit_race");
    assert!(path.exists(), "{} is built by cargo test", path.display());
    path
}

/// Processes that open an encrypted wallet, read through every pooled connection and
/// exit while those connections' threads are ending: none may end abnormally. Before
/// OpenSSL was initialised without its exit-time clean-up, the clean-up freed its
/// tables while an ending SQLite thread freed into them, and glibc aborted.
#[test]
fn processes_exiting_while_connection_threads_end_never_abort() {
    let runs = std::env::var("PIAOJIA_EXIT_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RUNS);
    let example = example();
    let folder = tempfile::tempdir().unwrap();
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (next, example, base) =
                (next.clone(), example.clone(), folder.path().to_path_buf());
            std::thread::spawn(move || {
                let mut abnormal = Vec::new();
                loop {
                    let run = next.fetch_add(1, Ordering::SeqCst);
                    if run >= runs {
                        return abnormal;
                    }
                    let wallet = base.join(format!("w{run}"));
                    let status = Command::new(&example)
                        .arg(&wallet)
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .status()
                        .unwrap();
                    if !status.success() {
                        abnormal.push(format!("run {run}: {status:?}"));
                    }
                    std::fs::remove_dir_all(&wallet).ok();
                }
            })
        })
        .collect();
    let abnormal: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    // Written past the test harness's capture, so that CI's log shows the count.
    writeln!(
        std::io::stderr(),
        "exit race: {runs} processes, 2 at a time: {} abnormal exits",
        abnormal.len()
    )
    .ok();
    assert!(abnormal.is_empty(), "{abnormal:?}");
}
