//! 打开文件夹: the save folder shown in the system's file manager, through the
//! desktop's own opener (xdg-open on Linux). Only the save folder: the UI cannot
//! ask to open anything else.

use crate::app::App;
use crate::error::{AppError, Result};
use std::process::{Command, Stdio};

/// The desktop's opener of folders and files.
const OPENER: &str = if cfg!(target_os = "macos") {
    "open"
} else if cfg!(target_os = "windows") {
    "explorer"
} else {
    "xdg-open"
};

impl App {
    /// Opens the save folder (made if missing) in the file manager. The opener is
    /// started and left to run; one that cannot start is an error in words.
    pub async fn open_save_folder(&self) -> Result<()> {
        let folder = self.settings().save_folder();
        std::fs::create_dir_all(&folder)?;
        let mut child = Command::new(OPENER)
            .arg(&folder)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| AppError::OpenFailed(format!("{OPENER}: {e}")))?;
        // Reaped when it ends, so that no zombie stays behind.
        std::thread::spawn(move || child.wait());
        Ok(())
    }
}
