//! OTLP/HTTP's protobuf encoding (`application/x-protobuf`), which Arize
//! Phoenix and most collectors require: the spans of `out.rs`, which
//! `json_out.rs` writes as JSON, as `ExportTraceServiceRequest` bytes.
//!
//! The messages are a hand-declared subset of opentelemetry-proto v1 (field
//! numbers from its `.proto` files) encoded by prost: the
//! `opentelemetry-proto` crate drags the OpenTelemetry SDK into wasm and
//! costs twice the size; this costs ~1.5 KB gzipped. Left out, because we
//! never set them: links, entity refs, string-table indexes, schema URLs.

use super::out::{
    nanos, resource, Attributes, SpanOut, Value as Attribute, OUR_SCOPE, OUR_VERSION, STATUS_ERROR,
};

/// The spans as one request under our resource and scope.
pub(crate) fn encode(spans: &[SpanOut]) -> Vec<u8> {
    use prost::Message;
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: key_values(&resource()),
                dropped_attributes_count: 0,
            }),
            scope_spans: vec![ScopeSpans {
                scope: Some(InstrumentationScope {
                    name: OUR_SCOPE.to_string(),
                    version: OUR_VERSION.to_string(),
                    attributes: Vec::new(),
                    dropped_attributes_count: 0,
                }),
                spans: spans.iter().map(span).collect(),
            }],
        }],
    };
    request.encode_to_vec()
}

fn span(span: &SpanOut) -> Span {
    Span {
        trace_id: span.trace_id.0.to_vec(),
        span_id: span.span_id.0.to_vec(),
        trace_state: String::new(),
        parent_span_id: span.parent.map_or_else(Vec::new, |p| p.0.to_vec()),
        name: span.name.to_string(),
        kind: span.kind as i32,
        start_time_unix_nano: nanos(span.start),
        end_time_unix_nano: span.end.map_or(0, nanos),
        attributes: key_values(&span.attributes),
        dropped_attributes_count: 0,
        events: Vec::new(),
        dropped_events_count: 0,
        status: span.error.map(|message| Status {
            message: message.to_string(),
            code: i32::from(STATUS_ERROR),
        }),
        flags: 0,
    }
}

fn key_values(attributes: &Attributes) -> Vec<KeyValue> {
    attributes
        .0
        .iter()
        .map(|(key, value)| key_value(key, value))
        .collect()
}

fn key_value(key: &str, value: &Attribute) -> KeyValue {
    let value = match value {
        Attribute::Str(s) => Some(Value::StringValue(s.to_string())),
        Attribute::Owned(s) => Some(Value::StringValue(s.clone())),
        Attribute::Int(n) => Some(Value::IntValue(*n)),
        Attribute::Double(n) => Some(Value::DoubleValue(*n)),
        Attribute::Bool(b) => Some(Value::BoolValue(*b)),
        Attribute::Strings(items) => Some(Value::ArrayValue(ArrayValue {
            values: items
                .iter()
                .map(|s| AnyValue {
                    value: Some(Value::StringValue(s.clone())),
                })
                .collect(),
        })),
        Attribute::Empty => None,
    };
    KeyValue {
        key: key.to_string(),
        value: Some(AnyValue { value }),
    }
}

/// opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExportTraceServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_spans: Vec<ResourceSpans>,
}

/// opentelemetry.proto.trace.v1.ResourceSpans
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceSpans {
    #[prost(message, optional, tag = "1")]
    pub resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub scope_spans: Vec<ScopeSpans>,
}

/// opentelemetry.proto.resource.v1.Resource
#[derive(Clone, PartialEq, prost::Message)]
pub struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "2")]
    pub dropped_attributes_count: u32,
}

/// opentelemetry.proto.trace.v1.ScopeSpans
#[derive(Clone, PartialEq, prost::Message)]
pub struct ScopeSpans {
    #[prost(message, optional, tag = "1")]
    pub scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    pub spans: Vec<Span>,
}

/// opentelemetry.proto.common.v1.InstrumentationScope
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstrumentationScope {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub version: String,
    #[prost(message, repeated, tag = "3")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    pub dropped_attributes_count: u32,
}

/// opentelemetry.proto.trace.v1.Span
#[derive(Clone, PartialEq, prost::Message)]
pub struct Span {
    /// 16 bytes; empty = invalid.
    #[prost(bytes = "vec", tag = "1")]
    pub trace_id: Vec<u8>,
    /// 8 bytes.
    #[prost(bytes = "vec", tag = "2")]
    pub span_id: Vec<u8>,
    #[prost(string, tag = "3")]
    pub trace_state: String,
    /// 8 bytes, or empty for a root span.
    #[prost(bytes = "vec", tag = "4")]
    pub parent_span_id: Vec<u8>,
    #[prost(string, tag = "5")]
    pub name: String,
    /// SpanKind: 0 UNSPECIFIED, 1 INTERNAL, 2 SERVER, 3 CLIENT, 4 PRODUCER, 5 CONSUMER.
    #[prost(int32, tag = "6")]
    pub kind: i32,
    #[prost(fixed64, tag = "7")]
    pub start_time_unix_nano: u64,
    #[prost(fixed64, tag = "8")]
    pub end_time_unix_nano: u64,
    #[prost(message, repeated, tag = "9")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "10")]
    pub dropped_attributes_count: u32,
    #[prost(message, repeated, tag = "11")]
    pub events: Vec<Event>,
    #[prost(uint32, tag = "12")]
    pub dropped_events_count: u32,
    // tag 13 = links (repeated Span.Link), 14 = dropped_links_count: omitted.
    #[prost(message, optional, tag = "15")]
    pub status: Option<Status>,
    /// W3C trace flags in bits 0-7; bit 8 = HAS_IS_REMOTE, bit 9 = IS_REMOTE.
    #[prost(fixed32, tag = "16")]
    pub flags: u32,
}

/// opentelemetry.proto.trace.v1.Span.Event
#[derive(Clone, PartialEq, prost::Message)]
pub struct Event {
    #[prost(fixed64, tag = "1")]
    pub time_unix_nano: u64,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "3")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    pub dropped_attributes_count: u32,
}

/// opentelemetry.proto.trace.v1.Status (tag 1 is reserved).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Status {
    #[prost(string, tag = "2")]
    pub message: String,
    /// StatusCode: 0 UNSET, 1 OK, 2 ERROR.
    #[prost(int32, tag = "3")]
    pub code: i32,
}

/// opentelemetry.proto.common.v1.KeyValue
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValue {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

/// opentelemetry.proto.common.v1.AnyValue
#[derive(Clone, PartialEq, prost::Message)]
pub struct AnyValue {
    #[prost(oneof = "Value", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<Value>,
}

/// The `value` oneof of AnyValue.
#[allow(clippy::enum_variant_names)] // the names are the .proto field names
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Value {
    #[prost(string, tag = "1")]
    StringValue(String),
    #[prost(bool, tag = "2")]
    BoolValue(bool),
    #[prost(int64, tag = "3")]
    IntValue(i64),
    #[prost(double, tag = "4")]
    DoubleValue(f64),
    #[prost(message, tag = "5")]
    ArrayValue(ArrayValue),
    #[prost(message, tag = "6")]
    KvlistValue(KeyValueList),
    #[prost(bytes = "vec", tag = "7")]
    BytesValue(Vec<u8>),
}

/// opentelemetry.proto.common.v1.ArrayValue
#[derive(Clone, PartialEq, prost::Message)]
pub struct ArrayValue {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<AnyValue>,
}

/// opentelemetry.proto.common.v1.KeyValueList
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyValueList {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<KeyValue>,
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::format::{self, otlp};
    use crate::store::Store;

    /// The protobuf request decodes to the same spans, ids and attributes
    /// as the JSON one says.
    #[test]
    fn protobuf_carries_what_json_carries() {
        let text = include_bytes!("../../../../tests/fixtures/interop/langfuse-js-otel.json");
        let mut store = Store::new();
        format::import(&mut store, "langfuse.json", text).unwrap();
        let bytes = otlp::encode(&store);
        let decoded = ExportTraceServiceRequest::decode(bytes.as_slice()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&otlp::write(&store)).unwrap();
        let json_spans = json["resourceSpans"][0]["scopeSpans"][0]["spans"]
            .as_array()
            .unwrap();
        let spans = &decoded.resource_spans[0].scope_spans[0].spans;
        assert_eq!(spans.len(), json_spans.len());
        for (span, expected) in spans.iter().zip(json_spans) {
            assert_eq!(span.name, expected["name"].as_str().unwrap());
            assert_eq!(
                hex::encode(&span.trace_id),
                expected["traceId"].as_str().unwrap()
            );
            assert_eq!(
                hex::encode(&span.span_id),
                expected["spanId"].as_str().unwrap()
            );
            assert_eq!(
                span.attributes.len(),
                expected["attributes"].as_array().unwrap().len()
            );
            assert_eq!(
                span.status.as_ref().map(|s| s.code),
                expected["status"]["code"].as_i64().map(|c| c as i32)
            );
        }
        let usage = spans
            .iter()
            .flat_map(|s| &s.attributes)
            .find(|kv| kv.key == "gen_ai.usage.input_tokens")
            .and_then(|kv| kv.value.as_ref()?.value.clone());
        assert!(
            matches!(usage, Some(Value::IntValue(n)) if n > 0),
            "{usage:?}"
        );
    }
}
