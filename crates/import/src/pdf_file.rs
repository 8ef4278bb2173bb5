//! PDF e-invoices: the XML record embedded in the file (the document's
//! `EmbeddedFiles` and pages' file-attachment annotations), else the QR code the page
//! draws as an image (a reference entry, as from a photo), read with lopdf within
//! bounds. The text layer is not read: a PDF with neither is refused with that reason.

use crate::elements::Elements;
use crate::error::{ImportError, Result};
use crate::picture::qr_elements;
use crate::xml_invoice::record_elements;
use image::GrayImage;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

/// Any single stream of a PDF inflates to at most this.
const MAX_STREAM: usize = 16 << 20;
/// Name trees deeper than this are hostile.
const MAX_DEPTH: usize = 16;
/// Embedded files looked at, at most.
const MAX_FILES: usize = 64;

pub fn pdf_elements(bytes: &[u8]) -> Result<Elements> {
    // lopdf indexes into what a file says in places; a panic on a hostile file is
    // that file's refusal, not the end of an import.
    std::panic::catch_unwind(|| read_pdf(bytes)).unwrap_or_else(|_| {
        Err(ImportError::Pdf(
            "the PDF reader failed on this file".into(),
        ))
    })
}

/// How many pages a PDF has: a PDF original is printed as it is, and this both
/// counts its sheets and checks that it is a PDF a printer can take.
pub fn pdf_page_count(bytes: &[u8]) -> Result<usize> {
    std::panic::catch_unwind(|| {
        Document::load_mem_with_options(bytes, LoadOptions::with_max_decompressed_size(MAX_STREAM))
            .map(|document| document.get_pages().len())
            .map_err(|e| ImportError::Pdf(e.to_string()))
    })
    .unwrap_or_else(|_| {
        Err(ImportError::Pdf(
            "the PDF reader failed on this file".into(),
        ))
    })
}

fn read_pdf(bytes: &[u8]) -> Result<Elements> {
    let document =
        Document::load_mem_with_options(bytes, LoadOptions::with_max_decompressed_size(MAX_STREAM))
            .map_err(|e| ImportError::Pdf(e.to_string()))?;
    let mut files = Vec::new();
    if let Ok(names) = document
        .catalog()
        .and_then(|c| c.get_deref(b"Names", &document))
    {
        if let Ok(tree) = names
            .as_dict()
            .and_then(|n| n.get_deref(b"EmbeddedFiles", &document))
        {
            name_tree(&document, tree, 0, &mut files);
        }
    }
    for page in document.get_pages().into_values() {
        let Ok(annotations) = document
            .get_dictionary(page)
            .and_then(|p| p.get_deref(b"Annots", &document))
            .and_then(Object::as_array)
        else {
            continue;
        };
        for annotation in annotations {
            let Ok((_, Object::Dictionary(annotation))) = document.dereference(annotation) else {
                continue;
            };
            if annotation.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"FileAttachment")
            {
                if let Ok(spec) = annotation.get_deref(b"FS", &document) {
                    files.push(spec.clone());
                }
            }
        }
    }
    let mut broken = None;
    for spec in files.iter().take(MAX_FILES) {
        let Some(content) = embedded_content(&document, spec) else {
            continue;
        };
        let Ok(root) = piaojia_ofd::xml::parse("embedded file", &content) else {
            continue;
        };
        match record_elements(&root) {
            Some(Ok(elements)) => return Ok(elements),
            Some(Err(e)) => broken = Some(e),
            None => {}
        }
    }
    if let Some(broken) = broken {
        return Err(broken);
    }
    page_qr(&document).unwrap_or(Err(ImportError::NoReceiptData(
        "PDF (no embedded invoice record, no QR code drawn as an image; its text is not read)",
    )))
}
/// Pages and images a PDF is searched for its QR code, at most.
const MAX_PAGES: usize = 8;
const MAX_IMAGES: usize = 32;
/// Larger images are no QR code of an invoice.
const MAX_IMAGE_SIDE: i64 = 4_000;

/// The QR code an e-invoice PDF draws on its page as an image: `None` when there is
/// none, an error when there is one of no receipt.
fn page_qr(document: &Document) -> Option<Result<Elements>> {
    let mut unknown = None;
    for page in document.get_pages().into_values().take(MAX_PAGES) {
        for picture in page_images(document, page).into_iter().take(MAX_IMAGES) {
            match qr_elements(picture) {
                Ok(elements) => return Some(Ok(elements)),
                Err(ImportError::UnknownQrCode) => unknown = Some(Err(ImportError::UnknownQrCode)),
                Err(_) => {}
            }
        }
    }
    unknown
}

/// The images a page draws (its own and inherited resources), as grey pictures.
fn page_images(document: &Document, page: ObjectId) -> Vec<GrayImage> {
    let Ok((own, inherited)) = document.get_page_resources(page) else {
        return Vec::new();
    };
    let resources = own.into_iter().chain(
        inherited
            .into_iter()
            .filter_map(|id| document.get_dictionary(id).ok()),
    );
    let mut pictures = Vec::new();
    for resources in resources {
        let Ok(xobjects) = resources
            .get_deref(b"XObject", document)
            .and_then(Object::as_dict)
        else {
            continue;
        };
        for (_, xobject) in xobjects.iter() {
            let Ok((_, Object::Stream(stream))) = document.dereference(xobject) else {
                continue;
            };
            if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Image") {
                continue;
            }
            if let Some(picture) = grey_picture(stream) {
                pictures.push(picture);
            }
        }
    }
    pictures
}

/// An image stream as a grey picture: JPEG (DCTDecode) decoded as such; raw or
/// Flate-compressed samples of 8 bits (grey, RGB, CMYK) or 1 bit (grey).
fn grey_picture(stream: &lopdf::Stream) -> Option<GrayImage> {
    let dict = &stream.dict;
    let number = |key: &[u8]| dict.get(key).and_then(Object::as_i64).ok();
    let (width, height) = (number(b"Width")?, number(b"Height")?);
    if !(1..=MAX_IMAGE_SIDE).contains(&width) || !(1..=MAX_IMAGE_SIDE).contains(&height) {
        return None;
    }
    let (width, height) = (width as u32, height as u32);
    let filters: Vec<&[u8]> = match dict.get(b"Filter") {
        Ok(Object::Name(name)) => vec![name.as_slice()],
        Ok(Object::Array(names)) => names.iter().filter_map(|n| n.as_name().ok()).collect(),
        _ => Vec::new(),
    };
    if filters.last() == Some(&b"DCTDecode".as_slice()) && filters.len() == 1 {
        return crate::picture::decode(&stream.content)
            .ok()
            .map(|p| p.to_luma8());
    }
    let samples = stream.get_plain_content_with_limit(MAX_STREAM).ok()?;
    let components = match dict.get(b"ColorSpace") {
        Ok(Object::Name(name)) => match name.as_slice() {
            b"DeviceGray" => 1,
            b"DeviceRGB" => 3,
            b"DeviceCMYK" => 4,
            _ => return None,
        },
        Err(_) => 1,
        _ => return None,
    };
    match number(b"BitsPerComponent").unwrap_or(8) {
        8 => {
            let row = width as usize * components;
            if samples.len() < row * height as usize {
                return None;
            }
            Some(GrayImage::from_fn(width, height, |x, y| {
                let at = y as usize * row + x as usize * components;
                let pixel = &samples[at..at + components];
                let grey = match components {
                    1 => pixel[0],
                    3 => {
                        ((u16::from(pixel[0]) + u16::from(pixel[1]) + u16::from(pixel[2])) / 3)
                            as u8
                    }
                    _ => {
                        255 - pixel[..3]
                            .iter()
                            .map(|&c| c.max(pixel[3]))
                            .max()
                            .unwrap_or(0)
                    }
                };
                image::Luma([grey])
            }))
        }
        1 if components == 1 => {
            let row = (width as usize).div_ceil(8);
            if samples.len() < row * height as usize {
                return None;
            }
            Some(GrayImage::from_fn(width, height, |x, y| {
                let byte = samples[y as usize * row + x as usize / 8];
                let white = byte & (0x80 >> (x % 8)) != 0;
                image::Luma([if white { 255 } else { 0 }])
            }))
        }
        _ => None,
    }
}

/// The file specifications of an `EmbeddedFiles` name tree.
fn name_tree(document: &Document, node: &Object, depth: usize, out: &mut Vec<Object>) {
    let Ok(node) = node.as_dict() else { return };
    if depth > MAX_DEPTH || out.len() >= MAX_FILES {
        return;
    }
    if let Ok(names) = node
        .get_deref(b"Names", document)
        .and_then(Object::as_array)
    {
        for pair in names.chunks(2) {
            if let [_, spec] = pair {
                if let Ok((_, spec)) = document.dereference(spec) {
                    out.push(spec.clone());
                }
            }
        }
    }
    if let Ok(kids) = node.get_deref(b"Kids", document).and_then(Object::as_array) {
        for kid in kids {
            if let Ok((_, kid)) = document.dereference(kid) {
                name_tree(document, kid, depth + 1, out);
            }
        }
    }
}

/// The bytes of a file specification's embedded file, inflated within the bound.
fn embedded_content(document: &Document, spec: &Object) -> Option<Vec<u8>> {
    let spec: &Dictionary = spec.as_dict().ok()?;
    let embedded = spec.get_deref(b"EF", document).ok()?.as_dict().ok()?;
    let stream = embedded
        .get_deref(b"UF", document)
        .or_else(|_| embedded.get_deref(b"F", document))
        .ok()?
        .as_stream()
        .ok()?;
    stream.get_plain_content_with_limit(MAX_STREAM).ok()
}
