use piaojia_app::{App, AppConfig, KeyringSource};
use std::path::PathBuf;
use tempfile::TempDir;

pub struct TestApp {
    pub app: App,
    pub dirs: TempDir,
}

impl TestApp {
    pub fn save_dir(&self) -> PathBuf {
        self.dirs.path().join("saved")
    }
}

pub fn config(dirs: &TempDir, keyring: KeyringSource) -> AppConfig {
    AppConfig {
        wallet_dir: dirs.path().join("wallet"),
        config_dir: dirs.path().join("config"),
        demo_receipts: 40,
        keyring,
    }
}

/// An app on the demo service with the OS keyring, its files in a temporary folder.
pub async fn start() -> TestApp {
    let dirs = TempDir::new().unwrap();
    let app = App::start(config(&dirs, KeyringSource::Os)).await.unwrap();
    let mut settings = app.settings();
    settings.save_dir = Some(dirs.path().join("saved").display().to_string());
    app.set_settings(settings).unwrap();
    TestApp { app, dirs }
}

/// Logs in as the demo citizen with the code the demo service shows.
pub async fn login(app: &App) -> i64 {
    let demo = app.status().await.unwrap().demo.expect("demo service");
    let code = app
        .request_sms(demo.citizen_id.clone())
        .await
        .unwrap()
        .expect("the demo shows its SMS code");
    app.login(demo.citizen_id, code, false).await.unwrap().id
}

/// An app logged in as the demo citizen with every demo receipt synced; returns the
/// account id too.
pub async fn synced() -> (TestApp, i64) {
    let t = start().await;
    let account = login(&t.app).await;
    t.app.sync(&mut |_| {}).await.unwrap();
    (t, account)
}

/// The test print queue, one test at a time: a test that stops the queue, or
/// counts its jobs, would see another test's jobs (or stop its printing).
pub async fn print_queue() -> tokio::sync::MutexGuard<'static, ()> {
    static QUEUE: std::sync::OnceLock<tokio::sync::Mutex<()>> = std::sync::OnceLock::new();
    QUEUE
        .get_or_init(|| tokio::sync::Mutex::new(()))
        .lock()
        .await
}
