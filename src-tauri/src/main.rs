//! The Piaojia desktop app: a Tauri window over `piaojia-app`. The state is the app;
//! each command is one line; sync runs in the background and reports by events.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod background;
mod commands;
mod kiosk;
mod shell;
mod state;

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    shell::run();
}
