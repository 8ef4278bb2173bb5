use piaojia_render::ofd;
use std::path::Path;
use std::process::Command;

/// The Python with ofd2png and scikit-image that scripts/test.sh prepares.
fn python() -> String {
    std::env::var("PIAOJIA_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Where the reference draws a file wrongly, the lowest SSIM a page of it must keep
/// (about 0.05 below what it scored when each pair was looked at), and what the
/// reference gets wrong there. Every other file must reach 0.9 on every page.
const FLOORS: &[(&str, f64, &str)] = &[
    ("invoice-template-seal-stripped", 0.66, "no colours, no QR picture, DeltaX spacing and vertical labels ignored"),
    ("ofdrw-testseal-two-sequential-seals", 0.79, "leaves out the red fills (Fill=\"true\", FillColor 255 0 0) and both seals; page 5, without fills, 0.97"),
    ("realestate-cert-v4-plus-gbt35275-tampered", 0.71, "draws an empty page"),
    ("redacted-wuhan-metro-invoice", 0.19, "ignores the text's CTM: letters many times too large, overlapping"),
    ("v1-iofd-nonstandard-digest-tampered", 0.69, "the red title in black with HScale 0.64 ignored (past the page's edge), the red rule grey, DeltaX spacing ignored; page 2 0.96"),
    ("bj-011002680026-71500013-2020-TESTSYSTEM-5pages", 0.60, "draws the invoice's template on the list pages; no colours, seal or QR picture"),
    ("cq-050001700111-12235358-2020-TESTSYSTEM-5pages", 0.60, "draws the invoice's template on the list pages; no colours, seal or QR picture"),
    ("cq-050001700111-99999951-2020-TESTSYSTEM", 0.57, "no colours, seal or QR picture; DeltaX spacing and vertical labels ignored"),
    ("js-032001600511-31471858-2020", 0.62, "no colours, seal or QR picture; DeltaX spacing and vertical labels ignored"),
    ("sdp-24112000000048542163-2024-zhuanpiao-unsigned", 0.74, "no colours or seal picture; the vertical 下载次数 left out"),
    ("sdp-24412000000243455703-2024-zhuanpiao-unsigned", 0.74, "no colours or seal picture; the vertical 下载次数 left out"),
    ("zj-033002000211-83089647-2020", 0.64, "no colours, seal or QR picture; DeltaX spacing and vertical labels ignored"),
];

/// Files without real people's, companies' or offices' names (ofdrw's test
/// documents): only their pairs are written under docs/fidelity/.
const SHOWN: &[&str] = &[
    "ofdrw-digital-signature-raw-sm2",
    "ofdrw-testseal-two-sequential-seals",
];

/// Each page of every corpus OFD beside the same page drawn by an independent
/// renderer (ofd2png, through scripts/ofd-fidelity.py), scored by SSIM in grey.
/// The scores are printed per file, and each page must reach its file's floor
/// (`FLOORS`, else 0.9). `PIAOJIA_UPDATE_FIDELITY=1` writes the pairs of the
/// `SHOWN` files under docs/fidelity/.
#[test]
fn every_corpus_page_looks_as_an_independent_renderer_draws_it() {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("started by cargo");
    let crate_dir = Path::new(&crate_dir);
    let script = crate_dir.join("../../scripts/ofd-fidelity.py");
    let font = crate_dir.join("fonts/NotoSansSC-Regular.ttf");
    let side_by_side =
        std::env::var_os("PIAOJIA_UPDATE_FIDELITY").map(|_| crate_dir.join("../../docs/fidelity"));
    let mut compared = 0;
    let mut failures = Vec::new();
    for file in piaojia_ofd::testkit::corpus_ofd_files() {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&file).unwrap();
        // Files that are not documents Piaojia draws (refused with their reason in
        // ofd.rs) have nothing to compare.
        let Ok(pages) = ofd::page_count(&bytes) else {
            continue;
        };
        let ours = tempfile::tempdir().unwrap();
        for page in 0..pages {
            let png = ofd::page_png(&bytes, page, 100).unwrap();
            std::fs::write(
                ours.path().join(format!("page-{}.png", page + 1)),
                &png.bytes,
            )
            .unwrap();
        }
        let mut command = Command::new(python());
        command.arg(&script).arg(&file).arg(ours.path()).arg(&font);
        if let Some(dir) = side_by_side
            .as_ref()
            .filter(|_| SHOWN.contains(&name.as_str()))
        {
            std::fs::create_dir_all(dir).unwrap();
            command.arg(dir);
        }
        let out = command.output().expect("python3");
        assert!(
            out.status.success(),
            "{name}: the reference (ofd2png and scikit-image, installed by the test command): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let result: serde_json::Value = serde_json::from_slice(
            out.stdout
                .trim_ascii()
                .rsplit(|b| *b == b'\n')
                .next()
                .unwrap(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stdout)));
        let scores: Vec<f64> = result["ssim"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_f64().unwrap())
            .collect();
        println!(
            "fidelity: {name}: {pages} page(s), reference {} page(s), SSIM {scores:?}{}",
            result["reference_pages"],
            result["reference_error"]
                .as_str()
                .map(|e| format!(", the reference fails: {e}"))
                .unwrap_or_default()
        );
        compared += scores.len();
        let (floor, why) = FLOORS
            .iter()
            .find(|(file, _, _)| *file == name)
            .map(|(_, floor, why)| (*floor, *why))
            .unwrap_or((0.9, "the reference draws it as Piaojia does"));
        for (page, score) in scores.iter().enumerate() {
            if *score < floor {
                failures.push(format!(
                    "{name} page {}: SSIM {score} < {floor} ({why})",
                    page + 1
                ));
            }
        }
    }
    assert!(compared >= 10, "{compared} pages compared");
    assert!(failures.is_empty(), "{failures:#?}");
}
