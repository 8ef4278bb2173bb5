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
        let ask = crate::AskRequest {
            reason: crate::ConsultReason::NameWrong,
            text: "姓名应为王䶮".into(),
        };
        let answer = crate::AnswerRequest {
            text: "已更正姓名".into(),
            close: true,
            corrected_by: None,
        };
        let message = crate::ConsultMessage {
            author: crate::Author::Citizen,
            text: "身份证号330102199001011234".into(),
            at: piaojia_receipt::service_time::from_china_wall_clock(
                chrono::NaiveDateTime::default(),
            ),
        };
        let printed = format!("{pair:?} {login:?} {code:?} {ask:?} {answer:?} {message:?}");
        assert!(
            printed.contains("NameWrong") && printed.contains("close: true"),
            "{printed}"
        );
        for secret in [
            "access-secret",
            "refresh-secret",
            "123456789012",
            "王䶮",
            "已更正",
            "330102199001011234",
        ] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(!printed.contains("sms_code: \"123456\""), "{printed}");
        assert!(printed.contains("expires_in: 900"), "{printed}");
    }
}
