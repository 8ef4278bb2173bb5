//! The app's settings: which provincial service, language, text size, printer, and
//! where saved files go. A JSON file in the app's config folder; it never holds a
//! name, an ID number or a token.

use crate::error::{AppError, Result, SettingField};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
pub enum Language {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

/// A real provincial service: where it is and the root key to pin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ServiceSettings {
    pub province: String,
    pub url: String,
    /// The province's root public key, base64.
    pub root_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Settings {
    /// `None`: the built-in reference service with demo data.
    pub service: Option<ServiceSettings>,
    pub language: Language,
    pub text_size: TextSize,
    /// The printer receipts go to; `None` until one is chosen.
    pub printer: Option<String>,
    /// Where saved PDFs and originals go; `None`: the Documents folder.
    pub save_dir: Option<String>,
    /// A folder whose new receipt files are imported as they appear (e.g. Downloads).
    pub watch_dir: Option<String>,
}

impl Settings {
    pub fn load(dir: &Path) -> Result<Settings> {
        let path = dir.join(SETTINGS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| settings_error(&path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
            Err(e) => Err(settings_error(&path, e)),
        }
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).expect("settings serialise");
        write_whole(dir, SETTINGS_FILE, &text)
    }

    pub fn validate(&self) -> Result<()> {
        if let Some(service) = &self.service {
            let bad = |field, e: &dyn std::fmt::Display| AppError::BadSetting {
                field,
                reason: e.to_string(),
            };
            let province = piaojia_receipt::ProvinceCode::new(service.province.clone())
                .map_err(|e| bad(SettingField::Province, &e))?;
            piaojia_receipt::TrustAnchor::from_base64(province, &service.root_key)
                .map_err(|e| bad(SettingField::RootKey, &e))?;
            piaojia_wallet::ServiceClient::new(&service.url, Default::default())
                .map_err(|e| bad(SettingField::Url, &e))?;
        }
        Ok(())
    }

    /// The folder saved files go to.
    pub fn save_folder(&self) -> PathBuf {
        match &self.save_dir {
            Some(dir) => PathBuf::from(dir),
            None => home().join("Documents").join("Piaojia"),
        }
    }
}

/// Writes a file of the config folder through a temporary file and a rename, so a
/// crash never leaves half a file.
pub(crate) fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(name);
    let temp = dir.join(format!("{name}.tmp"));
    std::fs::write(&temp, bytes).map_err(|e| settings_error(&temp, e))?;
    std::fs::rename(&temp, &path).map_err(|e| settings_error(&path, e))
}

pub(crate) fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn settings_error(path: &Path, e: impl std::fmt::Display) -> AppError {
    AppError::Settings {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}
