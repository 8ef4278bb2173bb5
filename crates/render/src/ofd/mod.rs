//! OFD originals drawn as they are (GB/T 33190): every page with its templates,
//! layers, text in its own or a substitute font at the positions the file gives
//! (`DeltaX`/`DeltaY`), paths, pictures (PNG, JPEG, GIF, JBIG2), annotations, and
//! the seals' pictures at their stamps. Each page becomes an SVG document (written
//! here), which resvg rasterises to PNG and svg2pdf turns into PDF (vector, text as
//! text with its fonts embedded and subset, so it stays searchable).
//!
//! Bad input is bounded: objects, characters and nesting per page, page size, the
//! pixels of a picture or a PNG. What cannot be drawn (a font that does not parse,
//! a missing picture, a path that stops making sense) is left out with a warning.

mod document;
mod draw;
mod fonts;
mod media;
mod output;
mod path;
mod seals;
mod style;
mod text;

use crate::RenderError;
use document::Document;
use fonts::FontBook;
use piaojia_ofd::Package;

pub use draw::MAX_OBJECTS;

/// What was left out of a drawing, in words; the same warning once.
#[derive(Debug, Default, Clone)]
pub struct Warnings(Vec<String>);

impl Warnings {
    fn add(&mut self, warning: String) {
        if self.0.len() < 100 && !self.0.contains(&warning) {
            self.0.push(warning);
        }
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

/// An OFD drawn as a PDF, page for page.
pub struct OfdPdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Page sizes in millimetres.
    pub sizes_mm: Vec<(f64, f64)>,
    pub warnings: Vec<String>,
}

/// An OFD page drawn as a PNG.
pub struct OfdPng {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub warnings: Vec<String>,
}

struct Opened<'p> {
    doc: Document<'p>,
    fonts: FontBook,
}

fn open<'p>(package: &'p Package, warnings: &mut Warnings) -> Result<Opened<'p>, RenderError> {
    let doc = Document::read(package, warnings)?;
    let fonts = FontBook::new(package, doc.resources.fonts.iter(), warnings);
    Ok(Opened { doc, fonts })
}

/// How many pages the OFD file has.
pub fn page_count(ofd: &[u8]) -> Result<usize, RenderError> {
    let package = Package::read(ofd)?;
    Ok(Document::read(&package, &mut Warnings::default())?
        .pages
        .len())
}

/// Page `page` (from 0) as an SVG document, sized in points.
pub fn page_svg(ofd: &[u8], page: usize) -> Result<(String, Vec<String>), RenderError> {
    let package = Package::read(ofd)?;
    let mut warnings = Warnings::default();
    let opened = open(&package, &mut warnings)?;
    let drawn = draw::page(&opened.doc, page, &opened.fonts, &mut warnings, 0)?;
    Ok((drawn.svg, warnings.into_vec()))
}

/// Every page of the OFD file as one PDF.
pub fn to_pdf(ofd: &[u8]) -> Result<OfdPdf, RenderError> {
    let package = Package::read(ofd)?;
    let mut warnings = Warnings::default();
    let opened = open(&package, &mut warnings)?;
    let mut pages = Vec::new();
    for index in 0..opened.doc.pages.len() {
        pages.push(draw::page(
            &opened.doc,
            index,
            &opened.fonts,
            &mut warnings,
            0,
        )?);
    }
    let bytes = output::pdf(&pages, &opened.fonts)?;
    Ok(OfdPdf {
        bytes,
        pages: pages.len(),
        sizes_mm: pages.iter().map(|p| (p.width_mm, p.height_mm)).collect(),
        warnings: warnings.into_vec(),
    })
}

/// Page `page` (from 0) of the OFD file as a PNG at `dpi` dots per inch.
pub fn page_png(ofd: &[u8], page: usize, dpi: u32) -> Result<OfdPng, RenderError> {
    let package = Package::read(ofd)?;
    let mut warnings = Warnings::default();
    let opened = open(&package, &mut warnings)?;
    let drawn = draw::page(&opened.doc, page, &opened.fonts, &mut warnings, 0)?;
    let (bytes, width, height) = output::png(&drawn, &opened.fonts, dpi)?;
    Ok(OfdPng {
        bytes,
        width,
        height,
        warnings: warnings.into_vec(),
    })
}

/// A seal's own OFD picture: its first page as SVG, for the page it is stamped on.
fn seal_svg(ofd: &[u8], depth: usize) -> Result<String, RenderError> {
    let package = Package::read(ofd)?;
    let mut warnings = Warnings::default();
    let opened = open(&package, &mut warnings)?;
    Ok(draw::page(&opened.doc, 0, &opened.fonts, &mut warnings, depth)?.svg)
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
