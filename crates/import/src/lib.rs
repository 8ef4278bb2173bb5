//! The files people already hold, read by their content: OFD (with their seals
//! verified offline in levels), PDF with an embedded invoice record, the XML records
//! of fiscal e-receipts (财政电子票据), VAT e-invoices and 数电 documents, and pictures
//! of a QR code. Every kind gives one model of a receipt's elements. No I/O: every
//! function takes the file's bytes.

mod elements;
mod error;
mod pdf_file;
mod picture;
mod qr;
mod read;
#[cfg(feature = "testkit")]
pub mod testkit;
mod xml_invoice;

pub use elements::{Elements, Item, Party, ReceiptKind};
pub use error::{ImportError, Result};
pub use pdf_file::pdf_page_count;
pub use qr::parse_qr;
pub use read::{read_file, FileFormat, ReadFile, MAX_FILE};
pub use xml_invoice::xml_elements;
