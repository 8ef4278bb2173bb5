use std::path::Path;

/// Regenerates the declarations into a temporary folder and compares them with
/// ui/src/bindings. With PIAOJIA_UPDATE_BINDINGS=1 it writes them there instead.
#[test]
fn committed_bindings_are_current() {
    // Found when the test runs (a shared build cache may have built it elsewhere).
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("started by cargo");
    let committed = Path::new(&crate_dir).join("../../ui/src/bindings");
    if std::env::var_os("PIAOJIA_UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&committed);
        std::fs::create_dir_all(&committed).unwrap();
        piaojia_app::bindings::write_all(&committed).unwrap();
        return;
    }
    let fresh = tempfile::TempDir::new().unwrap();
    piaojia_app::bindings::write_all(fresh.path()).unwrap();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(fresh.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        let now = std::fs::read_to_string(&path).unwrap();
        match std::fs::read_to_string(committed.join(&name)) {
            Ok(old) if old == now => {}
            _ => stale.push(name.to_string_lossy().into_owned()),
        }
    }
    let generated = std::fs::read_dir(fresh.path()).unwrap().count();
    let kept = std::fs::read_dir(&committed)
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(
        stale.is_empty() && generated == kept,
        "ui/src/bindings is stale ({stale:?} differ; {generated} generated, {kept} committed): \
         run PIAOJIA_UPDATE_BINDINGS=1 cargo test -p piaojia-app --test integration bindings"
    );
}
