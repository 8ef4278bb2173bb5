//! Fonts for an OFD's text: a font embedded in the file first; else the named font
//! where this machine has it (or its usual substitute: a Song or Kai face for 宋体,
//! 楷体, …, a monospace face for Courier); else the bundled Noto Sans SC, which also
//! stands in, glyph by glyph, for whatever another font lacks.

use super::document::FontRes;
use super::Warnings;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
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

/// A family name as it may stand in a CSS list (quoted, without quotes inside).
fn quoted(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | ';' | '\\' | '<' | '>' | '&'))
        .collect();
    format!("'{}'", clean.trim())
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
            select_font: usvg::FontResolver::default_font_selector(),
            select_fallback: Box::new(move |c, used, db| match fallback {
                Some(id) if !used.contains(&id) && bundled_has(c) => Some(id),
                _ => search(c, used, db),
            }),
        }
    }

    /// The CSS family list for the font resource `id`.
    pub fn family(&self, id: &str, font: Option<&FontRes>) -> String {
        let mut list = Vec::new();
        if let Some(family) = self.embedded.get(id) {
            list.push(quoted(family));
        }
        if let Some(font) = font {
            if !font.family.trim().is_empty() {
                list.push(quoted(&font.family));
            }
            list.extend(substitutes(&font.family).iter().map(|s| quoted(s)));
        }
        list.push(quoted(FALLBACK));
        list.join(", ")
    }
}
