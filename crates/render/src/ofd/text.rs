//! Text objects: each `TextCode` as an SVG `<text>` with every character at the
//! position OFD gives (`X`/`Y` and the `DeltaX`/`DeltaY` runs), in the object's
//! font, size and colours; each glyph turned by `CharDirection`, and without
//! deltas, the characters set one after another in the `ReadDirection`.

use super::draw::{Painter, MAX_CHARS};
use super::fonts::{css, FontBook};
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

#[cfg(test)]
thread_local! {
    /// Set by a test to write every character on its own, as the runs' reference.
    static EACH_CHARACTER_ALONE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn each_character_alone() -> bool {
    EACH_CHARACTER_ALONE.get()
}

#[cfg(not(test))]
fn each_character_alone() -> bool {
    false
}

fn list(values: &[f64]) -> String {
    values.iter().map(|v| fmt(*v)).collect::<Vec<_>>().join(" ")
}

/// A character's face and advance (in em), where it is certain which face usvg
/// will draw it with.
type Placed = Option<(usvg::fontdb::ID, f64)>;

/// Each character's face and advance: the run's face where that has the
/// character, else the bundled font for the characters it stands in for whole
/// (see [`FontBook::resolver`]).
fn faces(
    fonts: &FontBook,
    families: &[String],
    bold: bool,
    italic: bool,
    text: &[char],
) -> Vec<Placed> {
    let Some(face) = fonts.select(families, bold, italic) else {
        return vec![None; text.len()];
    };
    let own = fonts.advances(face, text);
    let missing: Vec<char> = text
        .iter()
        .zip(&own)
        .filter(|(_, advance)| advance.is_none())
        .map(|(c, _)| *c)
        .collect();
    let fallback = fonts.fallback().filter(|id| *id != face);
    let mut stand_in = match fallback {
        Some(id) if !missing.is_empty() => fonts.advances(id, &missing),
        _ => Vec::new(),
    }
    .into_iter();
    text.iter()
        .zip(own)
        .map(|(c, advance)| match advance {
            Some(advance) => Some((face, advance)),
            None => match (fallback, stand_in.next().flatten()) {
                (Some(id), Some(advance)) if stands_in_whole(*c) => Some((id, advance)),
                _ => None,
            },
        })
        .collect()
}

/// Characters the bundled font may stand in for without a shaper decomposing
/// them into others first: ASCII, CJK punctuation, full-width forms and CJK
/// ideographs, but not the compatibility ones, which decompose.
fn stands_in_whole(c: char) -> bool {
    let compatibility = matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}');
    matches!(c, ' '..='~' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FFEF}')
        || (script(c) == Script::Han && !compatibility)
}

/// What a shaper makes of a character's script, as far as runs are concerned.
#[derive(PartialEq, Eq)]
enum Script {
    /// CJK ideographs: a run of them is shaped as Han, as each alone is.
    Han,
    /// Letters of any other script: in a word they may join in ligatures.
    Letters,
    /// Digits, punctuation, spaces, symbols: of no script of their own, they take
    /// the script of the letters beside them, whose font features may then
    /// choose other glyphs (in Noto Sans SC, other digits beside Han).
    Common,
}

fn script(c: char) -> Script {
    match c {
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' => Script::Han,
        c if c.is_alphabetic() => Script::Letters,
        _ => Script::Common,
    }
}

/// A text code's characters on one line, each at the place OFD gives it.
struct Line<'t> {
    text: &'t [char],
    xs: &'t [f64],
    y: f64,
    size: f64,
    placed: Vec<Placed>,
}

impl Line<'_> {
    /// The characters split into runs that usvg shapes at once, each in one
    /// face. usvg shapes every absolutely placed character on its own (a font
    /// parsed for each: most of a page's drawing time); a run gives its first
    /// character's place and then each one's distance from where the previous
    /// one's advance ends, which lands every character where OFD puts it as
    /// long as the shaper gives each the glyph and width it has alone. So a run
    /// holds one face and one kind of script, Han ideographs or common
    /// characters; letters, and characters whose face is uncertain, stand alone.
    fn runs(&self) -> Vec<std::ops::Range<usize>> {
        let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
        for i in 0..self.text.len() {
            let joins = i > 0
                && match (self.placed[i - 1], self.placed[i]) {
                    (Some((before, _)), Some((face, _))) => {
                        before == face
                            && script(self.text[i - 1]) == script(self.text[i])
                            && script(self.text[i]) != Script::Letters
                    }
                    _ => false,
                };
            match runs.last_mut() {
                Some(run) if joins => run.end = i + 1,
                _ => runs.push(i..i + 1),
            }
        }
        runs
    }

    /// One run as a `<text>`: its first character at its place, each next one
    /// `dx` from the end of the previous one's advance. A run of spaces draws
    /// nothing and is left out.
    fn write_run(&self, out: &mut String, run: std::ops::Range<usize>, turn: &str) {
        let content: String = self.text[run.clone()].iter().collect();
        if content.trim().is_empty() {
            return;
        }
        let _ = write!(
            out,
            r#"<text xml:space="preserve" x="{}" y="{}""#,
            fmt(self.xs[run.start]),
            fmt(self.y)
        );
        if run.len() > 1 {
            let mut dx = vec![0.0];
            for i in run.start + 1..run.end {
                let advance = self.placed[i - 1].map_or(0.0, |(_, em)| em * self.size);
                dx.push(self.xs[i] - self.xs[i - 1] - advance);
            }
            // Kerning would move characters off the places the file gives.
            let _ = write!(out, r#" dx="{}" font-kerning="none""#, list(&dx));
        }
        let _ = write!(out, r#"{turn}>{}</text>"#, escape(&content));
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
        let families = self
            .fonts
            .families(object.attribute("Font").unwrap_or_default(), font);
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
            escape(&css(&families)),
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
            let xs: Vec<f64> = xs.iter().map(|x| x / hscale).collect();
            let on_one_line =
                xs.len() == text.len() && ys.iter().all(|y| *y == ys[0]) && !each_character_alone();
            if on_one_line {
                let line = Line {
                    text: &text,
                    xs: &xs,
                    y: ys[0],
                    size,
                    placed: faces(self.fonts, &families, bold, italic, &text),
                };
                for run in line.runs() {
                    line.write_run(&mut body, run, &turn);
                }
            } else {
                let content: String = text.iter().collect();
                let _ = write!(
                    body,
                    r#"<text xml:space="preserve" x="{}" y="{}"{turn}>{}</text>"#,
                    list(&xs),
                    list(&ys),
                    escape(&content)
                );
            }
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

    /// A glyph as usvg lays it out: its face, glyph, place and characters.
    type Glyph = (usvg::fontdb::ID, u16, f32, f32, String);

    /// Every glyph of a page, and how many `<text>` elements its SVG has.
    fn glyphs(ofd: &[u8], page: usize) -> (Vec<Glyph>, usize) {
        fn walk(group: &usvg::Group, out: &mut Vec<Glyph>) {
            for node in group.children() {
                match node {
                    usvg::Node::Group(group) => walk(group, out),
                    usvg::Node::Text(text) => {
                        for span in text.layouted() {
                            for glyph in &span.positioned_glyphs {
                                if glyph.text.trim().is_empty() {
                                    // A space alone is not laid out; it draws nothing.
                                    continue;
                                }
                                let at = text.abs_transform().pre_concat(glyph.transform());
                                out.push((
                                    glyph.font,
                                    glyph.id.0,
                                    at.tx,
                                    at.ty,
                                    glyph.text.clone(),
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let package = piaojia_ofd::Package::read(ofd).unwrap();
        let mut warnings = super::super::Warnings::default();
        let opened = super::super::open(&package, &mut warnings).unwrap();
        let drawn =
            super::super::draw::page(&opened.doc, page, &opened.fonts, &mut warnings, 0).unwrap();
        let tree = super::super::output::tree(&drawn, &opened.fonts).unwrap();
        let mut out = Vec::new();
        walk(tree.root(), &mut out);
        (out, drawn.svg.matches("<text").count())
    }

    /// Runs are only a faster way to say the same: on every page of the corpus,
    /// each glyph is in the same face, the same glyph and at the same place (to
    /// 0.01 pt) as when every character stands alone (each shaped on its own),
    /// and a run holds three characters or more on average.
    #[test]
    fn runs_place_every_glyph_where_characters_alone_stand() {
        let (mut glyphs_drawn, mut texts) = (0, 0);
        for file in piaojia_ofd::testkit::corpus_ofd_files() {
            let ofd = std::fs::read(&file).unwrap();
            for page in 0..super::super::page_count(&ofd).unwrap() {
                EACH_CHARACTER_ALONE.set(true);
                let (alone, _) = glyphs(&ofd, page);
                EACH_CHARACTER_ALONE.set(false);
                let (in_runs, texts_in_runs) = glyphs(&ofd, page);
                let name = file.file_name().unwrap().to_string_lossy();
                assert_eq!(alone.len(), in_runs.len(), "{name} page {page}");
                for (a, r) in alone.iter().zip(&in_runs) {
                    assert_eq!((a.0, a.1), (r.0, r.1), "{name} page {page}: {a:?} {r:?}");
                    assert!(
                        (a.2 - r.2).abs() < 0.01 && (a.3 - r.3).abs() < 0.01,
                        "{name} page {page}: {a:?} drawn at {r:?}"
                    );
                }
                glyphs_drawn += in_runs.len();
                texts += texts_in_runs;
            }
        }
        assert!(
            texts * 3 < glyphs_drawn,
            "{glyphs_drawn} glyphs drawn by {texts} <text> elements"
        );
    }

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
