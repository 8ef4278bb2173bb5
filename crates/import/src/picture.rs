//! Pictures (a photo or scan of a printed receipt): only the QR code is read, within
//! limits on the picture's size.

use crate::elements::Elements;
use crate::error::{ImportError, Result};
use crate::qr::parse_qr;
use std::io::Cursor;

/// Larger pictures are refused before decoding: 12,000 × 12,000 pixels and 512 MiB.
const MAX_SIDE: u32 = 12_000;
const MAX_ALLOC: u64 = 512 << 20;

pub fn picture_elements(bytes: &[u8]) -> Result<Elements> {
    qr_elements(decode(bytes)?.to_luma8())
}

/// A picture decoded within the limits.
pub(crate) fn decode(bytes: &[u8]) -> Result<image::DynamicImage> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ImportError::Picture(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    reader
        .decode()
        .map_err(|e| ImportError::Picture(e.to_string()))
}

/// The receipt named by the first QR code of a picture that names one.
pub(crate) fn qr_elements(picture: image::GrayImage) -> Result<Elements> {
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    let mut unknown = false;
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            match parse_qr(&text) {
                Ok(elements) => return Ok(elements),
                Err(_) => unknown = true,
            }
        }
    }
    Err(if unknown {
        ImportError::UnknownQrCode
    } else {
        ImportError::NoQrCode
    })
}
