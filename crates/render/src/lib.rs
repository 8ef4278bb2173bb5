//! Receipts on paper and in PDF: the official fiscal e-receipt layout (A5 landscape,
//! one receipt a page plus its 清单), an embedded subset of a CJK font so that the text
//! stays searchable, and a QR code carrying the verification elements.

mod canvas;
mod font;
mod layout;
pub mod ofd;
mod pdf_view;
mod print;
mod qr;
mod sheets;
mod summary;

pub use font::{font, BUNDLED_FONT_LICENCE};
pub use layout::{Mark, PrintView, Verification};
pub use pdf_view::{pdf_page_png, PdfPagePng};
pub use print::{JobId, PrintError, PrintService, Printer, PrinterState};
pub use sheets::{sheets_pdf, PerSheet};
pub use summary::{ClaimHeading, Summary, SummaryLine};

use piaojia_receipt::{Fen, Receipt};
use printpdf::{PdfDocument, PdfFontHandle, PdfSaveOptions};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("nothing to render")]
    Empty,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the text is too long for a QR code")]
    QrTooLong,
    #[error("the amounts add up to more than can be shown")]
    AmountOverflow,
    #[error(transparent)]
    Ofd(#[from] piaojia_ofd::OfdError),
    #[error("the OFD document has no pages")]
    OfdNoPages,
    #[error("the OFD document has no page {0}")]
    OfdNoSuchPage(usize),
    #[error("an OFD page is too large to draw: {0}")]
    OfdPageTooLarge(String),
    #[error("an OFD page has too much to draw (more than {0} objects or characters)")]
    OfdTooManyObjects(usize),
    #[error("an OFD page could not be drawn: {0}")]
    OfdDraw(String),
    #[error("a PDF page could not be shown: {0}")]
    PdfPage(String),
    #[error("a document could not be placed on a sheet: {0}")]
    Sheet(String),
}

impl RenderError {
    /// A stable machine-readable code; the UI matches on it, never on the text.
    pub fn code(&self) -> &'static str {
        match self {
            RenderError::Empty => "render.empty",
            RenderError::Pdf(_) => "render.pdf",
            RenderError::QrTooLong => "render.qr_too_long",
            RenderError::AmountOverflow => "render.amount_overflow",
            RenderError::Ofd(e) => e.code(),
            RenderError::OfdNoPages => "render.ofd_no_pages",
            RenderError::OfdNoSuchPage(_) => "render.ofd_no_such_page",
            RenderError::OfdPageTooLarge(_) => "render.ofd_page_too_large",
            RenderError::OfdTooManyObjects(_) => "render.ofd_too_many_objects",
            RenderError::OfdDraw(_) => "render.ofd_draw",
            RenderError::PdfPage(_) => "render.pdf_page",
            RenderError::Sheet(_) => "render.sheet",
        }
    }
}

/// A QR code for the screen, as an SVG document; refused when the payload does not
/// fit a QR code (it may come from a service).
pub fn qr_svg(payload: &str) -> Result<String, RenderError> {
    qr::svg(payload).ok_or(RenderError::QrTooLong)
}

/// The verification elements a QR code carries: `PJ1|province|code|number|check
/// code|yyyymmdd|total in fen`.
pub fn qr_payload(r: &Receipt) -> String {
    format!(
        "PJ1|{}|{}|{}|{}|{}|{}",
        r.province,
        r.code,
        r.number,
        r.check_code,
        r.issued_at.format("%Y%m%d"),
        r.total.0
    )
}

/// A rendered PDF and how many pages (sheets, printed one-sided) it has.
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// One PDF holding every receipt, the font embedded once.
pub fn receipts_pdf(views: &[PrintView]) -> Result<Pdf, RenderError> {
    if views.is_empty() {
        return Err(RenderError::Empty);
    }
    let title = if views.len() == 1 {
        format!(
            "{} {}-{}",
            views[0].receipt.name, views[0].receipt.code, views[0].receipt.number
        )
    } else {
        format!("财政电子票据 {} 张", views.len())
    };
    document(&title, |font, handle| {
        views
            .iter()
            .flat_map(|v| layout::pages(font, handle, v))
            .collect()
    })
}

/// A PDF with the font added once and subset on save.
fn document(
    title: &str,
    pages: impl FnOnce(&font::Font, &PdfFontHandle) -> Vec<printpdf::PdfPage>,
) -> Result<Pdf, RenderError> {
    let font = font::font();
    let mut doc = PdfDocument::new(title);
    // Without it the file says it was made in 1970.
    let now = printpdf::OffsetDateTime::now_utc();
    doc.metadata.info.creation_date = now;
    doc.metadata.info.modification_date = now;
    doc.metadata.info.metadata_date = now;
    let handle = PdfFontHandle::External(doc.add_font(&font.parsed));
    let pages = pages(font, &handle);
    let count = pages.len();
    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        subset_fonts: true,
        ..PdfSaveOptions::default()
    };
    let bytes = doc.with_pages(pages).save(&options, &mut warnings);
    if bytes.is_empty() {
        return Err(RenderError::Pdf(format!("{warnings:?}")));
    }
    Ok(Pdf {
        bytes,
        pages: count,
    })
}

/// One receipt as a PDF.
pub fn receipt_pdf(view: &PrintView) -> Result<Vec<u8>, RenderError> {
    receipts_pdf(std::slice::from_ref(view)).map(|pdf| pdf.bytes)
}

/// A summary (汇总表), or a claim's summary, as a PDF.
pub fn summary_pdf(summary: &Summary) -> Result<Pdf, RenderError> {
    let total = Fen::checked_sum(summary.lines.iter().map(|l| l.total))
        .ok_or(RenderError::AmountOverflow)?;
    let title = match &summary.claim {
        Some(claim) => format!("报销申请汇总 {}", claim.claim_id),
        None => format!("票据汇总表 {} 张", summary.lines.len()),
    };
    document(&title, |font, handle| {
        summary::pages(font, handle, summary, total)
    })
}
