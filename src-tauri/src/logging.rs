//! Where the app's messages go: warnings to standard error as before, and a log file a
//! day in the XDG state folder (`$XDG_STATE_HOME/piaojia`, else
//! `~/.local/state/piaojia`), the last week of them kept. The app's own crates log
//! numbers and fixed words only, never a name, an ID number, an amount or a token; the
//! file takes only their messages (and other crates' warnings), so a dependency's
//! chatter about URLs and headers stays out of it.

use piaojia_app::{log_dir, LOG_DAYS_KEPT};
use std::path::PathBuf;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// What the file takes: the app's own crates from `info`, everyone else's warnings.
const FILE_LEVELS: &str = "warn,piaojia_desktop=info,piaojia_app=info,piaojia_wallet=info,\
     piaojia_render=info,piaojia_import=info,piaojia_ofd=info";

/// Starts logging. Without a usable log folder the app still runs, with a warning on
/// standard error.
pub fn init() {
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")));
    let (file, trouble) = match log_dir().map(open_log) {
        Some(Ok(appender)) => (
            Some(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(appender)
                    .with_filter(EnvFilter::new(FILE_LEVELS)),
            ),
            None,
        ),
        Some(Err(error)) => (None, Some(error)),
        None => (
            None,
            Some("neither XDG_STATE_HOME nor HOME is set".to_owned()),
        ),
    };
    tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .init();
    if let Some(trouble) = trouble {
        tracing::warn!("no log file is kept: {trouble}");
    }
}

fn open_log(dir: PathBuf) -> Result<RollingFileAppender, String> {
    piaojia_app::instance::make_private_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("piaojia")
        .filename_suffix("log")
        .max_log_files(LOG_DAYS_KEPT)
        .build(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))
}
