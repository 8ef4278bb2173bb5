//! What runs beside the window: sync (on demand and every half hour) and the
//! watched folder's imports, each reporting to the page by events.

use piaojia_app::{App, SyncEvent};
use std::sync::Arc;
use std::time::Duration;
use tauri::Emitter;

/// How often the app syncs on its own while it runs.
const SYNC_EVERY: Duration = Duration::from_secs(30 * 60);
/// How often the watched folder is looked at.
const WATCH_EVERY: Duration = Duration::from_secs(3);

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

pub fn spawn_periodic_sync(handle: tauri::AppHandle, app: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let ready = app
                .status()
                .await
                .is_ok_and(|s| !s.syncing && s.contents.is_some_and(|c| !c.accounts.is_empty()));
            if ready {
                spawn_sync(handle.clone(), app.clone());
            }
            tokio::time::sleep(SYNC_EVERY).await;
        }
    });
}

/// Imports the receipt files that appear in the watched folder (see the settings);
/// each import's report goes out as an `imported` event.
pub fn spawn_folder_watch(handle: tauri::AppHandle, app: Arc<App>) {
    tauri::async_runtime::spawn(async move {
        let mut seen = std::collections::HashSet::new();
        loop {
            match app.import_watched(&mut seen).await {
                Ok(Some(report)) => {
                    if let Err(error) = handle.emit("imported", report) {
                        tracing::warn!(%error, "an import event was not delivered");
                    }
                }
                Ok(None) => {}
                // The code only: a message could name a file.
                Err(error) => {
                    tracing::warn!(code = error.code(), "the watched folder was not imported")
                }
            }
            tokio::time::sleep(WATCH_EVERY).await;
        }
    });
}
