//! Amounts as integer fen (分). Money is never a float anywhere in Piaojia.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in fen (1 yuan = 100 fen). Negative on red (冲红) receipts.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
#[serde(transparent)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    // No `+`, `-` or `Sum` for Fen: every sum of money says what happens when it
    // does not fit, so none can wrap or panic on a signed document's amounts.

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    pub fn checked_neg(self) -> Option<Fen> {
        self.0.checked_neg().map(Fen)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// Sums amounts, `None` on overflow (a malformed document could try).
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(items: I) -> Option<Fen> {
        items
            .into_iter()
            .try_fold(Fen::ZERO, |acc, x| acc.checked_add(x))
    }

    /// Parses "123.45", "-0.5", "100" (yuan with at most two decimals) exactly.
    pub fn parse_yuan(text: &str) -> Option<Fen> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() || frac.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let yuan: i64 = whole.parse().ok()?;
        let mut fen: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        if frac.len() == 1 {
            fen *= 10;
        }
        let value = yuan.checked_mul(100)?.checked_add(fen)?;
        Some(Fen(if negative { -value } else { value }))
    }
}

/// Shows yuan with two decimals: `Fen(12345)` is "123.45".
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_yuan_with_two_decimals() {
        assert_eq!(Fen(12345).to_string(), "123.45");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(-250).to_string(), "-2.50");
        assert_eq!(Fen(i64::MIN).to_string(), "-92233720368547758.08");
    }

    #[test]
    fn parses_yuan_exactly() {
        assert_eq!(Fen::parse_yuan("123.45"), Some(Fen(12345)));
        assert_eq!(Fen::parse_yuan("0.5"), Some(Fen(50)));
        assert_eq!(Fen::parse_yuan("100"), Some(Fen(10000)));
        assert_eq!(Fen::parse_yuan("-1.01"), Some(Fen(-101)));
        for bad in [
            "",
            ".5",
            "1.234",
            "1,00",
            "abc",
            "1e3",
            "99999999999999999999",
        ] {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn checked_sum_reports_overflow() {
        assert_eq!(Fen::checked_sum([Fen(1), Fen(2)]), Some(Fen(3)));
        assert_eq!(Fen::checked_sum([Fen(i64::MAX), Fen(1)]), None);
    }
}
