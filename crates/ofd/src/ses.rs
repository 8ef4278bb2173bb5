//! The electronic seal structures: SES_Signature and SESeal of GM/T 0031-2014 (V1)
//! and GB/T 38540-2020 (V4), read by hand (no crate knows them) with the lenient DER
//! reader, keeping the exact bytes each signature covers. The version is told by
//! structure, not by the header's number: a V1 seal may say "4".
//!
//! ```text
//! V4 SES_Signature ::= SEQUENCE { toSign TBS_Sign, cert OCTET STRING,
//!        signatureAlgorithm OID, signature BIT STRING, timeStamp [0] OPTIONAL }
//!    TBS_Sign ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo GeneralizedTime,
//!        dataHash BIT STRING, propertyInfo IA5String, extDatas OPTIONAL }
//! V1 SES_Signature ::= SEQUENCE { toSign TBS_Sign, signature BIT STRING }
//!    TBS_Sign ::= SEQUENCE { version INTEGER, eseal SESeal, timeInfo BIT STRING,
//!        dataHash BIT STRING, propertyInfo IA5String, cert OCTET STRING,
//!        signatureAlgorithm OID, extDatas OPTIONAL }
//! V4 SESeal ::= SEQUENCE { esealInfo SES_SealInfo, cert OCTET STRING,
//!        signAlgID OID, signedValue BIT STRING }    -- maker signs esealInfo's bytes
//! V1 SESeal ::= SEQUENCE { esealInfo SES_SealInfo, signInfo SEQUENCE { cert OCTET
//!        STRING, signatureAlgorithm OID, signData BIT STRING } }
//!        -- maker signs SEQUENCE { esealInfo, cert, signatureAlgorithm }
//! SES_SealInfo ::= SEQUENCE { header SEQUENCE { ID IA5String, version INTEGER,
//!        Vid IA5String }, esID IA5String, property SES_ESPropertyInfo,
//!        picture SEQUENCE { type IA5String, data OCTET STRING, width, height }, … }
//! ```

use crate::cert::{parse_compact_time, time};
use crate::der::{self, Tlv, GENERALIZED_TIME, OCTET_STRING, SEQUENCE, UTC_TIME};
use crate::error::{OfdError, Result};
use chrono::NaiveDateTime;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SesVersion {
    /// GM/T 0031-2014.
    V1,
    /// GB/T 38540-2020 (and GM/T 0031-2025's V5 seals, laid out alike).
    V4,
}

/// The certificates a seal may be used with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealCertList {
    Certificates(Vec<Vec<u8>>),
    /// Digests of certificates, with the digest's name as the seal writes it.
    Digests(Vec<(String, Vec<u8>)>),
    /// Something else (one signer writes a list of strings): nothing to check against.
    Unreadable,
}

#[derive(Debug, Clone)]
pub struct Seal {
    pub layout: SesVersion,
    pub raw: Vec<u8>,
    pub header_version: u64,
    pub es_id: String,
    pub name: String,
    pub cert_list: SealCertList,
    pub valid_start: Option<NaiveDateTime>,
    pub valid_end: Option<NaiveDateTime>,
    pub picture_type: String,
    pub picture: Vec<u8>,
    /// The bytes the seal maker signed.
    pub maker_message: Vec<u8>,
    pub maker_cert: Vec<u8>,
    pub maker_algorithm: String,
    pub maker_signature: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct SesSignature {
    pub version: SesVersion,
    /// The bytes the signer signed: TBS_Sign as stored.
    pub to_sign: Vec<u8>,
    pub signer_cert: Vec<u8>,
    pub algorithm: String,
    pub signature: Vec<u8>,
    pub signing_time: Option<NaiveDateTime>,
    pub data_hash: Vec<u8>,
    pub seal: Seal,
}

fn short(what: &str) -> OfdError {
    OfdError::Asn1(format!("{what} is incomplete"))
}

/// A signing time as seals write it: GeneralizedTime, UTCTime, or text in a BIT
/// STRING (`20200723130907Z`, or `2020-01-25T07:31:56.377Z` from some signers).
fn signing_time(tlv: &Tlv<'_>) -> Option<NaiveDateTime> {
    if matches!(tlv.tag, GENERALIZED_TIME | UTC_TIME) {
        return time(tlv).ok();
    }
    let text = tlv.text().ok()?;
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    parse_compact_time(&digits)
}

fn seal_info_property(property: &Tlv<'_>) -> Result<(String, SealCertList, Vec<NaiveDateTime>)> {
    let fields = property.children()?;
    let name = fields
        .get(1)
        .ok_or_else(|| short("seal property"))?
        .text()?;
    let mut cert_list = SealCertList::Certificates(Vec::new());
    let mut times = Vec::new();
    for field in &fields[2..] {
        match field.tag {
            SEQUENCE => {
                let entries = field.children()?;
                cert_list = if entries.iter().all(|e| e.tag == OCTET_STRING) {
                    SealCertList::Certificates(entries.iter().map(|e| e.value.to_vec()).collect())
                } else if entries.iter().all(|e| e.tag == SEQUENCE) {
                    let mut digests = Vec::new();
                    for entry in entries {
                        let parts = entry.children()?;
                        if let [kind, value] = parts.as_slice() {
                            digests.push((kind.text()?, value.value.to_vec()));
                        }
                    }
                    SealCertList::Digests(digests)
                } else {
                    SealCertList::Unreadable
                };
            }
            GENERALIZED_TIME | UTC_TIME => times.push(time(field)?),
            _ => {}
        }
    }
    Ok((name, cert_list, times))
}

fn seal(tlv: &Tlv<'_>) -> Result<Seal> {
    let parts = tlv.expect(SEQUENCE, "SESeal")?.children()?;
    let info = parts
        .first()
        .ok_or_else(|| short("SESeal"))?
        .expect(SEQUENCE, "SES_SealInfo")?;
    let info_fields = info.children()?;
    let [header, es_id, property, picture, ..] = info_fields.as_slice() else {
        return Err(short("SES_SealInfo"));
    };
    let header_version = header
        .children()?
        .get(1)
        .ok_or_else(|| short("seal header"))?
        .small_uint()?;
    let (name, cert_list, times) = seal_info_property(property)?;
    let picture_parts = picture.children()?;
    let [picture_type, picture_data, ..] = picture_parts.as_slice() else {
        return Err(short("seal picture"));
    };
    let (layout, maker_cert, maker_algorithm, maker_signature, maker_message) =
        match parts.as_slice() {
            [_, sign_info] => {
                let sign_parts = sign_info.children()?;
                let [cert, algorithm, signature, ..] = sign_parts.as_slice() else {
                    return Err(short("SES_SignInfo"));
                };
                let message = der::element(SEQUENCE, &[info.raw, cert.raw, algorithm.raw].concat());
                (SesVersion::V1, *cert, *algorithm, *signature, message)
            }
            [_, cert, algorithm, signature, ..] => (
                SesVersion::V4,
                *cert,
                *algorithm,
                *signature,
                info.raw.to_vec(),
            ),
            _ => return Err(short("SESeal")),
        };
    Ok(Seal {
        layout,
        raw: tlv.raw.to_vec(),
        header_version,
        es_id: es_id.text()?,
        name,
        cert_list,
        // createDate, validStart, validEnd: the last two are the validity.
        valid_start: times.len().checked_sub(2).map(|i| times[i]),
        valid_end: times.last().copied().filter(|_| times.len() >= 2),
        picture_type: picture_type.text()?,
        picture: picture_data.value.to_vec(),
        maker_message,
        maker_cert: maker_cert.bytes()?.to_vec(),
        maker_algorithm: maker_algorithm.oid()?,
        maker_signature: maker_signature.bytes()?.to_vec(),
    })
}

impl SesSignature {
    pub fn parse(bytes: &[u8]) -> Result<SesSignature> {
        let top = der::parse(bytes)?.expect(SEQUENCE, "SES_Signature")?;
        let parts = top.children()?;
        let to_sign = parts
            .first()
            .ok_or_else(|| short("SES_Signature"))?
            .expect(SEQUENCE, "TBS_Sign")?;
        let fields = to_sign.children()?;
        let [_version, eseal, time_info, data_hash, _property_info, rest @ ..] = fields.as_slice()
        else {
            return Err(short("TBS_Sign"));
        };
        let (version, cert, algorithm, signature) = match (parts.as_slice(), rest) {
            ([_, signature], [cert, algorithm, ..]) => {
                (SesVersion::V1, *cert, *algorithm, *signature)
            }
            ([_, cert, algorithm, signature, ..], _) => {
                (SesVersion::V4, *cert, *algorithm, *signature)
            }
            _ => return Err(short("SES_Signature")),
        };
        Ok(SesSignature {
            version,
            to_sign: to_sign.raw.to_vec(),
            signer_cert: cert.bytes()?.to_vec(),
            algorithm: algorithm.oid()?,
            signature: signature.bytes()?.to_vec(),
            signing_time: signing_time(time_info),
            data_hash: data_hash.bytes()?.to_vec(),
            seal: seal(eseal)?,
        })
    }
}

/// A bare seal file (`.esl`), as some OFD files keep beside the signature.
pub fn parse_seal(bytes: &[u8]) -> Result<Seal> {
    seal(&der::parse(bytes)?)
}
