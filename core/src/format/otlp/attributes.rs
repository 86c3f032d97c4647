//! Rule: which OTLP span attribute becomes which observation or trace
//! field. The keys and their priority order are data, in `conventions/`;
//! this file is the one place that applies them, in one pass per span.
//!
//! Each field keeps the value of its best-ranked key (a lower rank),
//! whatever order the attributes come in. Attributes that map to nothing,
//! and those the conventions keep visible, stay as the observation's
//! metadata.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::conventions::{
    self, CostFrom, KindFrom, MetadataFrom, Own, PrefixRule, Rule, Side, VercelOperation,
    AGENT_OPERATIONS, CHOICE_EVENT, CONTENT_EVENTS, ENVIRONMENT, EVENTS_SOURCE,
    GEN_AI_MESSAGES_SOURCE, IO, TRACELOOP_KINDS, VERCEL_OPERATIONS,
};
use super::values::{
    borrowed, count, encoded_payload, gen_ai_operation, is_lower, json_object, level, number,
    openinference_kind, payload, str_of, strip, tags, text, unflatten, MAX_SEGMENTS,
};
use super::wire::{AnyValue, Event, KeyValue};
use crate::json::Json;
use crate::model::{Cost, Level, ObservationType, Usage};
use crate::time::Timestamp;

/// A field's value and the rank of the key it came from (0 = first choice).
pub(crate) struct Ranked<T>(Option<(u8, T)>);

impl<T> Default for Ranked<T> {
    fn default() -> Self {
        Ranked(None)
    }
}

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

    pub fn into_value(self) -> Option<T> {
        self.0.map(|(_, value)| value)
    }
}

/// Input and output of one source of [`IO`], each ranked within it.
type Io = (Ranked<Json>, Ranked<Json>);

/// Flattened messages rank after every whole key of their source.
const FLATTENED_RANK: u8 = u8::MAX;

/// Everything one span's attributes say.
#[derive(Default)]
pub(crate) struct Fields<'a> {
    pub kind: Ranked<ObservationType>,
    pub name: Ranked<String>,
    pub type_label: Option<String>,
    pub model: Ranked<Cow<'a, str>>,
    /// A model that alone makes the span an LLM call was given.
    generation_model: bool,
    pub provider: Ranked<Cow<'a, str>>,
    /// The AI SDK's operation (and the rank of the key that said it).
    vercel: Option<(u8, VercelOperation, Cow<'a, str>)>,
    function_id: Option<String>,
    /// The AI SDK's reply text and tool calls, for one assistant message.
    vercel_reply: [Option<Json>; 2],
    system_instructions: Option<Json>,
    /// Time to first token, in ms after the span's start.
    pub ms_to_first_chunk: Ranked<f64>,
    /// An embedding's only count is its input (the AI SDK's `ai.usage.tokens`).
    total_is_input: bool,
    /// An agent's step (`gen_ai.operation.name`): no model, usage or cost.
    agent_operation: bool,
    model_parameters: Ranked<Map<String, Value>>,
    request_parameters: Map<String, Value>,
    usage_details: Option<Map<String, Value>>,
    usage_counts: Vec<(&'a str, u64)>,
    cost: Ranked<Cost>,
    io: [Io; IO.len()],
    flattened: Vec<(&'a str, &'a AnyValue<'a>)>,
    pub level: Option<Level>,
    pub status_message: Option<String>,
    pub completion_start: Option<Timestamp>,
    pub prompt_name: Ranked<String>,
    pub prompt_version: Ranked<u32>,
    pub template: Option<String>,
    pub variables: Option<Map<String, Value>>,
    /// The observation's metadata as a whole.
    pub metadata_object: Ranked<Json>,
    pub metadata: Vec<(Cow<'a, str>, &'a AnyValue<'a>)>,
    /// Attributes kept as they are, as metadata under "attributes".
    pub attributes: Vec<&'a KeyValue<'a>>,
    pub trace: TraceFields<'a>,
    pub ours: OurFields<'a>,
}

/// What a resource's attributes say about each of its spans' traces, read
/// once for all of them (a file's spans mostly share one resource).
#[derive(Default)]
pub(crate) struct ResourceFields {
    /// The best-ranked environment, ranked after every span attribute's.
    environment: Option<(u8, String)>,
    release: Option<String>,
}

impl ResourceFields {
    pub fn read(resource: &[KeyValue]) -> ResourceFields {
        let mut environment = Ranked::default();
        let mut release = None;
        for attribute in resource {
            let rules = conventions::uses(&attribute.key).map_or(&[][..], |u| &u.rules[..]);
            for rule in rules.iter().flatten() {
                match rule {
                    Rule::Environment(rank) => {
                        environment.offer(rank + ENVIRONMENT.len() as u8, text(&attribute.value))
                    }
                    Rule::Release if release.is_none() => release = Some(text(&attribute.value)),
                    _ => {}
                }
            }
        }
        ResourceFields {
            environment: environment.0,
            release,
        }
    }
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
    pub metadata_object: Ranked<Json>,
    pub metadata: Vec<(Cow<'a, str>, &'a AnyValue<'a>)>,
    pub environment: Ranked<String>,
    pub release: Option<String>,
}

/// Our own keys (see `conventions::ours`).
#[derive(Default)]
pub(crate) struct OurFields<'a> {
    pub trace_span: bool,
    pub without_trace: bool,
    pub trace_id: Option<Cow<'a, str>>,
    pub observation_id: Option<Cow<'a, str>>,
    pub running: bool,
}

impl<'a> Fields<'a> {
    /// Reads a span's attributes, then what its resource says (which only
    /// fills what the span left open: environment, release).
    pub fn read(span: &'a [KeyValue<'a>], resource: &ResourceFields) -> Fields<'a> {
        let mut fields = Fields::default();
        // Most of a span's attributes are left unclaimed: one allocation,
        // not one each time the list doubles.
        fields.attributes.reserve(span.len());
        for attribute in span {
            if !fields.apply(attribute) {
                fields.attributes.push(attribute);
            }
        }
        if let Some((rank, environment)) = &resource.environment {
            fields.trace.environment.offer(*rank, environment.clone());
        }
        if fields.trace.release.is_none() {
            fields.trace.release.clone_from(&resource.release);
        }
        if fields.agent_operation {
            fields.model = Ranked::default();
            fields.usage_details = None;
            fields.usage_counts.clear();
            fields.cost = Ranked::default();
        }
        fields.settle_vercel();
        fields
    }

    /// The AI SDK's operation, now that every attribute is read: its type
    /// (an LLM call or embedding only with a model, as Langfuse), its name
    /// `<function id>:<operation id>`, and a wrapper's token counts left
    /// out (they repeat its LLM calls').
    fn settle_vercel(&mut self) {
        let Some((rank, operation, id)) = self.vercel.take() else {
            return;
        };
        let has_model = self.model.get().is_some();
        let kind = match operation {
            VercelOperation::LlmCall if has_model => Some(ObservationType::Generation),
            VercelOperation::Embedding if has_model => Some(ObservationType::Embedding),
            VercelOperation::ToolCall => Some(ObservationType::Tool),
            VercelOperation::Wrapper => Some(ObservationType::Span),
            _ => None,
        };
        if let Some(kind) = kind {
            self.kind.offer(rank, kind);
        }
        match operation {
            VercelOperation::Wrapper => self.usage_counts.clear(),
            VercelOperation::Embedding => self.total_is_input = true,
            _ => {}
        }
        if self.name.get().is_none() {
            let name = match &self.function_id {
                Some(function) => format!("{function}:{id}"),
                None => id.into_owned(),
            };
            self.name.offer(u8::MAX, name);
        }
    }

    /// The GenAI conventions' older content events as input and output.
    pub fn read_events(&mut self, events: &'a [Event<'a>]) {
        let mut input = Vec::new();
        let mut choices = Vec::new();
        for event in events {
            let attributes = || {
                event.attributes.iter().map(|kv| {
                    (
                        kv.key.to_string(),
                        payload(&kv.value).to_value().unwrap_or(Value::Null),
                    )
                })
            };
            if event.name == CHOICE_EVENT {
                choices.push(Value::Object(attributes().collect()));
            } else if let Some((_, role)) = CONTENT_EVENTS.iter().find(|(n, _)| *n == event.name) {
                let mut message = Map::from_iter([("role".to_string(), Value::from(*role))]);
                message.extend(attributes());
                input.push(Value::Object(message));
            }
        }
        let source = EVENTS_SOURCE as u8;
        if !input.is_empty() {
            self.offer_io(source, Side::Input, 0, Json::new(&input));
        }
        match choices.len() {
            0 => {}
            1 => self.offer_io(source, Side::Output, 0, Json::new(&choices[0])),
            _ => self.offer_io(source, Side::Output, 0, Json::new(&choices)),
        }
    }

    /// The observation type: the first rule that names one, else "has a
    /// model" means an LLM call, else a span.
    pub fn observation_type(&self) -> ObservationType {
        match self.kind.get() {
            Some(kind) => *kind,
            None if self.generation_model => ObservationType::Generation,
            None => ObservationType::Span,
        }
    }

    /// Input and output from the first source that holds either.
    pub fn input_output(&mut self) -> (Option<Json>, Option<Json>) {
        if !self.flattened.is_empty() {
            for (source, io) in IO.iter().enumerate() {
                let Some([input, output]) = io.flattened else {
                    continue;
                };
                for (side, prefix) in [(Side::Input, input), (Side::Output, output)] {
                    if let Some(value) = unflatten(&self.flattened, prefix, io.item_wrappers) {
                        self.offer_io(source as u8, side, FLATTENED_RANK, Json::new(&value));
                    }
                }
            }
        }
        if let [Some(text), Some(calls)] = &self.vercel_reply {
            let reply = serde_json::json!({
                "role": "assistant",
                "content": text.to_value().unwrap_or(Value::Null),
                "tool_calls": calls.to_value().unwrap_or(Value::Null),
            });
            self.io[1].1 = Ranked::default();
            self.offer_io(1, Side::Output, 0, Json::new(&reply));
        }
        if let Some(instructions) = self.system_instructions.take() {
            self.join_system_instructions(instructions);
        }
        self.io
            .iter_mut()
            .find(|(input, output)| input.get().is_some() || output.get().is_some())
            .map(|(input, output)| (input.take(), output.take()))
            .unwrap_or((None, None))
    }

    /// `gen_ai.system_instructions` as the first input message, the way the
    /// GenAI conventions write messages: `{role: "system", parts}`.
    fn join_system_instructions(&mut self, instructions: Json) {
        let system = serde_json::json!({"role": "system", "parts": instructions.to_value().unwrap_or(Value::Null)});
        let slot = &mut self.io[GEN_AI_MESSAGES_SOURCE].0;
        let messages = match slot.take().map(|m| m.to_value().unwrap_or(Value::Null)) {
            Some(Value::Array(mut messages)) => {
                messages.insert(0, system);
                messages
            }
            Some(other) => vec![system, other],
            None => vec![system],
        };
        slot.offer(0, Json::new(&messages));
    }

    /// Token counts: the usage details object as given (any shape
    /// `Usage::from_fields` reads), else the count attributes.
    pub fn usage(&self) -> Option<Usage> {
        let mut usage = match &self.usage_details {
            Some(details) => Usage::from_fields(details, &mut Vec::new()),
            None => super::usage::from_counts(&self.usage_counts)?,
        };
        if self.total_is_input && usage.input.is_none() {
            usage.input = usage.total;
        }
        Some(usage)
    }

    pub fn take_cost(&mut self) -> Option<Cost> {
        self.cost.take()
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

    fn offer_io(&mut self, source: u8, side: Side, rank: u8, value: Json) {
        let (input_slot, output_slot) = &mut self.io[usize::from(source)];
        match side {
            Side::Input => input_slot.offer(rank, value),
            Side::Output => output_slot.offer(rank, value),
        }
    }

    /// Applies one attribute; `true` when a rule claimed it (else it is
    /// kept under the metadata's "attributes").
    fn apply(&mut self, attribute: &'a KeyValue<'a>) -> bool {
        let key = attribute.key.as_ref();
        if let Some(uses) = conventions::uses(key) {
            let mut applied = false;
            for rule in uses.rules.iter().flatten() {
                applied |= self.apply_rule(*rule, &attribute.value).is_some();
            }
            return applied && !uses.kept_visible;
        }
        match conventions::prefix_rule(key) {
            Some((rule, prefix_len)) => {
                let applied = self.apply_prefix(rule, prefix_len, attribute).is_some();
                applied && !rule.kept_visible()
            }
            None => false,
        }
    }

    /// `None` when the value cannot be read for this rule.
    fn apply_rule(&mut self, rule: Rule, value: &'a AnyValue<'a>) -> Option<()> {
        match rule {
            Rule::Kind(rank, from) => {
                let kind = match from {
                    KindFrom::Langfuse => {
                        ObservationType::parse(&str_of(value)).filter(|_| is_lower(value))?
                    }
                    KindFrom::OpenInference => openinference_kind(&str_of(value))?,
                    KindFrom::GenAiOperation => {
                        let name = str_of(value);
                        self.agent_operation = AGENT_OPERATIONS.contains(&name.as_ref());
                        gen_ai_operation(&name)?
                    }
                    KindFrom::VercelOperation => {
                        self.offer_vercel(rank, borrowed(value)?, false)?;
                        return Some(());
                    }
                    KindFrom::VercelOperationName => {
                        self.offer_vercel(rank, borrowed(value)?, true)?;
                        return Some(());
                    }
                    KindFrom::Traceloop => {
                        let name = str_of(value);
                        TRACELOOP_KINDS
                            .iter()
                            .find(|(known, _)| *known == name)
                            .map(|(_, kind)| *kind)?
                    }
                    KindFrom::Tool => ObservationType::Tool,
                };
                self.kind.offer(rank, kind);
            }
            Rule::GenerationModel => self.generation_model = borrowed(value).is_some(),
            Rule::FunctionId => self.function_id = Some(text(value)),
            Rule::Name(rank) => self.name.offer(rank, text(value)),
            Rule::Model(rank) => self.model.offer(rank, borrowed(value)?),
            Rule::Provider(rank) => self.provider.offer(rank, borrowed(value)?),
            Rule::Parameters(rank) => self.model_parameters.offer(rank, json_object(value)?),
            Rule::UsageDetails => self.usage_details = Some(json_object(value)?),
            Rule::Cost(rank, CostFrom::Details) => {
                let details = json_object(value)?;
                self.cost
                    .offer(rank, Cost::from_fields(&details, &mut Vec::new()));
            }
            Rule::Cost(rank, part) => self.offer_cost_part(rank, part, number(value)),
            Rule::Io {
                source,
                side,
                rank,
                encoded,
            } => {
                let value = if encoded {
                    encoded_payload(value)
                } else {
                    payload(value)
                };
                self.offer_io(source, side, rank, value)
            }
            Rule::VercelReply(part) => self.vercel_reply[usize::from(part)] = Some(payload(value)),
            Rule::SystemInstructions => self.system_instructions = Some(payload(value)),
            Rule::FirstChunk(rank, unit_ms) => self
                .ms_to_first_chunk
                .offer(rank, number(value)? * f64::from(unit_ms)),
            Rule::Level => self.level = Some(level(&str_of(value))?),
            Rule::StatusMessage => self.status_message = Some(text(value)),
            Rule::CompletionStart => {
                let raw = text(value);
                self.completion_start = Some(Timestamp::parse_rfc3339(raw.trim_matches('"')).ok()?);
            }
            Rule::PromptName(rank) => self.prompt_name.offer(rank, text(value)),
            Rule::PromptVersion(rank) => self
                .prompt_version
                .offer(rank, u32::try_from(count(value)?).ok()?),
            Rule::Metadata(rank, from) => self.metadata_object.offer(rank, metadata(value, from)?),
            Rule::TraceName => self.trace.name = Some(text(value)),
            Rule::TraceInput => self.trace.input = Some(payload(value)),
            Rule::TraceOutput => self.trace.output = Some(payload(value)),
            Rule::TraceMetadata(rank, from) => self
                .trace
                .metadata_object
                .offer(rank, metadata(value, from)?),
            Rule::Session(rank) => self.trace.session.offer(rank, text(value)),
            Rule::User(rank) => self.trace.user.offer(rank, text(value)),
            Rule::Tags(rank) => self.trace.tags.offer(rank, tags(value)),
            Rule::Environment(rank) => self.trace.environment.offer(rank, text(value)),
            Rule::Release => self.trace.release = Some(text(value)),
            Rule::Own(own) => self.apply_own(own, value)?,
        }
        Some(())
    }

    /// An AI SDK operation id (or `operation.name`, whose first word it is;
    /// only `ai.` operations count).
    fn offer_vercel(&mut self, rank: u8, value: Cow<'a, str>, first_word: bool) -> Option<()> {
        let id = match (first_word, value) {
            (true, Cow::Borrowed(name)) => Cow::Borrowed(name.split(' ').next()?),
            (true, Cow::Owned(name)) => Cow::Owned(name.split(' ').next()?.to_string()),
            (false, id) => id,
        };
        if !id.starts_with("ai.") {
            return None;
        }
        let operation = VERCEL_OPERATIONS
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(VercelOperation::Wrapper, |(_, operation)| *operation);
        if self.vercel.as_ref().is_none_or(|(held, _, _)| rank < *held) {
            self.vercel = Some((rank, operation, id));
        }
        Some(())
    }

    /// One part of a cost: keys of one rank make one cost together.
    fn offer_cost_part(&mut self, rank: u8, part: CostFrom, usd: Option<f64>) {
        let held = self.cost.0.as_ref().map(|(held, _)| *held);
        if held.is_some_and(|held| held < rank) {
            return;
        }
        if held != Some(rank) {
            self.cost = Ranked(Some((rank, Cost::default())));
        }
        let Some((_, cost)) = self.cost.0.as_mut() else {
            return;
        };
        match part {
            CostFrom::Input => cost.input = usd,
            CostFrom::Output => cost.output = usd,
            CostFrom::Total | CostFrom::Details => cost.total = usd,
        }
    }

    fn apply_own(&mut self, own: Own, value: &'a AnyValue<'a>) -> Option<()> {
        match own {
            Own::TraceSpan => self.ours.trace_span = matches!(value, AnyValue::Bool(true)),
            Own::WithoutTrace => self.ours.without_trace = matches!(value, AnyValue::Bool(true)),
            Own::TraceId => self.ours.trace_id = Some(borrowed(value)?),
            Own::ObservationId => self.ours.observation_id = Some(borrowed(value)?),
            Own::TypeLabel => self.type_label = Some(text(value)),
            Own::Template => self.template = Some(text(value)),
            Own::Variables => self.variables = Some(json_object(value)?),
            Own::Status => self.ours.running = str_of(value) == "running",
        }
        Some(())
    }

    fn apply_prefix(
        &mut self,
        rule: PrefixRule,
        prefix_len: usize,
        attribute: &'a KeyValue<'a>,
    ) -> Option<()> {
        let key = attribute.key.as_ref();
        let name = &key[prefix_len..];
        let value = &attribute.value;
        match rule {
            PrefixRule::RequestParameter => {
                if name == "model" {
                    return None;
                }
                let json = serde_json::to_value(value).unwrap_or(Value::Null);
                self.request_parameters.insert(name.to_string(), json);
            }
            PrefixRule::UsageCount => self.usage_counts.push((name, count(value)?)),
            PrefixRule::Flattened { .. } => {
                if key.split('.').nth(MAX_SEGMENTS + 2).is_some() {
                    return None; // too deep to rebuild: kept as an attribute
                }
                self.flattened.push((key, value));
            }
            PrefixRule::MetadataKey => self
                .metadata
                .push((strip(&attribute.key, prefix_len), value)),
            PrefixRule::TraceMetadataKey => self
                .trace
                .metadata
                .push((strip(&attribute.key, prefix_len), value)),
        }
        Some(())
    }
}

/// A whole-metadata value as its key's convention writes it.
fn metadata(value: &AnyValue, from: MetadataFrom) -> Option<Json> {
    match from {
        MetadataFrom::Payload => Some(payload(value)),
        MetadataFrom::JsonText => Json::parse(&str_of(value)).ok(),
    }
}
