//! Text cells for CSV files that people open in a spreadsheet.

/// A text cell. One that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`,
/// or a tab or return first: an issuer name is the issuer's text) gets a leading
/// apostrophe, which shows it as the text it is.
pub(crate) fn csv_text(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        csv_field(&format!("'{text}"))
    } else {
        csv_field(text)
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_text;

    /// The review's small item: an issuer named `=HYPERLINK(…)` or `@SUM(…)` ran as
    /// a formula when manifest.csv was opened in a spreadsheet.
    #[test]
    fn text_that_looks_like_a_formula_stays_text() {
        assert_eq!(csv_text("=1+2"), "'=1+2");
        assert_eq!(csv_text("@SUM(A1:A9)"), "'@SUM(A1:A9)");
        assert_eq!(csv_text("+86 571"), "'+86 571");
        assert_eq!(csv_text("-2+3"), "'-2+3");
        assert_eq!(csv_text("\tx"), "'\tx");
        assert_eq!(
            csv_text("=HYPERLINK(\"http://x\",\"a\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\""
        );
        assert_eq!(csv_text("台州市中心医院"), "台州市中心医院");
        assert_eq!(csv_text("a,b"), "\"a,b\"");
    }
}
