//! OTLP ids: 16-byte trace ids and 8-byte span ids, read from hex (the
//! OTLP/JSON spec) or base64 (protobuf's JSON mapping), and made from our
//! own free-form ids when writing.
//!
//! In the store an OTLP id is its lowercase hex text, as Langfuse keeps it.
//! Writing is stable: the same id of ours always gives the same OTLP id.
//! An id of ours that is not already lowercase hex of the right length is
//! hashed (UUID v5), and the exporter keeps the original beside it so a
//! round trip gives it back.

use std::fmt;

use base64::Engine;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use uuid::Uuid;

/// Namespace of the UUID v5 hashes of our ids (a fixed random UUID).
const NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_0c1e_3b8a_4f4e_9a57_2a2c_8d4b_71e3);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId(pub [u8; 16]);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub [u8; 8]);

/// A parent span id; empty or all zeros means "no parent".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParentSpanId(pub Option<SpanId>);

/// Lowercase hex, by table: ids are encoded once per span, and the hex
/// crate's char iterator showed in import profiles.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)]);
        out.push(DIGITS[usize::from(byte & 0xf)]);
    }
    String::from_utf8(out).expect("hex digits are ASCII")
}

impl TraceId {
    pub fn hex(&self) -> String {
        to_hex(&self.0)
    }

    /// The OTLP trace id of one of our trace ids, and whether it is exactly
    /// that id (lowercase hex) so nothing more needs writing to get it back.
    pub fn of(id: &str) -> (TraceId, bool) {
        if let Some(bytes) = lowercase_hex::<16>(id) {
            if bytes != [0; 16] {
                return (TraceId(bytes), true);
            }
        }
        // Only the canonical form, so `4BF9…` and `4bf9…` (or a UUID and its
        // bare hex) never share an OTLP id.
        let bytes = match Uuid::try_parse(id) {
            Ok(uuid) if !uuid.is_nil() && uuid.hyphenated().to_string() == id => *uuid.as_bytes(),
            _ => *Uuid::new_v5(&NAMESPACE, id.as_bytes()).as_bytes(),
        };
        (TraceId(bytes), false)
    }
}

impl SpanId {
    pub fn hex(&self) -> String {
        to_hex(&self.0)
    }

    /// The OTLP span id of one of our observation ids (see [`TraceId::of`]).
    /// `salt` tells apart ids of different kinds that share text (a trace's
    /// own span and an observation with the trace's id).
    pub fn of(id: &str, salt: &str) -> (SpanId, bool) {
        if salt.is_empty() {
            if let Some(bytes) = lowercase_hex::<8>(id) {
                if bytes != [0; 8] {
                    return (SpanId(bytes), true);
                }
            }
        }
        let hash = Uuid::new_v5(&NAMESPACE, format!("{salt}{id}").as_bytes());
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&hash.as_bytes()[..8]);
        if bytes == [0; 8] {
            bytes[7] = 1;
        }
        (SpanId(bytes), false)
    }
}

fn lowercase_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut bytes = [0; N];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(bytes)
}

/// Hex (either case) or base64 (standard or URL-safe, padded or not) of
/// exactly `N` bytes.
fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    let mut bytes = [0; N];
    if text.len() == 2 * N && hex::decode_to_slice(text, &mut bytes).is_ok() {
        return Some(bytes);
    }
    let trimmed = text.trim_end_matches('=');
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    for engine in engines {
        if let Ok(decoded) = engine.decode(trimmed) {
            if decoded.len() == N {
                bytes.copy_from_slice(&decoded);
                return Some(bytes);
            }
        }
    }
    None
}

fn wrong_length(what: &str, text: &str, n: usize) -> String {
    let shown: String = text.chars().take(40).collect();
    format!(
        "the {what} \"{shown}\" is not {n} bytes: OTLP writes it as {} hex digits (or {} base64 characters)",
        2 * n,
        n.div_ceil(3) * 4
    )
}

struct IdVisitor<const N: usize> {
    what: &'static str,
    optional: bool,
}

impl<const N: usize> Visitor<'_> for IdVisitor<N> {
    type Value = Option<[u8; N]>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} as hex or base64 text", self.what)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        if text.is_empty() && self.optional {
            return Ok(None);
        }
        let bytes = decode::<N>(text).ok_or_else(|| E::custom(wrong_length(self.what, text, N)))?;
        if bytes == [0; N] {
            return if self.optional {
                Ok(None)
            } else {
                Err(E::custom(format!(
                    "the {} is all zeros, which OTLP forbids",
                    self.what
                )))
            };
        }
        Ok(Some(bytes))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if self.optional {
            Ok(None)
        } else {
            Err(E::custom(format!("the span has no {}", self.what)))
        }
    }
}

impl<'de> Deserialize<'de> for TraceId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = IdVisitor::<16> {
            what: "trace id",
            optional: false,
        };
        let bytes = deserializer.deserialize_any(visitor)?;
        Ok(TraceId(bytes.expect("required ids are never None")))
    }
}

impl<'de> Deserialize<'de> for SpanId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = IdVisitor::<8> {
            what: "span id",
            optional: false,
        };
        let bytes = deserializer.deserialize_any(visitor)?;
        Ok(SpanId(bytes.expect("required ids are never None")))
    }
}

impl<'de> Deserialize<'de> for ParentSpanId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = IdVisitor::<8> {
            what: "parent span id",
            optional: true,
        };
        Ok(ParentSpanId(
            deserializer.deserialize_any(visitor)?.map(SpanId),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> Result<SpanId, String> {
        serde_json::from_str(&format!("\"{text}\"")).map_err(|e| e.to_string())
    }

    #[test]
    fn ids_read_hex_and_base64_alike() {
        let hex = span("00f067aa0ba902b7").unwrap();
        assert_eq!(span("APBnqgupArc=").unwrap(), hex);
        assert_eq!(span("APBnqgupArc").unwrap(), hex);
        assert_eq!(span("00F067AA0BA902B7").unwrap(), hex);
        let trace: TraceId = serde_json::from_str("\"S/kvNXezTaajzpKdDg5HNg==\"").unwrap();
        assert_eq!(trace.hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    #[test]
    fn ids_of_the_wrong_length_or_all_zeros_are_refused() {
        let error = span("00f067aa0ba902").unwrap_err();
        assert!(error.starts_with("the span id \"00f067aa0ba902\" is not 8 bytes: OTLP writes it as 16 hex digits (or 12 base64 characters)"), "{error}");
        let error = span("0000000000000000").unwrap_err();
        assert!(error.starts_with("the span id is all zeros"), "{error}");
        let parent: ParentSpanId = serde_json::from_str("\"\"").unwrap();
        assert_eq!(parent, ParentSpanId(None));
    }

    #[test]
    fn ids_of_ours_map_stably_and_keep_hex_as_is() {
        assert_eq!(
            TraceId::of("4bf92f3577b34da6a3ce929d0e0e4736"),
            (TraceId(hex_bytes("4bf92f3577b34da6a3ce929d0e0e4736")), true)
        );
        let (a, exact) = TraceId::of("chat-1");
        assert!(!exact);
        assert_eq!(TraceId::of("chat-1").0, a);
        assert_ne!(TraceId::of("chat-2").0, a);
        let uuid = "0b4d6a8e-1c2f-4a3b-9d8e-7f6a5b4c3d2e";
        assert_eq!(
            TraceId::of(uuid).0.hex(),
            "0b4d6a8e1c2f4a3b9d8e7f6a5b4c3d2e"
        );
        assert!(SpanId::of("00f067aa0ba902b7", "").1);
        assert_ne!(SpanId::of("x", "").0, SpanId::of("x", "trace:").0);
    }

    fn hex_bytes(text: &str) -> [u8; 16] {
        let mut bytes = [0; 16];
        hex::decode_to_slice(text, &mut bytes).unwrap();
        bytes
    }
}
