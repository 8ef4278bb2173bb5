//! OFD's path data (`AbbreviatedData`: `S`/`M` move, `L` line, `Q` quadratic, `B`
//! cubic, `A` arc, `C` close) in SVG's path syntax. Hand-written: no crate reads
//! this notation. Every number is checked; a command with too few or unreadable
//! numbers ends the path there (what came before is kept).

/// The SVG path data, and whether the source was cut short.
pub fn to_svg(data: &str) -> (String, bool) {
    let mut out = String::new();
    let mut tokens = data.split_whitespace().peekable();
    let mut broken = false;
    while let Some(command) = tokens.next() {
        let (svg, arity) = match command {
            "S" | "M" => ("M", 2),
            "L" => ("L", 2),
            "Q" => ("Q", 4),
            "B" => ("C", 6),
            "A" => ("A", 7),
            "C" => ("Z", 0),
            _ => {
                broken = true;
                break;
            }
        };
        let mut args = Vec::with_capacity(arity);
        for _ in 0..arity {
            match tokens
                .next()
                .and_then(|t| t.parse::<f64>().ok())
                .filter(|v| v.is_finite())
            {
                Some(v) => args.push(v),
                None => break,
            }
        }
        if args.len() < arity {
            broken = true;
            break;
        }
        if svg == "A" {
            // Flags are 0 or 1 in SVG; OFD writes them as numbers too.
            args[3] = if args[3] != 0.0 { 1.0 } else { 0.0 };
            args[4] = if args[4] != 0.0 { 1.0 } else { 0.0 };
        }
        out.push_str(svg);
        for a in args {
            out.push(' ');
            out.push_str(&fmt(a));
        }
        out.push(' ');
    }
    // SVG paths must begin with a move.
    if !out.starts_with('M') && !out.is_empty() {
        out.insert_str(0, "M 0 0 ");
    }
    (out.trim_end().to_string(), broken)
}

/// A number as SVG takes it: no exponent, a few decimals.
pub fn fmt(v: f64) -> String {
    let v = if v.abs() < 1e-9 { 0.0 } else { v };
    let text = format!("{v:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_becomes_its_svg_form() {
        let (d, broken) = to_svg("S 0 0 L 10 0 Q 1 2 3 4 B 1 2 3 4 5 6 A 5 5 0 1 0 10 10 C");
        assert!(!broken);
        assert_eq!(
            d,
            "M 0 0 L 10 0 Q 1 2 3 4 C 1 2 3 4 5 6 A 5 5 0 1 0 10 10 Z"
        );
    }

    #[test]
    fn bad_data_ends_the_path_and_keeps_what_came_before() {
        let (d, broken) = to_svg("M 0 0.2 L 73 0.2 L 5 nan L 1 1");
        assert!(broken);
        assert_eq!(d, "M 0 0.2 L 73 0.2");
        let (d, broken) = to_svg("L 1 1 X 2");
        assert!(broken);
        assert_eq!(d, "M 0 0 L 1 1");
        assert_eq!(to_svg("").0, "");
        assert_eq!(to_svg("M 1e400 0").0, "");
    }

    #[test]
    fn numbers_are_plain() {
        assert_eq!(fmt(1.0), "1");
        assert_eq!(fmt(-0.00001), "0");
        assert_eq!(fmt(2.54), "2.54");
        assert_eq!(fmt(1.0e7), "10000000");
    }
}
