//! The desktop window's habits: it comes back where it was left, and a second start
//! of the app brings it forward instead of opening the wallet twice.

use piaojia_app::instance::FirstInstance;
use piaojia_app::{ScreenArea, WindowPlace};
use std::path::PathBuf;
use tauri::{PhysicalPosition, PhysicalSize, WebviewWindow};

/// Puts a window just built at its place of last run (when that is still on a
/// screen).
pub fn put_at_kept_place(window: &WebviewWindow, config_dir: &std::path::Path) {
    let screens: Vec<ScreenArea> = window
        .available_monitors()
        .unwrap_or_default()
        .iter()
        .map(|monitor| ScreenArea {
            x: monitor.position().x,
            y: monitor.position().y,
            width: monitor.size().width,
            height: monitor.size().height,
        })
        .collect();
    if let Some(place) = WindowPlace::load(config_dir).filter(|place| place.fits(&screens)) {
        let _ = window.set_size(PhysicalSize::new(place.width, place.height));
        let _ = window.set_position(PhysicalPosition::new(place.x, place.y));
        if place.maximized {
            let _ = window.maximize();
        }
    }
}

/// Keeps the window's place in `config_dir` when it is closed.
pub fn keep_place_on_close(window: &WebviewWindow, config_dir: PathBuf) {
    let handle = window.clone();
    window.on_window_event(move |event| {
        if !matches!(event, tauri::WindowEvent::CloseRequested { .. }) {
            return;
        }
        let (Ok(position), Ok(size), Ok(maximized)) = (
            handle.outer_position(),
            handle.inner_size(),
            handle.is_maximized(),
        ) else {
            return;
        };
        let now = WindowPlace {
            x: position.x,
            y: position.y,
            width: size.width,
            height: size.height,
            maximized,
        };
        let place = WindowPlace::on_close(now, WindowPlace::load(&config_dir));
        if let Err(error) = place.save(&config_dir) {
            tracing::warn!(code = error.code(), "the window's place was not kept");
        }
    });
}

/// Answers later starts of the app by bringing this window forward.
pub fn answer_later_starts(window: &WebviewWindow, instance: &FirstInstance) {
    let window = window.clone();
    let listened = instance.listen(move || {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    });
    if let Err(error) = listened {
        tracing::warn!("a second start cannot bring this window forward: {error}");
    }
}
