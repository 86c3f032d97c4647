//! Rule: how a call of OpenAI's API reads as a generation. The npm
//! package's `observeOpenAI` intercepts the official client and hands the
//! raw JSON here; this module decides what is recorded.
//!
//! Endpoints: chat completions (`chat`), the Responses API (`responses`)
//! and embeddings (`embeddings`, recorded as an `embedding` observation;
//! the others as a `generation`). Provider "openai" unless one was given.
//!
//! Before the call ([`request`]):
//! - input: chat's `messages`; for responses, `instructions` as a system
//!   message followed by `input` (a string becomes one user message, a
//!   list of items is kept item by item); for embeddings, `input` as given.
//!   When the request declares `tools` (or the old `functions`), the input
//!   is `{"messages": …, "tools": …}`: tool definitions are prompt too.
//! - model: the request's `model`.
//! - parameters: every other field (temperature, max_tokens,
//!   response_format, tool_choice, reasoning, seed, user, metadata…),
//!   except transport (`stream`, `stream_options`).
//!
//! After it ([`response`], or [`stream`] for streamed chunks):
//! - output: chat's `choices[].message` (one choice: its message; several:
//!   the list); responses' `output` items (one item: the item; several: the
//!   list); for embeddings, `{"count", "dimensions"}`, never the vectors.
//! - model: the response's (the dated one that answered, e.g.
//!   `gpt-4o-mini-2024-07-18`), which replaces the request's.
//! - usage: the response's `usage`, read by `Usage::from_loose` (cached
//!   and reasoning tokens become `input_cached_tokens` and
//!   `output_reasoning_tokens`). Cost then follows from the price table.
//! - a response whose `status` is "failed" ends the generation as an error,
//!   with the response's error message.
//!
//! [`finish`] records the end. A trace started for the call alone (no
//! parent) takes the call's input and output and ends with it.
//!
//! Invariant: pure reading of JSON the caller already has; nothing here
//! knows about the client, the network or JS.

mod stream;

pub use stream::stream;

use serde_json::{Map, Value};

use crate::json::Json;
use crate::model::{Observation, ObservationType, Usage};
use crate::record::Recorder;
use crate::rules::Violation;
use crate::store::{End, TraceUpdate, Update};
use crate::time::Timestamp;

/// The endpoints recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `chat.completions.create`.
    Chat,
    /// `responses.create`.
    Responses,
    /// `embeddings.create`.
    Embeddings,
}

impl Endpoint {
    /// "chat", "responses" or "embeddings".
    pub fn from_name(name: &str) -> Option<Endpoint> {
        match name {
            "chat" => Some(Endpoint::Chat),
            "responses" => Some(Endpoint::Responses),
            "embeddings" => Some(Endpoint::Embeddings),
            _ => None,
        }
    }

    /// The observation type a call of this endpoint is recorded as.
    pub fn observation_type(self) -> ObservationType {
        match self {
            Endpoint::Embeddings => ObservationType::Embedding,
            Endpoint::Chat | Endpoint::Responses => ObservationType::Generation,
        }
    }
}

/// What a request says before the call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Request {
    pub kind: ObservationType,
    pub input: Option<Json>,
    pub model: Option<String>,
    /// Empty when the request has no parameters.
    pub parameters: Map<String, Value>,
}

impl Request {
    /// Gives a generation the request's type, input, model and parameters,
    /// and provider "openai" unless it has one.
    pub fn fill(self, generation: &mut Observation) {
        generation.kind = self.kind;
        generation.type_label = None;
        generation.provider.get_or_insert_with(|| "openai".into());
        generation.input = self.input.or(generation.input.take());
        generation.model = self.model.or(generation.model.take());
        if !self.parameters.is_empty() {
            generation.model_parameters = Some(self.parameters);
        }
    }
}

/// What an answer says: the end of a generation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    pub output: Option<Json>,
    /// The model that answered.
    pub model: Option<String>,
    pub usage: Option<Usage>,
    /// Set when the API reported the answer as failed: its message.
    pub error: Option<String>,
    /// For streams: the index of the first chunk that carried output (its
    /// arrival is the time to first token).
    pub first_output: Option<usize>,
}

/// How a wrapped call ended, as the binding measured it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finish {
    pub at: Timestamp,
    /// `Reply::default()` when the call failed before answering.
    pub reply: Reply,
    /// The call's own error (thrown by the client): its text.
    pub error: Option<String>,
    pub completion_start_time: Option<Timestamp>,
    /// The trace started for the call alone, if it was.
    pub own_trace: Option<String>,
}

/// Fields that are neither input, model nor parameters.
const TRANSPORT: [&str; 2] = ["stream", "stream_options"];

/// What a request (the client's `params`, an object) says. Anything else
/// gives an empty request.
pub fn request(endpoint: Endpoint, params: &Json) -> Request {
    let mut request = Request {
        kind: endpoint.observation_type(),
        ..Request::default()
    };
    let entries = params.entries().unwrap_or_default();
    let field = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let messages = match endpoint {
        Endpoint::Chat => field("messages").cloned(),
        Endpoint::Responses => responses_messages(field("instructions"), field("input")),
        Endpoint::Embeddings => field("input").cloned(),
    };
    let tools = field("tools")
        .map(|t| ("tools", t))
        .or(field("functions").map(|f| ("functions", f)));
    request.input = match (messages, tools) {
        (messages, Some((key, tools))) => Some(Json::from_entries([
            (
                "messages".to_string(),
                messages.unwrap_or_else(|| Json::new(&Value::Null)),
            ),
            (key.to_string(), tools.clone()),
        ])),
        (messages, None) => messages,
    };
    request.model = field("model").and_then(text);
    let is_input: &[&str] = match endpoint {
        Endpoint::Chat => &["messages", "tools", "functions"],
        Endpoint::Responses => &["instructions", "input", "tools"],
        Endpoint::Embeddings => &["input"],
    };
    for (key, value) in &entries {
        let skip =
            key == "model" || is_input.contains(&key.as_str()) || TRANSPORT.contains(&key.as_str());
        if skip {
            continue;
        }
        if let Ok(value) = value.to_value() {
            request.parameters.insert(key.clone(), value);
        }
    }
    request
}

/// What a whole (not streamed) answer says.
pub fn response(endpoint: Endpoint, body: &Json, problems: &mut Vec<String>) -> Reply {
    let entries = body.entries().unwrap_or_default();
    let field = |name: &str| entries.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    let output = match endpoint {
        Endpoint::Chat => {
            field("choices").and_then(|c| one_or_list(c, |choice| member(choice, "message")))
        }
        Endpoint::Responses => {
            field("output").and_then(|o| one_or_list(o, |item| Some(item.clone())))
        }
        Endpoint::Embeddings => field("data").map(embeddings_output),
    };
    let error = (field("status").and_then(text).as_deref() == Some("failed")).then(|| {
        field("error")
            .and_then(|e| member(e, "message").or_else(|| member(e, "code")))
            .and_then(|m| text(&m))
            .unwrap_or_else(|| "the response failed".into())
    });
    Reply {
        output,
        model: field("model").and_then(text),
        usage: field("usage").and_then(|u| usage(u, problems)),
        error,
        first_output: None,
    }
}

/// Records how a call ended: the answering model, then the end (output,
/// usage, time to first token; failed when the call threw or the API
/// reported a failure). A trace started for the call alone takes the call's
/// input and output and ends with it. Every step is tried; the broken rules
/// are returned.
pub fn finish(recorder: &mut Recorder, id: &str, finish: Finish) -> Vec<Violation> {
    let mut broken = Vec::new();
    let Finish {
        at,
        reply,
        error,
        completion_start_time,
        own_trace,
    } = finish;
    if let Some(model) = reply.model {
        let update = Update {
            model: Some(model),
            ..Update::default()
        };
        broken.extend(recorder.update_observation(id, update).err());
    }
    let error = error.or(reply.error);
    let end = |output: Option<Json>| {
        let mut end = match &error {
            Some(message) => End::failed(message.clone()),
            None => End::completed(),
        };
        end.output = output;
        end
    };
    let mut generation_end = end(reply.output.clone());
    generation_end.usage = reply.usage;
    generation_end.completion_start_time = completion_start_time;
    broken.extend(recorder.end_observation_at(id, at, generation_end).err());
    if let Some(trace_id) = own_trace {
        // Also when the generation itself was refused: the trace still ends.
        let input = recorder
            .store()
            .observation(id)
            .and_then(|c| c.input.clone());
        if input.is_some() {
            let update = TraceUpdate {
                input,
                ..TraceUpdate::default()
            };
            broken.extend(recorder.update_trace(&trace_id, update).err());
        }
        let trace_end = end(reply.output);
        broken.extend(recorder.end_trace_at(&trace_id, at, trace_end).err());
    }
    broken
}

/// Responses' `instructions` and `input` as one message list.
fn responses_messages(instructions: Option<&Json>, input: Option<&Json>) -> Option<Json> {
    let mut messages = Vec::new();
    if let Some(instructions) = instructions.filter(|i| i.as_str() != "null") {
        messages.push(message("system", instructions));
    }
    match input {
        None => {}
        Some(input) if input.as_str().starts_with('"') => messages.push(message("user", input)),
        Some(input) => match items(input) {
            Some(items) => messages.extend(items),
            None => messages.push(input.clone()),
        },
    }
    (!messages.is_empty()).then(|| Json::new(&messages))
}

fn message(role: &str, content: &Json) -> Json {
    Json::from_entries([
        ("role".to_string(), Json::new(&role)),
        ("content".to_string(), content.clone()),
    ])
}

/// The items of a JSON array, in order (`None` for any other value).
fn items(list: &Json) -> Option<Vec<Json>> {
    if !list.as_str().starts_with('[') {
        return None;
    }
    serde_json::from_str(list.as_str()).ok()
}

/// One member of a JSON object.
fn member(object: &Json, name: &str) -> Option<Json> {
    object
        .entries()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A JSON string's text.
fn text(value: &Json) -> Option<String> {
    serde_json::from_str::<String>(value.as_str()).ok()
}

/// The one item a list holds (picked by `pick`), or all of them as a list;
/// `None` for an empty or non-list value.
fn one_or_list(list: &Json, pick: impl Fn(&Json) -> Option<Json>) -> Option<Json> {
    one_or_many(items(list)?.iter().filter_map(pick).collect())
}

/// The one item, or the list of several; `None` for none.
fn one_or_many(mut list: Vec<Json>) -> Option<Json> {
    match list.len() {
        0 => None,
        1 => list.pop(),
        _ => Some(Json::new(&list)),
    }
}

/// How many embeddings came back and their length, instead of the vectors.
fn embeddings_output(data: &Json) -> Json {
    let data = items(data).unwrap_or_default();
    let dimensions = data
        .first()
        .and_then(|d| member(d, "embedding"))
        .and_then(|e| items(&e))
        .map(|e| e.len());
    let mut entries = vec![("count".to_string(), Json::new(&data.len()))];
    if let Some(dimensions) = dimensions {
        entries.push(("dimensions".to_string(), Json::new(&dimensions)));
    }
    Json::from_entries(entries)
}

/// A usage object, through the one reader of token counts.
fn usage(value: &Json, problems: &mut Vec<String>) -> Option<Usage> {
    if value.as_str() == "null" {
        return None;
    }
    let value = value.to_value().ok()?;
    Usage::from_loose(&value, problems)
}

#[cfg(test)]
mod tests;
