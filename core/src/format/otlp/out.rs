//! What the two OTLP writers share: spans ready to write, with their
//! attributes as typed values, and the resource and scope every request is
//! reported under. `export.rs` builds them from the store; `json_out.rs`
//! writes them as OTLP/JSON and `protobuf.rs` as OTLP/protobuf.

use std::borrow::Cow;

use super::conventions::otel;
use super::ids::{SpanId, TraceId};
use crate::time::Timestamp;

/// The scope name our exporter writes; spans read back from it carry no
/// `attributes`/`resourceAttributes`/`scope` metadata, so a round trip
/// gives back exactly what was written.
pub(crate) const OUR_SCOPE: &str = "prompttrace";
pub(crate) const OUR_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The resource every request is reported under.
pub(crate) fn resource() -> Attributes<'static> {
    let mut attributes = Attributes::default();
    attributes.push(otel::SERVICE_NAME, Value::Str(OUR_SCOPE));
    attributes.push(otel::SDK_NAME, Value::Str(OUR_SCOPE));
    attributes.push(otel::SDK_VERSION, Value::Str(OUR_VERSION));
    attributes
}

/// An attribute value as OTLP's `AnyValue` holds it.
pub(crate) enum Value<'s> {
    Str(&'s str),
    Owned(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    Strings(&'s [String]),
    Empty,
}

/// A span's attributes, in the order written.
#[derive(Default)]
pub(crate) struct Attributes<'s>(pub Vec<(Cow<'s, str>, Value<'s>)>);

impl<'s> Attributes<'s> {
    pub fn push(&mut self, key: &'static str, value: Value<'s>) {
        self.0.push((Cow::Borrowed(key), value));
    }

    pub fn push_owned(&mut self, key: String, value: Value<'s>) {
        self.0.push((Cow::Owned(key), value));
    }
}

/// OTel's span kinds we write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SpanKind {
    Internal = 1,
    /// A call to another service: an LLM or embedding call.
    Client = 3,
}

pub(crate) struct SpanOut<'s> {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent: Option<SpanId>,
    pub name: &'s str,
    pub kind: SpanKind,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub attributes: Attributes<'s>,
    /// The status message of a span that failed.
    pub error: Option<&'s str>,
}

/// STATUS_CODE_ERROR.
pub(crate) const STATUS_ERROR: u8 = 2;

/// Nanoseconds since the epoch as OTLP's `fixed64`. Instants before 1970
/// cannot be written; they become the epoch.
pub(crate) fn nanos(at: Timestamp) -> u64 {
    u64::try_from(at.unix_nanos()).unwrap_or(0)
}
