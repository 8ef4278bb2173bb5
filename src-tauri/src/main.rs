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
    logging::init();
    shell::run();
}
