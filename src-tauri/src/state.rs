//! The app as the window's state: started, or why it could not start.

use piaojia_app::{App, UiError};
use std::sync::Arc;

/// The app, or why it could not start (shown by the UI instead of a silent exit).
pub struct Started(pub Result<Arc<App>, UiError>);

impl Started {
    pub fn app(&self) -> Result<Arc<App>, UiError> {
        self.0.clone()
    }
}
