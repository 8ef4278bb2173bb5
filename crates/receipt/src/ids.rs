//! Validated identifiers: a value of one of these types is well-formed by construction.

use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! validated_string {
    ($(#[$doc:meta])* $name:ident, $what:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Result<Self, Error> {
                Self::validate(value.into()).map_err(Error::Malformed)
            }

            fn validate(value: String) -> Result<Self, String> {
                let check: fn(&str) -> bool = $check;
                if check(&value) {
                    Ok(Self(value))
                } else {
                    Err(format!("{} is not a valid {}", shorten(&value), $what))
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                Self::validate(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

fn digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

/// Error messages quote at most a few characters of a bad value: it may be personal.
fn shorten(value: &str) -> String {
    let mut short: String = value.chars().take(12).collect();
    if value.chars().count() > 12 {
        short.push('…');
    }
    format!("{short:?}")
}

validated_string!(
    /// A province by its administrative division code, e.g. "330000" for Zhejiang.
    ProvinceCode, "province code (6 digits ending in 0000)",
    |v| digits(v, 6) && v.ends_with("0000") && v != "000000"
);
validated_string!(
    /// 监管区划: the region (6-digit division code) supervising the issuer.
    RegionCode, "region code (6 digits)", |v| digits(v, 6)
);
validated_string!(
    /// 票据代码: 8 digits.
    ReceiptCode, "receipt code (8 digits)", |v| digits(v, 8)
);
validated_string!(
    /// 票据号码: 10 digits.
    ReceiptNumber, "receipt number (10 digits)", |v| digits(v, 10)
);
validated_string!(
    /// 校验码: 6 characters, digits and upper-case letters.
    CheckCode, "check code (6 digits or capital letters)",
    |v| v.len() == 6 && v.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
);

/// A receipt's identity across provinces: (province, 票据代码, 票据号码).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReceiptKey {
    pub province: ProvinceCode,
    pub code: ReceiptCode,
    pub number: ReceiptNumber,
}

impl ReceiptKey {
    /// A key from its three parts as text (a stored row's columns): each checked.
    pub fn from_parts(
        province: impl Into<String>,
        code: impl Into<String>,
        number: impl Into<String>,
    ) -> Result<ReceiptKey, Error> {
        Ok(ReceiptKey {
            province: ProvinceCode::new(province)?,
            code: ReceiptCode::new(code)?,
            number: ReceiptNumber::new(number)?,
        })
    }
}

/// Shows `330000/33060122-0012345678`.
impl fmt::Display for ReceiptKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}-{}", self.province, self.code, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_values() {
        assert!(ProvinceCode::new("330000").is_ok());
        assert!(ReceiptCode::new("33060122").is_ok());
        assert!(ReceiptNumber::new("0012345678").is_ok());
        assert!(CheckCode::new("A1B2C3").is_ok());
    }

    #[test]
    fn rejects_malformed_values_with_a_typed_error() {
        for bad in ["33000", "331000", "000000", "33000a"] {
            assert!(
                matches!(ProvinceCode::new(bad), Err(Error::Malformed(_))),
                "{bad}"
            );
        }
        assert!(ReceiptCode::new("3306012").is_err());
        assert!(
            ReceiptCode::new("３３０６０１２２").is_err(),
            "full-width digits"
        );
        assert!(ReceiptNumber::new("001234567X").is_err());
        assert!(CheckCode::new("a1b2c3").is_err());
        assert!(CheckCode::new("A1B2C").is_err());
    }

    #[test]
    fn deserialising_validates() {
        let bad: Result<ReceiptCode, _> = serde_json::from_str("\"1234\"");
        assert!(bad.is_err());
        let good: ReceiptCode = serde_json::from_str("\"12345678\"").unwrap();
        assert_eq!(good.as_str(), "12345678");
    }
}
