use crate::support::*;
use rand::{Rng, SeedableRng};
use std::process::{Command, Stdio};
use std::time::Instant;

fn cmd(wallet: &std::path::Path, args: &[&str]) -> Command {
    let mut c = piaojia(wallet);
    c.args(args);
    c
}

#[tokio::test]
async fn backup_then_restore_in_a_fresh_home_with_a_fresh_keyring() {
    let peer = peer(150).await;
    let (dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;
    let before = json(&run(cmd(&wallet, &["--json", "search", "--limit", "1000"])).await);
    let backup_file = dir.path().join("wallet.pjb");
    let out = run(cmd(
        &wallet,
        &["--json", "backup", "--to", backup_file.to_str().unwrap()],
    ))
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Two JSON documents: the recovery key (shown once), then the report.
    let text = String::from_utf8(out.stdout).unwrap();
    let recovery = text
        .split("\"recovery_key\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(recovery.len(), 39);
    // A second backup does not show the key again.
    let again = run(cmd(
        &wallet,
        &[
            "backup",
            "--to",
            dir.path().join("second.pjb").to_str().unwrap(),
        ],
    ))
    .await;
    assert!(!String::from_utf8_lossy(&again.stdout).contains(&recovery));

    // A new machine: new HOME, new D-Bus session, new keyring, no wallet.
    let home = tempfile::tempdir().unwrap();
    let script = format!(
        "echo -n fresh-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
         {bin} --wallet {w} --json restore {file} && {bin} --wallet {w} --json search --limit 1000",
        bin = env!("CARGO_BIN_EXE_piaojia"),
        w = home.path().join("wallet").display(),
        file = backup_file.display()
    );
    let output = run({
        let mut c = Command::new("dbus-run-session");
        c.args(["--", "sh", "-c", &script])
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env(
                "PIAOJIA_RECOVERY_KEY",
                recovery.to_lowercase().replace('-', " "),
            )
            .env_remove("PIAOJIA_PASSPHRASE");
        c
    })
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let restored: serde_json::Value =
        serde_json::from_str(&text[text.find("{\n  \"items\"").unwrap()..]).unwrap();
    assert_eq!(restored["count"], before["count"]);
    assert_eq!(restored["sum_fen"], before["sum_fen"]);
    assert_eq!(restored["items"], before["items"]);

    // A wrong recovery key, and a flipped byte: refused, exit 1, nothing changed.
    let mut flipped = std::fs::read(&backup_file).unwrap();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let bad = dir.path().join("bad.pjb");
    std::fs::write(&bad, flipped).unwrap();
    let db_before = std::fs::read(wallet.join("wallet.db")).unwrap();
    for (file, key) in [
        (
            &backup_file,
            "0000-0000-0000-0000-0000-0000-0000-0000".to_string(),
        ),
        (&bad, recovery.clone()),
    ] {
        let mut c = cmd(&wallet, &["--json", "restore", file.to_str().unwrap()]);
        c.env("PIAOJIA_RECOVERY_KEY", key);
        let out = run(c).await;
        assert!(!out.status.success());
        let code = json(&out)["error"]["code"].as_str().unwrap().to_string();
        assert!(
            code == "backup.wrong_key" || code == "backup.damaged",
            "{code}"
        );
    }
    assert!(std::fs::read(wallet.join("wallet.db")).unwrap() == db_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_rekey_leaves_a_wallet_that_opens() {
    let peer = peer(10_000).await;
    let (_dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;
    sync(&wallet).await;
    let count = json(&run(cmd(&wallet, &["--json", "status"])).await)["receipts"]
        .as_i64()
        .unwrap();
    let started = Instant::now();
    assert!(run(cmd(&wallet, &["rekey"])).await.status.success());
    let full = started.elapsed();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut killed = 0;
    for _ in 0..40 {
        if killed >= 12 {
            break;
        }
        let mut child = piaojia(&wallet)
            .arg("rekey")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(full.mul_f64(rng.gen_range(0.05..1.0))).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
        let status = run(cmd(&wallet, &["--json", "status"])).await;
        assert!(
            status.status.success(),
            "after a kill: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        assert_eq!(json(&status)["receipts"].as_i64().unwrap(), count);
    }
    assert!(
        killed >= 10,
        "only {killed} kills landed inside a rekey of {full:?}"
    );
    assert_eq!(check(&wallet).await.integrity, "ok");
}
