//! OTLP/JSON as the spec writes it: one `ExportTraceServiceRequest`, hex
//! ids, integer enums, 64-bit integers as decimal strings.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::out::{
    nanos, resource, Attributes, SpanOut, Value, OUR_SCOPE, OUR_VERSION, STATUS_ERROR,
};

/// How a request starts and ends around its `resourceSpans` entries
/// (separated by commas), with a final newline: a request too large to
/// hold as one text is written an entry at a time between them.
pub const REQUEST_START: &str = "{\"resourceSpans\":[";
pub const REQUEST_END: &str = "]}\n";

/// The spans as one request under our resource and scope, with a final newline.
pub(crate) fn write(spans: &[SpanOut]) -> String {
    format!("{REQUEST_START}{}{REQUEST_END}", entry(spans))
}

/// The spans as one `resourceSpans` entry under our resource and scope.
pub(crate) fn entry(spans: &[SpanOut]) -> String {
    let resource = resource();
    let entry = ResourceSpans {
        resource: Resource {
            attributes: &resource,
        },
        scope_spans: [ScopeSpans {
            scope: Scope {
                name: OUR_SCOPE,
                version: OUR_VERSION,
            },
            spans: Seq(spans),
        }],
    };
    serde_json::to_string(&entry).expect("spans always serialize")
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans<'a, 's> {
    resource: Resource<'a, 's>,
    scope_spans: [ScopeSpans<'a, 's>; 1],
}

#[derive(Serialize)]
struct Resource<'a, 's> {
    attributes: &'a Attributes<'s>,
}

#[derive(Serialize)]
struct ScopeSpans<'a, 's> {
    scope: Scope,
    spans: Seq<'a, SpanOut<'s>>,
}

#[derive(Serialize)]
struct Scope {
    name: &'static str,
    version: &'static str,
}

impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Value::Str(s) => map.serialize_entry("stringValue", s)?,
            Value::Owned(s) => map.serialize_entry("stringValue", s)?,
            Value::Int(n) => map.serialize_entry("intValue", &n.to_string())?,
            Value::Double(n) if n.is_finite() => map.serialize_entry("doubleValue", n)?,
            Value::Double(n) => map.serialize_entry("doubleValue", &n.to_string())?,
            Value::Bool(b) => map.serialize_entry("boolValue", b)?,
            Value::Strings(items) => {
                let values: Vec<Value> = items.iter().map(|s| Value::Str(s)).collect();
                map.serialize_entry("arrayValue", &ArrayOut(&values))?
            }
            Value::Empty => {}
        }
        map.end()
    }
}

struct ArrayOut<'a, 's>(&'a [Value<'s>]);

impl Serialize for ArrayOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("values", &Seq(self.0))?;
        map.end()
    }
}

struct Seq<'a, T>(&'a [T]);

impl<T: Serialize> Serialize for Seq<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl Serialize for Attributes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            seq.serialize_element(&KeyValueOut { key, value })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct KeyValueOut<'a, 's> {
    key: &'a str,
    value: &'a Value<'s>,
}

impl Serialize for SpanOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("traceId", &self.trace_id.hex())?;
        map.serialize_entry("spanId", &self.span_id.hex())?;
        if let Some(parent) = self.parent {
            map.serialize_entry("parentSpanId", &parent.hex())?;
        }
        map.serialize_entry("name", self.name)?;
        map.serialize_entry("kind", &(self.kind as u8))?;
        map.serialize_entry("startTimeUnixNano", &nanos(self.start).to_string())?;
        if let Some(end) = self.end {
            map.serialize_entry("endTimeUnixNano", &nanos(end).to_string())?;
        }
        map.serialize_entry("attributes", &self.attributes)?;
        if let Some(message) = self.error {
            map.serialize_entry(
                "status",
                &StatusOut {
                    code: STATUS_ERROR,
                    message,
                },
            )?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct StatusOut<'s> {
    code: u8,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'s str,
}
