//! How the wallet reaches a provincial service: HTTPS (rustls with the ring
//! provider, roots from the system's store; no second OpenSSL user beside
//! SQLCipher), or plain HTTP to this machine only (the built-in demo and tests).

use crate::error::{Result, WalletError};

/// Refuses URLs the wallet must not send tokens and personal data to.
pub fn check_service_url(base: &str) -> Result<()> {
    if let Some(rest) = base.strip_prefix("https://") {
        return match rest.is_empty() {
            true => Err(WalletError::Invalid("the service URL has no host".into())),
            false => Ok(()),
        };
    }
    let Some(rest) = base.strip_prefix("http://") else {
        return Err(WalletError::Invalid(
            "the service URL must start with https://".into(),
        ));
    };
    if is_loopback(host_of(rest)) {
        Ok(())
    } else {
        Err(WalletError::Invalid(
            "plain http:// is allowed only to this machine (127.0.0.1, ::1, localhost); use https://"
                .into(),
        ))
    }
}

/// The host of `host[:port][/path]`, brackets of an IPv6 literal removed.
fn host_of(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    authority.split(':').next().unwrap_or("")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "https://einvoice.zj.gov.cn",
            "https://10.0.0.5:8443/api",
            "http://127.0.0.1:8640",
            "http://localhost:8640/",
            "http://[::1]:8640",
            "http://127.0.0.2",
        ] {
            assert!(check_service_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.5:8640",
            "http://einvoice.zj.gov.cn",
            "http://127.0.0.1.evil.example:80",
            "http://localhost.evil.example",
            "http://user@10.0.0.5",
            "http://[2001:db8::1]:80",
            "ftp://127.0.0.1",
            "127.0.0.1:8640",
            "https://",
        ] {
            let error = check_service_url(refused).unwrap_err();
            assert_eq!(error.code(), "invalid_input", "{refused}");
        }
    }
}
