//! Starting the app: its state, the window, background sync.

use crate::commands;
use piaojia_app::{App, AppConfig, SyncEvent, UiError};
use std::sync::Arc;
use std::time::Duration;
use tauri::{Emitter, Manager, WebviewUrl, WebviewWindowBuilder};

/// How often the app syncs on its own while it runs.
const SYNC_EVERY: Duration = Duration::from_secs(30 * 60);

/// The app, or why it could not start (shown by the UI instead of a silent exit).
pub struct Started(pub Result<Arc<App>, UiError>);

impl Started {
    pub fn app(&self) -> Result<Arc<App>, UiError> {
        self.0.clone()
    }
}

pub fn run() {
    tauri::Builder::default()
        .invoke_handler(commands::handler())
        .setup(|tauri_app| {
            let started = tauri::async_runtime::block_on(App::start(AppConfig::from_env()))
                .map(Arc::new)
                .map_err(UiError::from);
            if let Ok(app) = &started {
                spawn_periodic_sync(tauri_app.handle().clone(), app.clone());
            }
            tauri_app.manage(Started(started));
            WebviewWindowBuilder::new(tauri_app, "main", WebviewUrl::App("index.html".into()))
                .title("票夹 Piaojia")
                .inner_size(1200.0, 800.0)
                .min_inner_size(800.0, 560.0)
                .build()?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app could not be built")
        .run(|handle, event| {
            if let tauri::RunEvent::Exit = event {
                if let Ok(app) = handle.state::<Started>().app() {
                    tauri::async_runtime::block_on(app.close());
                }
            }
        });
}

/// Runs one sync in the background, its progress and outcome sent as `sync` events.
pub fn spawn_sync(handle: tauri::AppHandle, app: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        let mut emit = |event: SyncEvent| {
            if let Err(error) = handle.emit("sync", event) {
                tracing::warn!(%error, "a sync event was not delivered");
            }
        };
        // The outcome also went out as the last event.
        let _ = app.sync(&mut emit).await;
    });
}

fn spawn_periodic_sync(handle: tauri::AppHandle, app: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let ready = app
                .status()
                .await
                .is_ok_and(|s| s.contents.is_some_and(|c| !c.accounts.is_empty()));
            if ready && !app.status().await.is_ok_and(|s| s.syncing) {
                spawn_sync(handle.clone(), app.clone());
            }
            tokio::time::sleep(SYNC_EVERY).await;
        }
    });
}
