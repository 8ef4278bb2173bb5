//! Starting the app: its state, the window (or the kiosk's), the background work, and
//! closing the store at exit.

use crate::background::{spawn_folder_watch, spawn_periodic_sync};
use crate::commands;
use crate::state::Started;
use piaojia_app::instance::{FirstInstance, Instance};
use piaojia_app::kiosk::{Kiosk, KioskConfig};
use piaojia_app::{App, AppConfig, UiError};
use std::sync::Arc;
use tauri::{Manager, WebviewUrl, WebviewWindowBuilder};

/// `--kiosk CONFIG` (or PIAOJIA_KIOSK_CONFIG): the kiosk's config file.
fn kiosk_config_path() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--kiosk" {
            return args.next().map(Into::into);
        }
    }
    std::env::var_os("PIAOJIA_KIOSK_CONFIG").map(Into::into)
}

/// `--hash-pin`: reads an operator PIN on standard input and prints the hash for the
/// kiosk config, so that the PIN itself is never written down.
fn hash_pin_and_exit() -> ! {
    let mut pin = String::new();
    let code = match std::io::stdin()
        .read_line(&mut pin)
        .map_err(|e| e.to_string())
        .and_then(|_| piaojia_app::kiosk::hash_operator_pin(pin.trim()).map_err(|e| e.to_string()))
    {
        Ok(hash) => {
            println!("{hash}");
            0
        }
        Err(error) => {
            eprintln!("piaojia-desktop: {error}");
            2
        }
    };
    std::process::exit(code)
}

/// Takes the wallet for this process, or ends it when another process has the
/// wallet: that one was asked to bring its window forward. When the lock cannot be
/// taken at all (a read-only folder, say) the app starts and says why it cannot
/// open the wallet as it would have without the lock.
fn claim_wallet(config: &AppConfig) -> Option<FirstInstance> {
    match piaojia_app::instance::claim(&config.wallet_dir) {
        Ok(Instance::First(first)) => Some(first),
        Ok(Instance::Shown) => {
            println!("piaojia-desktop: Piaojia is already open; its window was brought forward");
            std::process::exit(0)
        }
        Ok(Instance::Silent) => {
            eprintln!(
                "piaojia-desktop: Piaojia is already open for this wallet but did not answer"
            );
            std::process::exit(1)
        }
        Err(error) => {
            tracing::warn!("the wallet's instance lock could not be taken: {error}");
            None
        }
    }
}

pub fn run() {
    if std::env::args().any(|a| a == "--hash-pin") {
        hash_pin_and_exit();
    }
    let kiosk = kiosk_config_path().map(|path| match KioskConfig::load(&path) {
        Ok(config) => Kiosk::new(config),
        Err(error) => {
            eprintln!("piaojia-desktop: {error}");
            std::process::exit(2);
        }
    });
    // Before any patient's data is in memory.
    if kiosk.is_some() {
        if let Err(error) = piaojia_app::kiosk::forbid_core_dumps() {
            eprintln!("piaojia-desktop: core dumps could not be turned off: {error}");
            std::process::exit(2);
        }
    }
    let is_kiosk = kiosk.is_some();
    let config = AppConfig::from_env();
    // The kiosk runs no wallet of its own and covers the screen: no second window
    // to bring forward.
    let instance = if is_kiosk {
        None
    } else {
        claim_wallet(&config)
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        kiosk = is_kiosk,
        "started"
    );
    tauri::Builder::default()
        .invoke_handler(commands::handler())
        .setup(move |tauri_app| {
            let url = WebviewUrl::App("index.html".into());
            let window = WebviewWindowBuilder::new(tauri_app, "main", url);
            let Some(kiosk) = kiosk else {
                let config_dir = config.config_dir.clone();
                let started = tauri::async_runtime::block_on(App::start(config))
                    .map(Arc::new)
                    .map_err(UiError::from);
                if let Ok(app) = &started {
                    spawn_periodic_sync(tauri_app.handle().clone(), app.clone());
                    spawn_folder_watch(tauri_app.handle().clone(), app.clone());
                }
                tauri_app.manage(Started(started));
                let window = window
                    .title("票夹 Piaojia")
                    .inner_size(1200.0, 800.0)
                    .min_inner_size(800.0, 560.0)
                    .build()?;
                // Placed before the event loop first draws it. Not built hidden and
                // shown when placed: a hidden webview held the first list back by
                // about 250 ms (scripts/bench-desktop.sh, medians of 5 cold starts).
                crate::window::put_at_kept_place(&window, &config_dir);
                crate::window::keep_place_on_close(&window, config_dir);
                if let Some(instance) = instance {
                    crate::window::answer_later_starts(&window, &instance);
                    // Held for as long as the app runs.
                    tauri_app.manage(instance);
                }
                return Ok(());
            };
            let kiosk = crate::kiosk::manage(tauri_app, kiosk);
            // It covers the screen and nothing but the app may load in it. Not
            // incognito: WebKit's ephemeral context refuses WebDriver automation, so
            // the tested kiosk clears the webview's data at start and after each
            // session instead (the UI keeps nothing in web storage anyway).
            let window = window
                .title("票夹 自助打印")
                .fullscreen(true)
                .decorations(false)
                .always_on_top(true)
                // No Web Inspector, whatever the build.
                .devtools(false)
                .initialization_script("window.__PIAOJIA_KIOSK__ = true;")
                .on_navigation(|url| {
                    url.scheme() == "tauri" || url.host_str() == Some("tauri.localhost")
                })
                .build()?;
            // A restart after a crash begins clean as well.
            crate::kiosk::clear_webview(&window);
            // Alt+F4 or a window manager's close asks to close the window: refused.
            // Only the operator's PIN (kiosk_exit) ends the kiosk.
            window.on_window_event(|event| {
                if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                    tracing::warn!("a request to close the kiosk window was refused");
                    api.prevent_close();
                }
            });
            crate::kiosk::spawn_idle_watch(window, kiosk);
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("the app could not be built")
        .run(move |handle, event| {
            // The kiosk ends only by the operator's PIN, which exits with a code.
            if let tauri::RunEvent::ExitRequested {
                code: None, api, ..
            } = &event
            {
                if is_kiosk {
                    api.prevent_exit();
                }
            }
            if let tauri::RunEvent::Exit = event {
                tracing::info!("stopped");
                if let Some(started) = handle.try_state::<Started>() {
                    if let Ok(app) = started.app() {
                        tauri::async_runtime::block_on(app.close());
                    }
                }
            }
        });
}
