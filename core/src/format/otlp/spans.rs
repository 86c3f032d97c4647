//! One OTLP span → one observation, and what the span says about its trace.

use std::borrow::Cow;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use super::attributes::{Fields, ResourceFields};
use super::out::OUR_SCOPE;
use super::values::AttributeMap;
use super::wire::{AnyValue, Event, KeyValue, Scope, Span, StatusCode};
use crate::json::Json;
use crate::model::{Level, Observation, Status};
use crate::time::Timestamp;

/// The resource and scope a span was reported under, with their metadata
/// JSON written once for all of their spans.
pub(crate) struct Origin<'s, 'a> {
    pub scope: Option<&'s Scope<'a>>,
    resource: ResourceFields,
    resource_json: Option<Box<RawValue>>,
    scope_json: Option<Box<RawValue>>,
}

impl<'s, 'a> Origin<'s, 'a> {
    pub fn new(resource: &'s [KeyValue<'a>], scope: Option<&'s Scope<'a>>) -> Origin<'s, 'a> {
        let refs: Vec<&KeyValue> = resource.iter().collect();
        let resource_json = (!resource.is_empty())
            .then(|| serde_json::value::to_raw_value(&AttributeMap(&refs)).ok())
            .flatten();
        let scope_json = scope
            .filter(|s| !s.name.is_empty())
            .and_then(|s| serde_json::value::to_raw_value(&ScopeOut(s)).ok());
        Origin {
            resource: ResourceFields::read(resource),
            scope,
            resource_json,
            scope_json,
        }
    }
}

impl Origin<'_, '_> {
    fn scope_name(&self) -> &str {
        self.scope.map_or("", |s| s.name.as_ref())
    }

    /// Langfuse's own SDK and ours: their attributes are all mapped, so
    /// the raw attribute map is left out of the metadata (as Langfuse does).
    fn is_sdk(&self) -> bool {
        let name = self.scope_name();
        name == OUR_SCOPE || name.starts_with("langfuse-sdk")
    }
}

/// A span's observation and its trace-level facts.
pub(crate) struct Mapped<'a> {
    pub observation: Observation,
    pub trace: super::traces::SpanFacts<'a>,
}

pub(crate) fn map<'s, 'a>(span: &'s Span<'a>, origin: &Origin<'s, 'a>) -> Result<Mapped<'s>, String>
where
    'a: 's,
{
    let mut fields = Fields::read(&span.attributes, &origin.resource);
    let (start, end) = times(span)?;
    let code = span.status.as_ref().map_or(StatusCode::Unset, |s| s.code);
    let span_message = span
        .status
        .as_ref()
        .map(|s| s.message.as_ref())
        .filter(|m| !m.is_empty());
    let ended = end.is_some() && !fields.ours.running;
    let level = fields.level.unwrap_or(if code == StatusCode::Error {
        Level::Error
    } else {
        Level::Default
    });
    let status = match (ended, code) {
        (false, _) => Status::Running,
        (true, StatusCode::Error) => Status::Error,
        (true, _) => Status::Completed,
    };
    fields.read_events(&span.events);
    let (input, output) = fields.input_output();
    let first_chunk = fields
        .ms_to_first_chunk
        .take()
        .and_then(|ms| start.plus_millis(ms));
    let kind = fields.observation_type();
    let model_parameters = fields.model_parameters();
    let usage = fields.usage();
    let cost = fields.take_cost();
    let trace_id = (!fields.ours.without_trace).then(|| match &fields.ours.trace_id {
        Some(id) => id.to_string(),
        None => span.trace_id.hex(),
    });
    let id = match &fields.ours.observation_id {
        Some(id) => id.to_string(),
        None => span.span_id.hex(),
    };
    let name = fields.name.take().unwrap_or_else(|| span.name.to_string());
    let metadata = metadata(&fields, span, origin);
    let observation = Observation {
        id,
        trace_id,
        parent_id: None,
        name,
        kind,
        type_label: fields.type_label.take(),
        status,
        level,
        status_message: fields
            .status_message
            .take()
            .or(span_message.map(str::to_string)),
        started_at: start,
        ended_at: end.filter(|_| ended),
        completion_start_time: fields.completion_start.or(first_chunk),
        input,
        output,
        metadata,
        provider: fields.provider.take().map(Cow::into_owned),
        model: fields.model.take().map(Cow::into_owned),
        model_parameters,
        usage: usage.map(Box::new),
        cost: cost.map(Box::new),
        prompt_name: fields.prompt_name.take(),
        prompt_version: fields.prompt_version.take(),
        template: fields.template.take(),
        variables: fields.variables.take(),
    };
    let trace = super::traces::SpanFacts::new(fields.trace, fields.ours.trace_span);
    Ok(Mapped { observation, trace })
}

/// Start and end; a span with only one of them is a moment. A missing or
/// zero end means the span had not ended when it was written.
fn times(span: &Span) -> Result<(Timestamp, Option<Timestamp>), String> {
    let at = |nanos: u64| {
        i64::try_from(nanos)
            .map(Timestamp::from_unix_nanos)
            .map_err(|_| format!("the time {nanos} ns is after the year 2262"))
    };
    match (span.start, span.end) {
        (0, 0) => Err("the span has neither startTimeUnixNano nor endTimeUnixNano".to_string()),
        (0, end) => Ok((at(end)?, Some(at(end)?))),
        (start, 0) => Ok((at(start)?, None)),
        (start, end) => Ok((at(start)?, Some(at(end)?))),
    }
}

/// The observation's metadata, as Langfuse assembles it: the span's
/// `langfuse.observation.metadata` keys first-level, then the attributes
/// no rule claimed, the resource's attributes and the scope; and the span's
/// events (Langfuse drops them; a Jaeger user expects to see them).
fn metadata(fields: &Fields, span: &Span, origin: &Origin) -> Option<Json> {
    let sdk = origin.is_sdk();
    let parts = MetadataOut {
        object: fields.metadata_object.get(),
        keys: &fields.metadata,
        attributes: (!sdk && !fields.attributes.is_empty()).then_some(&fields.attributes[..]),
        resource: origin.resource_json.as_deref().filter(|_| !sdk),
        scope: origin.scope_json.as_deref().filter(|_| !sdk),
        span_kind: Some(span.kind.name())
            .filter(|_| !sdk)
            .filter(|k| !matches!(*k, "UNSPECIFIED" | "INTERNAL")),
        events: &span.events,
    };
    if parts.is_empty() {
        return None;
    }
    if parts.is_only_object() {
        return parts.object.cloned();
    }
    Some(Json::new(&parts))
}

struct MetadataOut<'s, 'a> {
    object: Option<&'s Json>,
    keys: &'s [(Cow<'a, str>, &'a AnyValue<'a>)],
    attributes: Option<&'s [&'a KeyValue<'a>]>,
    resource: Option<&'s RawValue>,
    scope: Option<&'s RawValue>,
    /// OTel's span kind when it says more than "internal" (Jaeger shows it).
    span_kind: Option<&'static str>,
    events: &'s [Event<'a>],
}

impl MetadataOut<'_, '_> {
    fn is_empty(&self) -> bool {
        self.object.is_none() && self.is_only_object()
    }

    /// Only `langfuse.observation.metadata` as a whole: kept verbatim.
    fn is_only_object(&self) -> bool {
        self.keys.is_empty()
            && self.attributes.is_none()
            && self.resource.is_none()
            && self.scope.is_none()
            && self.span_kind.is_none()
            && self.events.is_empty()
    }
}

impl Serialize for MetadataOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(object) = self.object {
            match object.entries() {
                Some(entries) => {
                    for (k, v) in entries {
                        map.serialize_entry(&k, &v)?;
                    }
                }
                None => map.serialize_entry("metadata", object)?,
            }
        }
        for (k, v) in self.keys {
            map.serialize_entry(k.as_ref(), &Loose(v))?;
        }
        if let Some(attributes) = self.attributes {
            map.serialize_entry("attributes", &AttributeMap(attributes))?;
        }
        if let Some(resource) = self.resource {
            map.serialize_entry("resourceAttributes", resource)?;
        }
        if let Some(scope) = self.scope {
            map.serialize_entry("scope", scope)?;
        }
        if let Some(kind) = self.span_kind {
            map.serialize_entry("spanKind", kind)?;
        }
        if !self.events.is_empty() {
            let events: Vec<EventOut> = self.events.iter().map(EventOut).collect();
            map.serialize_entry("events", &events)?;
        }
        map.end()
    }
}

/// A metadata value set through a `langfuse.*.metadata.<key>` attribute:
/// SDKs serialise objects into strings, so a string holding a JSON object
/// or array is that value.
struct Loose<'s, 'a>(&'s AnyValue<'a>);

impl Serialize for Loose<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::values::payload(self.0).serialize(serializer)
    }
}

struct ScopeOut<'s, 'a>(&'s Scope<'a>);

impl Serialize for ScopeOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", self.0.name.as_ref())?;
        if !self.0.version.is_empty() {
            map.serialize_entry("version", self.0.version.as_ref())?;
        }
        map.end()
    }
}

struct EventOut<'s, 'a>(&'s Event<'a>);

impl Serialize for EventOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", self.0.name.as_ref())?;
        if let Ok(nanos) = i64::try_from(self.0.time) {
            if nanos > 0 {
                map.serialize_entry("time", &Timestamp::from_unix_nanos(nanos))?;
            }
        }
        if !self.0.attributes.is_empty() {
            let refs: Vec<&KeyValue> = self.0.attributes.iter().collect();
            map.serialize_entry("attributes", &AttributeMap(&refs))?;
        }
        map.end()
    }
}
