//! The Piaojia desktop app: a Tauri window over `piaojia-app`. The state is the app;
//! each command is one line; sync runs in the background and reports by events.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
mod kiosk;
mod logging;
mod shell;
mod state;
mod window;

fn main() {
    without_compositing();
    logging::init();
    shell::run();
}

/// WebKit's accelerated compositing cost the web process about 125 MiB idle (PSS
/// 254 → 129 MiB at 1k receipts, 255 → 132 MiB at 100k, `scripts/bench-desktop.sh`),
/// and the app's pages are forms and lists that need none of it. Set only when the
/// person has not set the variable, so it can still be chosen.
fn without_compositing() {
    const VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VARIABLE).is_none() {
        // First thing in main, before any thread: WebKit's processes inherit it.
        std::env::set_var(VARIABLE, "1");
    }
}
