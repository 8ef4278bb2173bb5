//! The QR code with the verification elements, drawn as vector squares.

use crate::canvas::{Canvas, BLACK};
use qrcode::{Color, EcLevel, QrCode};

/// Draws `payload` as a QR code of `size` millimetres at (`x`, `y`) from the top-left.
pub fn draw(c: &mut Canvas, x: f32, y: f32, size: f32, payload: &str) {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .expect("the payload fits a QR code");
    let width = code.width();
    // A quiet zone of four modules around the code.
    let module = size / (width + 8) as f32;
    let colors = code.to_colors();
    let mut rects = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == Color::Dark {
                    col += 1;
                }
                rects.push((
                    x + (start + 4) as f32 * module,
                    y + (row + 4) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                ));
            } else {
                col += 1;
            }
        }
    }
    c.fill_rects(&rects, BLACK);
}
