//! A province's trust: the pinned root key, and the bundle it signs (issuer and
//! supervisor certificates, a revocation list with the bundle version).

use crate::b64;
use crate::error::Error;
use crate::ids::ProvinceCode;
use chrono::{NaiveDate, NaiveDateTime};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The root public key of a province, pinned in the wallet's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustAnchor {
    pub province: ProvinceCode,
    pub root: VerifyingKey,
}

impl TrustAnchor {
    /// `public_key_b64` is the 32-byte ed25519 key in base64, as configs carry it.
    pub fn from_base64(province: ProvinceCode, public_key_b64: &str) -> Result<Self, Error> {
        let bytes: [u8; 32] = b64::decode(public_key_b64)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| Error::BundleMalformed("root key is not 32 bytes of base64".into()))?;
        let root = VerifyingKey::from_bytes(&bytes)
            .map_err(|_| Error::BundleMalformed("root key is not a valid ed25519 key".into()))?;
        Ok(TrustAnchor { province, root })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CertificateRole {
    /// 开票单位: signs receipts.
    Issuer,
    /// 财政监制: countersigns every receipt of the province.
    Supervisor,
}

/// What a certificate says; the root signs its serialised bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Always "piaojia.certificate/1".
    pub format: String,
    pub province: ProvinceCode,
    pub serial: String,
    pub role: CertificateRole,
    /// The issuer's 单位编码 (for the supervisor, the finance department's code).
    pub subject_code: String,
    pub subject_name: String,
    #[serde(with = "b64::public_key")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub public_key: [u8; 32],
    pub valid_from: NaiveDate,
    /// Inclusive: a receipt issued on this day is still covered.
    pub valid_to: NaiveDate,
}

pub const CERTIFICATE_FORMAT: &str = "piaojia.certificate/1";
pub const REVOCATIONS_FORMAT: &str = "piaojia.revocations/1";

/// The signed list of revoked certificates; it carries the bundle's version so the
/// version cannot be changed without the root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevocationList {
    /// Always "piaojia.revocations/1".
    pub format: String,
    pub province: ProvinceCode,
    pub version: u64,
    pub issued_at: NaiveDateTime,
    pub revoked: Vec<Revocation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    pub serial: String,
    pub revoked_at: NaiveDateTime,
    pub reason: String,
    /// The revoked certificate's key. A revocation refuses the key as well as the
    /// serial: a key certified again under another serial (a renewal keeps the key)
    /// is as compromised as it was. Optional so that a list can name a serial only;
    /// the key is then taken from the bundle's certificate of that serial.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "b64::optional_public_key"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Byte))]
    pub public_key: Option<[u8; 32]>,
}

/// Bytes signed by the province root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RootSigned {
    #[serde(with = "b64")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub body: Vec<u8>,
    #[serde(with = "b64::signature")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Byte))]
    pub signature: [u8; 64],
}

impl RootSigned {
    pub fn sign<T: Serialize>(value: &T, root: &SigningKey) -> RootSigned {
        let body = serde_json::to_vec(value).expect("trust data always serialises");
        let signature = root.sign(&body).to_bytes();
        RootSigned { body, signature }
    }

    fn open<T: for<'de> Deserialize<'de>>(&self, root: &VerifyingKey) -> Result<T, Error> {
        root.verify_strict(&self.body, &Signature::from_bytes(&self.signature))
            .map_err(|_| Error::BundleSignature)?;
        serde_json::from_slice(&self.body).map_err(|e| Error::BundleMalformed(e.to_string()))
    }
}

/// The trust bundle as the service publishes it and the wallet stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// The example is the demo service's own bundle (seed 20261127), cut to the
// supervisor and one issuer: it verifies against the demo root key.
#[cfg_attr(feature = "openapi", schema(example = json!({
    "province": "330000",
    "version": 1,
    "certificates": [
        {
            "body": "eyJmb3JtYXQiOiJwaWFvamlhLmNlcnRpZmljYXRlLzEiLCJwcm92aW5jZSI6IjMzMDAwMCIsInNlcmlhbCI6IjMzLVNVUC0wMDAxIiwicm9sZSI6InN1cGVydmlzb3IiLCJzdWJqZWN0X2NvZGUiOiIzMzAwMDAtQ1pUIiwic3ViamVjdF9uYW1lIjoi5rWZ5rGf55yB6LSi5pS/5Y6FIiwicHVibGljX2tleSI6Im01VDJORzR3dk43TVZIdVJYWlQyUG5acXBBd1VXWGJGY2Z2ZXM2M0VVRzA9IiwidmFsaWRfZnJvbSI6IjIwMjAtMDEtMDEiLCJ2YWxpZF90byI6IjIwMzUtMTItMzEifQ==",
            "signature": "5dQq+i/60v2wluFGpNwfACz67Eya8d9B9IITVVAMvWsHYS7UdBkbCpxqZwbahorS3o2o0u80JkMzm/mBoOWUCw=="
        },
        {
            "body": "eyJmb3JtYXQiOiJwaWFvamlhLmNlcnRpZmljYXRlLzEiLCJwcm92aW5jZSI6IjMzMDAwMCIsInNlcmlhbCI6IjMzLUlTUy0wMDAyIiwicm9sZSI6Imlzc3VlciIsInN1YmplY3RfY29kZSI6IjMzMDEwMDAwMDAwMiIsInN1YmplY3RfbmFtZSI6Iua1meaxn+Wkp+WtpuWMu+WtpumZoumZhOWxnuesrOS4gOWMu+mZoiIsInB1YmxpY19rZXkiOiJxOFFTOXQveXdtOG5mRmRJR2ZudGdPdSsxcEpnQ0FnbXF1Ni85SlVJRnQwPSIsInZhbGlkX2Zyb20iOiIyMDIwLTAxLTAxIiwidmFsaWRfdG8iOiIyMDM1LTEyLTMxIn0=",
            "signature": "iU0VZl+sk/3+dMnC01JMnklF7ScGef4W+yHVGEK0DFMnbDH9qhiiszUyKElaPTb/7ak+BZ23ZDG7yZHY391GDw=="
        }
    ],
    "revocations": {
        "body": "eyJmb3JtYXQiOiJwaWFvamlhLnJldm9jYXRpb25zLzEiLCJwcm92aW5jZSI6IjMzMDAwMCIsInZlcnNpb24iOjEsImlzc3VlZF9hdCI6IjIwMjYtMTItMDJUMTc6MTc6MzAuNjM5NDYwMzY5IiwicmV2b2tlZCI6W119",
        "signature": "UmyA3zh0e5usGgL3J76m6MGT58l+Droeb90dtden/5rPAG0gV0Q2alRbiIWBbkzoeug4piXJsuXA4KNjpg3WCA=="
    }
})))]
#[serde(deny_unknown_fields)]
pub struct TrustBundle {
    pub province: ProvinceCode,
    /// Unsigned copy of the revocation list's version, for display; the signed one rules.
    pub version: u64,
    pub certificates: Vec<RootSigned>,
    pub revocations: RootSigned,
}

impl TrustBundle {
    /// Checks every part against the pinned root and returns the usable store.
    pub fn verify(&self, anchor: &TrustAnchor) -> Result<TrustStore, Error> {
        if self.province != anchor.province {
            return Err(Error::WrongProvince {
                expected: anchor.province.to_string(),
                found: self.province.to_string(),
            });
        }
        let revocations: RevocationList = self.revocations.open(&anchor.root)?;
        if revocations.format != REVOCATIONS_FORMAT || revocations.province != anchor.province {
            return Err(Error::BundleMalformed(
                "revocation list of another kind or province".into(),
            ));
        }
        if revocations.version != self.version {
            return Err(Error::BundleMalformed(
                "bundle version differs from the signed one".into(),
            ));
        }
        let mut certificates = HashMap::new();
        for signed in &self.certificates {
            let cert: Certificate = signed.open(&anchor.root)?;
            if cert.format != CERTIFICATE_FORMAT || cert.province != anchor.province {
                return Err(Error::BundleMalformed(
                    "certificate of another kind or province".into(),
                ));
            }
            let key = VerifyingKey::from_bytes(&cert.public_key).map_err(|_| {
                Error::BundleMalformed(format!("certificate {} has a bad key", cert.serial))
            })?;
            if key.is_weak() {
                return Err(Error::BundleMalformed(format!(
                    "certificate {} has a weak key",
                    cert.serial
                )));
            }
            if certificates
                .insert(cert.serial.clone(), (cert, key))
                .is_some()
            {
                return Err(Error::BundleMalformed(
                    "duplicate certificate serial".into(),
                ));
            }
        }
        let revoked_keys = revocations
            .revoked
            .iter()
            .filter_map(|r| {
                r.public_key.or_else(|| {
                    certificates
                        .get(&r.serial)
                        .map(|(cert, _): &(Certificate, VerifyingKey)| cert.public_key)
                })
            })
            .collect();
        Ok(TrustStore {
            province: anchor.province.clone(),
            version: revocations.version,
            certificates,
            revoked: revocations
                .revoked
                .into_iter()
                .map(|r| (r.serial.clone(), r))
                .collect(),
            revoked_keys,
        })
    }
}

/// A verified trust bundle, ready to check receipts offline.
#[derive(Debug, Clone)]
pub struct TrustStore {
    pub province: ProvinceCode,
    pub version: u64,
    certificates: HashMap<String, (Certificate, VerifyingKey)>,
    revoked: HashMap<String, Revocation>,
    revoked_keys: HashSet<[u8; 32]>,
}

impl TrustStore {
    pub fn certificate(&self, serial: &str) -> Option<&Certificate> {
        self.certificates.get(serial).map(|(c, _)| c)
    }

    pub fn certificates(&self) -> impl Iterator<Item = &Certificate> {
        self.certificates.values().map(|(c, _)| c)
    }

    pub fn revocation(&self, serial: &str) -> Option<&Revocation> {
        self.revoked.get(serial)
    }

    /// The key of `serial` if it is a certificate of `role` for `subject` (any
    /// subject when `None`), valid at `at` and not revoked.
    pub(crate) fn key_for(
        &self,
        serial: &str,
        role: CertificateRole,
        subject: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<&VerifyingKey, Error> {
        let unknown = || match role {
            CertificateRole::Issuer => Error::UnknownIssuer {
                serial: serial.to_string(),
            },
            CertificateRole::Supervisor => Error::UnknownSupervisor {
                serial: serial.to_string(),
            },
        };
        let (cert, key) = self.certificates.get(serial).ok_or_else(unknown)?;
        if cert.role != role || subject.is_some_and(|s| s != cert.subject_code) {
            return Err(unknown());
        }
        if self.revoked.contains_key(serial) || self.revoked_keys.contains(&cert.public_key) {
            return Err(Error::CertificateRevoked {
                serial: serial.to_string(),
            });
        }
        let day = at.date();
        if day < cert.valid_from || day > cert.valid_to {
            return Err(Error::CertificateNotValidAt {
                serial: serial.to_string(),
                at,
            });
        }
        Ok(key)
    }
}
