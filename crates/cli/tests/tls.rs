use crate::support::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// A certificate authority and a certificate for 127.0.0.1 signed by it, made with
/// the openssl command; returns (CA, chain, key) paths.
fn certificates(dir: &Path) -> (String, String, String) {
    let path = |name: &str| dir.join(name).display().to_string();
    let openssl = |args: &[&str]| {
        let output = Command::new("openssl").args(args).output().unwrap();
        assert!(
            output.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=Piaojia test CA"];
    ca.extend(ec);
    let (ca_key, ca_pem) = (path("ca.key"), path("ca.pem"));
    ca.extend(["-keyout", &ca_key, "-out", &ca_pem]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    ca.extend(["-addext", "keyUsage=critical,keyCertSign"]);
    openssl(&ca);
    let (key, csr, leaf) = (path("server.key"), path("server.csr"), path("server.pem"));
    let mut request = vec!["req", "-subj", "/CN=127.0.0.1"];
    request.extend(ec);
    request.extend(["-keyout", &key, "-out", &csr]);
    openssl(&request);
    let extensions = path("san.ext");
    std::fs::write(&extensions, "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-days",
        "2",
        "-in",
        &csr,
        "-CA",
        &ca_pem,
        "-CAkey",
        &ca_key,
        "-CAcreateserial",
        "-extfile",
        &extensions,
        "-out",
        &leaf,
    ]);
    (ca_pem, leaf, key)
}

/// HTTPS on 127.0.0.1 in front of the plain service at `backend`; returns its URL.
async fn https_front(backend: std::net::SocketAddr, chain: &str, key: &str) -> String {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(chain)
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(key).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: fine.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut plain = tokio::net::TcpStream::connect(backend).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    url
}

fn login_args<'a>(url: &'a str, root: &'a str, id: &'a str, code: &'a str) -> Vec<&'a str> {
    vec![
        "--json",
        "login",
        "--service",
        url,
        "--root-key",
        root,
        "--id",
        id,
        "--code",
        code,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_reaches_a_service_over_https_it_trusts_and_nothing_else() {
    let peer = peer(25).await;
    let certs = tempfile::tempdir().unwrap();
    let (ca, chain, key) = certificates(certs.path());
    let url = https_front(peer.addr, &chain, &key).await;
    let (root, id) = (peer.root_key(), peer.id_number());

    // The system's roots do not know the test CA: refused at once, named, not retried.
    let (_dir, wallet) = temp_wallet();
    let code = peer.sms_code().await;
    let mut command = piaojia(&wallet);
    command
        .args(login_args(&url, &root, &id, &code))
        .env_remove("SSL_CERT_FILE");
    let started = std::time::Instant::now();
    let refused = run(command).await;
    eprintln!(
        "DEBUG {} {}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(
        (
            refused.status.code(),
            json(&refused)["error"]["code"].as_str()
        ),
        (Some(5), Some("service.tls"))
    );
    let message = json(&refused)["error"]["message"].to_string();
    assert!(message.contains("certificate"), "{message}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "not retried"
    );

    // With the CA among the trusted roots: login and a whole sync over HTTPS.
    let trusting = |command: &mut Command| {
        command.env("SSL_CERT_FILE", &ca);
    };
    let code = peer.sms_code().await;
    let mut command = piaojia(&wallet);
    command.args(login_args(&url, &root, &id, &code));
    trusting(&mut command);
    let logged_in = run(command).await;
    assert!(
        logged_in.status.success(),
        "{}",
        String::from_utf8_lossy(&logged_in.stderr)
    );
    let mut command = piaojia(&wallet);
    command.args(["--json", "sync"]);
    trusting(&mut command);
    let synced = run(command).await;
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    assert_eq!(
        json(&synced)[0]["report"]["new_receipts"].as_i64().unwrap(),
        peer.receipt_count().await
    );

    // Plain HTTP goes to this machine only.
    let (_dir, other) = temp_wallet();
    let mut command = piaojia(&other);
    command.args(login_args("http://192.0.2.1:8640", &root, &id, "000000"));
    let output = run(command).await;
    assert_eq!(
        (
            output.status.code(),
            json(&output)["error"]["code"].as_str()
        ),
        (Some(2), Some("invalid_input"))
    );
}
