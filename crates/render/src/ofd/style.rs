//! Colours and drawing parameters as OFD gives them (on the object, or through a
//! `DrawParam` and its `Relative` parents), in the page's or the document's
//! resources.

use super::document::{ColorSpace, Resources};
use piaojia_ofd::xml::Element;

/// A colour element (`FillColor`, `StrokeColor`) as CSS, with its opacity.
pub(super) fn color(element: &Element, res: &Res<'_>) -> Option<(String, f64)> {
    let values: Vec<f64> = element
        .attribute("Value")?
        .split_whitespace()
        .map(|t| match t.strip_prefix('#') {
            Some(hex) => u8::from_str_radix(hex, 16).ok().map(f64::from),
            None => t.parse::<f64>().ok().filter(|v| v.is_finite()),
        })
        .collect::<Option<Vec<f64>>>()?;
    let space = element
        .attribute("ColorSpace")
        .and_then(|id| res.color_space(id))
        .unwrap_or(match values.len() {
            1 => ColorSpace::Gray,
            4 => ColorSpace::Cmyk,
            _ => ColorSpace::Rgb,
        });
    let c = |v: f64| v.clamp(0.0, 255.0).round() as u8;
    let (r, g, b) = match (space, values.as_slice()) {
        (ColorSpace::Gray, [v, ..]) => (c(*v), c(*v), c(*v)),
        (ColorSpace::Rgb, [r, g, b, ..]) => (c(*r), c(*g), c(*b)),
        (ColorSpace::Cmyk, [cy, m, y, k, ..]) => {
            let k = 1.0 - k / 255.0;
            (
                c(255.0 * (1.0 - cy / 255.0) * k),
                c(255.0 * (1.0 - m / 255.0) * k),
                c(255.0 * (1.0 - y / 255.0) * k),
            )
        }
        _ => return None,
    };
    let alpha = element
        .attribute("Alpha")
        .and_then(|a| a.parse::<f64>().ok())
        .map_or(1.0, |a| (a / 255.0).clamp(0.0, 1.0));
    Some((format!("#{r:02x}{g:02x}{b:02x}"), alpha))
}

/// The page's resources over the document's.
pub(super) struct Res<'a> {
    pub(super) page: &'a Resources,
    pub(super) doc: &'a Resources,
}

impl Res<'_> {
    fn color_space(&self, id: &str) -> Option<ColorSpace> {
        self.page
            .color_spaces
            .get(id)
            .or_else(|| self.doc.color_spaces.get(id))
            .copied()
    }

    fn draw_param(&self, id: &str) -> Option<&Element> {
        self.page
            .draw_params
            .get(id)
            .or_else(|| self.doc.draw_params.get(id))
    }

    /// An attribute or child of a drawing parameter, following `Relative` parents.
    pub(super) fn param<'e>(
        &'e self,
        id: Option<&str>,
        pick: impl Fn(&'e Element) -> Option<&'e str>,
    ) -> Option<&'e str> {
        let mut id = id?;
        for _ in 0..8 {
            let param = self.draw_param(id)?;
            if let Some(value) = pick(param) {
                return Some(value);
            }
            id = param.attribute("Relative")?;
        }
        None
    }

    pub(super) fn param_color(&self, id: Option<&str>, name: &str) -> Option<(String, f64)> {
        let mut id = id?;
        for _ in 0..8 {
            let param = self.draw_param(id)?;
            if let Some(element) = param.child(name) {
                return color(element, self);
            }
            id = param.attribute("Relative")?;
        }
        None
    }
}
