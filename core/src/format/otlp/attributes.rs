//! Rule: which OTLP span attribute becomes which observation or trace
//! field, in the priority order Langfuse's server uses. The table is
//! `docs/otlp-mapping.md`; this file is the one place that applies it.
//!
//! One pass over a span's attributes fills [`Fields`]: each field keeps the
//! value of its highest-priority key (a lower `rank`), whatever order the
//! attributes come in. Attributes that map to nothing are kept, so they stay
//! visible as the observation's metadata.

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::wire::{AnyValue, KeyValue};
use crate::json::Json;
use crate::model::{Level, ObservationType, Usage};
use crate::time::Timestamp;

/// Attribute keys of our own, written by the exporter so a round trip gives
/// back what no convention carries.
pub(crate) mod ours {
    /// On the span that stands for a trace itself (no observation of its own).
    pub const TRACE_SPAN: &str = "prompttrace.trace";
    /// On a span of an LLM call recorded without a trace.
    pub const WITHOUT_TRACE: &str = "prompttrace.without_trace";
    pub const TRACE_ID: &str = "prompttrace.trace.id";
    pub const OBSERVATION_ID: &str = "prompttrace.observation.id";
    pub const TYPE_LABEL: &str = "prompttrace.observation.type_label";
    pub const TEMPLATE: &str = "prompttrace.observation.template";
    pub const VARIABLES: &str = "prompttrace.observation.variables";
    pub const STATUS: &str = "prompttrace.status";
    /// Metadata that is not an object, as JSON text.
    pub const METADATA: &str = "prompttrace.observation.metadata";
    pub const TRACE_METADATA: &str = "prompttrace.trace.metadata";
    /// Metadata key flagging a span whose parent is not in the file.
    pub const MISSING_PARENT: &str = "prompttrace.missing_parent_span_id";
}

/// A field's value and the rank of the key it came from (0 = first choice).
#[derive(Default)]
pub(crate) struct Ranked<T>(Option<(u8, T)>);

impl<T> Ranked<T> {
    fn offer(&mut self, rank: u8, value: T) {
        if self.0.as_ref().is_none_or(|(held, _)| rank < *held) {
            self.0 = Some((rank, value));
        }
    }

    pub fn take(&mut self) -> Option<T> {
        self.0.take().map(|(_, value)| value)
    }

    pub fn get(&self) -> Option<&T> {
        self.0.as_ref().map(|(_, value)| value)
    }
}

/// Where input and output come from, first choice first (Langfuse's order:
/// the first source holding either one gives both).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Source {
    Langfuse = 0,
    InputValue,
    Plain,
    ToolArguments,
    GenAiPrompt,
    LlmMessages,
    GenAiMessages,
    ToolCall,
}

const SOURCES: usize = 8;

/// Everything one span's attributes say.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    pub kind: Ranked<ObservationType>,
    pub name: Ranked<String>,
    pub type_label: Option<String>,
    pub model: Ranked<Cow<'a, str>>,
    pub provider: Ranked<Cow<'a, str>>,
    /// `gen_ai.operation.name` is an agent step: no model, usage or cost.
    pub agent_operation: bool,
    pub model_parameters: Ranked<Map<String, Value>>,
    pub request_parameters: Map<String, Value>,
    pub usage_details: Option<Map<String, Value>>,
    pub usage_counts: Vec<(&'a str, u64)>,
    pub cost: Ranked<CostFields>,
    io: [(Option<Json>, Option<Json>); SOURCES],
    flattened: Vec<(&'a str, &'a AnyValue<'a>)>,
    pub level: Option<Level>,
    pub status_message: Option<String>,
    pub completion_start: Option<Timestamp>,
    pub prompt_name: Ranked<String>,
    pub prompt_version: Ranked<u32>,
    pub template: Option<String>,
    pub variables: Option<Map<String, Value>>,
    /// `langfuse.observation.metadata` (or `langfuse.metadata`) as a whole.
    pub metadata_object: Option<Json>,
    pub metadata: Vec<(Cow<'a, str>, &'a AnyValue<'a>)>,
    /// Attributes kept as they are, as metadata under "attributes".
    pub attributes: Vec<&'a KeyValue<'a>>,
    pub trace: TraceFields<'a>,
    pub ours: OurFields<'a>,
}

/// Cost in USD by kind.
#[derive(Default)]
pub(crate) struct CostFields {
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub total: Option<f64>,
}

/// What a span says about its trace.
#[derive(Default)]
pub(crate) struct TraceFields<'a> {
    pub name: Option<String>,
    pub session: Ranked<String>,
    pub user: Ranked<String>,
    pub tags: Ranked<Vec<String>>,
    pub input: Option<Json>,
    pub output: Option<Json>,
    pub metadata_object: Option<Json>,
    pub metadata: Vec<(Cow<'a, str>, &'a AnyValue<'a>)>,
    pub environment: Ranked<String>,
    pub release: Option<String>,
}

/// Our own keys (see [`ours`]).
#[derive(Default)]
pub(crate) struct OurFields<'a> {
    pub trace_span: bool,
    pub without_trace: bool,
    pub trace_id: Option<Cow<'a, str>>,
    pub observation_id: Option<Cow<'a, str>>,
    pub running: bool,
}

impl<'a> Fields<'a> {
    /// Reads a span's attributes, then its resource's (which only fill what
    /// the span left open: environment, release).
    pub fn read(span: &'a [KeyValue<'a>], resource: &'a [KeyValue<'a>]) -> Fields<'a> {
        let mut fields = Fields::default();
        for attribute in span {
            if fields.apply(attribute).is_none() {
                fields.attributes.push(attribute);
            }
        }
        for attribute in resource {
            let value = &attribute.value;
            match attribute.key.as_ref() {
                "langfuse.environment" => fields.trace.environment.offer(3, text(value)),
                "deployment.environment.name" => fields.trace.environment.offer(4, text(value)),
                "deployment.environment" => fields.trace.environment.offer(5, text(value)),
                "langfuse.release" if fields.trace.release.is_none() => {
                    fields.trace.release = Some(text(value))
                }
                _ => {}
            }
        }
        if fields.agent_operation {
            fields.model = Ranked::default();
            fields.usage_details = None;
            fields.usage_counts.clear();
            fields.cost = Ranked::default();
        }
        fields
    }

    /// The observation type: the first rule that names one, else "has a
    /// model" means an LLM call, else a span.
    pub fn observation_type(&self) -> ObservationType {
        match self.kind.get() {
            Some(kind) => *kind,
            None if self.model.get().is_some() => ObservationType::Generation,
            None => ObservationType::Span,
        }
    }

    /// Input and output from the first source that holds either.
    pub fn input_output(&mut self) -> (Option<Json>, Option<Json>) {
        if !self.flattened.is_empty() {
            for (prefix, source) in [
                ("gen_ai.prompt.", (Source::GenAiPrompt, true)),
                ("gen_ai.completion.", (Source::GenAiPrompt, false)),
                ("llm.input_messages.", (Source::LlmMessages, true)),
                ("llm.output_messages.", (Source::LlmMessages, false)),
            ] {
                if let Some(value) = unflatten(&self.flattened, prefix) {
                    self.offer_io(source.0, source.1, Json::new(&value));
                }
            }
        }
        self.io
            .iter_mut()
            .find(|(input, output)| input.is_some() || output.is_some())
            .map(|(input, output)| (input.take(), output.take()))
            .unwrap_or((None, None))
    }

    fn offer_io(&mut self, source: Source, input: bool, value: Json) {
        let slot = &mut self.io[source as usize];
        let slot = if input { &mut slot.0 } else { &mut slot.1 };
        if slot.is_none() {
            *slot = Some(value);
        }
    }

    /// Applies one attribute; `None` when no rule claims its key, so it is
    /// kept under the metadata's "attributes".
    fn apply(&mut self, attribute: &'a KeyValue<'a>) -> Option<()> {
        let key = attribute.key.as_ref();
        let value = &attribute.value;
        // Model and provider, first key first. Only Langfuse's own model key
        // is claimed; the others stay visible as attributes, as in Langfuse.
        if let Some(rank) = MODEL_KEYS.iter().position(|k| *k == key) {
            let offered = borrowed(value).map(|model| self.model.offer(rank as u8, model));
            return offered.filter(|_| rank == 0);
        }
        if let Some(rank) = PROVIDER_KEYS.iter().position(|k| *k == key) {
            if let Some(provider) = borrowed(value) {
                self.provider.offer(rank as u8, provider);
            }
            return None;
        }
        match key {
            // Type, in priority order; a model is the last resort (above).
            "langfuse.observation.type" => self.kind.offer(
                0,
                ObservationType::parse(&str_of(value)).filter(|_| is_lower(value))?,
            ),
            "openinference.span.kind" => {
                self.kind.offer(1, openinference_kind(&str_of(value))?);
                return None;
            }
            "gen_ai.operation.name" => {
                let name = str_of(value);
                self.agent_operation = matches!(name.as_ref(), "invoke_agent" | "agent_step");
                if let Some(kind) = gen_ai_operation(&name) {
                    self.kind.offer(2, kind);
                }
                return None;
            }
            "gen_ai.tool.name" => {
                self.kind.offer(3, ObservationType::Tool);
                self.name.offer(0, text(value));
                return None;
            }
            "gen_ai.tool.call.id" => {
                self.kind.offer(3, ObservationType::Tool);
                return None;
            }
            "logfire.msg" => {
                self.name.offer(1, text(value));
                return None;
            }

            // Parameters (model and provider are read above).
            "langfuse.observation.model.parameters" => {
                self.model_parameters.offer(0, json_object(value)?)
            }
            "llm.invocation_parameters" => {
                self.model_parameters.offer(1, json_object(value)?);
                return None;
            }
            "model_config" => {
                self.model_parameters.offer(2, json_object(value)?);
                return None;
            }
            _ if key.starts_with("gen_ai.request.")
                || key.starts_with("llm.invocation_parameters.") =>
            {
                let name = key
                    .split_once("request.")
                    .or_else(|| key.split_once("parameters."))
                    .map_or(key, |(_, n)| n);
                if name == "model" {
                    return None;
                }
                self.request_parameters.insert(
                    name.to_string(),
                    serde_json::to_value(value).unwrap_or(Value::Null),
                );
                return None;
            }

            // Usage and cost.
            "langfuse.observation.usage_details" => self.usage_details = Some(json_object(value)?),
            "gen_ai.usage.cost" => {
                self.cost.offer(
                    1,
                    CostFields {
                        total: number(value),
                        ..CostFields::default()
                    },
                );
                return None;
            }
            "llm.cost.total" => {
                self.cost.offer(
                    2,
                    CostFields {
                        total: number(value),
                        ..CostFields::default()
                    },
                );
                return None;
            }
            _ if key.starts_with("gen_ai.usage.") || key.starts_with("llm.token_count.") => {
                let name = key
                    .strip_prefix("gen_ai.usage.")
                    .or_else(|| key.strip_prefix("llm.token_count."))
                    .unwrap_or(key);
                self.usage_counts.push((name, count(value)?));
                return None;
            }
            "langfuse.observation.cost_details" => {
                let details = json_object(value)?;
                let get = |k: &str| details.get(k).and_then(Value::as_f64);
                self.cost.offer(
                    0,
                    CostFields {
                        input: get("input"),
                        output: get("output"),
                        total: get("total"),
                    },
                );
            }

            // Input and output, by source.
            "langfuse.observation.input" => self.offer_io(Source::Langfuse, true, payload(value)),
            "langfuse.observation.output" => self.offer_io(Source::Langfuse, false, payload(value)),
            "input.value" => self.offer_io(Source::InputValue, true, payload(value)),
            "output.value" => self.offer_io(Source::InputValue, false, payload(value)),
            "input" => self.offer_io(Source::Plain, true, payload(value)),
            "output" => self.offer_io(Source::Plain, false, payload(value)),
            "tool_arguments" => self.offer_io(Source::ToolArguments, true, payload(value)),
            "tool_response" => self.offer_io(Source::ToolArguments, false, payload(value)),
            "gen_ai.prompt" => self.offer_io(Source::GenAiPrompt, true, payload(value)),
            "gen_ai.completion" => self.offer_io(Source::GenAiPrompt, false, payload(value)),
            "gen_ai.input.messages" => self.offer_io(Source::GenAiMessages, true, payload(value)),
            "gen_ai.output.messages" => self.offer_io(Source::GenAiMessages, false, payload(value)),
            "gen_ai.tool.call.arguments" => self.offer_io(Source::ToolCall, true, payload(value)),
            "gen_ai.tool.call.result" => self.offer_io(Source::ToolCall, false, payload(value)),
            _ if [
                "gen_ai.prompt.",
                "gen_ai.completion.",
                "llm.input_messages.",
                "llm.output_messages.",
            ]
            .iter()
            .any(|p| key.starts_with(p)) =>
            {
                if key.split('.').nth(MAX_SEGMENTS + 2).is_some() {
                    return None; // too deep to rebuild: kept as an attribute
                }
                self.flattened.push((key, value))
            }

            // Level, status, timing, prompt.
            "langfuse.observation.level" => self.level = Some(level(&str_of(value))?),
            "langfuse.observation.status_message" => self.status_message = Some(text(value)),
            "langfuse.observation.completion_start_time" => {
                let raw = text(value);
                self.completion_start = Some(Timestamp::parse_rfc3339(raw.trim_matches('"')).ok()?);
            }
            "langfuse.observation.prompt.name" => self.prompt_name.offer(0, text(value)),
            "langfuse.prompt.name" => self.prompt_name.offer(1, text(value)),
            "langfuse.observation.prompt.version" => self
                .prompt_version
                .offer(0, u32::try_from(count(value)?).ok()?),
            "langfuse.prompt.version" => self
                .prompt_version
                .offer(1, u32::try_from(count(value)?).ok()?),

            // The trace.
            "langfuse.trace.name" => self.trace.name = Some(text(value)),
            "langfuse.session.id" => self.trace.session.offer(0, text(value)),
            "session.id" => self.trace.session.offer(1, text(value)),
            "gen_ai.conversation.id" => self.trace.session.offer(2, text(value)),
            "langfuse.observation.metadata.langfuse_session_id" => {
                self.trace.session.offer(3, text(value))
            }
            "langfuse.trace.metadata.langfuse_session_id" => {
                self.trace.session.offer(4, text(value))
            }
            "langfuse.user.id" => self.trace.user.offer(0, text(value)),
            "user.id" => self.trace.user.offer(1, text(value)),
            "langfuse.observation.metadata.langfuse_user_id" => {
                self.trace.user.offer(2, text(value))
            }
            "langfuse.trace.metadata.langfuse_user_id" => self.trace.user.offer(3, text(value)),
            "enduser.id" => self.trace.user.offer(4, text(value)),
            "langfuse.trace.tags" => self.trace.tags.offer(0, tags(value)),
            "langfuse.tags" => self.trace.tags.offer(1, tags(value)),
            "langfuse.observation.metadata.langfuse_tags" => self.trace.tags.offer(2, tags(value)),
            "langfuse.trace.metadata.langfuse_tags" => self.trace.tags.offer(3, tags(value)),
            "tag.tags" => self.trace.tags.offer(4, tags(value)),
            "langfuse.trace.input" => self.trace.input = Some(payload(value)),
            "langfuse.trace.output" => self.trace.output = Some(payload(value)),
            "langfuse.environment" => self.trace.environment.offer(0, text(value)),
            "deployment.environment.name" => self.trace.environment.offer(1, text(value)),
            "deployment.environment" => self.trace.environment.offer(2, text(value)),
            "langfuse.release" => self.trace.release = Some(text(value)),

            // Metadata: whole objects, then single keys.
            "langfuse.trace.metadata" => self.trace.metadata_object = Some(payload(value)),
            "langfuse.observation.metadata" => self.metadata_object = Some(payload(value)),
            "langfuse.metadata" => {
                if self.metadata_object.is_none() {
                    self.metadata_object = Some(payload(value));
                }
            }
            _ if key.starts_with("langfuse.trace.metadata.") => self
                .trace
                .metadata
                .push((strip(&attribute.key, "langfuse.trace.metadata."), value)),
            _ if key.starts_with("langfuse.observation.metadata.")
                || key.starts_with("langfuse.metadata.") =>
            {
                let prefix = if key.starts_with("langfuse.metadata.") {
                    "langfuse.metadata."
                } else {
                    "langfuse.observation.metadata."
                };
                self.metadata.push((strip(&attribute.key, prefix), value))
            }

            // Ours.
            ours::TRACE_SPAN => self.ours.trace_span = matches!(value, AnyValue::Bool(true)),
            ours::WITHOUT_TRACE => self.ours.without_trace = matches!(value, AnyValue::Bool(true)),
            ours::TRACE_ID => self.ours.trace_id = Some(borrowed(value)?),
            ours::OBSERVATION_ID => self.ours.observation_id = Some(borrowed(value)?),
            ours::TYPE_LABEL => self.type_label = Some(text(value)),
            ours::METADATA => self.metadata_object = Some(Json::parse(&str_of(value)).ok()?),
            ours::TRACE_METADATA => {
                self.trace.metadata_object = Some(Json::parse(&str_of(value)).ok()?)
            }
            ours::TEMPLATE => self.template = Some(text(value)),
            ours::VARIABLES => self.variables = Some(json_object(value)?),
            ours::STATUS => self.ours.running = str_of(value) == "running",
            _ => return None,
        }
        Some(())
    }

    /// Token counts: `langfuse.observation.usage_details` as given, else
    /// the GenAI / OpenInference counts with Langfuse's names (input without
    /// cached tokens, output without reasoning and audio tokens).
    pub fn usage(&self) -> Option<Usage> {
        let mut usage = Usage::default();
        if let Some(details) = &self.usage_details {
            // Also OpenAI's shapes (`prompt_tokens`…, `input_tokens`…), with
            // their `*_details` objects as `input_<k>` / `output_<k>`.
            let whole = |value: &Value| {
                value
                    .as_u64()
                    .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
            };
            for (key, value) in details {
                let nested = match key.as_str() {
                    "prompt_tokens_details" | "input_tokens_details" => Some("input"),
                    "completion_tokens_details" | "output_tokens_details" => Some("output"),
                    _ => None,
                };
                if let (Some(side), Some(object)) = (nested, value.as_object()) {
                    for (k, v) in object {
                        if let Some(n) = whole(v) {
                            usage.details.insert(format!("{side}_{k}"), n);
                        }
                    }
                    continue;
                }
                let Some(n) = whole(value) else { continue };
                // `input`, `output`, `total` as named; OpenAI's names stand
                // in for them only when those are missing.
                let alias = match key.as_str() {
                    "prompt_tokens" | "input_tokens" if !details.contains_key("input") => {
                        Some("input")
                    }
                    "completion_tokens" | "output_tokens" if !details.contains_key("output") => {
                        Some("output")
                    }
                    "total_tokens" if !details.contains_key("total") => Some("total"),
                    _ => None,
                };
                match alias.unwrap_or(key.as_str()) {
                    "input" => usage.input = Some(n),
                    "output" => usage.output = Some(n),
                    "total" => usage.total = Some(n),
                    _ => {
                        usage.details.insert(key.clone(), n);
                    }
                }
            }
            return Some(usage);
        }
        if self.usage_counts.is_empty() {
            return None;
        }
        let find = |names: &[&str]| {
            names.iter().find_map(|name| {
                self.usage_counts
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, n)| *n)
            })
        };
        let cached = find(&[
            "cache_read.input_tokens",
            "cache_read_input_tokens",
            "cache_read_tokens",
            "details.cache_read_tokens",
            "details.cache_read_input_tokens",
            "prompt_details.cache_read",
            "input_cached_tokens",
        ]);
        let creation = find(&[
            "cache_creation.input_tokens",
            "cache_creation_input_tokens",
            "cache_write_tokens",
            "details.cache_write_tokens",
            "details.cache_creation_input_tokens",
            "prompt_details.cache_write",
            "input_cache_creation",
        ]);
        let reasoning = find(&["reasoning.output_tokens", "completion_details.reasoning"]);
        let audio = find(&["completion_details.audio"]);
        usage.input = find(&["prompt_tokens", "input_tokens", "prompt"])
            .map(|n| n.saturating_sub(cached.unwrap_or(0) + creation.unwrap_or(0)));
        usage.output = find(&["completion_tokens", "output_tokens", "completion"])
            .map(|n| n.saturating_sub(reasoning.unwrap_or(0) + audio.unwrap_or(0)));
        usage.total = find(&["total_tokens", "total"]);
        for (name, n) in [
            ("input_cached_tokens", cached),
            ("input_cache_creation", creation),
            ("output_reasoning_tokens", reasoning),
            ("output_audio_tokens", audio),
        ] {
            if let Some(n) = n {
                usage.details.insert(name.to_string(), n);
            }
        }
        const CLAIMED: &[&str] = &[
            "prompt_tokens",
            "input_tokens",
            "prompt",
            "completion_tokens",
            "output_tokens",
            "completion",
            "total_tokens",
            "total",
            "cache_read.input_tokens",
            "cache_read_input_tokens",
            "cache_read_tokens",
            "details.cache_read_tokens",
            "details.cache_read_input_tokens",
            "prompt_details.cache_read",
            "input_cached_tokens",
            "cache_creation.input_tokens",
            "cache_creation_input_tokens",
            "cache_write_tokens",
            "details.cache_write_tokens",
            "details.cache_creation_input_tokens",
            "prompt_details.cache_write",
            "input_cache_creation",
            "reasoning.output_tokens",
            "completion_details.reasoning",
            "completion_details.audio",
        ];
        for (name, n) in &self.usage_counts {
            if !CLAIMED.contains(name) {
                usage.details.insert(
                    name.strip_prefix("details.").unwrap_or(name).to_string(),
                    *n,
                );
            }
        }
        Some(usage)
    }

    /// Model parameters: the first whole object, else the request keys.
    pub fn model_parameters(&mut self) -> Option<Map<String, Value>> {
        let whole = std::mem::take(&mut self.model_parameters).take();
        let request = std::mem::take(&mut self.request_parameters);
        match whole {
            Some(params) => Some(params),
            None if !request.is_empty() => Some(request),
            None => None,
        }
    }
}

/// The model's keys, in Langfuse's priority order.
const MODEL_KEYS: [&str; 7] = [
    "langfuse.observation.model.name",
    "gen_ai.response.model",
    "ai.model.id",
    "gen_ai.request.model",
    "llm.response.model",
    "llm.model_name",
    "model",
];

/// The provider's keys (ours: Langfuse has no provider field).
const PROVIDER_KEYS: [&str; 4] = [
    "gen_ai.provider.name",
    "gen_ai.system",
    "llm.provider",
    "llm.system",
];

/// Rebuilds `prefix.0.role`, `prefix.0.content`… into `[{role, content}]`.
/// Keys nested deeper than this stay plain attributes: the tree must stay
/// within JSON's nesting limit (and a 20,000-segment key must not recurse).
const MAX_SEGMENTS: usize = 32;

fn unflatten(pairs: &[(&str, &AnyValue)], prefix: &str) -> Option<Value> {
    let mut root = Value::Null;
    for (key, value) in pairs {
        let Some(path) = key.strip_prefix(prefix) else {
            continue;
        };
        if path.split('.').nth(MAX_SEGMENTS).is_some() {
            continue; // `apply` keeps such keys as plain attributes
        }
        let mut node = &mut root;
        for segment in path.split('.') {
            node = match segment.parse::<usize>() {
                Ok(index) if index <= 10_000 => {
                    if !node.is_array() {
                        *node = Value::Array(Vec::new());
                    }
                    let items = node.as_array_mut().expect("made an array above");
                    if items.len() <= index {
                        items.resize(index + 1, Value::Null);
                    }
                    &mut items[index]
                }
                _ => {
                    if !node.is_object() {
                        *node = Value::Object(Map::new());
                    }
                    node.as_object_mut()
                        .expect("made an object above")
                        .entry(segment)
                        .or_insert(Value::Null)
                }
            };
        }
        *node = serde_json::to_value(value).unwrap_or(Value::Null);
    }
    (!root.is_null()).then_some(root)
}

fn is_lower(value: &AnyValue) -> bool {
    matches!(value, AnyValue::String(s) if !s.bytes().any(|b| b.is_ascii_uppercase()))
}

/// OpenInference's span kinds (`openinference.span.kind`).
fn openinference_kind(kind: &str) -> Option<ObservationType> {
    Some(match kind.to_ascii_uppercase().as_str() {
        "LLM" => ObservationType::Generation,
        "EMBEDDING" => ObservationType::Embedding,
        "CHAIN" => ObservationType::Chain,
        "RETRIEVER" => ObservationType::Retriever,
        "TOOL" => ObservationType::Tool,
        "AGENT" => ObservationType::Agent,
        "GUARDRAIL" => ObservationType::Guardrail,
        "EVALUATOR" => ObservationType::Evaluator,
        _ => return None,
    })
}

/// The GenAI semantic conventions' `gen_ai.operation.name`.
fn gen_ai_operation(name: &str) -> Option<ObservationType> {
    Some(match name {
        "chat" | "completion" | "text_completion" | "generate_content" | "generate" => {
            ObservationType::Generation
        }
        "embeddings" => ObservationType::Embedding,
        "invoke_agent" | "create_agent" => ObservationType::Agent,
        "execute_tool" => ObservationType::Tool,
        _ => return None,
    })
}

fn level(text: &str) -> Option<Level> {
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "DEBUG" | "TRACE" | "VERBOSE" => Level::Debug,
        "DEFAULT" | "INFO" | "LOG" | "NOTICE" | "OK" | "SUCCESS" => Level::Default,
        "WARNING" | "WARN" => Level::Warning,
        "ERROR" | "FATAL" | "CRITICAL" => Level::Error,
        _ => return None,
    })
}

fn strip<'a>(key: &Cow<'a, str>, prefix: &str) -> Cow<'a, str> {
    match key {
        Cow::Borrowed(k) => Cow::Borrowed(&k[prefix.len()..]),
        Cow::Owned(k) => Cow::Owned(k[prefix.len()..].to_string()),
    }
}

/// A value as text without copying a string.
fn str_of<'v>(value: &'v AnyValue) -> Cow<'v, str> {
    match value {
        AnyValue::String(s) => Cow::Borrowed(s.as_ref()),
        other => Cow::Owned(text(other)),
    }
}

/// A value as text: strings as they are, anything else as its JSON.
pub(crate) fn text(value: &AnyValue) -> String {
    match value {
        AnyValue::String(s) | AnyValue::Bytes(s) => s.to_string(),
        AnyValue::Empty => String::new(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// A string value without copying it.
fn borrowed<'a>(value: &AnyValue<'a>) -> Option<Cow<'a, str>> {
    match value {
        AnyValue::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// A token count: integers, whole doubles, or their text.
fn count(value: &AnyValue) -> Option<u64> {
    match value {
        AnyValue::Int(n) => u64::try_from(*n).ok(),
        AnyValue::Double(f) if *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19 => Some(*f as u64),
        AnyValue::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn number(value: &AnyValue) -> Option<f64> {
    match value {
        AnyValue::Int(n) => Some(*n as f64),
        AnyValue::Double(f) if f.is_finite() => Some(*f),
        AnyValue::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// A payload: a string holding a JSON object or array is that JSON (SDKs
/// serialise structured input into string attributes); other strings stay
/// text; other values become their JSON.
pub(crate) fn payload(value: &AnyValue) -> Json {
    match value {
        AnyValue::String(s) => {
            let trimmed = s.trim_start();
            if trimmed.starts_with('{') || trimmed.starts_with('[') {
                if let Ok(json) = Json::parse(s) {
                    return json;
                }
            }
            Json::new(&s.as_ref())
        }
        other => Json::new(other),
    }
}

/// A JSON object given as a string attribute or a key-value list.
fn json_object(value: &AnyValue) -> Option<Map<String, Value>> {
    match value {
        AnyValue::String(s) => match serde_json::from_str(s) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        },
        AnyValue::KvList(_) => match serde_json::to_value(value) {
            Ok(Value::Object(map)) => Some(map),
            _ => None,
        },
        _ => None,
    }
}

/// Tags: an array, a JSON array in a string, a comma-separated string, or
/// one tag.
fn tags(value: &AnyValue) -> Vec<String> {
    match value {
        AnyValue::Array(items) => items.iter().map(text).filter(|t| !t.is_empty()).collect(),
        AnyValue::String(s) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Vec<Value>>(s) {
                Ok(list) => list
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                    .collect(),
                Err(_) => vec![s.to_string()],
            }
        }
        AnyValue::String(s) if s.contains(',') => s
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        AnyValue::String(s) if !s.is_empty() => vec![s.to_string()],
        _ => Vec::new(),
    }
}

/// An attribute value as JSON: strings, numbers, booleans, arrays, and
/// key-value lists as objects.
impl Serialize for AnyValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AnyValue::Empty => serializer.serialize_unit(),
            AnyValue::String(s) | AnyValue::Bytes(s) => serializer.serialize_str(s),
            AnyValue::Bool(b) => serializer.serialize_bool(*b),
            AnyValue::Int(n) => serializer.serialize_i64(*n),
            AnyValue::Double(f) if f.is_finite() => serializer.serialize_f64(*f),
            AnyValue::Double(f) => serializer.serialize_str(&f.to_string()),
            AnyValue::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            AnyValue::KvList(pairs) => {
                let mut map = serializer.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

/// Attributes as one JSON object, keys in file order.
pub(crate) struct AttributeMap<'s, 'a>(pub &'s [&'a KeyValue<'a>]);

impl Serialize for AttributeMap<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for kv in self.0 {
            map.serialize_entry(kv.key.as_ref(), &kv.value)?;
        }
        map.end()
    }
}
