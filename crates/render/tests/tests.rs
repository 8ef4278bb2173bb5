//! Tests of the PDFs with real tools: pdftotext, pdffonts, zbarimg, qpdf, pdftoppm.

/// Every corpus OFD page compared with an independent renderer's (SSIM).
mod fidelity;
/// OFD originals drawn: the corpus and hostile files.
mod ofd;
/// Text, fonts, QR code and structure of single and batch PDFs.
mod pdf;
/// A real cupsd with a CUPS-PDF queue (started by the test command).
mod printing;
/// The QR code for the screen (SVG) decodes to its payload.
mod qr;
/// Representative receipts from the reference service's demo data.
mod samples;
/// Reimbursement sheets: two or four pages to an A4 sheet, with cut lines.
mod sheets;
