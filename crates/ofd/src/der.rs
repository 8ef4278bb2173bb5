//! A lenient reader of DER, written by hand because real seals are not strict DER:
//! most tax-bureau seals carry an explicit `BOOLEAN FALSE` (a DEFAULT that DER
//! forbids), some carry negative-looking integers, and signatures are checked over
//! the exact stored bytes, never over a re-encoding. So this reader keeps every
//! element's raw bytes and checks only what keeps it safe: definite lengths of at
//! most four bytes and children inside their parent. It reads one level at a time,
//! never recursively, so no nesting can exhaust the stack.

use crate::error::{OfdError, Result};

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
pub const UTF8_STRING: u8 = 0x0c;
pub const IA5_STRING: u8 = 0x16;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;
pub const BMP_STRING: u8 = 0x1e;

/// One element: its tag, its whole encoding and its contents, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub tag: u8,
    /// Tag, length and contents: the bytes a signature covers.
    pub raw: &'a [u8],
    pub value: &'a [u8],
}

fn malformed(what: impl Into<String>) -> OfdError {
    OfdError::Asn1(what.into())
}

/// Reads the element at the start of `bytes`; returns it and what follows it.
pub fn read(bytes: &[u8]) -> Result<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = bytes.split_first().ok_or_else(|| malformed("empty"))?;
    if tag & 0x1f == 0x1f {
        return Err(malformed("multi-byte tags are not used in seals"));
    }
    let (&first, rest) = rest.split_first().ok_or_else(|| malformed("no length"))?;
    let (length, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 {
            return Err(malformed("indefinite length"));
        }
        if count > 4 || rest.len() < count {
            return Err(malformed("length too long"));
        }
        let length = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        (length, &rest[count..])
    };
    if rest.len() < length {
        return Err(malformed("element longer than its container"));
    }
    let header = bytes.len() - rest.len();
    let tlv = Tlv {
        tag,
        raw: &bytes[..header + length],
        value: &rest[..length],
    };
    Ok((tlv, &rest[length..]))
}

/// Reads exactly one element that fills `bytes`.
pub fn parse(bytes: &[u8]) -> Result<Tlv<'_>> {
    let (tlv, rest) = read(bytes)?;
    if !rest.is_empty() {
        return Err(malformed("bytes after the element"));
    }
    Ok(tlv)
}

impl<'a> Tlv<'a> {
    /// The elements inside a constructed element, in order.
    pub fn children(&self) -> Result<Vec<Tlv<'a>>> {
        if self.tag & 0x20 == 0 {
            return Err(malformed(format!(
                "tag {:#04x} is not constructed",
                self.tag
            )));
        }
        let mut out = Vec::new();
        let mut rest = self.value;
        while !rest.is_empty() {
            let (child, next) = read(rest)?;
            out.push(child);
            rest = next;
        }
        Ok(out)
    }

    /// Checks the tag and returns self, for chains of reads.
    pub fn expect(self, tag: u8, what: &str) -> Result<Tlv<'a>> {
        if self.tag == tag {
            Ok(self)
        } else {
            Err(malformed(format!(
                "{what}: expected tag {tag:#04x}, found {:#04x}",
                self.tag
            )))
        }
    }

    /// A BIT STRING's bits (whole bytes), or an OCTET STRING's bytes: real seals use
    /// either where the standard says one.
    pub fn bytes(&self) -> Result<&'a [u8]> {
        match self.tag {
            BIT_STRING => match self.value.split_first() {
                Some((0, bits)) => Ok(bits),
                _ => Err(malformed("a bit string that is not whole bytes")),
            },
            OCTET_STRING => Ok(self.value),
            other => Err(malformed(format!("expected bytes, found tag {other:#04x}"))),
        }
    }

    /// A non-negative INTEGER that fits in 64 bits.
    pub fn small_uint(&self) -> Result<u64> {
        let value = self.expect(INTEGER, "integer")?.value;
        let trimmed = match value.iter().position(|&b| b != 0) {
            Some(i) => &value[i..],
            None => &[][..],
        };
        if value.is_empty() || trimmed.len() > 8 || value[0] & 0x80 != 0 {
            return Err(malformed("integer out of range"));
        }
        Ok(trimmed.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    /// An OBJECT IDENTIFIER in dotted form.
    pub fn oid(&self) -> Result<String> {
        let value = self.expect(OID, "object identifier")?.value;
        if value.is_empty() || value[value.len() - 1] & 0x80 != 0 {
            return Err(malformed("object identifier"));
        }
        let mut arcs: Vec<u64> = Vec::new();
        let mut acc: u64 = 0;
        for &b in value {
            if acc > (u64::MAX >> 7) {
                return Err(malformed("object identifier arc too large"));
            }
            acc = (acc << 7) | (b & 0x7f) as u64;
            if b & 0x80 == 0 {
                arcs.push(acc);
                acc = 0;
            }
        }
        let first = (arcs[0] / 40).min(2);
        let mut text = format!("{}.{}", first, arcs[0] - 40 * first);
        for arc in &arcs[1..] {
            text.push('.');
            text.push_str(&arc.to_string());
        }
        Ok(text)
    }

    /// A string of any of the kinds seals use, as text (BMPString is UTF-16).
    pub fn text(&self) -> Result<String> {
        match self.tag {
            BMP_STRING => {
                let units: Vec<u16> = self
                    .value
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                Ok(String::from_utf16_lossy(&units))
            }
            // UTF8String, PrintableString, IA5String, T61String, GeneralizedTime,
            // UTCTime, OCTET STRING and BIT STRING text: UTF-8 in practice (Chinese
            // CAs put UTF-8 into T61String too).
            _ => Ok(String::from_utf8_lossy(self.bytes().unwrap_or(self.value)).into_owned()),
        }
    }
}

/// Encodes a length in DER (for the few structures a signature covers that must be
/// rebuilt from their parts, and for the test generator).
pub fn length(n: usize) -> Vec<u8> {
    if n < 0x80 {
        return vec![n as u8];
    }
    let bytes: Vec<u8> = n
        .to_be_bytes()
        .into_iter()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

/// An element from its tag and contents.
pub fn element(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(length(contents.len()));
    out.extend_from_slice(contents);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_elements_and_keeps_their_bytes() {
        let inner = element(INTEGER, &[0x05]);
        let text = element(UTF8_STRING, "电子印章".as_bytes());
        let outer = element(SEQUENCE, &[inner.clone(), text.clone()].concat());
        let tlv = parse(&outer).unwrap();
        let children = tlv.children().unwrap();
        assert_eq!(children.len(), 2);
        assert_eq!(children[0].raw, &inner[..]);
        assert_eq!(children[0].small_uint().unwrap(), 5);
        assert_eq!(children[1].text().unwrap(), "电子印章");
    }

    #[test]
    fn long_lengths_round_trip() {
        for n in [0, 1, 127, 128, 255, 256, 65_535, 65_536, 1 << 24] {
            let encoded = element(OCTET_STRING, &vec![7u8; n]);
            let tlv = parse(&encoded).unwrap();
            assert_eq!(tlv.value.len(), n);
        }
    }

    #[test]
    fn oids_read_in_dotted_form() {
        let sm3_with_sm2 = [0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75];
        assert_eq!(
            parse(&element(OID, &sm3_with_sm2)).unwrap().oid().unwrap(),
            "1.2.156.10197.1.501"
        );
    }

    #[test]
    fn hostile_encodings_are_refused_not_panicked_on() {
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0x30],
            vec![0x30, 0x80, 0x00, 0x00],             // indefinite
            vec![0x30, 0x85, 1, 0, 0, 0, 0],          // five length bytes
            vec![0x30, 0x84, 0xff, 0xff, 0xff, 0xff], // longer than the input
            vec![0x30, 0x03, 0x02, 0x05, 0x01],       // child overruns parent
            vec![0x1f, 0x81, 0x01, 0x00],             // multi-byte tag
            vec![0x02, 0x01, 0x05, 0x00],             // trailing byte
        ];
        for bytes in cases {
            let result = parse(&bytes).and_then(|t| t.children().map(|_| ()));
            assert!(result.is_err(), "{bytes:?}");
        }
        // Deep nesting: a thousand SEQUENCEs, one inside the other.
        let mut deep = vec![];
        for _ in 0..1000 {
            deep = element(SEQUENCE, &deep);
        }
        let mut tlv = parse(&deep).unwrap();
        for _ in 0..1000 {
            match tlv.children() {
                Ok(c) if !c.is_empty() => tlv = c[0],
                _ => break,
            }
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        for seed in 0..20_000u64 {
            let bytes = crate::testkit::noise(seed, (seed % 64) as usize);
            if let Ok(tlv) = parse(&bytes) {
                if let Ok(children) = tlv.children() {
                    for child in children {
                        let _ = child.text();
                    }
                }
                let _ = tlv.oid();
                let _ = tlv.small_uint();
            }
        }
    }
}
