use crate::fixture::*;
use piaojia_receipt::*;

#[test]
fn a_bundle_verifies_against_its_root() {
    let k = keys();
    let trust = bundle(&k).verify(&anchor(&k)).unwrap();
    assert_eq!(trust.version, 7);
    assert_eq!(trust.certificates().count(), 5);
    assert!(trust.revocation("ISS-REV").is_some());
}

#[test]
fn a_bundle_from_another_root_is_refused() {
    let k = keys();
    let wrong = TrustAnchor {
        province: province(),
        root: k.other.verifying_key(),
    };
    assert!(matches!(
        bundle(&k).verify(&wrong),
        Err(Error::BundleSignature)
    ));
}

#[test]
fn a_tampered_certificate_is_refused() {
    let k = keys();
    let mut b = bundle(&k);
    let last = b.certificates[0].body.len() - 2;
    b.certificates[0].body[last] ^= 1;
    assert!(matches!(b.verify(&anchor(&k)), Err(Error::BundleSignature)));
}

#[test]
fn a_certificate_of_another_province_is_refused() {
    let k = keys();
    let mut b = bundle(&k);
    let mut cert = certificate("ISS-SH", CertificateRole::Issuer, "310001", &k.other);
    cert.province = ProvinceCode::new("310000").unwrap();
    b.certificates.push(RootSigned::sign(&cert, &k.root));
    assert!(matches!(
        b.verify(&anchor(&k)),
        Err(Error::BundleMalformed(_))
    ));
}

#[test]
fn the_unsigned_version_cannot_lie() {
    let k = keys();
    let mut b = bundle(&k);
    b.version = 8;
    assert!(matches!(
        b.verify(&anchor(&k)),
        Err(Error::BundleMalformed(_))
    ));
}

#[test]
fn a_bundle_for_another_province_is_refused() {
    let k = keys();
    let anchor = TrustAnchor {
        province: ProvinceCode::new("310000").unwrap(),
        root: k.root.verifying_key(),
    };
    assert!(matches!(
        bundle(&k).verify(&anchor),
        Err(Error::WrongProvince { .. })
    ));
}

#[test]
fn trust_anchor_from_base64() {
    let k = keys();
    let text = base64_text::encode(&k.root.verifying_key().to_bytes());
    assert_eq!(
        TrustAnchor::from_base64(province(), &text).unwrap(),
        anchor(&k)
    );
    assert!(TrustAnchor::from_base64(province(), "AAAA").is_err());
}
