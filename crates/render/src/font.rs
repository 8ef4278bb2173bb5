//! The bundled CJK font (Noto Sans SC, SIL OFL 1.1, licence in fonts/OFL.txt), parsed
//! once per process. PDFs embed only the glyphs they use.

use printpdf::ParsedFont;
use std::sync::OnceLock;

pub(crate) static NOTO_SANS_SC: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular.ttf");
/// The font's licence, which goes wherever the font goes (the About page shows it).
pub const BUNDLED_FONT_LICENCE: &str = include_str!("../fonts/OFL.txt");

pub struct Font {
    pub parsed: ParsedFont,
    units_per_em: f32,
    fallback_advance: u16,
}

static FONT: OnceLock<Font> = OnceLock::new();

/// The font, parsed on first use (about 30 ms) and kept.
pub fn font() -> &'static Font {
    FONT.get_or_init(|| {
        let parsed = ParsedFont::from_bytes(NOTO_SANS_SC, 0, &mut Vec::new())
            .expect("the bundled font parses");
        let units_per_em = parsed.pdf_font_metrics.units_per_em as f32;
        let fallback_advance = parsed
            .lookup_glyph_index('国' as u32)
            .map(|g| parsed.get_horizontal_advance(g))
            .unwrap_or(1000);
        Font {
            parsed,
            units_per_em,
            fallback_advance,
        }
    })
}

impl Font {
    /// Width of `text` in ems.
    pub fn width_em(&self, text: &str) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| {
                self.parsed
                    .lookup_glyph_index(c as u32)
                    .map(|g| self.parsed.get_horizontal_advance(g))
                    .unwrap_or(self.fallback_advance) as u32
            })
            .sum();
        units as f32 / self.units_per_em
    }

    /// Whether every character has a glyph.
    pub fn covers(&self, text: &str) -> bool {
        text.chars()
            .all(|c| c.is_whitespace() || self.parsed.lookup_glyph_index(c as u32).is_some())
    }
}
