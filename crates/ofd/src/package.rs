//! An OFD file is a ZIP package (GB/T 33190). It is read whole into memory, within
//! limits that no real e-invoice comes near and that stop zip bombs: the number of
//! entries, each entry's size and the total once expanded. Entry names that would
//! leave the package (`..`, absolute, backslashes) are refused, not cleaned.

use crate::error::{OfdError, Result};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Limits of one package.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file_bytes: usize,
    pub entries: usize,
    pub entry_bytes: u64,
    pub total_bytes: u64,
}

impl Default for Limits {
    /// A 5-page e-invoice with its 清单 and fonts is under 1 MB; these are far above.
    fn default() -> Limits {
        Limits {
            file_bytes: 32 << 20,
            entries: 4096,
            entry_bytes: 32 << 20,
            total_bytes: 128 << 20,
        }
    }
}

/// The files of an OFD package by their names (without a leading `/`).
#[derive(Debug, Clone)]
pub struct Package {
    entries: BTreeMap<String, Vec<u8>>,
}

fn safe_name(name: &str) -> Result<&str> {
    let unsafe_name = name.starts_with('/')
        || name.contains('\\')
        || name.contains('\0')
        || name
            .split('/')
            .any(|part| part == ".." || part.contains(':'));
    if unsafe_name {
        return Err(OfdError::UnsafePath(name.to_string()));
    }
    Ok(name)
}

impl Package {
    pub fn read(bytes: &[u8]) -> Result<Package> {
        Package::read_with(bytes, Limits::default())
    }

    pub fn read_with(bytes: &[u8], limits: Limits) -> Result<Package> {
        if bytes.len() > limits.file_bytes {
            return Err(OfdError::TooLarge(format!(
                "{} MB (at most {} MB)",
                bytes.len() >> 20,
                limits.file_bytes >> 20
            )));
        }
        if !bytes.starts_with(b"PK") {
            return Err(OfdError::NotOfd("not a ZIP package".into()));
        }
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| OfdError::Damaged(e.to_string()))?;
        if archive.len() > limits.entries {
            return Err(OfdError::TooLarge(format!(
                "{} entries (at most {})",
                archive.len(),
                limits.entries
            )));
        }
        let mut entries = BTreeMap::new();
        let mut total = 0u64;
        for index in 0..archive.len() {
            let mut file = archive
                .by_index(index)
                .map_err(|e| OfdError::Damaged(e.to_string()))?;
            let name = safe_name(file.name())?.to_string();
            if file.is_dir() {
                continue;
            }
            // The declared size may lie: the read itself is bounded too.
            let mut data = Vec::with_capacity(file.size().min(limits.entry_bytes) as usize);
            (&mut file)
                .take(limits.entry_bytes + 1)
                .read_to_end(&mut data)
                .map_err(|e| OfdError::Damaged(format!("{name}: {e}")))?;
            if data.len() as u64 > limits.entry_bytes {
                return Err(OfdError::TooLarge(format!(
                    "{name} expands beyond {} MB",
                    limits.entry_bytes >> 20
                )));
            }
            total += data.len() as u64;
            if total > limits.total_bytes {
                return Err(OfdError::TooLarge(format!(
                    "expands beyond {} MB",
                    limits.total_bytes >> 20
                )));
            }
            if entries.insert(name.clone(), data).is_some() {
                return Err(OfdError::Damaged(format!("{name} is in the package twice")));
            }
        }
        if !entries.keys().any(|n| n.eq_ignore_ascii_case("OFD.xml")) {
            return Err(OfdError::NotOfd("no OFD.xml".into()));
        }
        Ok(Package { entries })
    }

    /// The names of the files, without a leading `/`.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// A file by the path an OFD document uses for it: absolute (`/Doc_0/…`), or
    /// relative to `base` (a folder of the package). Producers differ in the case of
    /// folder names (`Tpls`, `TPLS`), so an exact match is tried first, then one
    /// that ignores ASCII case.
    pub fn resolve(&self, base: &str, path: &str) -> Option<(&str, &[u8])> {
        let joined = if let Some(absolute) = path.strip_prefix('/') {
            absolute.to_string()
        } else if base.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", base.trim_end_matches('/'))
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                part => parts.push(part),
            }
        }
        let name = parts.join("/");
        if let Some((key, value)) = self.entries.get_key_value(&name) {
            return Some((key.as_str(), value.as_slice()));
        }
        self.entries
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(&name))
            .map(|(key, value)| (key.as_str(), value.as_slice()))
    }

    /// A file by its name in the package.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.resolve("", name).map(|(_, bytes)| bytes)
    }
}

/// The folder of a file's name: `Doc_0/Signs/Sign_0` for `Doc_0/Signs/Sign_0/Signature.xml`.
pub fn folder_of(name: &str) -> &str {
    name.rsplit_once('/')
        .map(|(folder, _)| folder)
        .unwrap_or("")
}
