//! Instants on the provincial API: RFC 3339 with an offset. A provincial service
//! keeps China Standard Time (UTC+08:00, no daylight saving), so its wall-clock times
//! are sent with `+08:00`. Services before this rule sent wall-clock times with no
//! offset; a reader takes those as +08:00, so old data keeps its meaning.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// UTC+08:00, the offset of every provincial service's wall clock.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// A wall-clock time of China Standard Time as an instant with its offset.
pub fn from_china_wall_clock(at: NaiveDateTime) -> DateTime<FixedOffset> {
    at.and_local_timezone(china_offset())
        .single()
        .expect("a fixed offset maps every wall-clock time once")
}

/// Now, on China Standard Time's wall clock, whatever the machine's own zone.
pub fn china_wall_clock_now() -> NaiveDateTime {
    Utc::now().with_timezone(&china_offset()).naive_local()
}

/// Reads an RFC 3339 instant, or a wall-clock time without an offset as +08:00.
pub fn parse(text: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).ok().or_else(|| {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(from_china_wall_clock)
    })
}

/// `#[serde(deserialize_with = "...")]` for an instant from a provincial service.
pub fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<FixedOffset>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("not an RFC 3339 date-time: {text:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_kept_and_bare_times_are_china_time() {
        let with_offset = parse("2022-04-25T08:26:00+08:00").unwrap();
        let in_utc = parse("2022-04-25T00:26:00Z").unwrap();
        let bare = parse("2022-04-25T08:26:00").unwrap();
        assert_eq!(with_offset, in_utc);
        assert_eq!(bare, with_offset);
        assert_eq!(bare.offset(), &china_offset());
        assert_eq!(
            parse("2022-04-25T08:26:00.250").unwrap().timestamp_millis() % 1000,
            250
        );
        assert_eq!(parse("2022-04-25 08:26"), None);
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn sent_times_carry_the_offset() {
        let at = NaiveDateTime::parse_from_str("2022-04-25T08:26:00", "%Y-%m-%dT%H:%M:%S").unwrap();
        let sent = serde_json::to_string(&from_china_wall_clock(at)).unwrap();
        assert_eq!(sent, "\"2022-04-25T08:26:00+08:00\"");
    }
}
