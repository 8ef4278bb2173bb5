use piaojia_ofd::OfdError;
use thiserror::Error;

pub type Result<T> = std::result::Result<T, ImportError>;

/// Why a file was not taken. Each is a refusal of that file alone: nothing of it is
/// kept, and an import of several files goes on with the next.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ImportError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is too large ({size} bytes; at most {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a receipt file Piaojia knows (OFD, PDF, XML, PNG or JPEG)")]
    UnknownFormat,
    #[error("{0}")]
    Ofd(#[from] OfdError),
    #[error("the PDF cannot be read: {0}")]
    Pdf(String),
    #[error("the picture cannot be read: {0}")]
    Picture(String),
    #[error("{0}")]
    Xml(String),
    /// A well-formed file that names no receipt or invoice.
    #[error("no e-receipt or e-invoice data in this {0}")]
    NoReceiptData(&'static str),
    #[error("no readable QR code in the picture")]
    NoQrCode,
    #[error("the QR code is not one of a receipt or an invoice")]
    UnknownQrCode,
    /// The file names a receipt but an element is missing or malformed.
    #[error("the receipt's {field} is missing or malformed")]
    BadElement { field: &'static str },
}

impl ImportError {
    /// A stable code for the UI's table of words.
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::Empty => "empty_file",
            ImportError::TooLarge { .. } => "file_too_large",
            ImportError::UnknownFormat => "unknown_format",
            ImportError::Ofd(e) => e.code(),
            ImportError::Pdf(_) => "pdf_unreadable",
            ImportError::Picture(_) => "picture_unreadable",
            ImportError::Xml(_) => "xml_malformed",
            ImportError::NoReceiptData(_) => "no_receipt_data",
            ImportError::NoQrCode => "no_qr_code",
            ImportError::UnknownQrCode => "unknown_qr_code",
            ImportError::BadElement { .. } => "bad_element",
        }
    }
}
