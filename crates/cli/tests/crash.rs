use crate::support::*;
use rand::{Rng, SeedableRng};
use std::process::Stdio;
use std::time::{Duration, Instant};

const RECEIPTS: usize = 10_000;
const KILLS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_anywhere_in_a_sync_loses_and_duplicates_nothing() {
    let peer = peer(RECEIPTS).await;
    let total = peer.receipt_count().await;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261127);

    // How long an uninterrupted sync takes here, to aim the kills inside one.
    let (_base_dir, baseline) = temp_wallet();
    login(&peer, &baseline).await;
    let started = Instant::now();
    let full = run({
        let mut c = piaojia(&baseline);
        c.arg("sync");
        c
    })
    .await;
    assert!(full.status.success());
    let full_sync = started.elapsed();
    assert_eq!(check(&baseline).await.stored, total);

    let (_dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    let mut mid_sync_kills = 0;
    let mut attempts = 0;
    while mid_sync_kills < KILLS {
        attempts += 1;
        assert!(attempts < 400, "could not land {KILLS} kills inside a sync");
        let before = check(&wallet).await;
        if before.stored == total {
            // Done: start over in a fresh wallet so that later kills land mid-sync too.
            std::fs::remove_dir_all(&wallet).unwrap();
            login(&peer, &wallet).await;
            continue;
        }
        let remaining = (total - before.stored) as f64 / total as f64;
        let delay =
            Duration::from_millis(30) + full_sync.mul_f64(rng.gen_range(0.0..1.0) * remaining);
        let mut child = piaojia(&wallet)
            .arg("sync")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(delay).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            mid_sync_kills += 1;
        }
        child.wait().unwrap();
        let after = check(&wallet).await;
        assert_eq!(after.integrity, "ok");
        assert_eq!(after.stored, after.distinct, "no duplicates");
        assert!(
            after.stored >= before.stored,
            "nothing lost: {} -> {}",
            before.stored,
            after.stored
        );
    }
    // The last resume completes the wallet exactly.
    let resumed = run({
        let mut c = piaojia(&wallet);
        c.arg("sync");
        c
    })
    .await;
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let end = check(&wallet).await;
    assert_eq!(
        (end.stored, end.distinct, end.integrity.as_str()),
        (total, total, "ok")
    );
    eprintln!("{mid_sync_kills} kills inside a sync of {total} receipts ({attempts} attempts; full sync {full_sync:?})");
}
