use piaojia_wallet::{KeyAccess, OsKeyring, Wallet, KEYRING_SERVICE};
use provincial_service::{AppState, ServiceConfig};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

pub struct Peer {
    pub addr: SocketAddr,
    pub state: AppState,
}

pub async fn peer(receipts: usize) -> Peer {
    peer_with(ServiceConfig {
        test_hooks: true,
        demo_receipts: receipts,
        other_receipts: 5,
        ..ServiceConfig::demo()
    })
    .await
}

pub async fn peer_with(config: ServiceConfig) -> Peer {
    let (addr, state) = provincial_service::spawn(config)
        .await
        .expect("service starts");
    Peer { addr, state }
}

impl Peer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn id_number(&self) -> String {
        provincial_service::demo::citizens(&self.state.config.province)[0]
            .id_number
            .clone()
    }

    pub fn root_key(&self) -> String {
        self.state.keys.root_public_base64()
    }

    pub async fn sms_code(&self) -> String {
        let id = self.id_number();
        let http = reqwest::Client::new();
        http.post(format!("{}/v1/auth/sms", self.url()))
            .json(&serde_json::json!({ "id_number": id }))
            .send()
            .await
            .unwrap();
        let body: Value = http
            .get(format!("{}/test/sms/{id}", self.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["code"].as_str().unwrap().to_string()
    }

    pub async fn receipt_count(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM receipts r JOIN citizens c ON c.id = r.citizen_id WHERE c.id_number = ?")
            .bind(self.id_number())
            .fetch_one(&self.state.db)
            .await
            .unwrap()
    }
}

pub fn piaojia(wallet: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_piaojia"));
    command
        .arg("--wallet")
        .arg(wallet)
        .env_remove("PIAOJIA_PASSPHRASE")
        .env("PIAOJIA_LOG", "warn");
    command
}

/// Runs the command off the async runtime (the service runs on it).
pub async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("piaojia runs"))
        .await
        .unwrap()
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub async fn login(peer: &Peer, wallet: &Path) -> Output {
    login_as(peer, piaojia(wallet)).await
}

/// Logs the peer's citizen in with `command` (a `piaojia` with its wallet options).
pub async fn login_as(peer: &Peer, mut command: Command) -> Output {
    let code = peer.sms_code().await;
    command.args([
        "--json",
        "login",
        "--service",
        &peer.url(),
        "--root-key",
        &peer.root_key(),
        "--id",
        &peer.id_number(),
        "--code",
        &code,
    ]);
    let output = run(command).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Syncs the wallet with the `piaojia` binary; a failed sync fails the test with
/// what the command said.
pub async fn sync(wallet: &Path) {
    let mut command = piaojia(wallet);
    command.arg("sync");
    let output = run(command).await;
    assert!(
        output.status.success(),
        "sync failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn temp_wallet() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let wallet = dir.path().join("wallet");
    (dir, wallet)
}

/// What a wallet holds after a crash or a race, and whether SQLite finds it whole.
pub struct Check {
    pub stored: i64,
    pub distinct: i64,
    pub integrity: String,
}

/// Opens the wallet with the keyring and counts: receipts, distinct ones, SQLite's
/// integrity check; every stored receipt has its search postings.
pub async fn check(wallet: &Path) -> Check {
    let w = Wallet::open(
        wallet,
        KeyAccess::Keyring(Arc::new(OsKeyring::new(KEYRING_SERVICE))),
    )
    .await
    .expect("the wallet opens after a kill");
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts")
        .fetch_one(w.pool())
        .await
        .unwrap();
    let distinct: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT DISTINCT province, code, number FROM receipts)",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(w.pool())
        .await
        .unwrap();
    // Every stored receipt has its search postings: the page and its terms landed together.
    let orphans: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM receipt_terms t WHERE t.receipt_id = r.id)")
        .fetch_one(w.pool())
        .await
        .unwrap();
    assert_eq!(orphans, 0);
    w.close().await;
    Check {
        stored,
        distinct,
        integrity,
    }
}
