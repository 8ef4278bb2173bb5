use crate::support::*;
use piaojia_ofd::testkit::{make_ofd, Spec, Tamper, TestPki};
use piaojia_ofd::SesVersion;
use std::path::PathBuf;

fn corpus(name: &str) -> PathBuf {
    piaojia_ofd::testkit::corpus_dir().join(name)
}

fn at(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// `piaojia verify --file X.ofd`: each level with its reason, in JSON and in words;
/// exit 0 when nothing failed, 6 when a level failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_shows_the_levels_of_an_ofd_files_seals() {
    let (_dir, wallet) = temp_wallet();
    let verify = |file: PathBuf, extra: Vec<String>| {
        let mut command = piaojia(&wallet);
        command
            .args(["--json", "verify", "--file"])
            .arg(file)
            .args(extra);
        run(command)
    };

    let real = verify(corpus("vat-ofd/zj-033002000211-83089647-2020.ofd"), vec![]).await;
    assert_eq!(real.status.code(), Some(0));
    let report = json(&real);
    assert_eq!(report["verified_levels"], 3);
    let seal = &report["signatures"][0];
    assert_eq!(seal["kind"], "ses_v4");
    assert_eq!(seal["seal_name"], "国家税务总局浙江省税务局");
    for level in ["integrity", "signature", "seal"] {
        assert_eq!(seal[level]["state"], "passed", "{level}");
    }
    assert_eq!(seal["trust"]["state"], "not_checked");
    assert_eq!(seal["trust"]["code"], "seal.untrusted");
    assert_eq!(report["online"]["state"], "not_checked");
    let elements = &report["elements"];
    assert_eq!(elements["kind"], "vat_invoice");
    assert_eq!(elements["code"], "033002000211");
    assert_eq!(elements["number"], "83089647");
    assert_eq!(elements["issued_on"], "2020-07-23");
    assert_eq!(elements["total_fen"], 52_600);
    let mut words = piaojia(&wallet);
    words
        .args(["verify", "--file"])
        .arg(corpus("vat-ofd/zj-033002000211-83089647-2020.ofd"));
    let text = String::from_utf8_lossy(&run(words).await.stdout).to_string();
    assert!(
        text.contains("the elements to give there: 发票代码 033002000211, 发票号码 83089647, 开票日期 2020-07-23, 金额 510.68, 校验码后六位 507415"),
        "{text}"
    );

    let tampered = verify(
        corpus("other/realestate-cert-v4-plus-gbt35275-tampered.ofd"),
        vec![],
    )
    .await;
    assert_eq!(tampered.status.code(), Some(6));
    assert_eq!(
        json(&tampered)["signatures"][0]["integrity"]["code"],
        "seal.reference_changed"
    );

    // A generated file and its CA's root given with --trust: all four levels.
    let dir = tempfile::tempdir().unwrap();
    let pki = TestPki::new(at("2024-01-01 00:00:00"));
    let spec = Spec {
        version: SesVersion::V4,
        raw_signatures: false,
        tamper: Tamper::Nothing,
        signing_time: at("2025-05-05 10:00:00"),
        invoice_xml: "<EInvoice/>".into(),
        page_text: "票据".into(),
    };
    let file = dir.path().join("sealed.ofd");
    std::fs::write(&file, make_ofd(&pki, &spec)).unwrap();
    let root = dir.path().join("root.der");
    std::fs::write(&root, &pki.root_cert).unwrap();
    let trusted = verify(
        file.clone(),
        vec!["--trust".into(), root.display().to_string()],
    )
    .await;
    assert_eq!(trusted.status.code(), Some(0));
    assert_eq!(json(&trusted)["verified_levels"], 4);

    // In words, for a person.
    let mut words = piaojia(&wallet);
    words.args(["verify", "--file"]).arg(&file);
    let words = run(words).await;
    let text = String::from_utf8_lossy(&words.stdout);
    assert!(text.contains("1 package integrity  passed"), "{text}");
    assert!(
        text.contains("4 trust              not established"),
        "{text}"
    );
    assert!(text.contains("verified offline to level 3 of 4"), "{text}");

    // Not an OFD file at all.
    let zip = dir.path().join("not.ofd");
    std::fs::write(&zip, b"PK\x03\x04 not really a zip").unwrap();
    let refused = verify(zip, vec![]).await;
    assert_eq!(refused.status.code(), Some(6));
    assert_eq!(json(&refused)["code"], "ofd.damaged");
}

/// An imported OFD prints as the original it is (drawn by the renderer), not in
/// the official layout: `print --pdf` and `export --pdf` give the invoice's own
/// page, at its size, with its text searchable. A receipt imported from XML alone
/// has no original to print, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_ofd_prints_and_exports_as_its_original() {
    let (dir, wallet) = temp_wallet();
    let mut import = piaojia(&wallet);
    import
        .args(["--json", "import"])
        .arg(corpus("vat-ofd/zj-033002000211-83089647-2020.ofd"))
        .arg(corpus(
            "vat-xml/cq-050001700111-12235358-TESTSYSTEM-original_invoice.xml",
        ));
    let imported = run(import).await;
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );

    let pdf = dir.path().join("printed.pdf");
    let mut print = piaojia(&wallet);
    print
        .args(["print", "033002000211-83089647", "--pdf"])
        .arg(&pdf);
    let printed = run(print).await;
    assert_eq!(
        printed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let pdftotext = |path: &std::path::Path| {
        let out = std::process::Command::new("pdftotext")
            .arg(path)
            .arg("-")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let text = pdftotext(&pdf);
    // The invoice's own words, which the official fiscal layout does not have.
    for expected in [
        "浙江增值税电子普通发票",
        "83089647",
        "兰溪市悦济舫餐厅",
        "伍佰贰拾陆圆整",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(
        info.contains("595.276 x 396.85 pts"),
        "210 × 140 mm: {info}"
    );

    let folder = dir.path().join("pdfs");
    let mut export = piaojia(&wallet);
    export
        .args(["export", "033002000211-83089647", "--pdf", "--to"])
        .arg(&folder);
    assert_eq!(run(export).await.status.code(), Some(0));
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].to_string_lossy().ends_with("83089647.pdf"),
        "{files:?}"
    );
    assert!(pdftotext(&files[0]).contains("浙江增值税电子普通发票"));

    let mut xml_only = piaojia(&wallet);
    xml_only
        .args(["print", "050001700111-12235358", "--pdf"])
        .arg(dir.path().join("xml.pdf"));
    let refused = run(xml_only).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("nothing to print"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
