//! PDF originals on screen: a page drawn to PNG by hayro (a PDF rasteriser in Rust),
//! so that the app shows the PDF a person received beside what Piaojia read from it.

use crate::RenderError;
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::{PixmapSettings, RenderCache, RenderSettings};

/// The most pixels of one page's picture (hayro's sides are 16-bit).
const MAX_SIDE: f32 = 16_000.0;
const MAX_PIXELS: f32 = 100_000_000.0;

/// A page of a PDF as a PNG.
pub struct PdfPagePng {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// How many pages the PDF has.
    pub pages: usize,
}

/// Page `page` (from 0) of `pdf` at `dpi`, on white.
pub fn pdf_page_png(pdf: &[u8], page: usize, dpi: u32) -> Result<PdfPagePng, RenderError> {
    let data = pdf.to_vec();
    // A hostile file is that file's failure, never the app's.
    std::panic::catch_unwind(move || draw(data, page, dpi)).unwrap_or_else(|_| {
        Err(RenderError::PdfPage(
            "the PDF reader failed on this file".into(),
        ))
    })
}

fn draw(data: Vec<u8>, page: usize, dpi: u32) -> Result<PdfPagePng, RenderError> {
    let pdf = Pdf::new(data).map_err(|e| RenderError::PdfPage(format!("{e:?}")))?;
    let pages = pdf.pages();
    let count = pages.len();
    let one = pages
        .get(page)
        .ok_or(RenderError::OfdNoSuchPage(page + 1))?;
    let scale = dpi as f32 / 72.0;
    let (w, h) = one.render_dimensions();
    let (pw, ph) = (w * scale, h * scale);
    if !(pw >= 1.0 && ph >= 1.0 && pw <= MAX_SIDE && ph <= MAX_SIDE && pw * ph <= MAX_PIXELS) {
        return Err(RenderError::PdfPage(format!(
            "a page of {w} × {h} pt is too large to show at {dpi} DPI"
        )));
    }
    let pixmap = hayro::render(
        one,
        &RenderCache::new(),
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: hayro::vello_cpu::color::palette::css::WHITE,
        },
    );
    let (width, height) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    let size = tiny_skia::IntSize::from_wh(width, height)
        .ok_or_else(|| RenderError::PdfPage("an empty page".into()))?;
    let picture = tiny_skia::Pixmap::from_vec(pixmap.data_as_u8_slice().to_vec(), size)
        .ok_or_else(|| RenderError::PdfPage("the page's picture is malformed".into()))?;
    let bytes = picture
        .encode_png()
        .map_err(|e| RenderError::PdfPage(e.to_string()))?;
    Ok(PdfPagePng {
        bytes,
        width,
        height,
        pages: count,
    })
}
