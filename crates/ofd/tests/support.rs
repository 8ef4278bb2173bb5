use std::path::PathBuf;

pub fn corpus_dir() -> PathBuf {
    piaojia_ofd::testkit::corpus_dir()
}

pub fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// `openssl dgst -sm3 -verify` with the SM2 signer ID, on a certificate in DER, the
/// message and an SM2 signature in either encoding (given to openssl as DER).
pub fn openssl_sm2_verify(cert_der: &[u8], message: &[u8], signature: &[u8]) -> bool {
    use piaojia_ofd::der::{element, INTEGER, SEQUENCE};
    use std::process::Command;
    let (r, s) = piaojia_ofd::sm::signature_scalars(signature).expect("a signature");
    let integer = |v: [u8; 32]| {
        let start = v.iter().position(|&b| b != 0).unwrap_or(31);
        let mut bytes = v[start..].to_vec();
        if bytes[0] & 0x80 != 0 {
            bytes.insert(0, 0);
        }
        element(INTEGER, &bytes)
    };
    let der_signature = element(SEQUENCE, &[integer(r), integer(s)].concat());
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("cert.der"), cert_der).unwrap();
    std::fs::write(path("message"), message).unwrap();
    std::fs::write(path("signature"), der_signature).unwrap();
    let key = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-pubkey", "-noout", "-in"])
        .arg(path("cert.der"))
        .output()
        .expect("the openssl command");
    assert!(
        key.status.success(),
        "{}",
        String::from_utf8_lossy(&key.stderr)
    );
    std::fs::write(path("key.pem"), &key.stdout).unwrap();
    let verdict = Command::new("openssl")
        .args([
            "dgst",
            "-sm3",
            "-sigopt",
            "distid:1234567812345678",
            "-verify",
        ])
        .arg(path("key.pem"))
        .arg("-signature")
        .arg(path("signature"))
        .arg(path("message"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verdict.stdout);
    text.contains("Verified OK")
}
