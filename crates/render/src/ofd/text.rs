//! Text objects: each `TextCode` as an SVG `<text>` with every character at the
//! position OFD gives (`X`/`Y` and the `DeltaX`/`DeltaY` runs), in the object's
//! font, size and colours; each glyph turned by `CharDirection`, and without
//! deltas, the characters set one after another in the `ReadDirection`.

use super::draw::{Painter, MAX_CHARS};
use super::path::fmt;
use super::style::color;
use crate::RenderError;
use piaojia_ofd::xml::Element;
use std::fmt::Write;

/// Text as XML character data (and attribute values).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// `DeltaX`/`DeltaY` values with OFD's `g count value` repetition expanded, at
/// most `limit` of them.
fn deltas(text: &str, limit: usize) -> Vec<f64> {
    let mut out = Vec::new();
    let mut tokens = text.split_whitespace();
    while let Some(token) = tokens.next() {
        if out.len() >= limit {
            break;
        }
        if token == "g" {
            let count = tokens.next().and_then(|t| t.parse::<usize>().ok());
            let value = tokens.next().and_then(|t| t.parse::<f64>().ok());
            match (count, value) {
                (Some(count), Some(value)) if value.is_finite() => {
                    out.extend(std::iter::repeat_n(value, count.min(limit - out.len())))
                }
                _ => break,
            }
        } else {
            match token.parse::<f64>() {
                Ok(value) if value.is_finite() => out.push(value),
                _ => break,
            }
        }
    }
    out
}

/// A direction attribute (`CharDirection`, `ReadDirection`): 0, 90, 180 or 270
/// degrees; anything else is 0, OFD's default.
fn direction(object: &Element, name: &str) -> u32 {
    match object.attribute(name).map(str::trim) {
        Some("90") => 90,
        Some("180") => 180,
        Some("270") => 270,
        _ => 0,
    }
}

impl Painter<'_, '_> {
    pub(super) fn text(
        &mut self,
        object: &Element,
        param: Option<&str>,
    ) -> Result<(), RenderError> {
        let res = self.res();
        let size = object
            .attribute("Size")
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0 && *s < 1000.0)
            .unwrap_or(3.5);
        let font = object.attribute("Font").and_then(|id| {
            self.page_res
                .fonts
                .get(id)
                .or_else(|| self.doc.resources.fonts.get(id))
        });
        let family = self
            .fonts
            .family(object.attribute("Font").unwrap_or_default(), font);
        let fill = object.attribute("Fill") != Some("false");
        let (fill_color, fill_alpha) = object
            .child("FillColor")
            .and_then(|c| color(c, &res))
            .or_else(|| res.param_color(param, "FillColor"))
            .unwrap_or(("#000000".into(), 1.0));
        let bold = font.is_some_and(|f| f.bold)
            || object
                .attribute("Weight")
                .and_then(|w| w.parse::<u32>().ok())
                .is_some_and(|w| w >= 600);
        let italic = font.is_some_and(|f| f.italic) || object.attribute("Italic") == Some("true");
        let mut head = format!(
            r#"<g font-family="{}" font-size="{}" fill="{}""#,
            escape(&family),
            fmt(size),
            if fill { fill_color.as_str() } else { "none" }
        );
        if fill_alpha < 1.0 {
            let _ = write!(head, r#" fill-opacity="{}""#, fmt(fill_alpha));
        }
        if object.attribute("Stroke") == Some("true") {
            let stroke = object
                .child("StrokeColor")
                .and_then(|c| color(c, &res))
                .map_or("#000000".to_string(), |c| c.0);
            let _ = write!(
                head,
                r#" stroke="{stroke}" stroke-width="{}""#,
                fmt(size / 40.0)
            );
        }
        if bold {
            head.push_str(r#" font-weight="bold""#);
        }
        if italic {
            head.push_str(r#" font-style="italic""#);
        }
        // HScale narrows the glyphs, not their places: the group is scaled, and
        // the x positions inside it are divided by the same factor.
        let hscale = object
            .attribute("HScale")
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.01 && (*s - 1.0).abs() > 1e-6)
            .unwrap_or(1.0);
        if hscale != 1.0 {
            let _ = write!(head, r#" transform="scale({} 1)""#, fmt(hscale));
        }
        head.push('>');
        // SVG turns each glyph about its own origin, clockwise, as OFD does.
        let turn = match direction(object, "CharDirection") {
            0 => String::new(),
            degrees => format!(r#" rotate="{degrees}""#),
        };
        let read = direction(object, "ReadDirection");
        let mut body = String::new();
        let mut at = (0.0, 0.0);
        for code in object.children_named("TextCode") {
            let text: Vec<char> = code
                .text
                .chars()
                .filter(|c| *c != '\n' && *c != '\r')
                .collect();
            if text.is_empty() {
                continue;
            }
            self.chars += text.len();
            if self.chars > MAX_CHARS {
                return Err(RenderError::OfdTooManyObjects(MAX_CHARS));
            }
            let x = code
                .attribute("X")
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(at.0);
            let y = code
                .attribute("Y")
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(at.1);
            let dx = code
                .attribute("DeltaX")
                .map(|d| deltas(d, text.len() - 1))
                .unwrap_or_default();
            let dy = code
                .attribute("DeltaY")
                .map(|d| deltas(d, text.len() - 1))
                .unwrap_or_default();
            let mut xs = vec![x];
            let mut ys = vec![y];
            for (i, step) in dx.iter().enumerate() {
                xs.push(xs[i] + step);
            }
            if dx.is_empty() && dy.is_empty() && read != 0 {
                // No positions given: a character's size apart in the reading
                // direction (CJK characters are as wide as they are high).
                let (sx, sy) = match read {
                    90 => (0.0, size),
                    180 => (-size, 0.0),
                    _ => (0.0, -size),
                };
                for i in 1..text.len() {
                    xs.push(x + sx * i as f64);
                    ys.push(y + sy * i as f64);
                }
            }
            if !dy.is_empty() {
                for i in 0..text.len() - 1 {
                    let previous = ys[i];
                    ys.push(previous + dy.get(i).copied().unwrap_or(0.0));
                }
                while xs.len() < ys.len() {
                    // Vertical runs without DeltaX keep their column.
                    let last = *xs.last().expect("one x at least");
                    xs.push(last);
                }
            }
            at = (*xs.last().expect("one x"), *ys.last().expect("one y"));
            let list =
                |values: &[f64]| values.iter().map(|v| fmt(*v)).collect::<Vec<_>>().join(" ");
            let xs: Vec<f64> = xs.iter().map(|x| x / hscale).collect();
            let content: String = text.iter().collect();
            let _ = write!(
                body,
                r#"<text xml:space="preserve" x="{}" y="{}"{turn}>{}</text>"#,
                list(&xs),
                list(&ys),
                escape(&content)
            );
        }
        if !body.is_empty() {
            self.out.push_str(&head);
            self.out.push_str(&body);
            self.out.push_str("</g>");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_expand_repetitions_within_a_limit() {
        assert_eq!(
            deltas("g 3 1.5 2 g 2 0.5", 100),
            vec![1.5, 1.5, 1.5, 2.0, 0.5, 0.5]
        );
        assert_eq!(deltas("g 1000000000 1", 4), vec![1.0; 4]);
        assert_eq!(deltas("1 x 2", 10), vec![1.0]);
        assert_eq!(deltas("g 2", 10), Vec::<f64>::new());
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
