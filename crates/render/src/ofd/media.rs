//! Pictures as `data:` URIs for the page's SVG. PNG, JPEG and GIF are passed as
//! they are (the SVG renderer decodes them); JBIG2, the bi-level format of many
//! e-invoices' QR codes, is decoded (hayro-jbig2) and BMP (the image crate) too,
//! each written as PNG. The format is told by the bytes, since producers label it
//! loosely (`GBIG2`, `JB2`, `png`).

/// The most pixels a decoded picture may have (a QR code is a few thousand).
const MAX_PIXELS: u64 = 40_000_000;

pub fn data_uri(_declared: &str, bytes: &[u8]) -> Result<String, String> {
    let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.starts_with(b"\x97JB2\r\n\x1a\n") {
        let png = jbig2_to_png(bytes)?;
        return Ok(format!("data:image/png;base64,{}", super::base64(&png)));
    } else if bytes.starts_with(b"BM") {
        let png = bmp_to_png(bytes)?;
        return Ok(format!("data:image/png;base64,{}", super::base64(&png)));
    } else {
        return Err("a picture of a kind that is not drawn".into());
    };
    Ok(format!("data:{mime};base64,{}", super::base64(bytes)))
}

/// A BMP as a PNG, decoded within the pixel bound (its header is read first).
fn bmp_to_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader =
        image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Bmp);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let picture = reader.decode().map_err(|e| format!("BMP: {e}"))?;
    let (width, height) = (picture.width(), picture.height());
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("BMP picture of {width} × {height} pixels"));
    }
    let mut png = Vec::new();
    picture
        .to_rgba8()
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| format!("PNG: {e}"))?;
    Ok(png)
}

/// Collects a JBIG2 page's pixels, row by row.
struct Pixels {
    width: u32,
    rows: Vec<Vec<bool>>,
}

impl hayro_jbig2::Decoder for Pixels {
    fn push_pixel(&mut self, black: bool) {
        if self.rows.is_empty() {
            self.rows.push(Vec::with_capacity(self.width as usize));
        }
        let row = self.rows.last_mut().expect("a row");
        if row.len() < self.width as usize {
            row.push(black);
        }
    }

    fn push_pixel_chunk(&mut self, black: bool, chunk_count: u32) {
        for _ in 0..chunk_count.saturating_mul(8) {
            self.push_pixel(black);
        }
    }

    fn next_line(&mut self) {
        self.rows.push(Vec::with_capacity(self.width as usize));
    }
}

/// A JBIG2 file's first page as a PNG: black where the bitmap is set, transparent
/// elsewhere (the page's white shows through).
fn jbig2_to_png(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let file = hayro_jbig2::File::new(bytes, &hayro_jbig2::DecodeSettings::default())
        .map_err(|e| format!("JBIG2: {e:?}"))?;
    let page = file.page(0).ok_or("JBIG2: no page")?;
    let (width, height) = (page.width(), page.height());
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("JBIG2 picture of {width} × {height} pixels"));
    }
    let mut pixels = Pixels {
        width,
        rows: Vec::new(),
    };
    page.decode(&mut pixels)
        .map_err(|e| format!("JBIG2: {e:?}"))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(width, height).ok_or("JBIG2: no room for the picture")?;
    let black = tiny_skia::PremultipliedColorU8::from_rgba(0, 0, 0, 255).expect("opaque black");
    let data = pixmap.pixels_mut();
    for (y, row) in pixels.rows.iter().take(height as usize).enumerate() {
        for (x, set) in row.iter().enumerate() {
            if *set {
                data[y * width as usize + x] = black;
            }
        }
    }
    pixmap.encode_png().map_err(|e| format!("PNG: {e}"))
}
