//! An imported receipt's original files on screen: one page at a time as a
//! picture (an OFD drawn by Piaojia's renderer, a PDF by hayro, a photo as it is),
//! for the detail view to show beside what was read from them.

use crate::app::App;
use crate::error::{AppError, Result};
use serde::Serialize;

/// Pictures are drawn between these densities (the view zooms within them).
const DPI: std::ops::RangeInclusive<u32> = 36..=300;

/// One page of an original file, ready for an `<img>`.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct OriginalPage {
    /// From 0.
    pub page: u32,
    pub pages: u32,
    pub width: u32,
    pub height: u32,
    /// `data:image/png;base64,…` (or the photo's own type).
    pub data_uri: String,
    /// How many parts of the page could not be drawn (a font, a picture).
    pub left_out: u32,
}

fn data_uri(mime: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

impl App {
    /// Page `page` (from 0) of the original file `original_id` at `dpi`.
    pub async fn original_page(
        &self,
        original_id: i64,
        page: u32,
        dpi: u32,
    ) -> Result<OriginalPage> {
        let bytes = self
            .wallet()
            .await?
            .imports()
            .original_bytes(original_id)
            .await?;
        let dpi = dpi.clamp(*DPI.start(), *DPI.end());
        let index = page as usize;
        tokio::task::spawn_blocking(move || draw(&bytes, index, dpi))
            .await
            .map_err(|e| AppError::Invalid(format!("drawing failed: {e}")))?
    }
}

fn draw(bytes: &[u8], page: usize, dpi: u32) -> Result<OriginalPage> {
    if bytes.starts_with(b"PK") {
        let drawn = piaojia_render::ofd::page_png(bytes, page, dpi)?;
        return Ok(OriginalPage {
            page: page as u32,
            pages: piaojia_render::ofd::page_count(bytes)? as u32,
            width: drawn.width,
            height: drawn.height,
            data_uri: data_uri("image/png", &drawn.bytes),
            left_out: drawn.warnings.len() as u32,
        });
    }
    if bytes.starts_with(b"%PDF") {
        let drawn = piaojia_render::pdf_page_png(bytes, page, dpi)?;
        return Ok(OriginalPage {
            page: page as u32,
            pages: drawn.pages as u32,
            width: drawn.width,
            height: drawn.height,
            data_uri: data_uri("image/png", &drawn.bytes),
            left_out: 0,
        });
    }
    let mime = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else {
        return Err(AppError::Invalid(
            "this file is not a document or a picture to show (an XML record)".into(),
        ));
    };
    Ok(OriginalPage {
        page: 0,
        pages: 1,
        width: 0,
        height: 0,
        data_uri: data_uri(mime, bytes),
        left_out: 0,
    })
}
