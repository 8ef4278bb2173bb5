//! The OFD renderer on the real files of the corpus, checked with independent tools
//! (poppler's pdfinfo, pdftotext, pdffonts) and on hostile files made here.

use crate::pdf::tool;
use piaojia_render::ofd;
use std::collections::BTreeSet;
use std::io::Write;
use std::time::{Duration, Instant};

/// Every character of every text object on the file's pages (their content and
/// the templates they use), read from its XML directly.
fn text_of(ofd: &[u8]) -> BTreeSet<char> {
    use piaojia_ofd::xml::{parse, Element};
    let package = piaojia_ofd::Package::read(ofd).unwrap();
    let read = |base: &str, path: &str| -> Option<(String, Element)> {
        let (name, bytes) = package.resolve(base, path.trim())?;
        Some((name.to_string(), parse(name, bytes).ok()?))
    };
    let (_, root) = read("", "OFD.xml").unwrap();
    let (doc_name, doc) = read("", root.text_at(&["DocBody", "DocRoot"]).unwrap()).unwrap();
    let folder = piaojia_ofd::folder_of(&doc_name);
    let templates: std::collections::HashMap<String, String> = doc
        .child("CommonData")
        .into_iter()
        .flat_map(|c| c.children_named("TemplatePage"))
        .filter_map(|t| {
            Some((
                t.attribute("ID")?.to_string(),
                t.attribute("BaseLoc")?.to_string(),
            ))
        })
        .collect();
    let mut chars = BTreeSet::new();
    // Text clipped to nothing (machine-readable serials some files hide) is not
    // shown, so it is not expected in the PDF's text either.
    let hidden = |text: &Element| {
        text.descendants().iter().any(|e| {
            e.name == "Path"
                && e.attribute("Boundary").is_some_and(|b| {
                    let n: Vec<f64> = b
                        .split_whitespace()
                        .filter_map(|t| t.parse().ok())
                        .collect();
                    n.len() == 4 && (n[2] == 0.0 || n[3] == 0.0)
                })
        })
    };
    let mut add = |element: &Element| {
        for e in element.descendants() {
            if e.name == "TextObject" && !hidden(e) {
                for code in e.children_named("TextCode") {
                    chars.extend(code.text.chars().filter(|c| !c.is_whitespace()));
                }
            }
        }
    };
    for page in doc.child("Pages").unwrap().children_named("Page") {
        let (_, content) = read(folder, page.attribute("BaseLoc").unwrap()).unwrap();
        add(&content);
        for used in content.children_named("Template") {
            let loc = &templates[used.attribute("TemplateID").unwrap()];
            add(&read(folder, loc).unwrap().1);
        }
    }
    chars
}

/// The corpus renders: page for page, at the page's size, every character of its
/// text extractable from the PDF, every font embedded; PNGs of the right size.
#[test]
fn every_corpus_file_renders_with_its_text_its_size_and_embedded_fonts() {
    for path in piaojia_ofd::testkit::corpus_ofd_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let pdf = ofd::to_pdf(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(pdf.pages, ofd::page_count(&bytes).unwrap(), "{name}");

        let info = tool("pdfinfo", &["-f", "1", "-l", "999"], &pdf.bytes);
        let sizes: Vec<(f64, f64)> = info
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains("size:"))
            .map(|l| {
                let n: Vec<f64> = l
                    .split_whitespace()
                    .filter_map(|t| t.parse().ok())
                    .collect();
                (n[1], n[2])
            })
            .collect();
        assert_eq!(sizes.len(), pdf.pages, "{name}: {info}");
        for ((w, h), (w_mm, h_mm)) in sizes.iter().zip(&pdf.sizes_mm) {
            assert!(
                (w - w_mm * 72.0 / 25.4).abs() < 1.0,
                "{name}: {w} pt for {w_mm} mm"
            );
            assert!(
                (h - h_mm * 72.0 / 25.4).abs() < 1.0,
                "{name}: {h} pt for {h_mm} mm"
            );
        }

        let extracted: BTreeSet<char> = tool("pdftotext", &[], &pdf.bytes)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let missing: Vec<char> = text_of(&bytes).difference(&extracted).copied().collect();
        assert!(
            missing.is_empty(),
            "{name}: not in the PDF's text: {missing:?}"
        );

        let fonts = tool("pdffonts", &[], &pdf.bytes);
        for line in fonts.lines().skip(2) {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let embedded = columns[columns.len() - 5];
            assert_eq!(embedded, "yes", "{name}: a font not embedded: {line}");
        }

        let png = ofd::page_png(&bytes, 0, 150).unwrap();
        let (w_mm, h_mm) = pdf.sizes_mm[0];
        assert!(
            (png.width as f64 - w_mm / 25.4 * 150.0).abs() <= 1.0,
            "{name}"
        );
        assert!(
            (png.height as f64 - h_mm / 25.4 * 150.0).abs() <= 1.0,
            "{name}"
        );
        println!(
            "{name}: {} pages, {} bytes of PDF, {} fonts; warnings: {:?}",
            pdf.pages,
            pdf.bytes.len(),
            fonts.lines().count().saturating_sub(2),
            pdf.warnings
        );
    }
}

/// Pixels of a PNG inside the rectangle (in mm) that are clearly red.
fn red_pixels(png: &[u8], page_mm: (f64, f64), rect: (f64, f64, f64, f64)) -> usize {
    let pixmap = tiny_skia::Pixmap::decode_png(png).unwrap();
    let sx = pixmap.width() as f64 / page_mm.0;
    let sy = pixmap.height() as f64 / page_mm.1;
    let mut red = 0;
    for y in (rect.1 * sy) as u32..((rect.1 + rect.3) * sy) as u32 {
        for x in (rect.0 * sx) as u32..((rect.0 + rect.2) * sx) as u32 {
            if let Some(p) = pixmap.pixel(x, y) {
                if p.red() > 150 && p.green() < 100 && p.blue() < 100 {
                    red += 1;
                }
            }
        }
    }
    red
}

/// The seal is what users miss most in other viewers: the tax bureau's red seal of
/// a sealed invoice is drawn at its stamp.
#[test]
fn a_sealed_invoice_shows_its_red_seal_at_the_stamp() {
    let path = piaojia_ofd::testkit::corpus_dir().join("vat-ofd/zj-033002000211-83089647-2020.ofd");
    let bytes = std::fs::read(path).unwrap();
    let png = ofd::page_png(&bytes, 0, 150).unwrap();
    // The stamp: Signature.xml's StampAnnot, 90 8 30 20 (mm), on a 210 × 140 page.
    let in_stamp = red_pixels(&png.bytes, (210.0, 140.0), (90.0, 8.0, 30.0, 20.0));
    assert!(in_stamp > 500, "{in_stamp} red pixels in the seal's place");
    let (svg, _) = ofd::page_svg(&bytes, 0).unwrap();
    assert!(svg.contains("data:image/"), "the seal is a picture");

    // The PDF, drawn by another renderer (hayro, a PDF rasteriser), has the seal
    // in the same place: it is in the PDF, not only in Piaojia's own PNG.
    let pdf = ofd::to_pdf(&bytes).unwrap();
    let drawn = piaojia_render::pdf_page_png(&pdf.bytes, 0, 150).unwrap();
    assert_eq!(drawn.pages, 1);
    assert!(
        (drawn.width as i64 - png.width as i64).abs() <= 2,
        "{} vs {}",
        drawn.width,
        png.width
    );
    let in_stamp = red_pixels(&drawn.bytes, (210.0, 140.0), (90.0, 8.0, 30.0, 20.0));
    assert!(
        in_stamp > 500,
        "{in_stamp} red pixels in the PDF's seal place"
    );
    assert_eq!(
        piaojia_render::pdf_page_png(b"%PDF-1.7 nothing", 0, 150)
            .err()
            .map(|e| e.code()),
        Some("render.pdf_page")
    );
}

/// Builds an OFD package from (name, content) pairs.
fn package(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default();
        for (name, content) in files {
            zip.start_file(*name, options).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

const OFD_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.1" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

fn document(box_mm: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>9</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>{box_mm}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
    )
    .into_bytes()
}

fn page(objects: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
    )
    .into_bytes()
}

const PUBLIC_RES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="3" FontName="Broken" FamilyName="Broken"><ofd:FontFile>broken.ttf</ofd:FontFile></ofd:Font></ofd:Fonts><ofd:MultiMedias><ofd:MultiMedia ID="4" Type="Image" Format="PNG"><ofd:MediaFile>gone.png</ofd:MediaFile></ofd:MultiMedia><ofd:MultiMedia ID="5" Type="Image" Format="PNG"><ofd:MediaFile>noise.png</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"#;

fn made(box_mm: &str, objects: &str) -> Vec<u8> {
    package(&[
        ("OFD.xml", OFD_XML),
        ("Doc_0/Document.xml", &document(box_mm)),
        ("Doc_0/PublicRes.xml", PUBLIC_RES),
        ("Doc_0/Res/broken.ttf", b"not a font at all"),
        ("Doc_0/Res/noise.png", b"\x89PNG\r\n\x1a\nnoise"),
        ("Doc_0/Pages/Page_0/Content.xml", &page(objects)),
    ])
}

/// A broken font, a missing picture, a damaged picture and a path that stops
/// making sense: the page is drawn without them, each with a warning, and the
/// text is there in the fallback font.
#[test]
fn broken_parts_are_left_out_with_a_warning() {
    let objects = r#"<ofd:TextObject ID="6" Boundary="10 10 100 10" Font="3" Size="5"><ofd:TextCode X="0" Y="5">票夹测试</ofd:TextCode></ofd:TextObject>
        <ofd:ImageObject ID="7" Boundary="10 30 20 20" CTM="20 0 0 20 0 0" ResourceID="4"/>
        <ofd:ImageObject ID="8" Boundary="40 30 20 20" CTM="20 0 0 20 0 0" ResourceID="5"/>
        <ofd:PathObject ID="9" Boundary="0 0 100 100"><ofd:AbbreviatedData>M 0 0 L 10 10 L x y</ofd:AbbreviatedData></ofd:PathObject>"#;
    let pdf = ofd::to_pdf(&made("0 0 100 80", objects)).unwrap();
    let text = tool("pdftotext", &[], &pdf.bytes);
    assert!(text.contains("票夹测试"), "{text}");
    let warnings = pdf.warnings.join("\n");
    assert!(warnings.contains("does not parse"), "{warnings}");
    assert!(warnings.contains("gone.png"), "{warnings}");
    assert!(warnings.contains("path"), "{warnings}");
    // The damaged picture is drawn as nothing, never a crash.
    ofd::page_png(&made("0 0 100 80", objects), 0, 72).unwrap();
}

/// Absurd page sizes, a page of a million objects and deep nesting are refused or
/// cut, quickly and with a typed error, never a hang or a crash.
#[test]
fn hostile_pages_are_bounded() {
    for size in ["0 0 100000 100000", "0 0 0 0", "0 0 -5 10"] {
        let error = ofd::to_pdf(&made(size, "")).err().expect(size);
        assert_eq!(error.code(), "render.ofd_page_too_large", "{size}");
    }
    // A box that does not read is taken as missing: A4, with a warning.
    let unread = ofd::to_pdf(&made("0 0 NaN 10", "")).unwrap();
    assert_eq!(unread.sizes_mm, vec![(210.0, 297.0)]);
    assert!(
        unread.warnings.iter().any(|w| w.contains("A4")),
        "{:?}",
        unread.warnings
    );

    let one = r#"<ofd:PathObject ID="9" Boundary="0 0 1 1"><ofd:AbbreviatedData>M 0 0 L 1 1</ofd:AbbreviatedData></ofd:PathObject>"#;
    let many = one.repeat(ofd::MAX_OBJECTS + 1);
    let started = Instant::now();
    let error = ofd::to_pdf(&made("0 0 100 100", &many))
        .err()
        .expect("too many");
    assert_eq!(error.code(), "render.ofd_too_many_objects");
    assert!(started.elapsed() < Duration::from_secs(60));

    let deep = format!(
        "{}{}{}",
        r#"<ofd:PageBlock ID="1">"#.repeat(40),
        one,
        "</ofd:PageBlock>".repeat(40)
    );
    let pdf = ofd::to_pdf(&made("0 0 100 100", &deep)).unwrap();
    assert!(
        pdf.warnings.iter().any(|w| w.contains("nested")),
        "{:?}",
        pdf.warnings
    );

    let no_pages = package(&[
        ("OFD.xml", OFD_XML),
        (
            "Doc_0/Document.xml",
            br#"<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData/></ofd:Document>"#,
        ),
    ]);
    let error = ofd::to_pdf(&no_pages).err().expect("no pages");
    assert_eq!(error.code(), "render.ofd_no_pages");

    let garbage = ofd::to_pdf(b"PK\x03\x04 not really a zip")
        .err()
        .expect("garbage");
    assert!(garbage.code().starts_with("ofd."), "{}", garbage.code());
}

/// The box of dark pixels of a PNG: x0, y0, x1, y1.
fn ink_box(png: &[u8]) -> (u32, u32, u32, u32) {
    let pixmap = tiny_skia::Pixmap::decode_png(png).unwrap();
    let mut b = (u32::MAX, u32::MAX, 0, 0);
    for y in 0..pixmap.height() {
        for x in 0..pixmap.width() {
            let p = pixmap.pixel(x, y).unwrap();
            if p.red() < 128 && p.green() < 128 && p.blue() < 128 {
                b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
            }
        }
    }
    assert!(b.0 <= b.2, "no ink");
    b
}

fn with_res(res: &[u8], extra: &[(&str, &[u8])], objects: &str) -> Vec<u8> {
    let mut files: Vec<(&str, &[u8])> = Vec::new();
    let document = document("0 0 100 60");
    let page = page(objects);
    files.push(("OFD.xml", OFD_XML));
    files.push(("Doc_0/Document.xml", &document));
    files.push(("Doc_0/PublicRes.xml", res));
    files.push(("Doc_0/Pages/Page_0/Content.xml", &page));
    files.extend_from_slice(extra);
    package(&files)
}

/// `CharDirection` turns each glyph (一, a flat stroke, stands up at 90°), and
/// `ReadDirection` sets characters without deltas one below the other.
#[test]
fn char_and_read_directions_turn_and_set_the_glyphs() {
    const RES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"/>"#;
    let shape = |attributes: &str, text: &str| {
        let objects = format!(
            r#"<ofd:TextObject ID="6" Boundary="20 10 60 45" Size="12" {attributes}><ofd:TextCode X="10" Y="15">{text}</ofd:TextCode></ofd:TextObject>"#
        );
        let b = ink_box(
            &ofd::page_png(&with_res(RES, &[], &objects), 0, 150)
                .unwrap()
                .bytes,
        );
        (b.2 - b.0 + 1, b.3 - b.1 + 1)
    };
    let (w, h) = shape("", "一");
    assert!(w > 4 * h, "一 lies flat: {w} × {h}");
    let (w, h) = shape(r#"CharDirection="90""#, "一");
    assert!(h > 4 * w, "一 turned stands up: {w} × {h}");
    let (w, h) = shape("", "一二三");
    assert!(w > h, "read across: {w} × {h}");
    let (w, h) = shape(r#"ReadDirection="90""#, "一二三");
    assert!(h > 2 * w, "read downwards: {w} × {h}");
}

/// A BMP picture is drawn (written again as PNG); one whose header claims a
/// picture too large to hold is left out with a warning.
#[test]
fn bmp_pictures_are_drawn_and_huge_ones_left_out() {
    const RES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"><ofd:MultiMedias><ofd:MultiMedia ID="4" Type="Image" Format="BMP"><ofd:MediaFile>black.bmp</ofd:MediaFile></ofd:MultiMedia><ofd:MultiMedia ID="5" Type="Image" Format="BMP"><ofd:MediaFile>huge.bmp</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"#;
    let mut bmp = Vec::new();
    image::RgbImage::from_pixel(8, 8, image::Rgb([0, 0, 0]))
        .write_to(&mut std::io::Cursor::new(&mut bmp), image::ImageFormat::Bmp)
        .unwrap();
    assert!(bmp.starts_with(b"BM"));
    // The same header with 60 000 × 60 000 pixels and nothing behind it.
    let mut huge = bmp[..54].to_vec();
    huge[18..22].copy_from_slice(&60_000i32.to_le_bytes());
    huge[22..26].copy_from_slice(&60_000i32.to_le_bytes());
    let objects = r#"<ofd:ImageObject ID="7" Boundary="30 20 40 20" CTM="40 0 0 20 0 0" ResourceID="4"/><ofd:ImageObject ID="8" Boundary="0 0 10 10" CTM="10 0 0 10 0 0" ResourceID="5"/>"#;
    let file = with_res(
        RES,
        &[("Doc_0/Res/black.bmp", &bmp), ("Doc_0/Res/huge.bmp", &huge)],
        objects,
    );
    let png = ofd::page_png(&file, 0, 100).unwrap();
    // 30..70 × 20..40 mm at 100 DPI.
    let b = ink_box(&png.bytes);
    let mm = |px: u32| px as f64 * 25.4 / 100.0;
    assert!(
        (mm(b.0) - 30.0).abs() < 1.0 && (mm(b.2) - 70.0).abs() < 1.0,
        "{b:?}"
    );
    assert!(
        (mm(b.1) - 20.0).abs() < 1.0 && (mm(b.3) - 40.0).abs() < 1.0,
        "{b:?}"
    );
    assert!(
        png.warnings.iter().any(|w| w.contains("BMP")),
        "{:?}",
        png.warnings
    );
}

/// `HScale` narrows each glyph and leaves the places `DeltaX` gives: 一 at 10 mm
/// narrowed to half, twice, 20 mm apart, spans about 25 mm (not 15, as when the
/// places were narrowed too: the red title of the V1 circular was drawn 85 mm wide
/// instead of its boundary's 134).
#[test]
fn hscale_narrows_the_glyphs_not_their_places() {
    const RES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="http://www.ofdspec.org/2016" BaseLoc="Res"/>"#;
    let objects = r#"<ofd:TextObject ID="6" Boundary="10 10 80 30" Size="10" HScale="0.5"><ofd:TextCode X="0" Y="15" DeltaX="20">一一</ofd:TextCode></ofd:TextObject>"#;
    let png = ofd::page_png(&with_res(RES, &[], objects), 0, 100).unwrap();
    let b = ink_box(&png.bytes);
    let mm = (b.2 - b.0 + 1) as f64 * 25.4 / 100.0;
    assert!((22.0..=26.5).contains(&mm), "{mm:.1} mm wide");
}
