//! Verification of an OFD file's signatures, in levels, each with its reason:
//!
//! 1. integrity: every file a signature names hashes to its `CheckValue`, and every
//!    file outside the signatures' folder is named by one (nothing unprotected can
//!    change what is shown);
//! 2. signature: the signer's SM2 signature verifies over the exact stored bytes with
//!    the certificate it carries, and its `dataHash` is SM3 of `Signature.xml`;
//! 3. seal: the seal maker signed the seal, the seal was valid at the signing time,
//!    the signer's certificate was valid then and is one the seal may be used with;
//! 4. trust: the signer's and the maker's certificates chain to a root the user
//!    trusts.
//!
//! Online checks (level 5) belong to the services that can answer them, not here.

use crate::cert::{Certificate, CertificateSummary};
use crate::error::{OfdError, Result};
use crate::package::{folder_of, Package};
use crate::ses::{SealCertList, SesSignature, SesVersion};
use crate::signed_data::{is_signed_data, SignedData};
use crate::sm::{self, SM3, SM3_WITH_SM2};
use crate::trust::TrustStore;
use crate::xml::{self, Element};
use base64::Engine;
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::BTreeSet;

/// One level's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    Passed,
    Failed(OfdError),
    /// Could not be decided: the reason says why (no certificate, no trusted root…).
    NotChecked(OfdError),
}

impl Level {
    pub fn passed(&self) -> bool {
        matches!(self, Level::Passed)
    }

    fn of(result: Result<()>) -> Level {
        match result {
            Ok(()) => Level::Passed,
            Err(e) => Level::Failed(e),
        }
    }
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        match self {
            Level::Passed => map.serialize_entry("state", "passed")?,
            Level::Failed(e) | Level::NotChecked(e) => {
                let state = if matches!(self, Level::Failed(_)) {
                    "failed"
                } else {
                    "not_checked"
                };
                map.serialize_entry("state", state)?;
                map.serialize_entry("code", e.code())?;
                map.serialize_entry("reason", &e.to_string())?;
            }
        }
        map.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureKind {
    /// An electronic seal, GM/T 0031-2014.
    SesV1,
    /// An electronic seal, GB/T 38540-2020.
    SesV4,
    /// A GB/T 35275 SM2 digital signature (no seal).
    SignedData,
    /// A bare SM2 signature without a certificate.
    BareSignature,
    Unknown,
}

/// What one signature of the file proves.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureReport {
    /// `Doc_0/Signs/Sign_0/Signature.xml`
    pub file: String,
    pub kind: SignatureKind,
    pub seal_name: Option<String>,
    pub signing_time: Option<NaiveDateTime>,
    pub signer: Option<CertificateSummary>,
    pub seal_maker: Option<CertificateSummary>,
    pub integrity: Level,
    pub signature: Level,
    pub seal: Level,
    pub trust: Level,
}

impl SignatureReport {
    /// How many levels, from the first, hold: 0 to 4.
    pub fn verified_levels(&self) -> u8 {
        [&self.integrity, &self.signature, &self.seal, &self.trust]
            .iter()
            .take_while(|l| l.passed())
            .count() as u8
    }
}

/// The signatures of a document and the seal pictures to draw.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub signatures: Vec<SignatureReport>,
}

impl Verification {
    /// The levels every signature reaches (0 when there is none).
    pub fn verified_levels(&self) -> u8 {
        self.signatures
            .iter()
            .map(SignatureReport::verified_levels)
            .min()
            .unwrap_or(0)
    }
}

struct Listed {
    file: String,
    bytes: Vec<u8>,
    root: Element,
}

/// The `Signature.xml` files the document lists, in order.
fn listed_signatures(package: &Package) -> Result<(Option<String>, Vec<Listed>)> {
    let ofd = xml::parse("OFD.xml", package.get("OFD.xml").unwrap_or_default())?;
    let Some(list_path) = ofd
        .children_named("DocBody")
        .find_map(|body| body.text_at(&["Signatures"]))
    else {
        return Ok((None, Vec::new()));
    };
    let Some((list_name, list_bytes)) = package.resolve("", list_path) else {
        return Ok((None, Vec::new()));
    };
    let list_name = list_name.to_string();
    let list = xml::parse(&list_name, list_bytes)?;
    let mut out = Vec::new();
    for entry in list.children_named("Signature") {
        let Some(location) = entry.attribute("BaseLoc") else {
            continue;
        };
        let Some((file, bytes)) = package.resolve(folder_of(&list_name), location) else {
            return Err(OfdError::ReferenceMissing(location.to_string()));
        };
        out.push(Listed {
            file: file.to_string(),
            root: xml::parse(file, bytes)?,
            bytes: bytes.to_vec(),
        });
    }
    Ok((Some(list_name), out))
}

fn digest(method: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    match method {
        SM3 | "SM3" | "sm3" | "" => Some(sm::sm3(bytes).to_vec()),
        _ => None,
    }
}

/// Level 1 for one signature, with the files it covers.
fn integrity(
    package: &Package,
    listed: &Listed,
    list_name: &str,
    later_signature: bool,
    covered: &mut BTreeSet<String>,
) -> Level {
    let Some(references) = listed.root.path(&["SignedInfo", "References"]) else {
        return Level::Failed(OfdError::Asn1("no References in Signature.xml".into()));
    };
    let method = references.attribute("CheckMethod").unwrap_or_default();
    let base = folder_of(&listed.file);
    let mut changed = Vec::new();
    for reference in references.children_named("Reference") {
        let path = reference.attribute("FileRef").unwrap_or_default();
        let Some((name, bytes)) = package.resolve(base, path) else {
            return Level::Failed(OfdError::ReferenceMissing(path.to_string()));
        };
        covered.insert(name.to_string());
        let Some(actual) = digest(method, bytes) else {
            return Level::NotChecked(OfdError::Unsupported(format!("check method {method}")));
        };
        let expected = reference
            .text_at(&["CheckValue"])
            .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v).ok());
        if expected.as_deref() != Some(&actual[..]) {
            changed.push(name.to_string());
        }
    }
    if let Some(first) = changed.iter().find(|c| c.as_str() != list_name) {
        return Level::Failed(OfdError::ReferenceChanged(format!("/{first}")));
    }
    if !changed.is_empty() {
        return Level::Failed(if later_signature {
            OfdError::SignatureListRewritten
        } else {
            OfdError::ReferenceChanged(format!("/{list_name}"))
        });
    }
    Level::Passed
}

struct Crypto {
    kind: SignatureKind,
    seal_name: Option<String>,
    signing_time: Option<NaiveDateTime>,
    signer: Option<Certificate>,
    maker: Option<Certificate>,
    signature: Level,
    seal: Level,
}

fn ses_levels(ses: &SesSignature, signature_xml: &[u8]) -> Crypto {
    let kind = match ses.version {
        SesVersion::V1 => SignatureKind::SesV1,
        SesVersion::V4 => SignatureKind::SesV4,
    };
    let signer = Certificate::parse(&ses.signer_cert);
    let maker = Certificate::parse(&ses.seal.maker_cert);
    let signature = Level::of((|| {
        if ses.algorithm != SM3_WITH_SM2 {
            return Err(OfdError::Unsupported(format!(
                "signature algorithm {}",
                ses.algorithm
            )));
        }
        let signer = signer.as_ref().map_err(Clone::clone)?;
        if !sm::verify(&signer.public_key, &ses.to_sign, &ses.signature) {
            return Err(OfdError::SignerSignature);
        }
        if ses.data_hash != sm::sm3(signature_xml) {
            return Err(OfdError::DataHash);
        }
        Ok(())
    })());
    let seal = Level::of((|| {
        let seal = &ses.seal;
        if seal.maker_algorithm != SM3_WITH_SM2 {
            return Err(OfdError::Unsupported(format!(
                "seal algorithm {}",
                seal.maker_algorithm
            )));
        }
        let maker = maker.as_ref().map_err(Clone::clone)?;
        if !sm::verify(
            &maker.public_key,
            &seal.maker_message,
            &seal.maker_signature,
        ) {
            return Err(OfdError::SealMakerSignature);
        }
        let at = ses
            .signing_time
            .ok_or_else(|| OfdError::Asn1("no signing time".into()))?;
        match (seal.valid_start, seal.valid_end) {
            (Some(start), Some(end)) if start <= at && at <= end => {}
            (Some(start), Some(end)) => {
                return Err(OfdError::SealNotValid(format!(
                    "valid {start} to {end}, signed {at}"
                )))
            }
            _ => return Err(OfdError::Asn1("the seal has no validity period".into())),
        }
        let signer = signer.as_ref().map_err(Clone::clone)?;
        if !signer.valid_at(at) {
            return Err(OfdError::CertificateNotValid {
                which: "signer",
                at: at.to_string(),
            });
        }
        let listed = match &seal.cert_list {
            SealCertList::Certificates(certs) => {
                certs.is_empty() || certs.iter().any(|c| c == &signer.der)
            }
            SealCertList::Digests(digests) => {
                digests.is_empty()
                    || digests
                        .iter()
                        .any(|(_, value)| value[..] == sm::sm3(&signer.der))
            }
            SealCertList::Unreadable => true,
        };
        if !listed {
            return Err(OfdError::SignerNotInSeal);
        }
        Ok(())
    })());
    Crypto {
        kind,
        seal_name: Some(ses.seal.name.clone()),
        signing_time: ses.signing_time,
        signer: signer.ok(),
        maker: maker.ok(),
        signature,
        seal,
    }
}

fn signed_data_levels(data: &SignedData, signature_xml: &[u8]) -> Crypto {
    let expected = sm::sm3(signature_xml);
    let certificates: Vec<Certificate> = data
        .certificates
        .iter()
        .filter_map(|c| Certificate::parse(c).ok())
        .collect();
    let mut signer = None;
    let signature = Level::of((|| {
        let info = data.signers.first().ok_or(OfdError::NoSignerCertificate)?;
        let digest_ok = match (&info.message_digest, &data.content) {
            (Some(digest), _) => digest[..] == expected,
            (None, Some(content)) => content[..] == expected,
            (None, None) => false,
        };
        let message = info
            .signed_bytes
            .as_ref()
            .ok_or(OfdError::SignerSignature)?;
        signer = certificates
            .iter()
            .find(|c| sm::verify(&c.public_key, message, &info.signature))
            .cloned();
        if signer.is_none() {
            return Err(if certificates.is_empty() {
                OfdError::NoSignerCertificate
            } else {
                OfdError::SignerSignature
            });
        }
        if !digest_ok {
            return Err(OfdError::DataHash);
        }
        Ok(())
    })());
    Crypto {
        kind: SignatureKind::SignedData,
        seal_name: None,
        signing_time: None,
        signer,
        maker: None,
        signature,
        seal: Level::NotChecked(OfdError::Unsupported(
            "a digital signature without an electronic seal".into(),
        )),
    }
}

fn crypto_levels(package: &Package, listed: &Listed) -> Crypto {
    let unknown = |error: OfdError| Crypto {
        kind: SignatureKind::Unknown,
        seal_name: None,
        signing_time: None,
        signer: None,
        maker: None,
        signature: Level::Failed(error.clone()),
        seal: Level::Failed(error),
    };
    let Some(path) = listed.root.text_at(&["SignedValue"]) else {
        return unknown(OfdError::Asn1("no SignedValue in Signature.xml".into()));
    };
    let Some((_, value)) = package.resolve(folder_of(&listed.file), path) else {
        return unknown(OfdError::ReferenceMissing(path.to_string()));
    };
    if is_signed_data(value) {
        return match SignedData::parse(value) {
            Ok(data) => signed_data_levels(&data, &listed.bytes),
            Err(e) => unknown(e),
        };
    }
    match SesSignature::parse(value) {
        Ok(ses) => ses_levels(&ses, &listed.bytes),
        Err(error) if sm::signature_scalars(value).is_some() => Crypto {
            kind: SignatureKind::BareSignature,
            signature: Level::NotChecked(OfdError::NoSignerCertificate),
            seal: Level::NotChecked(OfdError::Unsupported(
                "a digital signature without an electronic seal".into(),
            )),
            ..unknown(error)
        },
        Err(error) => unknown(error),
    }
}

fn trust_level(crypto: &Crypto, trust: &TrustStore) -> Level {
    let Some(signer) = &crypto.signer else {
        return Level::NotChecked(OfdError::NoSignerCertificate);
    };
    let at = crypto.signing_time.unwrap_or(signer.not_before);
    let mut certs: Vec<&Certificate> = vec![signer];
    certs.extend(crypto.maker.as_ref());
    for cert in certs {
        if let Err(e) = trust.trusts(cert, &[], at) {
            return Level::NotChecked(e);
        }
    }
    Level::Passed
}

/// A file that no signature covers, outside the signatures' own folder. `OFD.xml`
/// is left out: signers differ on covering it, and what it points at (the document
/// root) is covered; what it carries besides (`CustomData`) is not shown.
fn unprotected(package: &Package, list_name: &str, covered: &BTreeSet<String>) -> Option<String> {
    let signs_folder = format!("{}/", folder_of(list_name));
    package
        .names()
        .find(|name| {
            !covered.contains(*name)
                && !name.starts_with(&signs_folder)
                && !name.eq_ignore_ascii_case("OFD.xml")
        })
        .map(|name| format!("/{name}"))
}

/// Verifies every signature of an OFD package against `trust`.
pub fn verify(package: &Package, trust: &TrustStore) -> Result<Verification> {
    let (list_name, listed) = listed_signatures(package)?;
    let list_name = list_name.unwrap_or_default();
    let mut covered = BTreeSet::new();
    let mut signatures = Vec::new();
    for (index, one) in listed.iter().enumerate() {
        let integrity = integrity(
            package,
            one,
            &list_name,
            index + 1 < listed.len(),
            &mut covered,
        );
        let crypto = crypto_levels(package, one);
        signatures.push(SignatureReport {
            file: one.file.clone(),
            kind: crypto.kind,
            seal_name: crypto.seal_name.clone(),
            signing_time: crypto.signing_time,
            signer: crypto.signer.as_ref().map(Certificate::summary),
            seal_maker: crypto.maker.as_ref().map(Certificate::summary),
            integrity,
            trust: trust_level(&crypto, trust),
            signature: crypto.signature,
            seal: crypto.seal,
        });
    }
    // Sealed one after the other, each seal covers what existed when it was made;
    // together they must cover every file.
    if let Some(file) = unprotected(package, &list_name, &covered) {
        for signature in signatures.iter_mut().filter(|s| s.integrity.passed()) {
            signature.integrity = Level::Failed(OfdError::Unprotected(file.clone()));
        }
    }
    Ok(Verification { signatures })
}
