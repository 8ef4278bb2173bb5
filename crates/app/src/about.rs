//! 关于票夹: the app's version and licence, the bundled font's licence, and every
//! component built into the app with its licence. The list of components is
//! generated (`third-party.tsv`, from `cargo tree` of the packaged app, which has no
//! demo service, and the UI's package-lock.json); a test regenerates it and fails
//! when the committed copy differs.

use serde::Serialize;

/// One line of the list: `kind\tname\tversion\tlicence`.
const THIRD_PARTY: &str = include_str!("../third-party.tsv");

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct About {
    pub version: String,
    /// The app's own licence, an SPDX expression.
    pub licence: String,
    pub font: FontNotice,
    pub components: Vec<Component>,
    /// Where the log files are, when there is a place for them.
    pub log_dir: Option<String>,
    pub log_days_kept: u32,
}

/// The font the app bundles, and its licence's whole text.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FontNotice {
    pub name: String,
    pub licence: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// A Rust crate linked into the app.
    Crate,
    /// An npm package bundled into the window's code.
    Npm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Component {
    pub kind: ComponentKind,
    pub name: String,
    pub version: String,
    /// An SPDX expression as the component states it.
    pub licence: String,
}

pub fn about() -> About {
    About {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        licence: env!("CARGO_PKG_LICENSE").to_owned(),
        font: FontNotice {
            name: "Noto Sans SC".to_owned(),
            licence: "OFL-1.1".to_owned(),
            text: piaojia_render::BUNDLED_FONT_LICENCE.to_owned(),
        },
        components: THIRD_PARTY.lines().filter_map(parse_line).collect(),
        log_dir: crate::log_dir().map(|dir| dir.display().to_string()),
        log_days_kept: crate::LOG_DAYS_KEPT as u32,
    }
}

fn parse_line(line: &str) -> Option<Component> {
    let mut fields = line.split('\t');
    let kind = match fields.next()? {
        "crate" => ComponentKind::Crate,
        "npm" => ComponentKind::Npm,
        _ => return None,
    };
    let (name, version, licence) = (fields.next()?, fields.next()?, fields.next()?);
    Some(Component {
        kind,
        name: name.to_owned(),
        version: version.to_owned(),
        licence: licence.to_owned(),
    })
}

/// The list as it should be now, from `cargo tree` of the desktop app and the UI's
/// lock file. For the test that keeps `third-party.tsv` current.
#[cfg(test)]
mod generate {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The npm packages whose code the UI's build bundles: the ones `ui/src` imports
    /// outside its tests (the test below checks there are no others).
    pub const BUNDLED_NPM: &[&str] = &["@tauri-apps/api", "svelte"];

    pub fn third_party(root: &Path) -> String {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = std::process::Command::new(cargo)
            .current_dir(root)
            .args([
                "tree",
                "--locked",
                "--offline",
                "-p",
                "piaojia-desktop",
                // The package's build: without the demo service.
                "--no-default-features",
                "-e",
                "normal",
                "--prefix",
                "none",
                "--format",
                "{p}\t{l}",
            ])
            .output()
            .expect("cargo tree runs");
        assert!(
            output.status.success(),
            "cargo tree: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut lines = BTreeSet::new();
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let line = line.trim_end_matches(" (*)");
            let (package, licence) = line.split_once('\t').expect("package and licence");
            // The workspace's own crates are the app itself: "name v0.1.0 (/path)".
            if package.ends_with(')') {
                continue;
            }
            let (name, version) = package.split_once(" v").expect("name v1.2.3");
            let licence = if licence.is_empty() {
                "(none stated)"
            } else {
                licence
            };
            lines.insert(format!("crate\t{name}\t{version}\t{licence}"));
        }
        let lock: serde_json::Value = serde_json::from_slice(
            &std::fs::read(root.join("ui/package-lock.json")).expect("ui/package-lock.json"),
        )
        .unwrap();
        for name in BUNDLED_NPM {
            let entry = &lock["packages"][format!("node_modules/{name}")];
            let (version, licence) = (entry["version"].as_str(), entry["license"].as_str());
            lines.insert(format!(
                "npm\t{name}\t{}\t{}",
                version.expect("a version"),
                licence.unwrap_or("(none stated)")
            ));
        }
        lines.into_iter().map(|line| line + "\n").collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .parent()
            .unwrap()
    }

    #[test]
    fn the_list_of_components_is_current() {
        let now = generate::third_party(root());
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("third-party.tsv");
        if std::env::var_os("PIAOJIA_UPDATE_BINDINGS").is_some() {
            // Written for the next build; this one still holds the old list.
            std::fs::write(&path, &now).unwrap();
            return;
        }
        assert!(
            now == THIRD_PARTY,
            "third-party.tsv is stale: run PIAOJIA_UPDATE_BINDINGS=1 cargo test -p piaojia-app about"
        );
    }

    #[test]
    fn the_ui_bundles_no_npm_package_the_list_misses() {
        let mut imported = std::collections::BTreeSet::new();
        let mut folders = vec![root().join("ui/src")];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap().flatten() {
                let path = entry.path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    folders.push(path);
                } else if !name.contains(".test.")
                    && [".ts", ".svelte"].iter().any(|end| name.ends_with(end))
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for from in text.split(" from \"").skip(1) {
                        let module = from.split('"').next().unwrap();
                        if module.starts_with('.') {
                            continue;
                        }
                        // "@scope/name/sub" and "name/sub" are packages "@scope/name", "name".
                        let parts = if module.starts_with('@') { 2 } else { 1 };
                        let package: Vec<_> = module.split('/').take(parts).collect();
                        imported.insert(package.join("/"));
                    }
                }
            }
        }
        let listed: std::collections::BTreeSet<_> = generate::BUNDLED_NPM
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(
            imported.is_subset(&listed),
            "imported {imported:?}, listed {listed:?}"
        );
        assert!(imported.contains("svelte"), "the scan finds imports");
    }

    #[test]
    fn about_names_the_version_the_font_licence_and_the_components() {
        let about = about();
        assert_eq!(about.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(about.licence, "MIT OR Apache-2.0");
        assert!(about
            .font
            .text
            .contains("SIL OPEN FONT LICENSE Version 1.1"));
        let tauri = about
            .components
            .iter()
            .find(|c| c.name == "tauri" && c.kind == ComponentKind::Crate)
            .expect("tauri is listed");
        assert!(tauri.licence.contains("MIT"));
        assert_eq!(
            about.components.len(),
            THIRD_PARTY.lines().count(),
            "every line parses"
        );
        assert!(about
            .components
            .iter()
            .any(|c| c.kind == ComponentKind::Npm));
    }
}
