//! PDF e-invoices: the XML record embedded in the file (the document's
//! `EmbeddedFiles` and pages' file-attachment annotations), read with lopdf within
//! bounds. Reading the text layer and the QR code drawn on the page is not done yet:
//! a PDF without an embedded record is refused with that reason.

use crate::elements::Elements;
use crate::error::{ImportError, Result};
use crate::xml_invoice::record_elements;
use lopdf::{Dictionary, Document, LoadOptions, Object};

/// Any single stream of a PDF inflates to at most this.
const MAX_STREAM: usize = 16 << 20;
/// Name trees deeper than this are hostile.
const MAX_DEPTH: usize = 16;
/// Embedded files looked at, at most.
const MAX_FILES: usize = 64;

pub fn pdf_elements(bytes: &[u8]) -> Result<Elements> {
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
    Err(broken.unwrap_or(ImportError::NoReceiptData(
        "PDF (no embedded invoice data; reading the page's text and QR code is not supported yet)",
    )))
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
