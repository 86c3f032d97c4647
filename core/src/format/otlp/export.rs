//! Writing the store as OTLP/JSON, as the spec writes it: one
//! `ExportTraceServiceRequest`, hex ids, integer enums, 64-bit integers as
//! decimal strings.
//!
//! Each trace becomes a root span of its own (marked `prompttrace.trace`,
//! named after the trace, carrying its `langfuse.trace.*` attributes), and
//! each observation a span under it. Attributes follow the GenAI semantic
//! conventions, OpenInference and Langfuse's `langfuse.*` keys together, so
//! Langfuse, Phoenix and any collector read type, model, usage, cost,
//! session and user back; `prompttrace.*` keys carry the rest, so reading
//! the file gives back every field (see `docs/otlp-mapping.md`).

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::attributes::ours;
use super::ids::{SpanId, TraceId};
use super::spans::OUR_SCOPE;
use crate::json::Json;
use crate::model::{Level, Observation, ObservationType, Status, Trace};
use crate::store::Store;
use crate::time::Timestamp;

/// Writes every trace and observation of the store as one OTLP/JSON request.
pub fn write(store: &Store) -> String {
    let (traces, observations) = crate::format::records_in_order(store);
    to_json(spans(&traces, &observations))
}

/// Writes the given traces (each with all its observations) and LLM calls
/// recorded without a trace, as one OTLP/JSON request: what an exporter
/// sends of the traces that ended since its last batch. Unknown ids are
/// skipped.
pub fn write_selected(store: &Store, trace_ids: &[String], call_ids: &[String]) -> String {
    let (traces, observations) = selected(store, trace_ids, call_ids);
    to_json(spans(&traces, &observations))
}

pub(super) fn selected<'s>(
    store: &'s Store,
    trace_ids: &[String],
    call_ids: &[String],
) -> (Vec<&'s Trace>, Vec<&'s Observation>) {
    let mut traces = Vec::new();
    let mut observations = Vec::new();
    for entry in trace_ids.iter().filter_map(|id| store.trace(id)) {
        traces.push(entry.trace());
        observations.extend(entry.observations_in_order());
    }
    for call in call_ids.iter().filter_map(|id| store.observation(id)) {
        if call.trace_id.is_none() {
            observations.push(call);
        }
    }
    (traces, observations)
}

/// Every span of these records: each trace's own span, then the observations.
pub(super) fn spans<'s>(
    traces: &[&'s Trace],
    observations: &[&'s Observation],
) -> Vec<SpanOut<'s>> {
    let mut spans = Vec::with_capacity(traces.len() + observations.len());
    let by_id: crate::hash::HashMap<&str, &Trace> =
        traces.iter().map(|t| (t.id.as_str(), *t)).collect();
    for trace in traces {
        spans.push(trace_span(trace));
    }
    for observation in observations {
        let trace = observation
            .trace_id
            .as_deref()
            .and_then(|id| by_id.get(id).copied());
        spans.push(observation_span(observation, trace));
    }
    spans
}

/// The whole store as an OTLP/protobuf request.
#[cfg(feature = "protobuf")]
pub fn encode(store: &Store) -> Vec<u8> {
    let (traces, observations) = crate::format::records_in_order(store);
    to_protobuf(spans(&traces, &observations))
}

/// [`write_selected`] as an OTLP/protobuf request.
#[cfg(feature = "protobuf")]
pub fn encode_selected(store: &Store, trace_ids: &[String], call_ids: &[String]) -> Vec<u8> {
    let (traces, observations) = selected(store, trace_ids, call_ids);
    to_protobuf(spans(&traces, &observations))
}

#[cfg(feature = "protobuf")]
fn to_protobuf(spans: Vec<SpanOut>) -> Vec<u8> {
    super::protobuf::encode(&spans, &resource(), (OUR_SCOPE, env!("CARGO_PKG_VERSION")))
}

/// The resource every request is reported under.
fn resource() -> [(&'static str, Value<'static>); 3] {
    [
        ("service.name", Value::Str("prompttrace")),
        ("telemetry.sdk.name", Value::Str("prompttrace")),
        (
            "telemetry.sdk.version",
            Value::Str(env!("CARGO_PKG_VERSION")),
        ),
    ]
}

fn to_json(spans: Vec<SpanOut>) -> String {
    let request = RequestOut { spans };
    let mut text = serde_json::to_string(&request).expect("spans always serialize");
    text.push('\n');
    text
}

fn trace_span(trace: &Trace) -> SpanOut<'_> {
    let (trace_id, exact) = TraceId::of(&trace.id);
    let mut attributes = Attributes::default();
    attributes.push(ours::TRACE_SPAN, Value::Bool(true));
    if !exact {
        attributes.push(ours::TRACE_ID, Value::str(&trace.id));
    }
    attributes.push("langfuse.trace.name", Value::str(&trace.name));
    attributes.push("openinference.span.kind", Value::str("CHAIN"));
    identity(&mut attributes, trace);
    if let Some(session) = &trace.session_id {
        attributes.push("langfuse.session.id", Value::str(session));
        attributes.push("gen_ai.conversation.id", Value::str(session));
    }
    if let Some(user) = &trace.user_id {
        attributes.push("langfuse.user.id", Value::str(user));
    }
    if !trace.tags.is_empty() {
        attributes.push("langfuse.trace.tags", Value::Strings(&trace.tags));
        attributes.push("tag.tags", Value::Strings(&trace.tags));
    }
    payloads(
        &mut attributes,
        ["langfuse.trace.input", "langfuse.trace.output"],
        &trace.input,
        &trace.output,
    );
    if let Some(metadata) = &trace.metadata {
        attributes.push(
            metadata_key(metadata, "langfuse.trace.metadata", ours::TRACE_METADATA),
            Value::str(metadata.as_str()),
        );
    }
    if let Some(message) = trace
        .status_message
        .as_deref()
        .filter(|_| trace.status != Status::Error)
    {
        // An error's message is the span status; any other is ours to keep.
        attributes.push("langfuse.observation.status_message", Value::str(message));
    }
    if let Some(environment) = &trace.environment {
        attributes.push("langfuse.environment", Value::str(environment));
    }
    if let Some(release) = &trace.release {
        attributes.push("langfuse.release", Value::str(release));
    }
    if trace.status == Status::Running {
        attributes.push(ours::STATUS, Value::str("running"));
    }
    SpanOut {
        trace_id,
        span_id: SpanId::of(&trace.id, "trace:").0,
        parent: None,
        name: &trace.name,
        kind: 1,
        start: trace.started_at,
        end: trace.ended_at,
        attributes,
        error: (trace.status == Status::Error)
            .then_some(trace.status_message.as_deref().unwrap_or("")),
    }
}

fn observation_span<'s>(observation: &'s Observation, trace: Option<&'s Trace>) -> SpanOut<'s> {
    let mut attributes = Attributes::default();
    let (trace_id, parent) = match &observation.trace_id {
        Some(id) => {
            let (trace_id, exact) = TraceId::of(id);
            if !exact {
                attributes.push(ours::TRACE_ID, Value::str(id));
            }
            let parent = match &observation.parent_id {
                Some(parent) => SpanId::of(parent, "").0,
                None => SpanId::of(id, "trace:").0,
            };
            (trace_id, Some(parent))
        }
        None => {
            attributes.push(ours::WITHOUT_TRACE, Value::Bool(true));
            (TraceId::of(&format!("llm-call:{}", observation.id)).0, None)
        }
    };
    let (span_id, exact) = SpanId::of(&observation.id, "");
    if !exact {
        attributes.push(ours::OBSERVATION_ID, Value::str(&observation.id));
    }
    let kind = observation.kind;
    attributes.push("langfuse.observation.type", Value::str(kind.as_str()));
    if let Some(label) = &observation.type_label {
        attributes.push(ours::TYPE_LABEL, Value::str(label));
    }
    if let Some(span_kind) = openinference_kind(kind) {
        attributes.push("openinference.span.kind", Value::str(span_kind));
    }
    if let Some(operation) = gen_ai_operation(kind) {
        attributes.push("gen_ai.operation.name", Value::str(operation));
    }
    if kind == ObservationType::Tool {
        attributes.push("gen_ai.tool.name", Value::str(&observation.name));
    }
    if let Some(trace) = trace {
        identity(&mut attributes, trace);
    }
    model(&mut attributes, observation);
    payloads(
        &mut attributes,
        ["langfuse.observation.input", "langfuse.observation.output"],
        &observation.input,
        &observation.output,
    );
    openinference_payloads(&mut attributes, observation);
    if let Some(metadata) = &observation.metadata {
        let key = metadata_key(metadata, "langfuse.observation.metadata", ours::METADATA);
        attributes.push(key, Value::str(metadata.as_str()));
    }
    // An error at a level other than ERROR says so, or the status would imply it.
    if observation.level != Level::Default || observation.status == Status::Error {
        attributes.push(
            "langfuse.observation.level",
            Value::str(level(observation.level)),
        );
    }
    if let Some(message) = &observation.status_message {
        attributes.push("langfuse.observation.status_message", Value::str(message));
    }
    if let Some(at) = observation.completion_start_time {
        attributes.push(
            "langfuse.observation.completion_start_time",
            Value::Owned(at.to_rfc3339()),
        );
    }
    if let Some(name) = &observation.prompt_name {
        attributes.push("langfuse.observation.prompt.name", Value::str(name));
    }
    if let Some(version) = observation.prompt_version {
        attributes.push(
            "langfuse.observation.prompt.version",
            Value::Int(i64::from(version)),
        );
    }
    if let Some(template) = &observation.template {
        attributes.push(ours::TEMPLATE, Value::str(template));
    }
    if let Some(variables) = &observation.variables {
        attributes.push(
            ours::VARIABLES,
            Value::Owned(serde_json::to_string(variables).unwrap_or_default()),
        );
    }
    if observation.status == Status::Running {
        attributes.push(ours::STATUS, Value::str("running"));
    }
    SpanOut {
        trace_id,
        span_id,
        parent,
        name: &observation.name,
        kind: if matches!(
            kind,
            ObservationType::Generation | ObservationType::Embedding
        ) {
            3
        } else {
            1
        },
        start: observation.started_at,
        end: observation.ended_at,
        attributes,
        error: (observation.status == Status::Error)
            .then_some(observation.status_message.as_deref().unwrap_or("")),
    }
}

/// Session and user on every span, as OpenInference and Phoenix expect.
fn identity<'s>(attributes: &mut Attributes<'s>, trace: &'s Trace) {
    if let Some(session) = &trace.session_id {
        attributes.push("session.id", Value::str(session));
    }
    if let Some(user) = &trace.user_id {
        attributes.push("user.id", Value::str(user));
    }
}

fn model<'s>(attributes: &mut Attributes<'s>, observation: &'s Observation) {
    if let Some(model) = &observation.model {
        attributes.push("langfuse.observation.model.name", Value::str(model));
        attributes.push("gen_ai.request.model", Value::str(model));
        attributes.push("llm.model_name", Value::str(model));
    }
    if let Some(provider) = &observation.provider {
        attributes.push("gen_ai.provider.name", Value::str(provider));
        attributes.push("llm.provider", Value::str(provider));
    }
    if let Some(parameters) = &observation.model_parameters {
        let text = serde_json::to_string(parameters).unwrap_or_default();
        attributes.push("llm.invocation_parameters", Value::Owned(text.clone()));
        attributes.push("langfuse.observation.model.parameters", Value::Owned(text));
        for (key, value) in parameters {
            if let Some(n) = value.as_f64() {
                let key = format!("gen_ai.request.{key}");
                attributes.push_owned(
                    key,
                    if value.is_i64() {
                        Value::Int(n as i64)
                    } else {
                        Value::Double(n)
                    },
                );
            }
        }
    }
    if let Some(usage) = &observation.usage {
        let mut details = serde_json::Map::new();
        for (key, n) in [
            ("input", usage.input),
            ("output", usage.output),
            ("total", usage.total),
        ] {
            if let Some(n) = n {
                details.insert(key.into(), n.into());
            }
        }
        for (key, n) in &usage.details {
            details.insert(key.clone(), (*n).into());
        }
        attributes.push(
            "langfuse.observation.usage_details",
            Value::Owned(serde_json::Value::Object(details).to_string()),
        );
        let counts = [
            (
                usage.input,
                "gen_ai.usage.input_tokens",
                "llm.token_count.prompt",
            ),
            (
                usage.output,
                "gen_ai.usage.output_tokens",
                "llm.token_count.completion",
            ),
            (usage.total, "", "llm.token_count.total"),
        ];
        for (n, gen_ai, openinference) in counts {
            let Some(n) = n.and_then(|n| i64::try_from(n).ok()) else {
                continue;
            };
            if !gen_ai.is_empty() {
                attributes.push(gen_ai, Value::Int(n));
            }
            attributes.push(openinference, Value::Int(n));
        }
    }
    if let Some(cost) = &observation.cost {
        let mut details = serde_json::Map::new();
        for (key, n) in [
            ("input", cost.input),
            ("output", cost.output),
            ("total", cost.total),
        ] {
            if let Some(n) = n {
                details.insert(key.into(), n.into());
            }
        }
        attributes.push(
            "langfuse.observation.cost_details",
            Value::Owned(serde_json::Value::Object(details).to_string()),
        );
        if let Some(total) = cost.total {
            attributes.push("llm.cost.total", Value::Double(total));
        }
    }
}

/// Input and output as `langfuse.*` attributes: strings as they are,
/// objects and arrays as their JSON text (as Langfuse's SDKs write them).
fn payloads<'s>(
    attributes: &mut Attributes<'s>,
    keys: [&'static str; 2],
    input: &'s Option<Json>,
    output: &'s Option<Json>,
) {
    for (key, payload) in keys.into_iter().zip([input, output]) {
        if let Some(payload) = payload {
            attributes.push(key, payload_value(payload));
        }
    }
}

/// OpenInference's `input.value`/`output.value` with their MIME types, which
/// Phoenix shows.
fn openinference_payloads<'s>(attributes: &mut Attributes<'s>, observation: &'s Observation) {
    for (key, mime, payload) in [
        ("input.value", "input.mime_type", &observation.input),
        ("output.value", "output.mime_type", &observation.output),
    ] {
        let Some(payload) = payload else { continue };
        let structured = payload.as_str().starts_with(['{', '[']);
        attributes.push(key, payload_value(payload));
        attributes.push(
            mime,
            Value::str(if structured {
                "application/json"
            } else {
                "text/plain"
            }),
        );
    }
}

fn payload_value(payload: &Json) -> Value<'_> {
    let text = payload.as_str();
    match text.as_bytes().first() {
        Some(b'"') => match serde_json::from_str::<String>(text) {
            Ok(s) => Value::Owned(s),
            Err(_) => Value::str(text),
        },
        Some(b't') => Value::Bool(true),
        Some(b'f') => Value::Bool(false),
        Some(b'n') => Value::Empty,
        Some(b'-' | b'0'..=b'9') => match text.parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) => text.parse::<f64>().map_or(Value::str(text), Value::Double),
        },
        _ => Value::str(text),
    }
}

/// Langfuse's key for metadata that is an object (its only shape there);
/// ours, read back exactly, for a string, number, array or null.
fn metadata_key(metadata: &Json, langfuse: &'static str, ours: &'static str) -> &'static str {
    if metadata.as_str().starts_with('{') {
        langfuse
    } else {
        ours
    }
}

fn openinference_kind(kind: ObservationType) -> Option<&'static str> {
    Some(match kind {
        ObservationType::Generation => "LLM",
        ObservationType::Embedding => "EMBEDDING",
        ObservationType::Chain | ObservationType::Span => "CHAIN",
        ObservationType::Retriever => "RETRIEVER",
        ObservationType::Tool => "TOOL",
        ObservationType::Agent => "AGENT",
        ObservationType::Guardrail => "GUARDRAIL",
        ObservationType::Evaluator => "EVALUATOR",
        ObservationType::Event => return None,
    })
}

fn gen_ai_operation(kind: ObservationType) -> Option<&'static str> {
    Some(match kind {
        ObservationType::Generation => "chat",
        ObservationType::Embedding => "embeddings",
        ObservationType::Tool => "execute_tool",
        ObservationType::Agent => "invoke_agent",
        _ => return None,
    })
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Debug => "DEBUG",
        Level::Default => "DEFAULT",
        Level::Warning => "WARNING",
        Level::Error => "ERROR",
    }
}

/// An attribute value as the OTLP/JSON `AnyValue` it is written as.
pub(super) enum Value<'s> {
    Str(&'s str),
    Owned(String),
    Int(i64),
    Double(f64),
    Bool(bool),
    Strings(&'s [String]),
    Empty,
}

impl<'s> Value<'s> {
    fn str(text: &'s str) -> Value<'s> {
        Value::Str(text)
    }
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

#[derive(Default)]
pub(super) struct Attributes<'s>(pub(super) Vec<(Cow<'s, str>, Value<'s>)>);

impl<'s> Attributes<'s> {
    fn push(&mut self, key: &'static str, value: Value<'s>) {
        self.0.push((Cow::Borrowed(key), value));
    }

    fn push_owned(&mut self, key: String, value: Value<'s>) {
        self.0.push((Cow::Owned(key), value));
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

pub(super) struct SpanOut<'s> {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub parent: Option<SpanId>,
    pub name: &'s str,
    /// SPAN_KIND_INTERNAL (1) or SPAN_KIND_CLIENT (3).
    pub kind: u8,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub attributes: Attributes<'s>,
    /// The status message of a span that failed.
    pub error: Option<&'s str>,
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
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("startTimeUnixNano", &nanos(self.start))?;
        if let Some(end) = self.end {
            map.serialize_entry("endTimeUnixNano", &nanos(end))?;
        }
        map.serialize_entry("attributes", &self.attributes)?;
        if let Some(message) = self.error {
            map.serialize_entry("status", &StatusOut { code: 2, message })?;
        }
        map.end()
    }
}

/// Nanoseconds as OTLP/JSON writes a `fixed64`: decimal text. Instants
/// before 1970 cannot be written; they become the epoch.
fn nanos(at: Timestamp) -> String {
    at.unix_nanos().max(0).to_string()
}

#[derive(Serialize)]
struct StatusOut<'s> {
    code: u8,
    #[serde(skip_serializing_if = "str::is_empty")]
    message: &'s str,
}

struct RequestOut<'s> {
    spans: Vec<SpanOut<'s>>,
}

impl Serialize for RequestOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Resource<'a, 's> {
            attributes: &'a Attributes<'s>,
        }
        #[derive(Serialize)]
        struct ScopeOut {
            name: &'static str,
            version: &'static str,
        }
        #[derive(Serialize)]
        struct ScopeSpans<'a, 's> {
            scope: ScopeOut,
            spans: Seq<'a, SpanOut<'s>>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ResourceSpans<'a, 's> {
            resource: Resource<'a, 's>,
            scope_spans: [ScopeSpans<'a, 's>; 1],
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Request<'a, 's> {
            resource_spans: [ResourceSpans<'a, 's>; 1],
        }
        let mut resource = Attributes::default();
        for (key, value) in super::export::resource() {
            resource.push(key, value);
        }
        Request {
            resource_spans: [ResourceSpans {
                resource: Resource {
                    attributes: &resource,
                },
                scope_spans: [ScopeSpans {
                    scope: ScopeOut {
                        name: OUR_SCOPE,
                        version: env!("CARGO_PKG_VERSION"),
                    },
                    spans: Seq(&self.spans),
                }],
            }],
        }
        .serialize(serializer)
    }
}
