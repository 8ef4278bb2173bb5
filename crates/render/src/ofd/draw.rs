//! One OFD page drawn as an SVG document: the templates under it, its layers in
//! order, the templates over it, its annotations, then the seals stamped on it.
//! Coordinates stay in millimetres (the SVG's viewBox); the SVG's size is in
//! points, so that a PDF page gets the page's real size. Objects, nesting and text
//! are bounded per page; what cannot be drawn is left out with a warning.

use super::document::{numbers, Document, Rect, Resources};
use super::fonts::FontBook;
use super::path::{fmt, to_svg};
use super::style::{color, Res};
use super::{media, seals, Warnings};
use crate::RenderError;
use piaojia_ofd::xml::Element;
use std::fmt::Write;

/// The most objects one page may have (a one-page invoice has a few hundred).
pub const MAX_OBJECTS: usize = 100_000;
/// The most characters of text one page may have.
pub(super) const MAX_CHARS: usize = 1_000_000;
/// How deep page blocks and composite objects may nest.
const MAX_NESTING: usize = 16;
/// The largest page side, in millimetres (an A0 sheet is 1189 mm).
const MAX_SIDE_MM: f64 = 5000.0;
/// Millimetres to points.
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// A page as SVG, and its size.
pub struct PageSvg {
    pub svg: String,
    pub width_mm: f64,
    pub height_mm: f64,
}

pub(super) struct Painter<'a, 'p> {
    pub(super) doc: &'a Document<'p>,
    pub(super) page_res: Resources,
    pub(super) fonts: &'a FontBook,
    pub(super) out: String,
    pub(super) objects: usize,
    pub(super) chars: usize,
    pub(super) clip_ids: usize,
    pub(super) warnings: &'a mut Warnings,
}

/// Draws page `index` (from 0) of `doc`. `seal_depth` counts seals drawn inside
/// seals (an OFD seal picture is itself drawn by this function).
pub fn page(
    doc: &Document<'_>,
    index: usize,
    fonts: &FontBook,
    warnings: &mut Warnings,
    seal_depth: usize,
) -> Result<PageSvg, RenderError> {
    let page_ref = doc
        .pages
        .get(index)
        .ok_or(RenderError::OfdNoSuchPage(index + 1))?;
    let content = super::document::load(doc.package, "", &page_ref.file, warnings)
        .map(|(_, element)| element)
        .unwrap_or_default();
    let area = match content
        .text_at(&["Area", "PhysicalBox"])
        .and_then(Rect::parse)
        .or(doc.default_area)
    {
        Some(area) => area,
        None => {
            warnings.add("the page's size does not read: drawn on A4".into());
            Rect {
                x: 0.0,
                y: 0.0,
                w: 210.0,
                h: 297.0,
            }
        }
    };
    if !(area.w > 0.0 && area.h > 0.0 && area.w <= MAX_SIDE_MM && area.h <= MAX_SIDE_MM) {
        return Err(RenderError::OfdPageTooLarge(format!(
            "{} × {} mm",
            area.w, area.h
        )));
    }
    let mut painter = Painter {
        doc,
        page_res: Resources::default(),
        fonts,
        out: String::new(),
        objects: 0,
        chars: 0,
        clip_ids: 0,
        warnings,
    };
    let folder = piaojia_ofd::folder_of(&page_ref.file).to_string();
    for res in content.children_named("PageRes") {
        if let Some((name, element)) =
            super::document::load(doc.package, &folder, &res.text, painter.warnings)
        {
            painter
                .page_res
                .add(doc.package, &name, &element, painter.warnings);
        }
    }
    let _ = write!(
        painter.out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{}" height="{}" viewBox="{} {} {} {}"><rect x="{}" y="{}" width="{}" height="{}" fill="white"/>"#,
        fmt(area.w * PT_PER_MM),
        fmt(area.h * PT_PER_MM),
        fmt(area.x),
        fmt(area.y),
        fmt(area.w),
        fmt(area.h),
        fmt(area.x),
        fmt(area.y),
        fmt(area.w),
        fmt(area.h),
    );
    let templates: Vec<(&str, bool)> = content
        .children_named("Template")
        .filter_map(|t| {
            let id = t.attribute("TemplateID")?;
            let over = t.attribute("ZOrder") == Some("Foreground");
            Some((id, over))
        })
        .collect();
    for over in [false, true] {
        if over {
            if let Some(body) = content.child("Content") {
                painter.layers(body)?;
            }
        }
        for (id, _) in templates.iter().filter(|(_, o)| *o == over) {
            match doc.templates.get(*id) {
                Some(file) => {
                    if let Some((_, template)) =
                        super::document::load(doc.package, "", file, painter.warnings)
                    {
                        if let Some(body) = template.child("Content") {
                            painter.layers(body)?;
                        }
                    }
                }
                None => painter
                    .warnings
                    .add(format!("template {id} is not in the document")),
            }
        }
    }
    for file in doc.annotations.get(&page_ref.id).into_iter().flatten() {
        if let Some((_, annots)) = super::document::load(doc.package, "", file, painter.warnings) {
            for annot in annots.children_named("Annot") {
                if annot.attribute("Visible") == Some("false") {
                    continue;
                }
                if let Some(appearance) = annot.child("Appearance") {
                    let boundary = appearance.attribute("Boundary").and_then(Rect::parse);
                    let (x, y) = boundary.map_or((0.0, 0.0), |b| (b.x, b.y));
                    let _ = write!(
                        painter.out,
                        r#"<g transform="translate({} {})">"#,
                        fmt(x),
                        fmt(y)
                    );
                    painter.objects_of(appearance, None, 0)?;
                    painter.out.push_str("</g>");
                }
            }
        }
    }
    for stamp in seals::stamps_on(doc.package, &page_ref.id, painter.warnings) {
        painter.seal(&stamp, seal_depth)?;
    }
    painter.out.push_str("</svg>");
    Ok(PageSvg {
        svg: painter.out,
        width_mm: area.w,
        height_mm: area.h,
    })
}

/// A CTM (`a b c d e f`) as an SVG transform; nothing when it does not read.
fn matrix(text: &str) -> String {
    match numbers(text).as_deref() {
        Some([a, b, c, d, e, f]) => format!(
            "matrix({} {} {} {} {} {})",
            fmt(*a),
            fmt(*b),
            fmt(*c),
            fmt(*d),
            fmt(*e),
            fmt(*f)
        ),
        _ => String::new(),
    }
}

impl Painter<'_, '_> {
    pub(super) fn res(&self) -> Res<'_> {
        Res {
            page: &self.page_res,
            doc: &self.doc.resources,
        }
    }

    fn layers(&mut self, content: &Element) -> Result<(), RenderError> {
        let rank = |layer: &&Element| match layer.attribute("Type") {
            Some("Background") => 0,
            Some("Foreground") => 2,
            _ => 1,
        };
        let mut layers: Vec<&Element> = content.children_named("Layer").collect();
        layers.sort_by_key(rank);
        for layer in layers {
            self.objects_of(layer, layer.attribute("DrawParam"), 0)?;
        }
        Ok(())
    }

    /// The graphic objects inside `container`, with the drawing parameter they
    /// inherit.
    fn objects_of(
        &mut self,
        container: &Element,
        draw_param: Option<&str>,
        depth: usize,
    ) -> Result<(), RenderError> {
        if depth > MAX_NESTING {
            self.warnings
                .add("objects nested too deep were left out".into());
            return Ok(());
        }
        for object in &container.children {
            if !matches!(
                object.name.as_str(),
                "TextObject" | "PathObject" | "ImageObject" | "CompositeObject" | "PageBlock"
            ) {
                continue;
            }
            self.objects += 1;
            if self.objects > MAX_OBJECTS {
                return Err(RenderError::OfdTooManyObjects(MAX_OBJECTS));
            }
            if object.attribute("Visible") == Some("false") {
                continue;
            }
            let param = object.attribute("DrawParam").or(draw_param);
            if object.name == "PageBlock" {
                self.objects_of(object, param, depth + 1)?;
                continue;
            }
            let Some(boundary) = object.attribute("Boundary").and_then(Rect::parse) else {
                self.warnings
                    .add(format!("a {} without a boundary was left out", object.name));
                continue;
            };
            let ctm = object.attribute("CTM").map(matrix).unwrap_or_default();
            let opacity = object
                .attribute("Alpha")
                .and_then(|a| a.parse::<f64>().ok())
                .map_or(1.0, |a| (a / 255.0).clamp(0.0, 1.0));
            let _ = write!(
                self.out,
                r#"<g transform="translate({} {})""#,
                fmt(boundary.x),
                fmt(boundary.y)
            );
            if opacity < 1.0 {
                let _ = write!(self.out, r#" opacity="{}""#, fmt(opacity));
            }
            self.out.push('>');
            // Each clip area cuts what the object draws (several: their intersection).
            let clips = self.clips(object, &ctm);
            let _ = write!(self.out, r#"<g transform="{ctm}">"#);
            match object.name.as_str() {
                "PathObject" => self.path(object, param),
                "TextObject" => self.text(object, param)?,
                "ImageObject" => self.image(object),
                _ => {
                    // A composite object draws a unit of the resources.
                    let unit = object
                        .attribute("ResourceID")
                        .and_then(|id| {
                            self.page_res
                                .composites
                                .get(id)
                                .or_else(|| self.doc.resources.composites.get(id))
                        })
                        .cloned();
                    match unit {
                        Some(unit) => self.objects_of(&unit, param, depth + 1)?,
                        None => self
                            .warnings
                            .add("a composite object's unit is missing".into()),
                    }
                }
            }
            self.out.push_str("</g>");
            for _ in 0..clips {
                self.out.push_str("</g>");
            }
            self.out.push_str("</g>");
        }
        Ok(())
    }

    /// Opens one group per clip area of `object` (in its boundary's space; with
    /// the object's CTM when `TransFlag` says so); returns how many it opened.
    fn clips(&mut self, object: &Element, ctm: &str) -> usize {
        let mut opened = 0;
        for clips in object.children_named("Clips") {
            let with_ctm = clips.attribute("TransFlag") == Some("true");
            for clip in clips.children_named("Clip") {
                let mut shapes = String::new();
                for area in clip.children_named("Area") {
                    let area_ctm = area.attribute("CTM").map(matrix).unwrap_or_default();
                    for path in area.children_named("Path") {
                        let Some(data) = path.text_at(&["AbbreviatedData"]) else {
                            continue;
                        };
                        let (d, _) = to_svg(data);
                        let origin = path
                            .attribute("Boundary")
                            .and_then(Rect::parse)
                            .map_or((0.0, 0.0), |b| (b.x, b.y));
                        let _ = write!(
                            shapes,
                            r#"<path transform="{}{area_ctm} translate({} {})" d="{d}"/>"#,
                            if with_ctm { ctm } else { "" },
                            fmt(origin.0),
                            fmt(origin.1)
                        );
                    }
                }
                if shapes.is_empty() {
                    continue;
                }
                self.clip_ids += 1;
                let id = self.clip_ids;
                let _ = write!(
                    self.out,
                    r#"<clipPath id="clip{id}">{shapes}</clipPath><g clip-path="url(#clip{id})">"#
                );
                opened += 1;
            }
        }
        opened
    }

    fn path(&mut self, object: &Element, param: Option<&str>) {
        let Some(data) = object.text_at(&["AbbreviatedData"]) else {
            return;
        };
        let (d, broken) = to_svg(data);
        if broken {
            self.warnings
                .add("a path's data was cut where it stopped making sense".into());
        }
        if d.is_empty() {
            return;
        }
        let res = self.res();
        let stroke = object.attribute("Stroke") != Some("false");
        let fill = object.attribute("Fill") == Some("true");
        // A path's fill is transparent unless a colour is given (GB/T 33190).
        let fill_color = object
            .child("FillColor")
            .and_then(|c| color(c, &res))
            .or_else(|| res.param_color(param, "FillColor"));
        let stroke_color = object
            .child("StrokeColor")
            .and_then(|c| color(c, &res))
            .or_else(|| res.param_color(param, "StrokeColor"))
            .unwrap_or(("#000000".into(), 1.0));
        let attr = |name: &str| {
            object
                .attribute(name)
                .or_else(|| res.param(param, |p| p.attribute(name)))
        };
        let width = attr("LineWidth")
            .and_then(|w| w.parse::<f64>().ok())
            .filter(|w| w.is_finite() && *w >= 0.0)
            .unwrap_or(0.353);
        let mut out = format!(r#"<path d="{d}""#);
        match fill_color.filter(|_| fill) {
            Some((css, alpha)) => {
                let _ = write!(out, r#" fill="{css}""#);
                if alpha < 1.0 {
                    let _ = write!(out, r#" fill-opacity="{}""#, fmt(alpha));
                }
                if object.attribute("Rule") == Some("Even-Odd") {
                    out.push_str(r#" fill-rule="evenodd""#);
                }
            }
            None => out.push_str(r#" fill="none""#),
        }
        if stroke {
            let _ = write!(
                out,
                r#" stroke="{}" stroke-width="{}""#,
                stroke_color.0,
                fmt(width)
            );
            if stroke_color.1 < 1.0 {
                let _ = write!(out, r#" stroke-opacity="{}""#, fmt(stroke_color.1));
            }
            match attr("Cap") {
                Some("Round") => out.push_str(r#" stroke-linecap="round""#),
                Some("Square") => out.push_str(r#" stroke-linecap="square""#),
                _ => {}
            }
            match attr("Join") {
                Some("Round") => out.push_str(r#" stroke-linejoin="round""#),
                Some("Bevel") => out.push_str(r#" stroke-linejoin="bevel""#),
                _ => {}
            }
            if let Some(dash) = attr("DashPattern").and_then(numbers) {
                if !dash.is_empty()
                    && dash.iter().all(|v| *v >= 0.0)
                    && dash.iter().any(|v| *v > 0.0)
                {
                    let dash: Vec<String> = dash.iter().map(|v| fmt(*v)).collect();
                    let _ = write!(out, r#" stroke-dasharray="{}""#, dash.join(" "));
                    if let Some(offset) = attr("DashOffset").and_then(|o| o.parse::<f64>().ok()) {
                        let _ = write!(out, r#" stroke-dashoffset="{}""#, fmt(offset));
                    }
                }
            }
        }
        out.push_str("/>");
        self.out.push_str(&out);
    }

    fn image(&mut self, object: &Element) {
        let Some(id) = object.attribute("ResourceID") else {
            return;
        };
        let Some(found) = self
            .page_res
            .media
            .get(id)
            .or_else(|| self.doc.resources.media.get(id))
            .cloned()
        else {
            self.warnings
                .add(format!("picture {id} is not in the resources"));
            return;
        };
        let Some(bytes) = self.doc.package.get(&found.file) else {
            self.warnings
                .add(format!("picture {} is missing", found.file));
            return;
        };
        match media::data_uri(&found.format, bytes) {
            Ok(uri) => {
                let _ = write!(
                    self.out,
                    r#"<image width="1" height="1" preserveAspectRatio="none" xlink:href="{uri}"/>"#
                );
            }
            Err(why) => self.warnings.add(format!("picture {}: {why}", found.file)),
        }
    }

    fn seal(&mut self, stamp: &seals::Stamp, depth: usize) -> Result<(), RenderError> {
        let uri = match stamp.picture_type.as_str() {
            "ofd" if depth < 2 => match super::seal_svg(&stamp.picture, depth + 1) {
                Ok(svg) => format!(
                    "data:image/svg+xml;base64,{}",
                    super::base64(svg.as_bytes())
                ),
                Err(e) => {
                    self.warnings.add(format!("a seal's picture: {e}"));
                    return Ok(());
                }
            },
            kind => match media::data_uri(kind, &stamp.picture) {
                Ok(uri) => uri,
                Err(why) => {
                    self.warnings.add(format!("a seal's picture: {why}"));
                    return Ok(());
                }
            },
        };
        let b = stamp.boundary;
        let _ = write!(
            self.out,
            r#"<image x="{}" y="{}" width="{}" height="{}" preserveAspectRatio="none" xlink:href="{uri}"/>"#,
            fmt(b.x),
            fmt(b.y),
            fmt(b.w),
            fmt(b.h)
        );
        Ok(())
    }
}
