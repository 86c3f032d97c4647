//! Timestamps and the clock the caller supplies.
//!
//! Invariant: core never reads a global clock. Time enters through [`Clock`]
//! (recording) or through parsed files; `SystemClock` exists only natively,
//! behind the `system` feature.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A point in time: nanoseconds since the Unix epoch, UTC.
///
/// Stored as an integer so rollups over millions of observations compare and
/// subtract plain numbers; files carry RFC 3339 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_nanos(nanos: i64) -> Timestamp {
        Timestamp(nanos)
    }

    /// Milliseconds since the epoch as JS gives them
    /// (`performance.timeOrigin + performance.now()`), rounded to the
    /// microsecond: a double holding today's epoch milliseconds carries no
    /// finer truth than ~0.2 µs, and browsers coarsen `now()` to 5–100 µs.
    pub fn from_unix_millis_f64(millis: f64) -> Option<Timestamp> {
        let micros = (millis * 1e3).round();
        (micros.is_finite() && micros.abs() < (i64::MAX / 1000) as f64)
            .then(|| Timestamp(micros as i64 * 1000))
    }

    pub const fn unix_nanos(self) -> i64 {
        self.0
    }

    pub fn unix_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// This instant plus a (finite, non-negative) number of milliseconds,
    /// to the nanosecond; `None` past the representable range.
    pub fn plus_millis(self, millis: f64) -> Option<Timestamp> {
        let nanos = (millis * 1e6).round();
        if !(nanos.is_finite() && nanos >= 0.0 && nanos < i64::MAX as f64) {
            return None;
        }
        self.0.checked_add(nanos as i64).map(Timestamp)
    }

    /// RFC 3339 text (UTC, `Z`), with as many fraction digits (0, 3, 6 or 9)
    /// as the value needs: deterministic and lossless.
    pub fn to_rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, String> {
        let parsed = DateTime::parse_from_rfc3339(text).map_err(|_| {
            format!("\"{text}\" is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00.250+02:00")
        })?;
        parsed.timestamp_nanos_opt().map(Timestamp).ok_or_else(|| {
            format!("\"{text}\" is outside the supported range (1677-09-21 to 2262-04-11)")
        })
    }

    fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_rfc3339(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// Milliseconds between two instants (fractional, never rounded).
pub fn millis_between(start: Timestamp, end: Timestamp) -> f64 {
    // In i128: two valid instants can be further apart than i64 nanoseconds hold.
    (i128::from(end.0) - i128::from(start.0)) as f64 / 1e6
}

/// Where recording gets "now" from.
pub trait Clock: Send {
    fn now(&self) -> Timestamp;
}

/// A clock the caller moves by hand: deterministic tests and generators.
/// Share it as `Arc<ManualClock>` to move it while a tracer reads it.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    pub fn starting_at(start: Timestamp) -> ManualClock {
        ManualClock {
            now: AtomicI64::new(start.0),
        }
    }

    pub fn advance_millis(&self, millis: f64) {
        self.now
            .fetch_add((millis * 1e6).round() as i64, Ordering::Relaxed);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.load(Ordering::Relaxed))
    }
}

impl<C: Clock + Sync> Clock for std::sync::Arc<C> {
    fn now(&self) -> Timestamp {
        (**self).now()
    }
}

/// The operating system's wall clock (native only).
#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[cfg(all(feature = "system", not(target_arch = "wasm32")))]
impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let since_epoch = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Timestamp(since_epoch.as_nanos() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamp_text_is_shortest_lossless_form() {
        for text in [
            "2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00.250Z",
            "2024-05-01T12:00:00.000001Z",
            "2024-05-01T12:00:00.123456789Z",
        ] {
            let t = Timestamp::parse_rfc3339(text).unwrap();
            assert_eq!(t.to_rfc3339(), text);
        }
    }

    #[test]
    fn timestamp_offsets_are_normalised_to_utc() {
        let t = Timestamp::parse_rfc3339("2024-05-01T14:00:00+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2024-05-01T12:00:00Z");
    }

    #[test]
    fn timestamp_rejects_text_that_is_not_a_date() {
        let err = Timestamp::parse_rfc3339("yesterday").unwrap_err();
        assert!(
            err.starts_with("\"yesterday\" is not an RFC 3339 date-time"),
            "{err}"
        );
    }

    #[test]
    fn duration_between_extreme_instants_does_not_overflow() {
        let start = Timestamp::parse_rfc3339("1678-01-01T00:00:00Z").unwrap();
        let end = Timestamp::parse_rfc3339("2261-12-31T00:00:00Z").unwrap();
        assert!(millis_between(start, end) > 1.8e13);
    }

    #[test]
    fn timestamp_from_js_millis_keeps_sub_millisecond_part() {
        let t = Timestamp::from_unix_millis_f64(1_700_000_000_123.456).unwrap();
        assert_eq!(t.to_rfc3339(), "2023-11-14T22:13:20.123456Z");
        assert_eq!(Timestamp::from_unix_millis_f64(f64::NAN), None);
    }
}
