use crate::support::*;
use piaojia_app::{App, AppConfig, KeyringSource, ServiceSettings, Settings};
use std::process::Stdio;

/// Two `piaojia sync` and the desktop app's sync of one wallet, started together: the
/// later ones wait for the one that runs (they failed at once with "database is
/// locked"), every one ends well, and the wallet is whole and still logged in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_of_one_wallet_started_together_all_succeed() {
    let peer = peer(10_000).await;
    let total = peer.receipt_count().await;
    let (dir, wallet) = temp_wallet();
    login(&peer, &wallet).await;

    let config_dir = dir.path().join("config");
    Settings {
        service: Some(ServiceSettings {
            province: peer.state.config.province.code.to_string(),
            url: peer.url(),
            root_key: peer.root_key(),
        }),
        ..Settings::default()
    }
    .save(&config_dir)
    .unwrap();
    let app = App::start(AppConfig {
        wallet_dir: wallet.clone(),
        config_dir,
        demo_receipts: 0,
        keyring: KeyringSource::Os,
    })
    .await
    .unwrap();

    let clis: Vec<_> = (0..2)
        .map(|_| {
            piaojia(&wallet)
                .args(["--json", "sync"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let in_app = app.sync(&mut |_| {}).await;
    for cli in clis {
        let output = tokio::task::spawn_blocking(move || cli.wait_with_output().unwrap())
            .await
            .unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.status.success(), "a CLI sync failed: {said}");
        assert!(!said.contains("locked"), "{said}");
    }
    in_app.expect("the app's sync");
    app.close().await;

    let end = check(&wallet).await;
    assert_eq!(
        (end.stored, end.distinct, end.integrity.as_str()),
        (total, total, "ok")
    );
    // The refresh token each of them rotated is one the service still honours.
    sync(&wallet).await;
}
