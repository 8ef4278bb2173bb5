use std::process::Command;

/// Paints the SVG's path (`M x y h len v1 h-len z` runs) into a greyscale image,
/// `scale` pixels a unit, and reads it with zbarimg.
fn decode_svg(svg: &str, scale: usize) -> String {
    let side: usize = svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let path = svg
        .split(" d=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let width = side * scale;
    let mut pixels = vec![255u8; width * width];
    for run in path.split('M').filter(|r| !r.is_empty()) {
        let (xy, rest) = run.split_once('h').unwrap();
        let (x, y) = xy.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let len: usize = rest.split('v').next().unwrap().parse().unwrap();
        for row in y * scale..(y + 1) * scale {
            for col in x * scale..(x + len) * scale {
                pixels[row * width + col] = 0;
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("qr.pgm");
    let mut bytes = format!("P5\n{width} {width}\n255\n").into_bytes();
    bytes.extend_from_slice(&pixels);
    std::fs::write(&image, bytes).unwrap();
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw"])
        .arg(&image)
        .output()
        .expect("zbarimg is installed by the test command");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

#[test]
fn the_screens_qr_code_reads_back_as_its_payload() {
    for payload in [
        "123456789012",
        "000000000001",
        "PJ1|330000|33060124|0000000001",
    ] {
        let svg = piaojia_render::qr_svg(payload).unwrap();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert_eq!(decode_svg(&svg, 6), payload);
    }
}

/// A payload longer than any QR code holds (a service could send such a hand-off
/// code) is refused with an error, not a panic.
#[test]
fn a_payload_too_long_for_a_qr_code_is_an_error() {
    let error = piaojia_render::qr_svg(&"1".repeat(8000)).unwrap_err();
    assert_eq!(error.code(), "render.qr_too_long");
}
