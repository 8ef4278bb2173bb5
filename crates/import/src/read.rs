//! A file's bytes to what it holds: its format told by its content (never its name),
//! its receipt's elements, and for OFD files the verification of its seals.

use crate::elements::Elements;
use crate::error::{ImportError, Result};
use crate::pdf_file::pdf_elements;
use crate::picture::picture_elements;
use crate::xml_invoice::{from_ofd, record_elements, xml_elements};
use piaojia_ofd::{Package, TrustStore, Verification};
use serde::{Deserialize, Serialize};

/// Files above this are refused unread (a receipt file is a few hundred KiB).
pub const MAX_FILE: u64 = 50 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Ofd,
    Pdf,
    Xml,
    Png,
    Jpeg,
}

impl FileFormat {
    pub const ALL: [FileFormat; 5] = [
        FileFormat::Ofd,
        FileFormat::Pdf,
        FileFormat::Xml,
        FileFormat::Png,
        FileFormat::Jpeg,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Ofd => "ofd",
            FileFormat::Pdf => "pdf",
            FileFormat::Xml => "xml",
            FileFormat::Png => "png",
            FileFormat::Jpeg => "jpeg",
        }
    }

    pub fn parse(text: &str) -> Option<FileFormat> {
        FileFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }

    /// The file name extension of a saved copy.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "jpg",
            other => other.as_str(),
        }
    }

    /// Tells the format by the first bytes.
    pub fn detect(bytes: &[u8]) -> Result<FileFormat> {
        let text_start = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(bytes)
            .trim_ascii_start();
        Ok(if bytes.is_empty() {
            return Err(ImportError::Empty);
        } else if bytes.starts_with(b"PK\x03\x04") {
            FileFormat::Ofd
        } else if bytes.starts_with(b"%PDF-") {
            FileFormat::Pdf
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            FileFormat::Png
        } else if bytes.starts_with(b"\xFF\xD8\xFF") {
            FileFormat::Jpeg
        } else if text_start.starts_with(b"<") {
            FileFormat::Xml
        } else {
            return Err(ImportError::UnknownFormat);
        })
    }
}

/// What one file holds.
#[derive(Debug, Clone)]
pub struct ReadFile {
    pub format: FileFormat,
    pub elements: Elements,
    /// The seals of an OFD file, verified offline in levels.
    pub seals: Option<Verification>,
}

/// Reads a file's bytes. `trust` is the roots the person trusts for seals.
pub fn read_file(bytes: &[u8], trust: &TrustStore) -> Result<ReadFile> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_FILE,
        });
    }
    let format = FileFormat::detect(bytes)?;
    let (elements, seals) = match format {
        FileFormat::Ofd => {
            let (elements, seals) = ofd_file(bytes, trust)?;
            (elements, Some(seals))
        }
        FileFormat::Pdf => (pdf_elements(bytes)?, None),
        FileFormat::Xml => (xml_elements("XML file", bytes)?, None),
        FileFormat::Png | FileFormat::Jpeg => (picture_elements(bytes)?, None),
    };
    Ok(ReadFile {
        format,
        elements,
        seals,
    })
}

fn ofd_file(bytes: &[u8], trust: &TrustStore) -> Result<(Elements, Verification)> {
    let package = Package::read(bytes)?;
    // An attached record of a kind the OFD crate does not read itself (a fiscal
    // receipt's or a 数电 document's EInvoice) comes first.
    let attached = package
        .names()
        .filter(|n| n.starts_with("Doc_0/Attachs/") && n.to_ascii_lowercase().ends_with(".xml"))
        .filter_map(|name| piaojia_ofd::xml::parse(name, package.get(name)?).ok())
        .filter(|root| root.name == "EInvoice")
        .find_map(|root| record_elements(&root));
    let elements = match attached {
        Some(elements) => elements?,
        None => match piaojia_ofd::invoice_elements(&package) {
            Some(invoice) => from_ofd(&invoice)?,
            None => return Err(ImportError::NoReceiptData("OFD file")),
        },
    };
    let seals = piaojia_ofd::verify(&package, trust)?;
    Ok((elements, seals))
}
