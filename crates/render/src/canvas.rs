//! Drawing on a PDF page in millimetres from the top-left corner, with text measured
//! in the embedded font so that it can be centred, right-aligned and fitted.

use crate::font::Font;
use printpdf::{
    Color, Line, LinePoint, Mm, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt, Rgb,
    TextItem, WindingOrder,
};

pub const BLACK: (f32, f32, f32) = (0.1, 0.1, 0.1);
pub const RED: (f32, f32, f32) = (0.78, 0.08, 0.08);
/// The smallest text that stays legible on an A5 print.
const MIN_TEXT_SIZE: f32 = 5.0;

pub const GREY: (f32, f32, f32) = (0.45, 0.45, 0.45);

fn color((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

fn pt(mm: f32) -> Pt {
    Mm(mm).into()
}

pub struct Canvas<'f> {
    pub ops: Vec<Op>,
    font: &'f Font,
    handle: PdfFontHandle,
    height: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(font: &'f Font, handle: PdfFontHandle, height_mm: f32) -> Canvas<'f> {
        Canvas {
            ops: Vec::new(),
            font,
            handle,
            height: height_mm,
        }
    }

    fn point(&self, x: f32, y: f32) -> Point {
        Point {
            x: pt(x),
            y: pt(self.height - y),
        }
    }

    /// Width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.font.width_em(text) * size * 25.4 / 72.0
    }

    /// Text with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, rgb: (f32, f32, f32), text: &str) {
        if text.is_empty() {
            return;
        }
        let pos = self.point(x, y);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: color(rgb) },
            Op::SetFont {
                font: self.handle.clone(),
                size: Pt(size),
            },
            Op::SetTextCursor { pos },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    pub fn text_right(&mut self, right: f32, y: f32, size: f32, rgb: (f32, f32, f32), text: &str) {
        let w = self.width(text, size);
        self.text(right - w, y, size, rgb, text);
    }

    pub fn text_center(
        &mut self,
        center: f32,
        y: f32,
        size: f32,
        rgb: (f32, f32, f32),
        text: &str,
    ) {
        let w = self.width(text, size);
        self.text(center - w / 2.0, y, size, rgb, text);
    }

    /// Text that must fit `max_width`: the size shrinks down to 5 points, then the
    /// text is cut with an ellipsis. Returns the size used.
    pub fn text_fit(
        &mut self,
        x: f32,
        y: f32,
        max_width: f32,
        size: f32,
        rgb: (f32, f32, f32),
        text: &str,
    ) -> f32 {
        let mut s = size;
        while s > MIN_TEXT_SIZE && self.width(text, s) > max_width {
            s -= 0.25;
        }
        if self.width(text, s) <= max_width {
            self.text(x, y, s, rgb, text);
            return s;
        }
        let mut cut: String = text.to_string();
        while !cut.is_empty() && self.width(&format!("{cut}…"), s) > max_width {
            cut.pop();
        }
        self.text(x, y, s, rgb, &format!("{cut}…"));
        s
    }

    /// Splits `text` into lines no wider than `max_width` at `size`.
    pub fn wrap(&self, text: &str, max_width: f32, size: f32) -> Vec<String> {
        let mut lines = vec![String::new()];
        for c in text.chars() {
            let last = lines.last_mut().expect("one line");
            last.push(c);
            if self.width(last, size) > max_width && last.chars().count() > 1 {
                last.pop();
                lines.push(c.to_string());
            }
        }
        lines
    }

    /// Strokes a polyline through points given in millimetres from the top-left.
    fn stroke(&mut self, points: &[(f32, f32)], closed: bool, width: f32, rgb: (f32, f32, f32)) {
        let points = points
            .iter()
            .map(|(x, y)| LinePoint {
                p: self.point(*x, *y),
                bezier: false,
            })
            .collect();
        self.ops.extend([
            Op::SetOutlineColor { col: color(rgb) },
            Op::SetOutlineThickness { pt: pt(width) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: closed,
                },
            },
        ]);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, rgb: (f32, f32, f32)) {
        self.stroke(&[(x1, y1), (x2, y2)], false, width, rgb);
    }

    pub fn rect_outline(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
        rgb: (f32, f32, f32),
    ) {
        self.stroke(
            &[(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            true,
            width,
            rgb,
        );
    }

    /// Filled rectangles, many at once (the QR code's modules).
    pub fn fill_rects(&mut self, rects: &[(f32, f32, f32, f32)], rgb: (f32, f32, f32)) {
        let rings = rects
            .iter()
            .map(|(x, y, w, h)| PolygonRing {
                points: [(*x, *y), (x + w, *y), (x + w, y + h), (*x, y + h)]
                    .iter()
                    .map(|(a, b)| LinePoint {
                        p: self.point(*a, *b),
                        bezier: false,
                    })
                    .collect(),
            })
            .collect();
        self.ops.extend([
            Op::SetFillColor { col: color(rgb) },
            Op::DrawPolygon {
                polygon: Polygon {
                    rings,
                    mode: PaintMode::Fill,
                    winding_order: WindingOrder::NonZero,
                },
            },
        ]);
    }

    /// An ellipse outline (a seal), drawn as a closed polyline.
    pub fn ellipse(
        &mut self,
        cx: f32,
        cy: f32,
        rx: f32,
        ry: f32,
        width: f32,
        rgb: (f32, f32, f32),
    ) {
        let points: Vec<(f32, f32)> = (0..72)
            .map(|i| {
                let a = i as f32 / 72.0 * std::f32::consts::TAU;
                (cx + rx * a.cos(), cy + ry * a.sin())
            })
            .collect();
        self.stroke(&points, true, width, rgb);
    }
}
