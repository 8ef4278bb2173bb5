//! What an OFD document says about its pages: their order and size, the templates
//! drawn under or over them, the resources their objects name (fonts, drawing
//! parameters, pictures, colour spaces), and the annotations of each page. Read from
//! the package's XML (OFD.xml → Document.xml → resource and page files).

use super::Warnings;
use crate::RenderError;
use piaojia_ofd::xml::{self, Element};
use piaojia_ofd::{folder_of, Package};
use std::collections::HashMap;

/// A rectangle in millimetres, as OFD writes boxes: `x y width height`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn parse(text: &str) -> Option<Rect> {
        let n: Vec<f64> = numbers(text)?;
        match n[..] {
            [x, y, w, h] => Some(Rect { x, y, w, h }),
            _ => None,
        }
    }
}

/// Finite numbers separated by spaces (or commas); `None` if any is not one.
pub fn numbers(text: &str) -> Option<Vec<f64>> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect()
}

#[derive(Debug, Clone)]
pub struct PageRef {
    /// The page's ID, as stamps and annotations name it.
    pub id: String,
    /// Its content file in the package.
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct FontRes {
    pub family: String,
    pub bold: bool,
    pub italic: bool,
    /// An embedded font file, by its name in the package.
    pub file: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Media {
    /// `Format` as written (PNG, JPEG, GBIG2, BMP, …), upper case.
    pub format: String,
    pub file: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSpace {
    Gray,
    Rgb,
    Cmyk,
}

/// Every resource of the document (public, document and page resources in one
/// table: IDs are unique across a document).
#[derive(Debug, Default)]
pub struct Resources {
    pub fonts: HashMap<String, FontRes>,
    pub draw_params: HashMap<String, Element>,
    pub media: HashMap<String, Media>,
    pub color_spaces: HashMap<String, ColorSpace>,
    /// Composite graphic units: their content element.
    pub composites: HashMap<String, Element>,
}

pub struct Document<'p> {
    pub package: &'p Package,
    pub pages: Vec<PageRef>,
    pub default_area: Option<Rect>,
    /// Template pages by ID: their content file.
    pub templates: HashMap<String, String>,
    pub resources: Resources,
    /// Annotation files by page ID.
    pub annotations: HashMap<String, Vec<String>>,
}

/// Parses a file of the package named relative to `base`; `None` (with a warning)
/// when it is missing or unreadable.
pub fn load(
    package: &Package,
    base: &str,
    path: &str,
    warnings: &mut Warnings,
) -> Option<(String, Element)> {
    let Some((name, bytes)) = package.resolve(base, path.trim()) else {
        warnings.add(format!("{path} is named but missing"));
        return None;
    };
    match xml::parse(name, bytes) {
        Ok(element) => Some((name.to_string(), element)),
        Err(e) => {
            warnings.add(e.to_string());
            None
        }
    }
}

impl<'p> Document<'p> {
    pub fn read(
        package: &'p Package,
        warnings: &mut Warnings,
    ) -> Result<Document<'p>, RenderError> {
        let ofd = xml::parse(
            "OFD.xml",
            package
                .get("OFD.xml")
                .ok_or_else(|| piaojia_ofd::OfdError::NotOfd("no OFD.xml".into()))?,
        )?;
        let root = ofd
            .text_at(&["DocBody", "DocRoot"])
            .ok_or_else(|| piaojia_ofd::OfdError::NotOfd("no DocRoot in OFD.xml".into()))?;
        let (doc_name, doc) = match package.resolve("", root) {
            Some((name, bytes)) => (name.to_string(), xml::parse(name, bytes)?),
            None => return Err(piaojia_ofd::OfdError::NotOfd(format!("{root} is missing")).into()),
        };
        let folder = folder_of(&doc_name).to_string();
        let common = doc.child("CommonData");
        let default_area = common
            .and_then(|c| c.text_at(&["PageArea", "PhysicalBox"]))
            .and_then(Rect::parse);
        let mut templates = HashMap::new();
        let mut resources = Resources::default();
        if let Some(common) = common {
            for template in common.children_named("TemplatePage") {
                if let (Some(id), Some(loc)) =
                    (template.attribute("ID"), template.attribute("BaseLoc"))
                {
                    if let Some((name, _)) = package.resolve(&folder, loc) {
                        templates.insert(id.to_string(), name.to_string());
                    } else {
                        warnings.add(format!("template {loc} is missing"));
                    }
                }
            }
            for res in common
                .children
                .iter()
                .filter(|c| c.name == "PublicRes" || c.name == "DocumentRes")
            {
                if let Some((name, element)) = load(package, &folder, &res.text, warnings) {
                    resources.add(package, &name, &element, warnings);
                }
            }
        }
        let pages: Vec<PageRef> = doc
            .child("Pages")
            .map(|p| {
                p.children_named("Page")
                    .filter_map(|page| {
                        let loc = page.attribute("BaseLoc")?;
                        let file = match package.resolve(&folder, loc) {
                            Some((name, _)) => name.to_string(),
                            None => {
                                warnings.add(format!("page {loc} is missing"));
                                return None;
                            }
                        };
                        Some(PageRef {
                            id: page.attribute("ID").unwrap_or_default().to_string(),
                            file,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if pages.is_empty() {
            return Err(RenderError::OfdNoPages);
        }
        let mut annotations: HashMap<String, Vec<String>> = HashMap::new();
        if let Some(list) = doc.text_at(&["Annotations"]) {
            if let Some((name, element)) = load(package, &folder, list, warnings) {
                let base = folder_of(&name).to_string();
                for page in element.children_named("Page") {
                    let id = page.attribute("PageID").unwrap_or_default().to_string();
                    for loc in page.children_named("FileLoc") {
                        if let Some((file, _)) = package.resolve(&base, loc.text.trim()) {
                            annotations
                                .entry(id.clone())
                                .or_default()
                                .push(file.to_string());
                        }
                    }
                }
            }
        }
        Ok(Document {
            package,
            pages,
            default_area,
            templates,
            resources,
            annotations,
        })
    }
}

fn flag(element: &Element, name: &str) -> bool {
    element.attribute(name) == Some("true")
}

impl Resources {
    /// Adds the resources of one resource file (`<Res BaseLoc=…>`).
    pub fn add(&mut self, package: &Package, file: &str, res: &Element, warnings: &mut Warnings) {
        // BaseLoc is relative to the resource file's folder, or absolute ("/Doc_0/Res").
        let base = match res.attribute("BaseLoc").map(str::trim) {
            Some(loc) if loc.starts_with('/') => loc.trim_matches('/').to_string(),
            Some(loc) => format!("{}/{}", folder_of(file), loc.trim_end_matches('/')),
            None => folder_of(file).to_string(),
        };
        let base = base.as_str();
        let resolve = |path: &str| {
            package
                .resolve(base, path.trim())
                .map(|(name, _)| name.to_string())
        };
        for group in &res.children {
            for item in &group.children {
                let Some(id) = item.attribute("ID").map(str::to_string) else {
                    continue;
                };
                match item.name.as_str() {
                    "ColorSpace" => {
                        let space = match item.attribute("Type") {
                            Some("GRAY") | Some("Gray") => ColorSpace::Gray,
                            Some("CMYK") => ColorSpace::Cmyk,
                            _ => ColorSpace::Rgb,
                        };
                        self.color_spaces.insert(id, space);
                    }
                    "DrawParam" => {
                        self.draw_params.insert(id, item.clone());
                    }
                    "Font" => {
                        let file = item.text_at(&["FontFile"]).and_then(|f| {
                            let found = resolve(f);
                            if found.is_none() {
                                warnings.add(format!("font file {f} is missing"));
                            }
                            found
                        });
                        let family = item
                            .attribute("FamilyName")
                            .or(item.attribute("FontName"))
                            .unwrap_or_default()
                            .to_string();
                        self.fonts.insert(
                            id,
                            FontRes {
                                family,
                                bold: flag(item, "Bold"),
                                italic: flag(item, "Italic"),
                                file,
                            },
                        );
                    }
                    "MultiMedia" => {
                        let Some(path) = item.text_at(&["MediaFile"]) else {
                            continue;
                        };
                        match resolve(path) {
                            Some(file) => {
                                let format = item
                                    .attribute("Format")
                                    .map(str::to_string)
                                    .unwrap_or_else(|| {
                                        path.rsplit('.').next().unwrap_or_default().to_string()
                                    })
                                    .to_ascii_uppercase();
                                self.media.insert(id, Media { format, file });
                            }
                            None => warnings.add(format!("picture {path} is missing")),
                        }
                    }
                    "CompositeGraphicUnit" => {
                        if let Some(content) = item.child("Content") {
                            self.composites.insert(id, content.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
