//! Every conversion between what the JS side sends and core's types, and
//! the mapping of core errors to JS errors. Exported methods only check
//! input, call core and convert (the Loro layout).
//!
//! The JS side queues recording calls and sends them in batches, in the
//! format `wire.rs` reads: one crossing per batch, and no JSON but the
//! payloads.
//! Times are milliseconds since the epoch (`performance.timeOrigin +
//! performance.now()`), so JS never formats dates.

use prompttrace::model::{Cost, Level, Observation, ObservationType, Trace, Usage};
use prompttrace::record::openai::Finish;
use prompttrace::record::{object, End, LlmResponse, TraceUpdate, TrackCall, Update};
use prompttrace::{Json, Timestamp};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use wasm_bindgen::JsError;

mod openai;
mod rest;
pub mod wire;

use rest::{unboxed, Fields, FromRest, Rest};

/// The fields of one call sent on its own (`track`'s start and end), as
/// raw JSON by name, and its id and time; `None` (and a problem) when it
/// is not an object with both. Its other fields are read one by one
/// (`rest::Rest`), as a batch's rest is: no derived deserializer a call.
fn call_fields(text: &str, problems: &mut Problems) -> Option<(String, f64, Fields)> {
    let fields: Fields = serde_json::from_str(text)
        .map_err(|error| problems.push(format!("tracing data could not be read: {error}")))
        .ok()?;
    let read = |name: &str| fields.get(name).map(|raw| raw.get());
    let id = read("id").and_then(|id| serde_json::from_str::<String>(id).ok());
    let at = read("at").and_then(|at| serde_json::from_str::<f64>(at).ok());
    let (Some(id), Some(at)) = (id, at) else {
        problems
            .push("tracing data could not be read: a tracked call needs its id and time".into());
        return None;
    };
    Some((id, at, fields))
}

/// A trace's start (`TraceStart` in js/npm/queue.mts).
pub struct TraceStart {
    id: String,
    at: f64,
    name: String,
    session_id: Option<String>,
    user_id: Option<String>,
    input: Option<Json>,
    metadata: Option<Json>,
    rest: Option<Box<TraceRest>>,
}

/// The fields of a trace's start that few calls carry.
#[derive(Default)]
pub struct TraceRest {
    tags: Option<Vec<String>>,
    environment: Option<String>,
    release: Option<String>,
}

impl FromRest for TraceRest {
    fn from_rest(rest: &mut Rest) -> Self {
        TraceRest {
            tags: rest.field("tags"),
            environment: rest.field("environment"),
            release: rest.field("release"),
        }
    }
}

/// An observation's start (`ObservationStart`). Its kind is borrowed from
/// the batch: it is kept only when it is not one of ours (`type_label`).
pub struct ObservationStart<'a> {
    id: String,
    trace_id: Option<String>,
    parent_id: Option<String>,
    at: f64,
    name: String,
    kind: Option<Cow<'a, str>>,
    input: Option<Json>,
    metadata: Option<Json>,
    level: Option<String>,
    provider: Option<String>,
    model: Option<String>,
    rest: Option<Box<ObservationRest>>,
}

/// The fields of an observation's start that few calls carry.
#[derive(Default)]
pub struct ObservationRest {
    model_parameters: Option<Value>,
    prompt_name: Option<String>,
    prompt_version: Option<Value>,
    template: Option<String>,
    variables: Option<Value>,
    /// A call of the OpenAI client (`convert/openai.rs`).
    openai: Option<Box<RawValue>>,
}

impl FromRest for ObservationRest {
    fn from_rest(rest: &mut Rest) -> Self {
        ObservationRest {
            model_parameters: rest.field("model_parameters"),
            prompt_name: rest.field("prompt_name"),
            prompt_version: rest.field("prompt_version"),
            template: rest.field("template"),
            variables: rest.field("variables"),
            openai: rest.raw("openai"),
        }
    }
}

/// An end or an update of a trace or an observation (`ChangeCall`). Its
/// id is borrowed from the batch: the store looks it up, and keeps none.
pub struct ChangeCall<'a> {
    id: Cow<'a, str>,
    /// About a trace (else an observation).
    trace: bool,
    /// Sets fields without ending (else it ends the item).
    update: bool,
    at: f64,
    /// Set when the item failed: the error's text.
    error: Option<String>,
    output: Option<Json>,
    rest: Option<Box<ChangeRest>>,
}

/// The fields of a change that few calls carry.
#[derive(Default)]
pub struct ChangeRest {
    usage: Option<Value>,
    cost: Option<Value>,
    completion_start_time: Option<f64>,
    // Updates only.
    metadata: Option<Json>,
    level: Option<String>,
    status_message: Option<String>,
    model: Option<String>,
    model_parameters: Option<Value>,
    name: Option<String>,
    session_id: Option<String>,
    user_id: Option<String>,
    tags: Option<Vec<String>>,
    input: Option<Json>,
    /// How a call of the OpenAI client ended (`convert/openai.rs`).
    openai: Option<Box<RawValue>>,
}

impl FromRest for ChangeRest {
    fn from_rest(rest: &mut Rest) -> Self {
        ChangeRest {
            usage: rest.field("usage"),
            cost: rest.field("cost"),
            completion_start_time: rest.field("completion_start_time"),
            metadata: rest.field("metadata"),
            level: rest.field("level"),
            status_message: rest.field("status_message"),
            model: rest.field("model"),
            model_parameters: rest.field("model_parameters"),
            name: rest.field("name"),
            session_id: rest.field("session_id"),
            user_id: rest.field("user_id"),
            tags: rest.field("tags"),
            input: rest.field("input"),
            openai: rest.raw("openai"),
        }
    }
}

/// Problems found while converting; reported through `onError`, never thrown.
pub type Problems = Vec<String>;

/// Who a problem is about; formatted only when there is a problem.
struct Who<'a> {
    kind: &'static str,
    id: &'a str,
}

impl std::fmt::Display for Who<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} \"{}\"", self.kind, self.id)
    }
}

fn time(ms: f64, who: &Who, problems: &mut Problems) -> Timestamp {
    Timestamp::from_unix_millis_f64(ms).unwrap_or_else(|| {
        problems.push(format!(
            "{who}: the time {ms} is not a number of milliseconds; 0 is used"
        ));
        Timestamp::from_unix_nanos(0)
    })
}

pub fn trace(start: TraceStart, problems: &mut Problems) -> Trace {
    let at = time(
        start.at,
        &Who {
            kind: "trace",
            id: &start.id,
        },
        problems,
    );
    let mut trace = Trace::new(start.id, start.name, at);
    trace.session_id = start.session_id;
    trace.user_id = start.user_id;
    trace.input = start.input;
    trace.metadata = start.metadata;
    let rest = unboxed(start.rest);
    trace.tags = rest.tags.unwrap_or_default();
    trace.environment = rest.environment;
    trace.release = rest.release;
    trace
}

pub fn observation(start: ObservationStart, problems: &mut Problems) -> Observation {
    let who = Who {
        kind: "observation",
        id: &start.id,
    };
    let at = time(start.at, &who, problems);
    let level = start
        .level
        .as_deref()
        .and_then(|l| level(l, &who, problems, "default is used"))
        .unwrap_or_default();
    let rest = unboxed(start.rest);
    let prompt_version = prompt_version(rest.prompt_version.as_ref(), &who, problems);
    let (kind, exact) = start
        .kind
        .as_deref()
        .map_or((ObservationType::Span, true), ObservationType::nearest);
    let mut observation = Observation::new(start.id, kind, start.name, at);
    observation.type_label = start.kind.filter(|_| !exact).map(Cow::into_owned);
    observation.trace_id = start.trace_id;
    observation.parent_id = start.parent_id;
    observation.input = start.input;
    observation.metadata = start.metadata;
    observation.level = level;
    observation.provider = start.provider;
    observation.model = start.model;
    observation.model_parameters = rest.model_parameters.map(object);
    observation.prompt_name = rest.prompt_name;
    observation.prompt_version = prompt_version;
    observation.template = rest.template;
    observation.variables = rest.variables.map(object);
    if let Some(call) = rest.openai {
        let who = Who {
            kind: "observation",
            id: &observation.id.clone(),
        };
        openai::start(&call, &mut observation, &who, problems);
    }
    observation
}

/// What a change call asks, of the item with the id it holds.
pub enum Change<'a> {
    EndTrace(Cow<'a, str>, Timestamp, End),
    EndObservation(Cow<'a, str>, Timestamp, End),
    UpdateTrace(Cow<'a, str>, TraceUpdate),
    UpdateObservation(Cow<'a, str>, Update),
    /// A call of the OpenAI client ended (the core's `record::openai::finish`).
    FinishOpenAi(Cow<'a, str>, Finish),
}

pub fn change<'a>(call: ChangeCall<'a>, problems: &mut Problems) -> Change<'a> {
    let who = Who {
        kind: if call.trace { "trace" } else { "observation" },
        id: &call.id,
    };
    let rest = unboxed(call.rest);
    if let (Some(ended), false, false) = (&rest.openai, call.trace, call.update) {
        let at = time(call.at, &who, problems);
        let finish = openai::end(ended, at, call.error, &who, problems);
        return Change::FinishOpenAi(call.id, finish);
    }
    let usage = rest
        .usage
        .and_then(|usage| loose(&who, problems, |p| Usage::from_loose(&usage, p)));
    let cost = rest
        .cost
        .and_then(|cost| loose(&who, problems, |p| Cost::from_loose(&cost, p)));
    let completion_start_time = rest
        .completion_start_time
        .map(|ms| time(ms, &who, problems));
    if call.update && call.trace {
        let update = TraceUpdate {
            name: rest.name,
            session_id: rest.session_id,
            user_id: rest.user_id,
            tags: rest.tags,
            input: rest.input,
            output: call.output,
            metadata: rest.metadata,
        };
        return Change::UpdateTrace(call.id, update);
    }
    if call.update {
        let update = Update {
            output: call.output,
            metadata: rest.metadata,
            level: rest
                .level
                .as_deref()
                .and_then(|l| level(l, &who, problems, "it is left as it was")),
            status_message: rest.status_message,
            model: rest.model,
            model_parameters: rest.model_parameters.map(object),
            usage,
            cost,
            completion_start_time,
        };
        return Change::UpdateObservation(call.id, update);
    }
    let mut end = match call.error {
        Some(message) => End::failed(message),
        None => End::completed(),
    };
    let at = time(call.at, &who, problems);
    end.output = call.output;
    end.usage = usage;
    end.cost = cost;
    end.completion_start_time = completion_start_time;
    if call.trace {
        Change::EndTrace(call.id, at, end)
    } else {
        Change::EndObservation(call.id, at, end)
    }
}

/// The start of a tracked LLM call (`tracer.track`, the JSON of its
/// `TrackStart`): the prompt, rendered, and its generation (running, the
/// prompt as input, placed by `trace_id` and `parent_id`); `None` when it
/// cannot be read.
pub fn track_start(text: &str, problems: &mut Problems) -> Option<(String, Observation)> {
    let (id, at, fields) = call_fields(text, problems)?;
    let who = Who {
        kind: "observation",
        id: &id,
    };
    let at = time(at, &who, problems);
    let mut rest = Rest::new(fields, &who, problems);
    let (trace_id, parent_id): (Option<String>, Option<String>) =
        (rest.field("trace_id"), rest.field("parent_id"));
    let version: Option<Value> = rest.field("prompt_version");
    let mut call = TrackCall {
        name: rest.field("name"),
        prompt_name: rest.field("prompt_name"),
        prompt_version: None,
        template: rest.field("template"),
        variables: rest.field("variables").map(object),
        provider: rest.field("provider"),
        model: rest.field("model"),
        model_parameters: rest.field("model_parameters").map(object),
    };
    call.prompt_version = prompt_version(version.as_ref(), &who, problems);
    let prompt = call.prompt();
    let mut generation = call.generation(id, at, &prompt);
    generation.trace_id = trace_id;
    generation.parent_id = parent_id;
    Some((prompt, generation))
}

/// A tracked call's end (the JSON of `track`'s `TrackEnd`): the
/// generation's id and end, and the response's text; `None` when it
/// cannot be read. What the function returned is read loosely; its errors
/// end the generation as any failure does, through `ends`.
pub fn track_end(text: &str, problems: &mut Problems) -> Option<(String, Timestamp, End, String)> {
    let (id, at, fields) = call_fields(text, problems)?;
    let who = Who {
        kind: "observation",
        id: &id,
    };
    let at = time(at, &who, problems);
    let response: Value = Rest::new(fields, &who, problems)
        .field("response")
        .unwrap_or_default();
    let response = loose(&who, problems, |p| {
        Some(LlmResponse::from_loose(&response, p))
    })
    .unwrap_or_default();
    Some((id, at, response.end(), response.text))
}

/// A level's name; `None` (and a problem) when it is not one.
fn level(name: &str, who: &Who, problems: &mut Problems, otherwise: &str) -> Option<Level> {
    let level = Level::from_name(name);
    if level.is_none() {
        problems.push(format!(
            "{who}: level \"{name}\" is not debug, default, warning or error; {otherwise}"
        ));
    }
    level
}

/// Reads with core's loose readers, prefixing their problems with whose.
fn loose<T>(
    who: &Who,
    problems: &mut Problems,
    read: impl FnOnce(&mut Problems) -> Option<T>,
) -> Option<T> {
    let mut found = Vec::new();
    let value = read(&mut found);
    problems.extend(found.into_iter().map(|p| format!("{who}: {p}")));
    value
}

fn prompt_version(value: Option<&Value>, who: &Who, problems: &mut Problems) -> Option<u32> {
    value.and_then(|v| {
        let version = v.as_u64().and_then(|v| u32::try_from(v).ok());
        if version.is_none() {
            problems.push(format!(
                "{who}: promptVersion {} is not a whole number; it is left out",
                prompttrace::json::text_of(v)
            ));
        }
        version
    })
}

/// A core error as a JS `Error` with the same message.
pub fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}
