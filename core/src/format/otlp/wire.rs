//! OTLP/JSON as files really hold it, read leniently into borrowed records.
//!
//! The spec writes `ExportTraceServiceRequest` with lowerCamelCase keys, hex
//! ids, integer enums and 64-bit integers as strings. Real tools also write
//! protobuf's canonical JSON mapping (base64 ids, enum names), snake_case
//! keys, plain numbers, and leave out empty fields; all of it is accepted
//! here. What cannot be meant (an id of the wrong length, an enum name no
//! version of OTLP has) fails the parse with serde's path and position.
//!
//! Strings are borrowed from the file where they hold no escapes: a 30 MB
//! file is mostly attribute text, and copying it would halve throughput.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::ids::{ParentSpanId, SpanId, TraceId};

#[derive(Deserialize, Default)]
pub(crate) struct Request<'a> {
    #[serde(borrow, default, alias = "resource_spans")]
    #[serde(rename = "resourceSpans")]
    pub resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ResourceSpans<'a> {
    #[serde(borrow, default)]
    pub resource: Option<Resource<'a>>,
    #[serde(borrow, default, rename = "scopeSpans", alias = "scope_spans")]
    #[serde(alias = "instrumentationLibrarySpans")]
    #[serde(alias = "instrumentation_library_spans")]
    pub scope_spans: Vec<ScopeSpans<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Resource<'a> {
    #[serde(borrow, default)]
    pub attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct ScopeSpans<'a> {
    #[serde(borrow, default, alias = "instrumentationLibrary")]
    #[serde(alias = "instrumentation_library")]
    pub scope: Option<Scope<'a>>,
    #[serde(borrow, default)]
    pub spans: Vec<Span<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Scope<'a> {
    #[serde(borrow, default)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub version: Cow<'a, str>,
}

#[derive(Deserialize)]
pub(crate) struct Span<'a> {
    #[serde(rename = "traceId", alias = "trace_id")]
    pub trace_id: TraceId,
    #[serde(rename = "spanId", alias = "span_id")]
    pub span_id: SpanId,
    #[serde(default, rename = "parentSpanId", alias = "parent_span_id")]
    pub parent_span_id: ParentSpanId,
    #[serde(borrow, default)]
    pub name: Cow<'a, str>,
    #[serde(default)]
    pub kind: SpanKind,
    #[serde(
        default,
        rename = "startTimeUnixNano",
        alias = "start_time_unix_nano",
        deserialize_with = "uint64"
    )]
    pub start: u64,
    #[serde(
        default,
        rename = "endTimeUnixNano",
        alias = "end_time_unix_nano",
        deserialize_with = "uint64"
    )]
    pub end: u64,
    #[serde(borrow, default, deserialize_with = "attributes")]
    pub attributes: Vec<KeyValue<'a>>,
    #[serde(borrow, default)]
    pub events: Vec<Event<'a>>,
    #[serde(borrow, default)]
    pub status: Option<Status<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Event<'a> {
    #[serde(
        default,
        rename = "timeUnixNano",
        alias = "time_unix_nano",
        deserialize_with = "uint64"
    )]
    pub time: u64,
    #[serde(borrow, default)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub attributes: Vec<KeyValue<'a>>,
}

#[derive(Deserialize, Default)]
pub(crate) struct Status<'a> {
    #[serde(default)]
    pub code: StatusCode,
    #[serde(borrow, default)]
    pub message: Cow<'a, str>,
}

#[derive(Deserialize)]
pub(crate) struct KeyValue<'a> {
    #[serde(borrow)]
    pub key: Cow<'a, str>,
    #[serde(borrow, default)]
    pub value: AnyValue<'a>,
}

/// An attribute value. `Empty` is OTLP's unset `AnyValue` (`{}`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) enum AnyValue<'a> {
    #[default]
    Empty,
    String(Cow<'a, str>),
    Bool(bool),
    Int(i64),
    Double(f64),
    /// Base64 text, as the JSON mapping writes bytes.
    Bytes(Cow<'a, str>),
    Array(Vec<AnyValue<'a>>),
    KvList(Vec<(Cow<'a, str>, AnyValue<'a>)>),
}

macro_rules! otlp_enum {
    ($name:ident, $what:literal, $prefix:literal, [$($variant:ident = $number:literal : $word:literal),+ $(,)?]) => {
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub(crate) enum $name {
            #[default]
            $($variant),+
        }

        impl $name {
            const ALL: &'static [($name, u64, &'static str)] = &[$(($name::$variant, $number, $word)),+];

            fn from_number(n: u64) -> Option<$name> {
                Self::ALL.iter().find(|(_, number, _)| *number == n).map(|(v, _, _)| *v)
            }

            /// `SPAN_KIND_CLIENT`, `CLIENT` or `client`.
            fn from_name(name: &str) -> Option<$name> {
                let short = name.strip_prefix($prefix).unwrap_or(name);
                Self::ALL.iter().find(|(_, _, word)| word.eq_ignore_ascii_case(short)).map(|(v, _, _)| *v)
            }

            fn expected() -> String {
                let names: Vec<String> = Self::ALL.iter().map(|(_, n, w)| format!("{}{w} ({n})", $prefix)).collect();
                names.join(", ")
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                match NumberOrName::deserialize(deserializer)? {
                    NumberOrName::Number(n) => $name::from_number(n).ok_or_else(|| {
                        de::Error::custom(format!(concat!("unknown ", $what, " {}; expected one of {}"), n, $name::expected()))
                    }),
                    NumberOrName::Name(text) => $name::from_name(&text).ok_or_else(|| {
                        de::Error::custom(format!(concat!("unknown ", $what, " \"{}\"; expected one of {}"), text, $name::expected()))
                    }),
                }
            }
        }
    };
}

otlp_enum!(SpanKind, "span kind", "SPAN_KIND_", [
    Unspecified = 0: "UNSPECIFIED",
    Internal = 1: "INTERNAL",
    Server = 2: "SERVER",
    Client = 3: "CLIENT",
    Producer = 4: "PRODUCER",
    Consumer = 5: "CONSUMER",
]);

otlp_enum!(StatusCode, "status code", "STATUS_CODE_", [
    Unset = 0: "UNSET",
    Ok = 1: "OK",
    Error = 2: "ERROR",
]);

impl SpanKind {
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _, _)| *v == self)
            .map_or("", |(_, _, w)| w)
    }
}

/// An enum as its number or its name.
enum NumberOrName<'a> {
    Number(u64),
    Name(Cow<'a, str>),
}

impl<'de> Deserialize<'de> for NumberOrName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NumberOrName<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an enum number or name")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(NumberOrName::Number(n))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                Err(E::custom(format!("{n} is not an enum number")))
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(match s.parse() {
                    Ok(n) => NumberOrName::Number(n),
                    Err(_) => NumberOrName::Name(Cow::Borrowed(s)),
                })
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(match s.parse() {
                    Ok(n) => NumberOrName::Number(n),
                    Err(_) => NumberOrName::Name(Cow::Owned(s.to_string())),
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A span's attributes, without the reallocations (each a malloc, copy
/// and free in wasm) of a list grown from empty on the way to a span's
/// usual ten or so: that was a twentieth of an OTLP import in wasm. Room
/// for sixteen at the first attribute, then shrunk in place to what was
/// read (more than sixteen grow as any list).
fn attributes<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<KeyValue<'de>>, D::Error> {
    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<KeyValue<'de>>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of attributes")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut list = Vec::new();
            while let Some(attribute) = seq.next_element()? {
                if list.is_empty() {
                    list.reserve(16);
                }
                list.push(attribute);
            }
            list.shrink_to_fit();
            Ok(list)
        }
    }
    deserializer.deserialize_seq(List)
}

/// A 64-bit unsigned integer as a string (the spec) or a number (real tools).
fn uint64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number of nanoseconds (as a number or a string)")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n).map_err(|_| E::custom(format!("{n} is negative")))
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<u64, E> {
            // Numbers past 2^53 arrive as doubles from JS writers.
            if (0.0..1.9e19).contains(&n) && n.fract() == 0.0 {
                Ok(n as u64)
            } else {
                Err(E::custom(format!(
                    "{n} is not a whole number of nanoseconds"
                )))
            }
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<u64, E> {
            decimal_u64(s).ok_or_else(|| E::custom(format!("\"{s}\" is not a whole number")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
            Ok(0)
        }
    }
    deserializer.deserialize_any(V)
}

/// The digits of a `u64`, as `str::parse` reads them (a leading `+`
/// too), without its per-digit overflow checks: those multiply in 128 bits,
/// a library call in wasm32, and every span has two such times.
fn decimal_u64(text: &str) -> Option<u64> {
    let digits = text.strip_prefix('+').unwrap_or(text).as_bytes();
    if digits.is_empty() {
        return None;
    }
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    let digits = &digits[zeros.min(digits.len() - 1)..];
    if digits.len() > 20 {
        return None;
    }
    // Nineteen digits always fit; only a twentieth can overflow.
    let (head, last) = match digits.len() {
        20 => (&digits[..19], Some(digits[19])),
        _ => (digits, None),
    };
    let mut n: u64 = 0;
    for &byte in head {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        n = n * 10 + u64::from(digit);
    }
    match last {
        None => Some(n),
        Some(byte) => {
            let digit = byte.wrapping_sub(b'0');
            if digit > 9 {
                return None;
            }
            n.checked_mul(10)?.checked_add(u64::from(digit))
        }
    }
}

/// A signed 64-bit integer as a string or a number.
fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number (as a number or a string)")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<i64, E> {
            i64::try_from(n).map_err(|_| E::custom(format!("{n} is out of range")))
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<i64, E> {
            Ok(n)
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<i64, E> {
            if n.fract() == 0.0 && n.abs() < 9.2e18 {
                Ok(n as i64)
            } else {
                Err(E::custom(format!("{n} is not a whole number")))
            }
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<i64, E> {
            s.parse()
                .map_err(|_| E::custom(format!("\"{s}\" is not a whole number")))
        }
    }
    deserializer.deserialize_any(V)
}

/// A double as a number, or the strings protobuf's JSON mapping uses for
/// the values JSON has no number for.
fn double<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_u64<E: de::Error>(self, n: u64) -> Result<f64, E> {
            Ok(n as f64)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<f64, E> {
            Ok(n as f64)
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<f64, E> {
            Ok(n)
        }
        fn visit_str<E: de::Error>(self, s: &str) -> Result<f64, E> {
            match s {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => s
                    .parse()
                    .map_err(|_| E::custom(format!("\"{s}\" is not a number"))),
            }
        }
    }
    deserializer.deserialize_any(V)
}

impl<'de: 'a, 'a> Deserialize<'de> for AnyValue<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(AnyValueVisitor(std::marker::PhantomData))
    }
}

struct AnyValueVisitor<'a>(std::marker::PhantomData<&'a ()>);

macro_rules! with {
    ($name:ident, $f:ident, $t:ty) => {
        struct $name($t);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $f(d).map($name)
            }
        }
    };
}
with!(Int64, int64, i64);
with!(Double, double, f64);

#[derive(Deserialize)]
struct ArrayValue<'a> {
    #[serde(borrow, default)]
    values: Vec<AnyValue<'a>>,
}

#[derive(Deserialize)]
struct KvListValue<'a> {
    #[serde(borrow, default)]
    values: Vec<KeyValue<'a>>,
}

impl<'de: 'a, 'a> Visitor<'de> for AnyValueVisitor<'a> {
    type Value = AnyValue<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute value such as {\"stringValue\": \"…\"}")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(AnyValue::Empty)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = AnyValue::Empty;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            value = match key.as_ref() {
                "stringValue" | "string_value" => AnyValue::String(map.next_value::<MaybeStr>()?.0),
                "boolValue" | "bool_value" => AnyValue::Bool(map.next_value()?),
                "intValue" | "int_value" => AnyValue::Int(map.next_value::<Int64>()?.0),
                "doubleValue" | "double_value" => AnyValue::Double(map.next_value::<Double>()?.0),
                "bytesValue" | "bytes_value" => AnyValue::Bytes(map.next_value::<MaybeStr>()?.0),
                "arrayValue" | "array_value" => {
                    AnyValue::Array(map.next_value::<ArrayValue<'a>>()?.values)
                }
                "kvlistValue" | "kvlist_value" => AnyValue::KvList(
                    map.next_value::<KvListValue<'a>>()?
                        .values
                        .into_iter()
                        .map(|kv| (kv.key, kv.value))
                        .collect(),
                ),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    value
                }
            };
        }
        Ok(value)
    }
}

/// A string, or `null` as the empty string (some writers emit nulls).
struct MaybeStr<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for MaybeStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Text<'a>>::deserialize(deserializer)
            .map(|s| MaybeStr(s.map(|t| t.0).unwrap_or_default()))
    }
}

/// A string borrowed from the input when it holds no escapes. (serde's own
/// `Cow<str>` always copies outside derived `#[serde(borrow)]` fields.)
pub(crate) struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text in quotes")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s.to_string())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(s)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::decimal_u64;
    use proptest::prelude::*;

    #[test]
    fn decimal_u64_reads_what_str_parse_reads() {
        for text in [
            "0",
            "000",
            "+7",
            "1741944413012000000",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999",
            "000000000000000000000018446744073709551615",
            "",
            "+",
            "-0",
            "1a",
            " 1",
            "١",
        ] {
            assert_eq!(decimal_u64(text), text.parse::<u64>().ok(), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn decimal_u64_agrees_with_str_parse(text in "[+0-9]{0,24}|[0-9a-z +-]{0,6}") {
            prop_assert_eq!(decimal_u64(&text), text.parse::<u64>().ok());
        }
    }
}
