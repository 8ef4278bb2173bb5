use crate::samples::{demo_receipts, view};
use piaojia_receipt::{amount_in_words, Fen, LineItem, Receipt};
use piaojia_render::{receipt_pdf, receipts_pdf, Mark};
use std::process::Command;

/// Runs a poppler (or qpdf) tool on `pdf`; its standard output.
pub fn tool(name: &str, args: &[&str], pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut full: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    full.push(path.display().to_string());
    if name == "pdftotext" {
        full.push("-".into());
    }
    let output = Command::new(name)
        .args(&full)
        .output()
        .unwrap_or_else(|e| panic!("{name} is installed by the test command: {e}"));
    assert!(
        output.status.success() || name == "qpdf",
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn text_of(pdf: &[u8]) -> String {
    tool("pdftotext", &["-layout"], pdf)
}

fn pick(receipts: &[(Receipt, Mark)], f: impl Fn(&Receipt, &Mark) -> bool) -> (Receipt, Mark) {
    receipts
        .iter()
        .find(|(r, m)| f(r, m))
        .cloned()
        .expect("the demo has one")
}

#[tokio::test]
async fn an_outpatient_receipt_has_its_text_fonts_and_qr() {
    let receipts = demo_receipts(120).await;
    let (r, mark) = pick(&receipts, |r, m| {
        r.category == piaojia_receipt::Category::MedicalOutpatient
            && *m == Mark::None
            && r.reverses.is_none()
    });
    let pdf = receipt_pdf(&view(&r, &mark)).unwrap();
    assert!(pdf.len() < 60_000, "{} bytes", pdf.len());
    let text = text_of(&pdf);
    for needle in [
        r.name.as_str(),
        r.code.as_str(),
        r.number.as_str(),
        r.issuer.name.as_str(),
        r.payer.name.as_str(),
        &r.total.to_string(),
        &r.total_in_words,
        "验证",
        "医保统筹基金支付",
    ] {
        assert!(text.contains(needle), "{needle} not in\n{text}");
    }
    for item in &r.items {
        assert!(text.contains(&item.name) && text.contains(&item.amount.to_string()));
    }
    // The ID number is masked on paper.
    assert!(!text.contains(&r.payer.id));
    // The walkthrough's P-5: the columns in the screen's order (单位 before 数量),
    // and the file made now, not in 1970.
    let heads = text.lines().find(|l| l.contains("项目编码")).unwrap();
    assert!(
        heads.find("单位").unwrap() < heads.find("数量").unwrap(),
        "{heads}"
    );
    let info = tool("pdfinfo", &[], &pdf);
    let year = chrono::Utc::now().format("%Y").to_string();
    let created = info
        .lines()
        .find(|l| l.starts_with("CreationDate:"))
        .unwrap();
    assert!(created.contains(&year), "{created}");
    let fonts = tool("pdffonts", &[], &pdf);
    let font_line = fonts
        .lines()
        .find(|l| l.contains("NotoSans"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(
        font_line.contains("CID") && font_line.contains("yes"),
        "embedded subset CID font: {fonts}"
    );
    assert!(
        font_line.split_whitespace().next().unwrap().contains('+'),
        "a subset has a tag: {fonts}"
    );
    let qr = qr_of(&pdf);
    assert_eq!(qr, piaojia_render::qr_payload(&r));
    assert!(qr.contains(r.check_code.as_str()) && qr.contains(&r.total.0.to_string()));
    let check = tool("qpdf", &["--check"], &pdf);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
}

fn qr_of(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let png = dir.path().join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-f", "1", "-l", "1"])
        .arg(&path)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
    let image = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&image)
        .output()
        .unwrap();
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[tokio::test]
async fn an_inpatient_receipt_with_a_long_list_continues_on_more_pages() {
    let receipts = demo_receipts(300).await;
    let (r, mark) = pick(&receipts, |r, _| r.detail_list.len() >= 25);
    let pdf = receipt_pdf(&view(&r, &mark)).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("费用清单"));
    for d in &r.detail_list {
        assert!(text.contains(&d.name), "{} missing", d.name);
    }
    let pages = text.matches('\u{c}').count();
    assert_eq!(receipts_pdf(&[view(&r, &mark)]).unwrap().pages, pages);
    assert!(
        pages >= 3,
        "{pages} pages for {} list lines",
        r.detail_list.len()
    );
}

#[tokio::test]
async fn a_reversed_or_voided_receipt_is_marked_and_a_red_one_says_so() {
    let receipts = demo_receipts(200).await;
    let (r, mark) = pick(&receipts, |_, m| matches!(m, Mark::Reversed { .. }));
    let text = text_of(&receipt_pdf(&view(&r, &mark)).unwrap());
    assert!(
        text.contains("已冲红") && text.contains("红字票据"),
        "{text}"
    );
    let voided = view(&r, &Mark::Voided);
    let text = text_of(&receipt_pdf(&voided).unwrap());
    assert!(
        text.contains("已作废") && !text.contains("已冲红"),
        "{text}"
    );
    // The paper receipt a kiosk prints carries the paper's number, and names the
    // e-receipt it replaces.
    let paper = Mark::PaperFace {
        code: "33010125".into(),
        number: "0000100001".into(),
    };
    let text = text_of(&receipt_pdf(&view(&r, &paper)).unwrap());
    assert!(text.contains("票据代码：33010125"), "{text}");
    assert!(text.contains("票据号码：0000100001"), "{text}");
    let named = format!("换开自电子票据 {}-{}", r.code, r.number);
    assert!(text.contains(&named), "{named} in {text}");
    assert!(!text.contains(&format!("票据号码：{}", r.number)), "{text}");
    let (red, mark) = pick(&receipts, |r, _| r.reverses.is_some());
    let text = text_of(&receipt_pdf(&view(&red, &mark)).unwrap());
    assert!(text.contains("（红字）") && text.contains("负"), "{text}");
}

#[tokio::test]
async fn the_layout_holds_with_long_names_many_items_rare_characters_and_extreme_amounts() {
    let receipts = demo_receipts(20).await;
    let mut r = receipts[0].0.clone();
    r.issuer.name =
        "浙江省某某市某某区人民医院（某某大学医学院附属某某医院·某某院区·国家区域医疗中心）".into();
    r.payer.name = "陈𬀩文·欧阳䶮".into();
    r.items = (0..34)
        .map(|i| LineItem {
            code: format!("C{:04}", 100 + i),
            name: format!("项目{i}号·注射用头孢曲松钠（罗氏芬）"),
            quantity: "1".into(),
            unit: "支".into(),
            amount: Fen(0),
            remark: String::new(),
        })
        .collect();
    r.items[0].amount = Fen(123_456_789_012);
    r.total = Fen(123_456_789_012);
    r.total_in_words = amount_in_words(r.total);
    let pdf = receipt_pdf(&view(&r, &Mark::None)).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("亿"), "{}", r.total_in_words);
    assert!(text.contains("1234567890.12"));
    assert!(
        text.contains("项目33号"),
        "the 34th item is on a following page"
    );
    assert!(
        text.contains("䶮"),
        "Extension A characters are in the font"
    );
    let check = tool("qpdf", &["--check"], &pdf);
    assert!(
        check.contains("No syntax or stream encoding errors"),
        "{check}"
    );
    // A zero receipt.
    let mut zero = receipts[0].0.clone();
    zero.items.truncate(1);
    zero.items[0].amount = Fen(0);
    zero.total = Fen(0);
    zero.total_in_words = amount_in_words(Fen(0));
    assert!(text_of(&receipt_pdf(&view(&zero, &Mark::None)).unwrap()).contains("零元整"));
}

#[tokio::test]
async fn a_batch_embeds_the_font_once() {
    let receipts = demo_receipts(40).await;
    let views: Vec<_> = receipts.iter().take(20).map(|(r, m)| view(r, m)).collect();
    let pdf = receipts_pdf(&views).unwrap().bytes;
    let fonts = tool("pdffonts", &[], &pdf);
    assert_eq!(
        fonts.lines().filter(|l| l.contains("NotoSans")).count(),
        1,
        "{fonts}"
    );
    let text = text_of(&pdf);
    for (r, _) in receipts.iter().take(20) {
        assert!(text.contains(r.number.as_str()));
    }
    assert!(receipts_pdf(&[]).is_err());
}
