//! Every conversion between what the JS side sends and core's types, and
//! the mapping of core errors to JS errors. Exported methods only check
//! input, call core and convert (the Loro layout).
//!
//! The JS side queues recording calls and sends them in batches as one JSON
//! string: one crossing and one parse per batch instead of one per call.
//! Times are milliseconds since the epoch (`performance.timeOrigin +
//! performance.now()`), so JS never formats dates.

use prompttrace::model::{Cost, Level, Observation, ObservationType, Status, Trace, Usage};
use prompttrace::record::End;
use prompttrace::{Json, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use wasm_bindgen::JsError;

/// One batch of queued calls. Within a batch, trace starts come first, then
/// observation starts (parents before children, in call order), then ends
/// in call order; that is the order they were made in for any one item.
///
/// Each call is read on its own: one unreadable call (a lone surrogate in a
/// name, a payload nested too deep) is reported and skipped, not the batch.
#[derive(Deserialize)]
pub struct Batch {
    #[serde(default)]
    pub traces: Vec<Box<RawValue>>,
    #[serde(default)]
    pub observations: Vec<Box<RawValue>>,
    #[serde(default)]
    pub ends: Vec<Box<RawValue>>,
}

/// Reads one call of a batch; `None` (and a problem) when it cannot be read.
pub fn call<T: serde::de::DeserializeOwned>(raw: &RawValue, problems: &mut Problems) -> Option<T> {
    serde_json::from_str(raw.get())
        .map_err(|error| {
            problems.push(format!(
                "a tracing call could not be read ({error}); it was skipped"
            ))
        })
        .ok()
}

#[derive(Deserialize)]
pub struct TraceStart {
    id: String,
    at: f64,
    name: String,
    session_id: Option<String>,
    user_id: Option<String>,
    input: Option<Json>,
    metadata: Option<Json>,
    tags: Option<Vec<String>>,
    environment: Option<String>,
    release: Option<String>,
}

#[derive(Deserialize)]
pub struct ObservationStart {
    id: String,
    trace_id: Option<String>,
    parent_id: Option<String>,
    at: f64,
    name: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    input: Option<Json>,
    metadata: Option<Json>,
    level: Option<String>,
    provider: Option<String>,
    model: Option<String>,
    model_parameters: Option<Value>,
    prompt_name: Option<String>,
    prompt_version: Option<Value>,
    template: Option<String>,
    variables: Option<Value>,
}

#[derive(Deserialize)]
pub struct EndCall {
    id: String,
    /// Ends a trace (else an observation).
    #[serde(default)]
    trace: bool,
    at: f64,
    /// Set when the item failed: the error's text.
    error: Option<String>,
    output: Option<Json>,
    usage: Option<Value>,
    cost: Option<Value>,
    completion_start_time: Option<f64>,
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
    trace.tags = start.tags.unwrap_or_default();
    trace.environment = start.environment;
    trace.release = start.release;
    trace
}

pub fn observation(start: ObservationStart, problems: &mut Problems) -> Observation {
    let who = Who {
        kind: "observation",
        id: &start.id,
    };
    let at = time(start.at, &who, problems);
    let level = match &start.level {
        None => Level::Default,
        Some(level) => serde_json::from_value(Value::String(level.clone())).unwrap_or_else(|_| {
            problems.push(format!(
                "{who}: level \"{level}\" is not debug, default, warning or error; default is used"
            ));
            Level::Default
        }),
    };
    let prompt_version = start.prompt_version.as_ref().and_then(|v| {
        let version = v.as_u64().and_then(|v| u32::try_from(v).ok());
        if version.is_none() {
            problems.push(format!(
                "{who}: promptVersion {v} is not a whole number; it is left out"
            ));
        }
        version
    });
    let (kind, exact) = start
        .kind
        .as_deref()
        .map_or((ObservationType::Span, true), ObservationType::nearest);
    let mut observation = Observation::new(start.id, kind, start.name, at);
    observation.type_label = start.kind.filter(|_| !exact);
    observation.trace_id = start.trace_id;
    observation.parent_id = start.parent_id;
    observation.input = start.input;
    observation.metadata = start.metadata;
    observation.level = level;
    observation.provider = start.provider;
    observation.model = start.model;
    observation.model_parameters = start.model_parameters.map(object);
    observation.prompt_name = start.prompt_name;
    observation.prompt_version = prompt_version;
    observation.template = start.template;
    observation.variables = start.variables.map(object);
    // An event (including labels that map to one, "log") ends where it starts.
    if observation.kind == ObservationType::Event {
        observation.status = Status::Completed;
        observation.ended_at = Some(at);
    }
    observation
}

/// The id, whether it is a trace, and how it ends.
pub fn end(call: EndCall, problems: &mut Problems) -> (String, bool, End) {
    let who = Who {
        kind: if call.trace { "trace" } else { "observation" },
        id: &call.id,
    };
    let mut end = match call.error {
        Some(message) => End::failed(message),
        None => End::completed(),
    };
    end.at = Some(time(call.at, &who, problems));
    end.output = call.output;
    end.usage = call
        .usage
        .and_then(|usage| self::usage(usage, &who, problems));
    end.cost = call.cost.and_then(|cost| self::cost(cost, &who, problems));
    end.completion_start_time = call
        .completion_start_time
        .map(|ms| time(ms, &who, problems));
    (call.id, call.trace, end)
}

/// `{input, output, total}` plus any other counts (cache, reasoning…) as details.
fn usage(value: Value, who: &Who, problems: &mut Problems) -> Option<Usage> {
    let Value::Object(fields) = value else {
        problems.push(format!(
            "{who}: usage must be an object like {{input, output, total}}; it is left out"
        ));
        return None;
    };
    let mut usage = Usage::default();
    for (key, value) in fields {
        let Some(count) = value.as_u64().or_else(|| {
            value
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }) else {
            if !value.is_null() {
                problems.push(format!("{who}: usage.{key} must be a whole number of tokens ≥ 0 (got {value}); it is left out"));
            }
            continue;
        };
        match key.as_str() {
            "input" | "promptTokens" | "prompt_tokens" | "input_tokens" => {
                usage.input = Some(count)
            }
            "output" | "completionTokens" | "completion_tokens" | "output_tokens" => {
                usage.output = Some(count)
            }
            "total" | "totalTokens" | "total_tokens" => usage.total = Some(count),
            _ => {
                usage.details.insert(key, count);
            }
        }
    }
    Some(usage)
}

fn cost(value: Value, who: &Who, problems: &mut Problems) -> Option<Cost> {
    let Value::Object(fields) = value else {
        problems.push(format!(
            "{who}: cost must be an object like {{input, output, total}} in USD; it is left out"
        ));
        return None;
    };
    let mut cost = Cost::default();
    for (key, value) in fields {
        let slot = match key.as_str() {
            "input" => &mut cost.input,
            "output" => &mut cost.output,
            "total" => &mut cost.total,
            _ => continue,
        };
        match value.as_f64() {
            Some(usd) => *slot = Some(usd),
            None if value.is_null() => {}
            None => problems.push(format!(
                "{who}: cost.{key} must be a number of USD (got {value}); it is left out"
            )),
        }
    }
    Some(cost)
}

/// Variables and model parameters are objects; anything else is kept as
/// the one entry `"value"`.
fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => Map::from_iter([("value".to_string(), other)]),
    }
}

/// A core error as a JS `Error` with the same message.
pub fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}
