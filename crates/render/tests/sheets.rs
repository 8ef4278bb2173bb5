use crate::pdf::tool;
use crate::samples::{demo_receipts, view};
use piaojia_render::{ofd, receipt_pdf, sheets_pdf, PerSheet, RenderError};
use std::process::Command;

/// A page of a PDF as pixels, drawn by poppler (pdftoppm, not the renderer that
/// wrote the sheet): width, height and grey levels.
fn grey_pixels(pdf: &[u8], page: usize, dpi: u32) -> (usize, usize, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.pdf");
    std::fs::write(&input, pdf).unwrap();
    let page = page.to_string();
    let status = Command::new("pdftoppm")
        .args([
            "-png",
            "-singlefile",
            "-r",
            &dpi.to_string(),
            "-f",
            &page,
            "-l",
            &page,
        ])
        .arg(&input)
        .arg(dir.path().join("p"))
        .status()
        .unwrap();
    assert!(status.success());
    let picture = tiny_skia::Pixmap::load_png(dir.path().join("p.png")).unwrap();
    let grey = picture
        .pixels()
        .iter()
        .map(|p| {
            ((299 * p.red() as u32 + 587 * p.green() as u32 + 114 * p.blue() as u32) / 1000) as u8
        })
        .collect();
    (picture.width() as usize, picture.height() as usize, grey)
}

/// The box of dark pixels (ink) inside a region: x0, y0, x1, y1.
fn ink_box(
    (w, _, pixels): &(usize, usize, Vec<u8>),
    region: (usize, usize, usize, usize),
) -> (usize, usize, usize, usize) {
    let mut b = (usize::MAX, usize::MAX, 0, 0);
    for y in region.1..region.3 {
        for x in region.0..region.2 {
            if pixels[y * w + x] < 128 {
                b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
            }
        }
    }
    assert!(b.0 < b.2 && b.1 < b.3, "no ink in {region:?}");
    b
}

fn ratio(b: (usize, usize, usize, usize)) -> f64 {
    (b.2 - b.0) as f64 / (b.3 - b.1) as f64
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(piaojia_ofd::testkit::corpus_dir().join(name)).unwrap()
}

/// Two to a sheet: the official layout of a synced receipt, an OFD invoice drawn,
/// and a PDF as it came, on two A4 sheets; each keeps its text and its shape.
#[tokio::test]
async fn two_to_a_sheet_keeps_each_receipts_text_and_shape() {
    let receipts = demo_receipts(3).await;
    let (receipt, mark) = &receipts[0];
    let official = receipt_pdf(&view(receipt, mark)).unwrap();
    let invoice = ofd::to_pdf(&corpus("vat-ofd/zj-033002000211-83089647-2020.ofd"))
        .unwrap()
        .bytes;
    let as_it_came = corpus("other/preview-air-itinerary-not-an-invoice.pdf");
    let sheets = sheets_pdf(&[&official, &invoice, &as_it_came], PerSheet::Two).unwrap();
    assert_eq!(sheets.pages, 2);
    let info = tool("pdfinfo", &[], &sheets.bytes);
    assert!(info.contains("Pages:           2"), "{info}");
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    // Text stays text: every source's words are found on the sheets.
    let text = tool("pdftotext", &[], &sheets.bytes);
    let all = |pdf: &[u8]| tool("pdftotext", &[], pdf);
    for source in [&official, &invoice] {
        for word in all(source)
            .split_whitespace()
            .filter(|w| w.chars().count() >= 4)
            .take(30)
        {
            assert!(text.contains(word), "{word:?} is not on the sheets");
        }
    }
    for needle in [receipt.number.as_str(), receipt.issuer.name.as_str()] {
        assert!(text.contains(needle), "{needle}");
    }
    // Shape: the official receipt's ink keeps its width to height on the sheet,
    // and lies in the top half; the invoice in the bottom half.
    let alone = grey_pixels(&official, 1, 50);
    let alone_box = ink_box(&alone, (0, 0, alone.0, alone.1));
    let sheet = grey_pixels(&sheets.bytes, 1, 50);
    let (w, h) = (sheet.0, sheet.1);
    // The cut line is grey (about 140): not ink at this threshold.
    let top = ink_box(&sheet, (0, 0, w, h / 2 - 2));
    let (a, b) = (ratio(alone_box), ratio(top));
    assert!(
        (a / b - 1.0).abs() < 0.03,
        "shape {a:.3} alone, {b:.3} on the sheet"
    );
    assert!(top.3 < h / 2, "the first receipt stays above the cut");
    let bottom = ink_box(&sheet, (0, h / 2 + 2, w, h));
    assert!(bottom.1 > h / 2, "the second below it");
    // The cut line: grey pixels across the middle of the sheet.
    let middle = &sheet.2[(h / 2) * w..(h / 2 + 1) * w];
    let dashes = middle.iter().filter(|p| (60..220).contains(*p)).count();
    assert!(dashes > w / 3, "{dashes} of {w} pixels of the cut line");
}

/// Four to a sheet: A4 landscape, two by two, pages in reading order.
#[tokio::test]
async fn four_to_a_sheet_is_two_by_two_on_landscape_a4() {
    let receipts = demo_receipts(5).await;
    let pdfs: Vec<Vec<u8>> = receipts
        .iter()
        .take(5)
        .map(|(r, m)| receipt_pdf(&view(r, m)).unwrap())
        .collect();
    let pages: usize = pdfs
        .iter()
        .map(|p| {
            tool("pdfinfo", &[], p)
                .lines()
                .find_map(|l| {
                    l.strip_prefix("Pages:")
                        .map(|n| n.trim().parse::<usize>().unwrap())
                })
                .unwrap()
        })
        .sum();
    let parts: Vec<&[u8]> = pdfs.iter().map(|p| p.as_slice()).collect();
    let sheets = sheets_pdf(&parts, PerSheet::Four).unwrap();
    assert_eq!(sheets.pages, pages.div_ceil(4));
    let info = tool("pdfinfo", &[], &sheets.bytes);
    assert!(info.contains("841.89 x 595.276 pts"), "{info}");
    // The first sheet holds the first four pages, in order: page n's number is in
    // the text before page n+1's.
    let first = tool("pdftotext", &["-f", "1", "-l", "1", "-raw"], &sheets.bytes);
    let sheet = grey_pixels(&sheets.bytes, 1, 40);
    let (w, h) = (sheet.0, sheet.1);
    for (x0, y0) in [
        (0, 0),
        (w / 2 + 2, 0),
        (0, h / 2 + 2),
        (w / 2 + 2, h / 2 + 2),
    ] {
        ink_box(&sheet, (x0, y0, x0 + w / 2 - 2, y0 + h / 2 - 2));
    }
    assert!(first.contains(receipts[0].0.number.as_str()));
}

#[test]
fn what_is_not_a_pdf_is_refused_and_nothing_is_empty() {
    assert!(matches!(
        sheets_pdf(&[], PerSheet::Two),
        Err(RenderError::Empty)
    ));
    for bad in [
        &b"not a pdf"[..],
        &b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF"[..],
        &[0u8; 0][..],
    ] {
        let e = sheets_pdf(&[bad], PerSheet::Four).err().expect("refused");
        assert_eq!(e.code(), "render.sheet", "{e}");
    }
}
