//! Tests of the PDFs with real tools: pdftotext, pdffonts, zbarimg, qpdf, pdftoppm.

/// Text, fonts, QR code and structure of single and batch PDFs.
mod pdf;
/// Representative receipts from the reference service's demo data.
mod samples;
