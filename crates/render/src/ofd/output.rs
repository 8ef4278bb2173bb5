//! A page's SVG to PNG (resvg) and pages to one PDF (svg2pdf: each page a form
//! XObject, its text kept as text with subset fonts; pdf-writer assembles them).

use super::draw::{PageSvg, PT_PER_MM};
use super::fonts::FontBook;
use crate::RenderError;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref};
use std::collections::HashMap;

/// The most pixels of a PNG (a page at 600 DPI is about 35 million).
const MAX_PIXELS: u64 = 100_000_000;

pub(super) fn tree(page: &PageSvg, fonts: &FontBook) -> Result<usvg::Tree, RenderError> {
    let options = usvg::Options {
        fontdb: fonts.db.clone(),
        font_resolver: fonts.resolver(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(&page.svg, &options).map_err(|e| RenderError::OfdDraw(e.to_string()))
}

/// The page as a PNG at `dpi`, on white; with its size in pixels.
pub fn png(page: &PageSvg, fonts: &FontBook, dpi: u32) -> Result<(Vec<u8>, u32, u32), RenderError> {
    let scale = dpi as f64 / 25.4;
    let width = (page.width_mm * scale).round();
    let height = (page.height_mm * scale).round();
    if !(1.0..=60_000.0).contains(&width)
        || !(1.0..=60_000.0).contains(&height)
        || width * height > MAX_PIXELS as f64
    {
        return Err(RenderError::OfdPageTooLarge(format!(
            "{width} × {height} pixels at {dpi} DPI"
        )));
    }
    let tree = tree(page, fonts)?;
    let (width, height) = (width as u32, height as u32);
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| RenderError::OfdDraw("no room for the picture".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    // The SVG is sized in points: pixels per point at this DPI.
    let per_pt = (scale / PT_PER_MM) as f32;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(per_pt, per_pt),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap
        .encode_png()
        .map_err(|e| RenderError::OfdDraw(e.to_string()))?;
    Ok((bytes, width, height))
}

/// Every page in one PDF, each at its own size.
pub fn pdf(pages: &[PageSvg], fonts: &FontBook) -> Result<Vec<u8>, RenderError> {
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let page_tree = next.bump();
    let mut pdf = Pdf::new();
    let mut page_refs = Vec::new();
    for page in pages {
        let tree = tree(page, fonts)?;
        let (chunk, form) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
            .map_err(|e| RenderError::OfdDraw(format!("{e:?}")))?;
        let mut map = HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| next.bump()));
        let form = map[&form];
        let (page_ref, content_ref) = (next.bump(), next.bump());
        let (w, h) = (
            (page.width_mm * PT_PER_MM) as f32,
            (page.height_mm * PT_PER_MM) as f32,
        );
        let name = Name(b"P0");
        let mut writer = pdf.page(page_ref);
        writer.media_box(Rect::new(0.0, 0.0, w, h));
        writer.parent(page_tree);
        writer.contents(content_ref);
        writer.resources().x_objects().pair(name, form);
        writer.finish();
        let mut content = Content::new();
        // The form is a unit square: scaled to the page.
        content.transform([w, 0.0, 0.0, h, 0.0, 0.0]).x_object(name);
        pdf.stream(content_ref, &content.finish());
        pdf.extend(&chunk);
        page_refs.push(page_ref);
    }
    pdf.catalog(catalog).pages(page_tree);
    pdf.pages(page_tree)
        .count(page_refs.len() as i32)
        .kids(page_refs);
    Ok(pdf.finish())
}
