//! `Debug` for types holding a secret: the secret fields print as `<redacted>`, so
//! that a `{:?}` in a log line or a panic message cannot carry a token or a code.

/// Implements `Debug` for `$type`, printing the fields in `[..]` as `<redacted>`.
macro_rules! debug_redacted {
    ($type:ident { $($shown:ident),* } [ $($secret:ident),* ]) => {
        impl std::fmt::Debug for $type {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($type))
                    $(.field(stringify!($shown), &self.$shown))*
                    $(.field(stringify!($secret), &"<redacted>"))*
                    .finish()
            }
        }
    };
}

pub(crate) use debug_redacted;

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_do_not_print() {
        let pair = crate::TokenPair {
            access_token: "access-secret".into(),
            expires_in: 900,
            refresh_token: "refresh-secret".into(),
            token_type: crate::TokenType::Bearer,
            name: "某某".into(),
        };
        let login = crate::LoginRequest {
            id_number: "330102199001011234".into(),
            sms_code: "123456".into(),
        };
        let code = crate::HandoffCode {
            code: "123456789012".into(),
            expires_in: 120,
        };
        let printed = format!("{pair:?} {login:?} {code:?}");
        for secret in ["access-secret", "refresh-secret", "123456789012"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(!printed.contains("sms_code: \"123456\""), "{printed}");
        assert!(printed.contains("expires_in: 900"), "{printed}");
    }
}
