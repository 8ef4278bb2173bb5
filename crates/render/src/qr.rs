//! QR codes: the verification elements on a printed receipt, drawn as vector
//! squares, and the same squares as SVG for the screen.

use crate::canvas::{Canvas, BLACK};
use qrcode::{Color, EcLevel, QrCode};

/// Modules of white around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// The dark modules of `payload`'s code as horizontal runs `(row, column, length)`,
/// and the code's width in modules.
/// A run of dark modules in a row: `(row, column, length)`.
type Run = (usize, usize, usize);

/// `None` when the payload is too long for any QR code.
fn dark_runs(payload: &str) -> Option<(usize, Vec<Run>)> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for row in 0..width {
        let mut col = 0;
        while col < width {
            if colors[row * width + col] == Color::Dark {
                let start = col;
                while col < width && colors[row * width + col] == Color::Dark {
                    col += 1;
                }
                runs.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    Some((width, runs))
}

/// Draws `payload` as a QR code of `size` millimetres at (`x`, `y`) from the top-left.
pub fn draw(c: &mut Canvas, x: f32, y: f32, size: f32, payload: &str) {
    // The printed payload is made of the receipt's validated identifiers, date and
    // amount: under a hundred characters, far within a QR code's capacity.
    let (width, runs) = dark_runs(payload).expect("the verification elements fit a QR code");
    let module = size / (width + 2 * QUIET_ZONE) as f32;
    let rects: Vec<_> = runs
        .iter()
        .map(|&(row, col, len)| {
            (
                x + (col + QUIET_ZONE) as f32 * module,
                y + (row + QUIET_ZONE) as f32 * module,
                len as f32 * module,
                module,
            )
        })
        .collect();
    c.fill_rects(&rects, BLACK);
}

/// `payload` as a QR code in an SVG document, one unit a module, quiet zone included.
pub fn svg(payload: &str) -> Option<String> {
    let (width, runs) = dark_runs(payload)?;
    let side = width + 2 * QUIET_ZONE;
    let path: String = runs
        .iter()
        .map(|&(row, col, len)| {
            format!("M{} {}h{len}v1h-{len}z", col + QUIET_ZONE, row + QUIET_ZONE)
        })
        .collect();
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}
