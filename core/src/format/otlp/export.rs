//! Writing the store as OTLP: records become `out.rs`'s spans, which
//! `json_out.rs` writes as OTLP/JSON and `protobuf.rs` as OTLP/protobuf.
//!
//! Each trace becomes a root span of its own (marked `prompttrace.trace`,
//! named after the trace, carrying its `langfuse.trace.*` attributes), and
//! each observation a span under it. Attributes follow the GenAI semantic
//! conventions, OpenInference and Langfuse's `langfuse.*` keys together, so
//! Langfuse, Phoenix and any collector read type, model, usage, cost,
//! session and user back; `prompttrace.*` keys carry the rest, so reading
//! the file gives back every field (see `docs/otlp-mapping.md`).

use super::conventions::{
    gen_ai, langfuse, openinference, ours, GEN_AI_OPERATIONS, LEVELS, OPENINFERENCE_KINDS,
};
use super::ids::{SpanId, TraceId};
use super::out::{Attributes, SpanKind, SpanOut, Value};
use crate::json::Json;
use crate::model::{Level, Observation, ObservationType, Status, Trace};
use crate::outbox::Selection;
use crate::store::Store;

/// Writes every trace and observation of the store as one OTLP/JSON request.
pub fn write(store: &Store) -> String {
    let (traces, observations) = crate::format::records_in_order(store);
    super::json_out::write(&spans(&traces, &observations))
}

/// Every trace and observation of the store as one `resourceSpans` entry:
/// a part of a request too large to write at once, which is
/// `REQUEST_START`, the parts separated by commas, then `REQUEST_END`
/// (what [`write`] writes, with the whole store as the one part). Each
/// part must hold whole traces: a trace's observations are spans under
/// its own root span.
pub fn write_part(store: &Store) -> String {
    let (traces, observations) = crate::format::records_in_order(store);
    super::json_out::entry(&spans(&traces, &observations))
}

/// Writes the given traces (each with all its observations) and LLM calls
/// recorded without a trace, as one OTLP/JSON request: what an exporter
/// sends of the traces that ended since its last batch. Unknown ids are
/// skipped.
pub fn write_selected(store: &Store, trace_ids: &[String], call_ids: &[String]) -> String {
    let (traces, observations) = selected(store, trace_ids, call_ids);
    super::json_out::write(&spans(&traces, &observations))
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

/// How an exporter sends its requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// `application/json`.
    Json,
    /// `application/x-protobuf`.
    #[cfg(feature = "protobuf")]
    Protobuf,
}

/// An outbox's selection as one request.
pub fn request(store: &Store, selection: &Selection, encoding: Encoding) -> Vec<u8> {
    let (traces, observations) = selected(store, &selection.traces, &selection.calls);
    let spans = spans(&traces, &observations);
    match encoding {
        Encoding::Json => super::json_out::write(&spans).into_bytes(),
        #[cfg(feature = "protobuf")]
        Encoding::Protobuf => super::protobuf::encode(&spans),
    }
}

/// The whole store as an OTLP/protobuf request.
#[cfg(feature = "protobuf")]
pub fn encode(store: &Store) -> Vec<u8> {
    let (traces, observations) = crate::format::records_in_order(store);
    super::protobuf::encode(&spans(&traces, &observations))
}

fn trace_span(trace: &Trace) -> SpanOut<'_> {
    let (trace_id, exact) = TraceId::of(&trace.id);
    let mut attributes = Attributes::default();
    attributes.push(ours::TRACE_SPAN, Value::Bool(true));
    if !exact {
        attributes.push(ours::TRACE_ID, Value::str(&trace.id));
    }
    attributes.push(langfuse::TRACE_NAME, Value::str(&trace.name));
    attributes.push(
        openinference::SPAN_KIND,
        Value::str(openinference_kind(ObservationType::Span).unwrap_or_default()),
    );
    identity(&mut attributes, trace);
    if let Some(session) = &trace.session_id {
        attributes.push(langfuse::SESSION_ID, Value::str(session));
        attributes.push(gen_ai::CONVERSATION_ID, Value::str(session));
    }
    if let Some(user) = &trace.user_id {
        attributes.push(langfuse::USER_ID, Value::str(user));
    }
    if !trace.tags.is_empty() {
        attributes.push(langfuse::TRACE_TAGS, Value::Strings(&trace.tags));
        attributes.push(openinference::TAGS, Value::Strings(&trace.tags));
    }
    payloads(
        &mut attributes,
        [langfuse::TRACE_INPUT, langfuse::TRACE_OUTPUT],
        &trace.input,
        &trace.output,
    );
    if let Some(metadata) = &trace.metadata {
        attributes.push(
            metadata_key(metadata, langfuse::TRACE_METADATA, ours::TRACE_METADATA),
            Value::str(metadata.as_str()),
        );
    }
    if let Some(message) = trace
        .status_message
        .as_deref()
        .filter(|_| trace.status != Status::Error)
    {
        // An error's message is the span status; any other is ours to keep.
        attributes.push(langfuse::STATUS_MESSAGE, Value::str(message));
    }
    if let Some(environment) = &trace.environment {
        attributes.push(langfuse::ENVIRONMENT, Value::str(environment));
    }
    if let Some(release) = &trace.release {
        attributes.push(langfuse::RELEASE, Value::str(release));
    }
    if trace.status == Status::Running {
        attributes.push(ours::STATUS, Value::str("running"));
    }
    SpanOut {
        trace_id,
        span_id: SpanId::of(&trace.id, "trace:").0,
        parent: None,
        name: &trace.name,
        kind: SpanKind::Internal,
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
    attributes.push(langfuse::OBSERVATION_TYPE, Value::str(kind.as_str()));
    if let Some(label) = &observation.type_label {
        attributes.push(ours::TYPE_LABEL, Value::str(label));
    }
    if let Some(span_kind) = openinference_kind(kind) {
        attributes.push(openinference::SPAN_KIND, Value::str(span_kind));
    }
    if let Some(operation) = gen_ai_operation(kind) {
        attributes.push(gen_ai::OPERATION_NAME, Value::str(operation));
    }
    if kind == ObservationType::Tool {
        attributes.push(gen_ai::TOOL_NAME, Value::str(&observation.name));
    }
    if let Some(trace) = trace {
        identity(&mut attributes, trace);
    }
    model(&mut attributes, observation);
    payloads(
        &mut attributes,
        [langfuse::INPUT, langfuse::OUTPUT],
        &observation.input,
        &observation.output,
    );
    openinference_payloads(&mut attributes, observation);
    if let Some(metadata) = &observation.metadata {
        let key = metadata_key(metadata, langfuse::OBSERVATION_METADATA, ours::METADATA);
        attributes.push(key, Value::str(metadata.as_str()));
    }
    // An error at a level other than ERROR says so, or the status would imply it.
    if observation.level != Level::Default || observation.status == Status::Error {
        attributes.push(langfuse::LEVEL, Value::str(level(observation.level)));
    }
    if let Some(message) = &observation.status_message {
        attributes.push(langfuse::STATUS_MESSAGE, Value::str(message));
    }
    if let Some(at) = observation.completion_start_time {
        attributes.push(
            langfuse::COMPLETION_START_TIME,
            Value::Owned(at.to_rfc3339()),
        );
    }
    if let Some(name) = &observation.prompt_name {
        attributes.push(langfuse::PROMPT_NAME, Value::str(name));
    }
    if let Some(version) = observation.prompt_version {
        attributes.push(langfuse::PROMPT_VERSION, Value::Int(i64::from(version)));
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
            SpanKind::Client
        } else {
            SpanKind::Internal
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
        attributes.push(openinference::SESSION_ID, Value::str(session));
    }
    if let Some(user) = &trace.user_id {
        attributes.push(openinference::USER_ID, Value::str(user));
    }
}

fn model<'s>(attributes: &mut Attributes<'s>, observation: &'s Observation) {
    if let Some(model) = &observation.model {
        attributes.push(langfuse::MODEL_NAME, Value::str(model));
        attributes.push(gen_ai::REQUEST_MODEL, Value::str(model));
        attributes.push(openinference::MODEL_NAME, Value::str(model));
    }
    if let Some(provider) = &observation.provider {
        attributes.push(gen_ai::PROVIDER_NAME, Value::str(provider));
        attributes.push(openinference::PROVIDER, Value::str(provider));
    }
    if let Some(parameters) = &observation.model_parameters {
        let text = serde_json::to_string(parameters).unwrap_or_default();
        attributes.push(
            openinference::INVOCATION_PARAMETERS,
            Value::Owned(text.clone()),
        );
        attributes.push(langfuse::MODEL_PARAMETERS, Value::Owned(text));
        for (key, value) in parameters {
            if let Some(n) = value.as_f64() {
                let key = format!("{}{key}", gen_ai::REQUEST_PREFIX);
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
            langfuse::USAGE_DETAILS,
            Value::Owned(serde_json::Value::Object(details).to_string()),
        );
        let counts = [
            (
                usage.input,
                gen_ai::USAGE_INPUT_TOKENS,
                openinference::TOKEN_COUNT_PROMPT,
            ),
            (
                usage.output,
                gen_ai::USAGE_OUTPUT_TOKENS,
                openinference::TOKEN_COUNT_COMPLETION,
            ),
            (usage.total, "", openinference::TOKEN_COUNT_TOTAL),
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
            langfuse::COST_DETAILS,
            Value::Owned(serde_json::Value::Object(details).to_string()),
        );
        if let Some(total) = cost.total {
            attributes.push(openinference::COST_TOTAL, Value::Double(total));
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
        (
            openinference::INPUT_VALUE,
            openinference::INPUT_MIME_TYPE,
            &observation.input,
        ),
        (
            openinference::OUTPUT_VALUE,
            openinference::OUTPUT_MIME_TYPE,
            &observation.output,
        ),
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

/// A type's OpenInference span kind; a plain span is a chain there.
fn openinference_kind(kind: ObservationType) -> Option<&'static str> {
    let kind = if kind == ObservationType::Span {
        ObservationType::Chain
    } else {
        kind
    };
    first_name(&OPENINFERENCE_KINDS, kind)
}

fn gen_ai_operation(kind: ObservationType) -> Option<&'static str> {
    first_name(&GEN_AI_OPERATIONS, kind)
}

fn level(level: Level) -> &'static str {
    first_name(&LEVELS, level).expect("every level has a name")
}

/// The first name a vocabulary gives a value.
fn first_name<T: PartialEq>(names: &[(&'static str, T)], value: T) -> Option<&'static str> {
    names
        .iter()
        .find(|(_, v)| *v == value)
        .map(|(name, _)| *name)
}

impl<'s> Value<'s> {
    fn str(text: &'s str) -> Value<'s> {
        Value::Str(text)
    }
}
