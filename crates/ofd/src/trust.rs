//! The certificates a user trusts to vouch for seals. None is assumed: the tax and
//! seal CAs' roots are in no public file, so each is added by the user, from a file
//! (DER or PEM). A seal whose certificates chain to none of them says so.

use crate::cert::Certificate;
use crate::error::{OfdError, Result};
use base64::Engine;
use chrono::NaiveDateTime;

#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<Certificate>,
}

/// The certificates in a file: DER, or PEM with one or more certificates.
pub fn certificates_in(bytes: &[u8]) -> Result<Vec<Certificate>> {
    let text = String::from_utf8_lossy(bytes);
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Ok(vec![Certificate::parse(bytes)?]);
    }
    let mut out = Vec::new();
    for block in text.split("-----BEGIN CERTIFICATE-----").skip(1) {
        let body = block
            .split("-----END CERTIFICATE-----")
            .next()
            .unwrap_or_default();
        let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(clean)
            .map_err(|e| OfdError::Asn1(format!("PEM: {e}")))?;
        out.push(Certificate::parse(&der)?);
    }
    Ok(out)
}

impl TrustStore {
    pub fn new(roots: Vec<Certificate>) -> TrustStore {
        TrustStore { roots }
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    pub fn roots(&self) -> &[Certificate] {
        &self.roots
    }

    /// Whether `cert` is trusted at `at`: it is one of the roots, or a root issued it
    /// (directly, or through certificates in `intermediates`), each valid at `at`.
    pub fn trusts(
        &self,
        cert: &Certificate,
        intermediates: &[Certificate],
        at: NaiveDateTime,
    ) -> Result<()> {
        let mut current = cert.clone();
        // A chain longer than this is no seal's.
        for _ in 0..6 {
            if !current.valid_at(at) {
                break;
            }
            if self.roots.iter().any(|r| r.der == current.der) {
                return Ok(());
            }
            if self
                .roots
                .iter()
                .any(|r| r.valid_at(at) && current.issued_by(r))
            {
                return Ok(());
            }
            match intermediates
                .iter()
                .find(|i| !current.is_self_issued() && current.issued_by(i))
            {
                Some(next) => current = next.clone(),
                None => break,
            }
        }
        Err(OfdError::Untrusted(cert.issuer.clone()))
    }
}
