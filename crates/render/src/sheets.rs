//! Reimbursement sheets (粘贴单): the pages of several receipts' PDFs placed two or
//! four to an A4 sheet, each scaled without distortion into its place, with dashed
//! cut lines between the places. Each page goes in as it is (hayro-write copies it
//! as a form XObject), so text stays text and vector stays vector.

use crate::{Pdf, RenderError};
use hayro::hayro_syntax::Pdf as SourcePdf;
use hayro_write::pdf_writer::{Content, Finish, Name, Pdf as PdfWriter, Rect, Ref};
use hayro_write::{ChunkSettings, ExtractionQuery};

const PT_PER_MM: f32 = 72.0 / 25.4;
const A4_SHORT: f32 = 210.0 * PT_PER_MM;
const A4_LONG: f32 = 297.0 * PT_PER_MM;
/// White space kept around a page inside its place, for scissors and glue.
const MARGIN: f32 = 6.0 * PT_PER_MM;
/// Pages larger than a sheet (a poster, a broken file) are refused, not shrunk
/// to a speck.
const MAX_SIDE: f32 = 1000.0 * PT_PER_MM;

/// How many pages share a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PerSheet {
    /// A4 portrait, one above the other: each place is A5 landscape, the size of
    /// a fiscal e-receipt and of an e-invoice.
    Two,
    /// A4 landscape, two by two: each place is A6 landscape.
    Four,
}

impl PerSheet {
    pub fn from_count(count: u32) -> Option<PerSheet> {
        match count {
            2 => Some(PerSheet::Two),
            4 => Some(PerSheet::Four),
            _ => None,
        }
    }

    pub fn count(self) -> usize {
        match self {
            PerSheet::Two => 2,
            PerSheet::Four => 4,
        }
    }

    /// The sheet's width and height, and its columns and rows, in points.
    fn grid(self) -> (f32, f32, usize, usize) {
        match self {
            PerSheet::Two => (A4_SHORT, A4_LONG, 1, 2),
            PerSheet::Four => (A4_LONG, A4_SHORT, 2, 2),
        }
    }
}

/// A placed page: which form, and its size in points as it is shown.
struct Placed {
    form: Ref,
    width: f32,
    height: f32,
}

/// Every page of `documents` (PDFs, in order) on sheets of `per_sheet`.
pub fn sheets_pdf(documents: &[&[u8]], per_sheet: PerSheet) -> Result<Pdf, RenderError> {
    if documents.is_empty() {
        return Err(RenderError::Empty);
    }
    let mut next = Ref::new(1);
    let catalog = next.bump();
    let page_tree = next.bump();
    let mut out = PdfWriter::new();
    let mut placed = Vec::new();
    for (n, document) in documents.iter().enumerate() {
        let data = document.to_vec();
        let mut refs = next;
        // A hostile file is that file's failure, never the app's (as on screen).
        let extracted =
            std::panic::catch_unwind(move || extract(data, &mut refs).map(|e| (e, refs)))
                .unwrap_or_else(|_| Err(format!("the PDF reader failed on document {}", n + 1)))
                .map_err(RenderError::Sheet)?;
        let ((chunk, pages), after) = extracted;
        next = after;
        out.extend(&chunk);
        placed.extend(pages);
    }
    if placed.is_empty() {
        return Err(RenderError::Empty);
    }
    let (width, height, columns, rows) = per_sheet.grid();
    let (cell_w, cell_h) = (width / columns as f32, height / rows as f32);
    let mut page_refs = Vec::new();
    for sheet in placed.chunks(per_sheet.count()) {
        let (page_ref, content_ref) = (next.bump(), next.bump());
        let mut content = Content::new();
        let mut names = Vec::new();
        for (i, page) in sheet.iter().enumerate() {
            let (column, row) = (i % columns, i / columns);
            // PDF's y grows upwards: the first row is at the top.
            let (cell_x, cell_y) = (column as f32 * cell_w, height - (row + 1) as f32 * cell_h);
            let scale = ((cell_w - 2.0 * MARGIN) / page.width)
                .min((cell_h - 2.0 * MARGIN) / page.height)
                .min(1.0);
            let x = cell_x + (cell_w - page.width * scale) / 2.0;
            let y = cell_y + (cell_h - page.height * scale) / 2.0;
            let name = format!("P{i}");
            content
                .save_state()
                .transform([scale, 0.0, 0.0, scale, x, y])
                .x_object(Name(name.as_bytes()))
                .restore_state();
            names.push((name, page.form));
        }
        cut_lines(&mut content, width, height, columns, rows);
        let mut writer = out.page(page_ref);
        writer.media_box(Rect::new(0.0, 0.0, width, height));
        writer.parent(page_tree);
        writer.contents(content_ref);
        {
            let mut resources = writer.resources();
            let mut forms = resources.x_objects();
            for (name, form) in &names {
                forms.pair(Name(name.as_bytes()), *form);
            }
        }
        writer.finish();
        out.stream(content_ref, &content.finish());
        page_refs.push(page_ref);
    }
    out.catalog(catalog).pages(page_tree);
    let sheets = page_refs.len();
    out.pages(page_tree).count(sheets as i32).kids(page_refs);
    Ok(Pdf {
        bytes: out.finish(),
        pages: sheets,
    })
}

/// Every page of one PDF as a form XObject; `next` hands out the object numbers.
#[allow(clippy::type_complexity)]
fn extract(
    data: Vec<u8>,
    next: &mut Ref,
) -> Result<(hayro_write::pdf_writer::Chunk, Vec<Placed>), String> {
    let pdf =
        SourcePdf::new(data).map_err(|e| format!("a document is not a readable PDF: {e:?}"))?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err("a document has no pages".into());
    }
    let mut sizes = Vec::new();
    for page in pages.iter() {
        let (w, h) = page.render_dimensions();
        if !(w >= 1.0 && h >= 1.0 && w <= MAX_SIDE && h <= MAX_SIDE) {
            return Err(format!(
                "a page of {w} × {h} pt cannot be placed on a sheet"
            ));
        }
        sizes.push((w, h));
    }
    let queries: Vec<ExtractionQuery> =
        (0..pages.len()).map(ExtractionQuery::new_xobject).collect();
    let extracted = hayro_write::extract(
        &pdf,
        Box::new(|| next.bump()),
        ChunkSettings::default(),
        &queries,
    )
    .map_err(|e| format!("a page could not be copied: {e:?}"))?;
    let placed = extracted
        .root_refs
        .iter()
        .zip(sizes)
        .map(|(form, (width, height))| {
            form.map(|form| Placed {
                form,
                width,
                height,
            })
            .map_err(|e| format!("a page could not be copied: {e:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((extracted.chunk, placed))
}

/// Dashed grey lines where the sheet is cut: between the columns and the rows.
fn cut_lines(content: &mut Content, width: f32, height: f32, columns: usize, rows: usize) {
    content
        .save_state()
        .set_stroke_rgb(0.55, 0.55, 0.55)
        .set_line_width(0.5)
        .set_dash_pattern([4.0, 3.0], 0.0);
    for column in 1..columns {
        let x = width * column as f32 / columns as f32;
        content.move_to(x, 0.0).line_to(x, height);
    }
    for row in 1..rows {
        let y = height * row as f32 / rows as f32;
        content.move_to(0.0, y).line_to(width, y);
    }
    content.stroke().restore_state();
}

#[cfg(test)]
mod tests {
    use super::PerSheet;

    #[test]
    fn only_two_or_four_to_a_sheet() {
        assert_eq!(PerSheet::from_count(2), Some(PerSheet::Two));
        assert_eq!(PerSheet::from_count(4), Some(PerSheet::Four));
        for n in [0, 1, 3, 5, 8] {
            assert_eq!(PerSheet::from_count(n), None, "{n}");
        }
    }
}
