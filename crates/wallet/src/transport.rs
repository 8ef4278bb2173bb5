//! How the wallet reaches a provincial service: HTTPS (rustls with the ring
//! provider, roots from the system's store; no second OpenSSL user beside
//! SQLCipher), or plain HTTP to this machine only (the built-in demo and tests).

use crate::error::{Result, WalletError};

/// Refuses URLs the wallet must not send tokens and personal data to, and gives the
/// accepted one in the form the HTTP client will read it. The URL is parsed by the
/// same parser reqwest uses, so the host checked is the host connected to: no
/// second reading of `http://evil.example\@127.0.0.1` can differ from this one.
pub fn check_service_url(base: &str) -> Result<String> {
    let url = reqwest::Url::parse(base.trim())
        .map_err(|e| WalletError::Invalid(format!("the service URL is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(WalletError::Invalid(
            "the service URL must not carry a user name or password".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(WalletError::Invalid(
            "the service URL must not have a query or fragment".into(),
        ));
    }
    let Some(host) = url.host() else {
        return Err(WalletError::Invalid("the service URL has no host".into()));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(WalletError::Invalid(
                "plain http:// is allowed only to this machine (127.0.0.1, ::1, localhost); use https://"
                    .into(),
            ))
        }
        _ => {
            return Err(WalletError::Invalid(
                "the service URL must start with https://".into(),
            ))
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// The TLS failure behind a request error, if it is one: a certificate the system
/// does not trust, a name that does not match, a failed handshake. Such a failure
/// will not pass by retrying.
pub fn tls_failure(error: &reqwest::Error) -> Option<String> {
    find_rustls(error).map(|tls| tls.to_string())
}

fn find_rustls<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    if let Some(tls) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    // io::Error::source skips the error it wraps, and reqwest nests io errors.
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        let inner: &(dyn std::error::Error + 'static) = inner;
        if let Some(tls) = find_rustls(inner) {
            return Some(tls);
        }
    }
    error.source().and_then(find_rustls)
}

/// A request error in words, with what caused it ("error sending request: connection
/// refused"), without the URL.
pub fn describe(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut words = vec![error.to_string()];
    let mut next = std::error::Error::source(&error);
    while let Some(current) = next {
        let text = current.to_string();
        if !words.iter().any(|w| w.contains(&text)) {
            words.push(text);
        }
        next = current.source();
    }
    words.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every accepted URL, read by reqwest with an API path after it, reaches the
    /// host the rule allowed.
    fn reached_host(accepted: &str) -> String {
        let url = reqwest::Url::parse(&format!("{accepted}/v1/auth/sms")).unwrap();
        url.host_str().unwrap().to_string()
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        for (ok, host) in [
            ("https://einvoice.zj.gov.cn", "einvoice.zj.gov.cn"),
            ("https://10.0.0.5:8443/api", "10.0.0.5"),
            ("http://127.0.0.1:8640", "127.0.0.1"),
            ("http://localhost:8640/", "localhost"),
            ("http://LOCALHOST:8640/", "localhost"),
            ("http://[::1]:8640", "[::1]"),
            ("http://127.0.0.2", "127.0.0.2"),
            ("http://127.1:8640", "127.0.0.1"),
            ("http://0x7f.0.0.1:8640", "127.0.0.1"),
            // The backslash ends the authority for the WHATWG parser: this is
            // 127.0.0.1 with a path, and that is where reqwest goes.
            ("http://127.0.0.1\\@evil.example", "127.0.0.1"),
        ] {
            let accepted = check_service_url(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(reached_host(&accepted), host, "{ok}");
        }
        for refused in [
            "http://10.0.0.5:8640",
            "http://einvoice.zj.gov.cn",
            "http://127.0.0.1.evil.example:80",
            "http://localhost.evil.example",
            "http://localhost.",
            "http://user@10.0.0.5",
            "http://user@127.0.0.1",
            "http://127.0.0.1:80@evil.example",
            "http://127.0.0.1%40evil.example",
            "http://evil.example\\@127.0.0.1",
            "http://evil.example\\@127.0.0.1:8640",
            "http://evil.example#@127.0.0.1",
            "http://evil.example?@127.0.0.1",
            "http://evil.example/@127.0.0.1",
            "http://[2001:db8::1]:80",
            "http://[::ffff:7f00:1]",
            "http://[::ffff:127.0.0.1]:8640",
            "http://127.0.0.1:8640?x=1",
            "ftp://127.0.0.1",
            "127.0.0.1:8640",
            "https://",
            "file:///etc/passwd",
        ] {
            let error = check_service_url(refused).unwrap_err();
            assert_eq!(error.code(), "invalid_input", "{refused}");
        }
    }

    /// The review's demonstration: the old rule took the text after the last `@`
    /// as the host, while reqwest connects to the host before the backslash.
    #[test]
    fn a_backslash_cannot_hide_a_remote_host() {
        let base = "http://evil.example\\@127.0.0.1";
        let url = reqwest::Url::parse(&format!("{base}/v1/auth/sms")).unwrap();
        assert_eq!(url.host_str(), Some("evil.example"));
        assert!(check_service_url(base).is_err());
    }
}
