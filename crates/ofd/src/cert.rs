//! The few fields of an X.509 certificate that seal verification needs, read with the
//! lenient DER reader (seal certificates break strict DER: UTF-8 in T61String, odd
//! name attributes, explicit defaults). The raw `tbsCertificate` bytes are kept, as
//! a certificate's signature covers them exactly.

use crate::der::{self, Tlv, BIT_STRING, GENERALIZED_TIME, INTEGER, SEQUENCE, UTC_TIME};
use crate::error::{OfdError, Result};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub der: Vec<u8>,
    tbs_range: (usize, usize),
    pub serial_hex: String,
    pub issuer: String,
    issuer_raw: Vec<u8>,
    pub subject: String,
    subject_raw: Vec<u8>,
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    /// SEC1 bytes of the subject's public key (`04 ‖ X ‖ Y` for SM2).
    pub public_key: Vec<u8>,
    pub signature_algorithm: String,
    signature: Vec<u8>,
}

/// What a report shows of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateSummary {
    pub subject: String,
    pub issuer: String,
    pub serial: String,
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
}

fn attribute_name(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "CN".into(),
        "2.5.4.6" => "C".into(),
        "2.5.4.7" => "L".into(),
        "2.5.4.8" => "ST".into(),
        "2.5.4.10" => "O".into(),
        "2.5.4.11" => "OU".into(),
        other => other.into(),
    }
}

/// A distinguished name as `CN=…, O=…`.
fn name_text(name: &Tlv<'_>) -> Result<String> {
    let mut parts = Vec::new();
    for rdn in name.children()? {
        for attribute in rdn.children()? {
            let pair = attribute.children()?;
            if let [key, value, ..] = pair.as_slice() {
                parts.push(format!("{}={}", attribute_name(&key.oid()?), value.text()?));
            }
        }
    }
    Ok(parts.join(", "))
}

/// UTCTime or GeneralizedTime, as written in certificates and seals.
pub fn time(tlv: &Tlv<'_>) -> Result<NaiveDateTime> {
    let text = String::from_utf8_lossy(tlv.value);
    let text = text.trim_end_matches('Z');
    let full = match tlv.tag {
        UTC_TIME if text.len() >= 12 => {
            let year: u32 = text[..2]
                .parse()
                .map_err(|_| OfdError::Asn1(format!("time {text:?}")))?;
            format!("{}{text}", if year < 50 { "20" } else { "19" })
        }
        GENERALIZED_TIME => text.to_string(),
        _ => return Err(OfdError::Asn1(format!("not a time: {text:?}"))),
    };
    parse_compact_time(&full).ok_or_else(|| OfdError::Asn1(format!("time {text:?}")))
}

/// `YYYYMMDDHHMMSS` with an optional fraction, as in GeneralizedTime.
pub fn parse_compact_time(text: &str) -> Option<NaiveDateTime> {
    let digits = text.get(..14)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |range: std::ops::Range<usize>| digits[range].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)?.and_hms_opt(
        n(8..10)?,
        n(10..12)?,
        n(12..14)?,
    )
}

impl Certificate {
    pub fn parse(bytes: &[u8]) -> Result<Certificate> {
        let top = der::parse(bytes)?.expect(SEQUENCE, "certificate")?;
        let parts = top.children()?;
        let [tbs, algorithm, signature] = parts.as_slice() else {
            return Err(OfdError::Asn1("a certificate has three parts".into()));
        };
        let tbs = tbs.expect(SEQUENCE, "tbsCertificate")?;
        let fields = tbs.children()?;
        // The version is an explicit [0] and may be absent (v1).
        let fields = match fields.first() {
            Some(first) if first.tag == 0xa0 => &fields[1..],
            _ => &fields[..],
        };
        let [serial, _algorithm, issuer, validity, subject, spki, ..] = fields else {
            return Err(OfdError::Asn1("tbsCertificate is short".into()));
        };
        let validity = validity.children()?;
        let [not_before, not_after] = validity.as_slice() else {
            return Err(OfdError::Asn1("validity".into()));
        };
        let key_parts = spki.children()?;
        let public_key = key_parts
            .get(1)
            .ok_or_else(|| OfdError::Asn1("subjectPublicKeyInfo".into()))?
            .expect(BIT_STRING, "subjectPublicKey")?
            .bytes()?
            .to_vec();
        let signature_algorithm = algorithm
            .children()?
            .first()
            .ok_or_else(|| OfdError::Asn1("signature algorithm".into()))?
            .oid()?;
        let start = tbs.raw.as_ptr() as usize - bytes.as_ptr() as usize;
        Ok(Certificate {
            der: bytes.to_vec(),
            tbs_range: (start, start + tbs.raw.len()),
            serial_hex: hex::encode(serial.expect(INTEGER, "serial")?.value),
            issuer: name_text(issuer)?,
            issuer_raw: issuer.raw.to_vec(),
            subject: name_text(subject)?,
            subject_raw: subject.raw.to_vec(),
            not_before: time(not_before)?,
            not_after: time(not_after)?,
            public_key,
            signature_algorithm,
            signature: signature.bytes()?.to_vec(),
        })
    }

    pub fn tbs(&self) -> &[u8] {
        &self.der[self.tbs_range.0..self.tbs_range.1]
    }

    pub fn valid_at(&self, at: NaiveDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }

    /// Whether `issuer` issued this certificate: names match and its key verifies
    /// this certificate's signature (SM3withSM2 only).
    pub fn issued_by(&self, issuer: &Certificate) -> bool {
        self.issuer_raw == issuer.subject_raw
            && self.signature_algorithm == crate::sm::SM3_WITH_SM2
            && crate::sm::verify(&issuer.public_key, self.tbs(), &self.signature)
    }

    pub fn is_self_issued(&self) -> bool {
        self.issuer_raw == self.subject_raw
    }

    /// The certificate's DER bytes, as read.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn summary(&self) -> CertificateSummary {
        CertificateSummary {
            subject: self.subject.clone(),
            issuer: self.issuer.clone(),
            serial: self.serial_hex.clone(),
            not_before: self.not_before,
            not_after: self.not_after,
        }
    }
}
