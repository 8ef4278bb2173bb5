//! Fonts for an OFD's text: a font embedded in the file first; else the named font
//! where this machine has it (or its usual substitute: a Song or Kai face for 宋体,
//! 楷体, …, a monospace face for Courier); else the bundled Noto Sans SC, which also
//! stands in, glyph by glyph, for whatever another font lacks.

use super::document::FontRes;
use super::Warnings;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use usvg::fontdb;

/// The last family of every list: always there, covers CJK.
pub const FALLBACK: &str = "Noto Sans SC";

/// The bundled font and the machine's fonts, read once per process.
fn base() -> &'static Arc<fontdb::Database> {
    static BASE: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        keep_in_memory(
            &mut db,
            SUBSTITUTES.iter().flat_map(|(_, names)| names.iter()),
        );
        db.load_font_source(fontdb::Source::Binary(Arc::new(crate::font::NOTO_SANS_SC)));
        db.set_sans_serif_family(FALLBACK);
        db.set_serif_family(FALLBACK);
        Arc::new(db)
    })
}

/// Whether the bundled font has a glyph for `c` (its tables parsed once).
fn bundled_has(c: char) -> bool {
    static FACE: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(crate::font::NOTO_SANS_SC, 0).ok())
        .as_ref()
        .is_some_and(|face| face.glyph_index(c).is_some())
}

/// The fonts of one document: the base ones and its embedded ones, and the CSS
/// family list each of its font resources is drawn with.
pub struct FontBook {
    pub db: Arc<fontdb::Database>,
    /// Family lists of embedded fonts by resource ID.
    embedded: HashMap<String, String>,
    /// The bundled Noto Sans SC in `db`.
    fallback: Option<fontdb::ID>,
    /// Advance widths (in em) already read, by face and character; `None` where
    /// the face has no glyph for it.
    advances: Mutex<HashMap<(fontdb::ID, char), Option<f64>>>,
}

/// The face a text run is drawn with, from its family list, weight and style: the
/// first family the machine has, else the serif family (the bundled font). The one
/// query both usvg's font selector (`FontBook::resolver`) and the text writer
/// (`FontBook::select`) make, so that they choose alike.
fn query(
    db: &fontdb::Database,
    mut families: Vec<fontdb::Family<'_>>,
    weight: u16,
    style: fontdb::Style,
) -> Option<fontdb::ID> {
    families.push(fontdb::Family::Serif);
    db.query(&fontdb::Query {
        families: &families,
        weight: fontdb::Weight(weight),
        stretch: fontdb::Stretch::Normal,
        style,
    })
}

/// Families that may stand in for the fonts OFD files name, by a mark in the name
/// (the first that matches: 仿宋 before 宋).
const SUBSTITUTES: &[(&str, &[&str])] = &[
    ("仿宋", &["FangSong", "仿宋"]),
    ("fangsong", &["FangSong", "仿宋"]),
    (
        "courier",
        &[
            "Courier New",
            "Nimbus Mono PS",
            "Liberation Mono",
            "DejaVu Sans Mono",
        ],
    ),
    (
        "mono",
        &[
            "Courier New",
            "Nimbus Mono PS",
            "Liberation Mono",
            "DejaVu Sans Mono",
        ],
    ),
    (
        "times",
        &[
            "Times New Roman",
            "Nimbus Roman",
            "Liberation Serif",
            "DejaVu Serif",
        ],
    ),
    (
        "serif",
        &[
            "Times New Roman",
            "Nimbus Roman",
            "Liberation Serif",
            "DejaVu Serif",
        ],
    ),
    (
        "arial",
        &["Arial", "Nimbus Sans", "Liberation Sans", "DejaVu Sans"],
    ),
    (
        "helvetica",
        &["Arial", "Nimbus Sans", "Liberation Sans", "DejaVu Sans"],
    ),
    (
        "宋",
        &["SimSun", "宋体", "Noto Serif CJK SC", "AR PL UMing CN"],
    ),
    (
        "song",
        &["SimSun", "宋体", "Noto Serif CJK SC", "AR PL UMing CN"],
    ),
    (
        "simsun",
        &["SimSun", "宋体", "Noto Serif CJK SC", "AR PL UMing CN"],
    ),
    ("楷", &["KaiTi", "楷体", "AR PL UKai CN"]),
    ("kai", &["KaiTi", "楷体", "AR PL UKai CN"]),
    ("黑", &["SimHei", "黑体", "Noto Sans CJK SC"]),
    ("hei", &["SimHei", "黑体", "Noto Sans CJK SC"]),
];

/// Common names of CJK and Latin faces and what may stand in for them here: the
/// list of the first mark the name has.
fn substitutes(name: &str) -> &'static [&'static str] {
    let lower = name.to_lowercase();
    SUBSTITUTES
        .iter()
        .find(|(mark, _)| lower.contains(mark))
        .map_or(&[], |(_, names)| names)
}

/// The largest font file read into memory: Latin families (a few hundred KB) are
/// kept, CJK collections (10–30 MB) stay on disk, for the app's memory's sake.
const MAX_KEPT: u64 = 8 * 1024 * 1024;

/// Reads the files of the faces of `families` into memory. usvg opens a face's
/// data for every glyph it shapes and outlines, and a face on disk is mapped and
/// unmapped each time: for an invoice's digits in a Courier or Times substitute
/// that was a third of the drawing time.
fn keep_in_memory<'a>(db: &mut fontdb::Database, families: impl Iterator<Item = &'a &'a str>) {
    let wanted: std::collections::HashSet<&str> = families.copied().collect();
    let mut paths = std::collections::BTreeSet::new();
    for face in db.faces() {
        if let fontdb::Source::File(path) = &face.source {
            if face
                .families
                .iter()
                .any(|(name, _)| wanted.contains(name.as_str()))
            {
                paths.insert(path.clone());
            }
        }
    }
    for path in paths {
        let fits = std::fs::metadata(&path).is_ok_and(|m| m.len() <= MAX_KEPT);
        let Some(bytes) = fits.then(|| std::fs::read(&path).ok()).flatten() else {
            continue;
        };
        let on_disk: Vec<fontdb::ID> = db
            .faces()
            .filter(|f| matches!(&f.source, fontdb::Source::File(p) if *p == path))
            .map(|f| f.id)
            .collect();
        for id in on_disk {
            db.remove_face(id);
        }
        db.load_font_source(fontdb::Source::Binary(Arc::new(bytes)));
    }
}

impl FontBook {
    /// Loads the fonts embedded in `fonts` (by resource ID) from `package`.
    pub fn new<'a>(
        package: &piaojia_ofd::Package,
        fonts: impl Iterator<Item = (&'a String, &'a FontRes)>,
        warnings: &mut Warnings,
    ) -> FontBook {
        let mut db: Option<fontdb::Database> = None;
        let mut embedded = HashMap::new();
        for (id, font) in fonts {
            let Some(file) = &font.file else { continue };
            let Some(bytes) = package.get(file) else {
                continue;
            };
            let db = db.get_or_insert_with(|| (**base()).clone());
            let ids = db.load_font_source(fontdb::Source::Binary(Arc::new(bytes.to_vec())));
            let family = ids
                .first()
                .and_then(|face| db.face(*face))
                .and_then(|face| face.families.first())
                .map(|(name, _)| name.clone());
            match family {
                Some(family) => {
                    embedded.insert(id.clone(), family);
                }
                None => warnings.add(format!(
                    "the embedded font {} does not parse; its text is drawn with {FALLBACK}",
                    font.family
                )),
            }
        }
        let db = db.map(Arc::new).unwrap_or_else(|| base().clone());
        let fallback = db.query(&fontdb::Query {
            families: &[fontdb::Family::Name(FALLBACK)],
            ..fontdb::Query::default()
        });
        FontBook {
            db,
            embedded,
            fallback,
            advances: Mutex::default(),
        }
    }

    /// How a font is found for a character that the chosen one lacks: the bundled
    /// Noto Sans SC first (it has CJK, Latin and ¥), and only then usvg's own
    /// search, which opens each of the machine's fonts in turn (a map, a parse and
    /// an unmap each: most of the drawing time when it ran for every such text).
    pub fn resolver(&self) -> usvg::FontResolver<'static> {
        let fallback = self.fallback;
        let search = usvg::FontResolver::default_fallback_selector();
        usvg::FontResolver {
            // The text writer sets only families, bold and italic (no stretch).
            select_font: Box::new(|font, db| {
                let families = font
                    .families()
                    .iter()
                    .map(|family| match family {
                        usvg::FontFamily::Named(name) => fontdb::Family::Name(name),
                        usvg::FontFamily::Serif => fontdb::Family::Serif,
                        usvg::FontFamily::SansSerif => fontdb::Family::SansSerif,
                        usvg::FontFamily::Cursive => fontdb::Family::Cursive,
                        usvg::FontFamily::Fantasy => fontdb::Family::Fantasy,
                        usvg::FontFamily::Monospace => fontdb::Family::Monospace,
                    })
                    .collect();
                let style = match font.style() {
                    usvg::FontStyle::Normal => fontdb::Style::Normal,
                    usvg::FontStyle::Italic => fontdb::Style::Italic,
                    usvg::FontStyle::Oblique => fontdb::Style::Oblique,
                };
                query(db, families, font.weight(), style)
            }),
            select_fallback: Box::new(move |c, used, db| match fallback {
                Some(id) if !used.contains(&id) && bundled_has(c) => Some(id),
                _ => search(c, used, db),
            }),
        }
    }

    /// The families the font resource `id` is drawn with, in order, as they may
    /// stand in a CSS list (see [`css`]).
    pub fn families(&self, id: &str, font: Option<&FontRes>) -> Vec<String> {
        let mut list = Vec::new();
        if let Some(family) = self.embedded.get(id) {
            list.push(clean(family));
        }
        if let Some(font) = font {
            if !font.family.trim().is_empty() {
                list.push(clean(&font.family));
            }
            list.extend(substitutes(&font.family).iter().map(|s| clean(s)));
        }
        list.push(FALLBACK.to_string());
        list
    }

    /// The face usvg will shape a run of `families` with (see [`query`]).
    pub fn select(&self, families: &[String], bold: bool, italic: bool) -> Option<fontdb::ID> {
        let families = families
            .iter()
            .map(|name| fontdb::Family::Name(name))
            .collect();
        let style = if italic {
            fontdb::Style::Italic
        } else {
            fontdb::Style::Normal
        };
        query(&self.db, families, if bold { 700 } else { 400 }, style)
    }

    /// The bundled font's face, which stands in for characters others lack.
    pub fn fallback(&self) -> Option<fontdb::ID> {
        self.fallback
    }

    /// The advance width in em of each of `chars` in face `id`, `None` for a
    /// character the face has no glyph for. The face's data is opened once for
    /// what is not known yet.
    pub fn advances(&self, id: fontdb::ID, chars: &[char]) -> Vec<Option<f64>> {
        let mut known = self.advances.lock().unwrap_or_else(|e| e.into_inner());
        let unknown: Vec<char> = chars
            .iter()
            .copied()
            .filter(|c| !known.contains_key(&(id, *c)))
            .collect();
        if !unknown.is_empty() {
            let read = self.db.with_face_data(id, |data, index| {
                let face = ttf_parser::Face::parse(data, index).ok()?;
                let per_em = f64::from(face.units_per_em());
                Some(
                    unknown
                        .iter()
                        .map(|c| {
                            face.glyph_index(*c)
                                .filter(|glyph| glyph.0 != 0)
                                .and_then(|glyph| face.glyph_hor_advance(glyph))
                                .map(|advance| f64::from(advance) / per_em)
                        })
                        .collect::<Vec<_>>(),
                )
            });
            let read = read.flatten().unwrap_or_else(|| vec![None; unknown.len()]);
            for (c, advance) in unknown.into_iter().zip(read) {
                known.insert((id, c), advance);
            }
        }
        chars.iter().map(|c| known[&(id, *c)]).collect()
    }
}

/// A family name without the characters that would break a CSS list or the SVG.
fn clean(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '\'' | '"' | ';' | '\\' | '<' | '>' | '&'))
        .collect::<String>()
        .trim()
        .to_string()
}

/// A CSS family list of `families`, each quoted.
pub fn css(families: &[String]) -> String {
    families
        .iter()
        .map(|name| format!("'{name}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
