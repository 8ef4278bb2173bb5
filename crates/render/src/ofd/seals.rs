//! The seals stamped on a page: each signature's `StampAnnot` (page and boundary)
//! with the seal's picture from its SES structure (PNG, JPEG, GIF, or an OFD of its
//! own). Signatures without a picture (GB/T 35275 signed data, bare SM2) stamp
//! nothing visible.

use super::document::{load, Rect};
use super::Warnings;
use piaojia_ofd::{folder_of, Package, SesSignature};

pub struct Stamp {
    pub boundary: Rect,
    /// `png`, `jpg`, `ofd`, … lower case, as the seal names it.
    pub picture_type: String,
    pub picture: Vec<u8>,
}

/// The stamps on the page with ID `page_id`, in the order of the signatures.
pub fn stamps_on(package: &Package, page_id: &str, warnings: &mut Warnings) -> Vec<Stamp> {
    let mut out = Vec::new();
    let Some(ofd) = package.get("OFD.xml") else {
        return out;
    };
    let Ok(ofd) = piaojia_ofd::xml::parse("OFD.xml", ofd) else {
        return out;
    };
    let Some(list) = ofd.text_at(&["DocBody", "Signatures"]) else {
        return out;
    };
    let mut quiet = Warnings::default();
    let Some((list_name, list)) = load(package, "", list, &mut quiet) else {
        return out;
    };
    for entry in list.children_named("Signature") {
        let Some(loc) = entry.attribute("BaseLoc") else {
            continue;
        };
        let Some((name, signature)) = load(package, folder_of(&list_name), loc, &mut quiet) else {
            continue;
        };
        let stamps: Vec<Rect> = signature
            .path(&["SignedInfo"])
            .into_iter()
            .flat_map(|info| info.children_named("StampAnnot"))
            .filter(|s| s.attribute("PageRef") == Some(page_id))
            .filter_map(|s| s.attribute("Boundary").and_then(Rect::parse))
            .collect();
        if stamps.is_empty() {
            continue;
        }
        let Some(value) = signature
            .text_at(&["SignedValue"])
            .and_then(|v| package.resolve(folder_of(&name), v))
        else {
            continue;
        };
        let seal = match SesSignature::parse(value.1) {
            Ok(parsed) => parsed.seal,
            // Not an SES structure: no picture to show.
            Err(_) => continue,
        };
        if seal.picture.is_empty() {
            warnings.add("a seal has no picture".into());
            continue;
        }
        for boundary in stamps {
            out.push(Stamp {
                boundary,
                picture_type: seal.picture_type.trim().to_ascii_lowercase(),
                picture: seal.picture.clone(),
            });
        }
    }
    out
}
