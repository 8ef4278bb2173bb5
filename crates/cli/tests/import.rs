use crate::support::*;
use piaojia_import::testkit::{fiscal_xml, pdf_with_attachment, qr_picture, FiscalSpec};
use rand::{Rng, SeedableRng};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn corpus_dir() -> PathBuf {
    piaojia_ofd::testkit::corpus_dir()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A ZIP with one entry of `name` holding `bytes`.
fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(name, options).unwrap();
    zip.write_all(bytes).unwrap();
    zip.finish().unwrap().into_inner()
}

fn import(wallet: &Path, paths: &[&Path]) -> std::process::Command {
    let mut command = piaojia(wallet);
    command.args(["--json", "import"]).args(paths);
    command
}

fn outcome_of<'a>(report: &'a serde_json::Value, file: &str) -> &'a serde_json::Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("{file} not in the report"))
}

/// A folder with the real corpus, generated receipts and hostile files: each
/// receipt once, each file's fate said, the hostile ones refused with their reason;
/// a second import finds everything already held; the files come back out of an
/// export byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_imports_each_receipt_once_and_says_what_became_of_each_file() {
    let (dir, wallet) = temp_wallet();
    let folder = dir.path().join("Downloads");
    copy_tree(&corpus_dir(), &folder.join("corpus"));
    let mine = folder.join("mine/deeper");
    std::fs::create_dir_all(&mine).unwrap();
    let spec = FiscalSpec::hospital(4242);
    std::fs::write(mine.join("hospital.xml"), fiscal_xml(&spec)).unwrap();
    std::fs::write(
        mine.join("hospital.pdf"),
        pdf_with_attachment(
            "invoice.xml",
            fiscal_xml(&FiscalSpec::hospital(4243)).as_bytes(),
            true,
        ),
    )
    .unwrap();
    std::fs::write(
        mine.join("photo.jpg"),
        qr_picture("01,32,,24322000000012345678,106.00,20240601,,ABCD", true),
    )
    .unwrap();
    // Hostile and useless files.
    std::fs::write(
        mine.join("bomb.ofd"),
        zip_of("Doc_0/x.xml", &vec![0u8; 40 << 20]),
    )
    .unwrap();
    std::fs::write(mine.join("escape.ofd"), zip_of("../../escape.xml", b"<a/>")).unwrap();
    std::fs::write(
        mine.join("noise.bin"),
        piaojia_ofd::testkit::noise(7, 10_000),
    )
    .unwrap();
    std::fs::write(
        mine.join("half.pdf"),
        &pdf_with_attachment("a.xml", b"<a/>", false)[..300],
    )
    .unwrap();
    std::fs::File::create(mine.join("huge.ofd"))
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    std::fs::write(
        folder.join(".hidden.xml"),
        fiscal_xml(&FiscalSpec::hospital(1)),
    )
    .unwrap();

    let first = run(import(&wallet, &[&folder])).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let report = json(&first);
    let summary = &report["summary"];
    // The corpus: 8 invoices, 3 more files of them; its 16 other files are refused.
    // Mine: 3 receipts; 5 refused. The hidden file is passed over.
    assert_eq!(summary["files"], 27 + 8);
    assert_eq!(summary["imported"], 8 + 3);
    assert_eq!(summary["added_copies"], 3);
    assert_eq!(summary["refused"], 16 + 5);
    for (file, code) in [
        ("bomb.ofd", "ofd.too_large"),
        ("escape.ofd", "ofd.unsafe_path"),
        ("noise.bin", "unknown_format"),
        ("half.pdf", "pdf_unreadable"),
        ("huge.ofd", "file_too_large"),
        (
            "preview-air-itinerary-not-an-invoice.pdf",
            "no_receipt_data",
        ),
    ] {
        let outcome = outcome_of(&report, file);
        assert_eq!(outcome["outcome"], "refused", "{file}");
        assert_eq!(outcome["code"], code, "{file}: {outcome}");
    }
    assert_eq!(outcome_of(&report, "photo.jpg")["outcome"], "imported");

    let again = json(&run(import(&wallet, &[&folder])).await);
    assert_eq!(again["summary"]["already_held"], 8 + 3 + 3);
    assert_eq!(again["summary"]["imported"], 0);

    let mut search = piaojia(&wallet);
    search.args(["--json", "search", "--limit", "100"]);
    let found = json(&run(search).await);
    assert_eq!(found["count"], 11);

    // A 数电 document by its number alone; the OFD's seals in levels.
    let mut show = piaojia(&wallet);
    show.args(["--json", "show", "033002000211-83089647"]);
    let shown = json(&run(show).await);
    assert_eq!(shown["elements"]["kind"], "vat_invoice");
    assert_eq!(shown["elements"]["total_fen"], 52_600);
    let files = shown["originals"].as_array().unwrap();
    assert_eq!(files.len(), 2, "the OFD and its XML");
    assert_eq!(files[0]["seal_levels"], 3);
    let mut show = piaojia(&wallet);
    show.args(["--json", "show", "24322000000012345678"]);
    let reference = json(&run(show).await);
    assert_eq!(reference["elements"]["reference_only"], true);

    // Out again, byte for byte.
    let export = dir.path().join("2020.zip");
    let mut command = piaojia(&wallet);
    command
        .args(["--json", "export", "--year", "2020", "--to"])
        .arg(&export);
    let exported = run(command).await;
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&export).unwrap()).unwrap();
    let zj = std::fs::read(corpus_dir().join("vat-ofd/zj-033002000211-83089647-2020.ofd")).unwrap();
    let name = zip
        .file_names()
        .find(|n| n.starts_with("originals/2020-07-23_") && n.ends_with(".ofd"))
        .unwrap()
        .to_string();
    let mut inside = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut inside).unwrap();
    assert_eq!(inside, zj);
    let mut words = piaojia(&wallet);
    words.args(["import"]).arg(&mine);
    let text = String::from_utf8_lossy(&run(words).await.stdout).to_string();
    assert!(
        text.contains("8 file(s): 0 new receipt(s), 3 already held"),
        "{text}"
    );
}

/// kill -9 at random points of an import of 300 files: after each, every stored
/// receipt has its file and its search terms, nothing twice; a last run completes
/// the import exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_an_import_loses_and_halves_nothing() {
    const FILES: u32 = 300;
    const KILLS: usize = 12;
    let (dir, wallet) = temp_wallet();
    let folder = dir.path().join("receipts");
    std::fs::create_dir_all(&folder).unwrap();
    for n in 0..FILES {
        std::fs::write(
            folder.join(format!("{n:04}.xml")),
            fiscal_xml(&FiscalSpec::hospital(10_000 + n)),
        )
        .unwrap();
    }
    let started = Instant::now();
    let (_base_dir, baseline) = temp_wallet();
    assert!(run(import(&baseline, &[&folder])).await.status.success());
    let full = started.elapsed();

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20261201);
    let mut kills = 0;
    let mut partial = 0;
    let mut attempts = 0;
    while kills < KILLS {
        attempts += 1;
        assert!(
            attempts < 200,
            "could not land {KILLS} kills inside an import"
        );
        let mut child = import(&wallet, &[&folder])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20) + full.mul_f64(rng.gen_range(0.0..0.9))).await;
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        let after = check(&wallet).await;
        assert_eq!(after.integrity, "ok");
        assert_eq!(after.stored, after.distinct, "no receipt twice");
        assert_eq!(
            files_without_receipt_or_receipts_without_file(&wallet).await,
            0
        );
        if after.stored > 0 && after.stored < FILES as i64 {
            partial += 1;
        }
        if after.stored == FILES as i64 {
            std::fs::remove_dir_all(&wallet).unwrap();
        }
    }
    assert!(
        partial >= KILLS / 3,
        "only {partial} kills landed mid-import"
    );
    let last = json(&run(import(&wallet, &[&folder])).await);
    let end = check(&wallet).await;
    assert_eq!(end.stored, FILES as i64);
    assert_eq!(
        last["summary"]["imported"].as_i64().unwrap()
            + last["summary"]["already_held"].as_i64().unwrap(),
        FILES as i64
    );
}

async fn files_without_receipt_or_receipts_without_file(wallet: &Path) -> i64 {
    let w = piaojia_wallet::Wallet::open(
        wallet,
        piaojia_wallet::KeyAccess::Keyring(std::sync::Arc::new(piaojia_wallet::OsKeyring::new(
            piaojia_wallet::KEYRING_SERVICE,
        ))),
    )
    .await
    .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM receipts r WHERE NOT EXISTS (SELECT 1 FROM originals o WHERE o.receipt_id = r.id))
              + (SELECT count(*) FROM originals o WHERE NOT EXISTS (SELECT 1 FROM receipts r WHERE r.id = o.receipt_id))",
    )
    .fetch_one(w.pool())
    .await
    .unwrap();
    w.close().await;
    n
}
