//! The OpenAI wrapper's part of a batch (`observeOpenAI` in
//! `js/npm/openai.mts`): the raw request on an observation's start, the raw
//! answer (or the chunks it streamed, with their arrival times) on its end.
//! The core's `record::openai` reads them; this file only converts.
//!
//! Only the full core reads them: what the OpenAI API's shapes take to read
//! stays out of the record-only wasm a browser app starts on (~11 KB of its
//! gzipped size). A browser tracer holds an OpenAI call until it moved to the
//! full core (`js/npm/queue.mts`); the record-only core sees one only when the
//! full core could not be loaded, and records the generation without what the
//! call said (its times, its error, its trace's end), saying so.

use prompttrace::model::Observation;
use prompttrace::record::openai::Finish;
#[cfg(feature = "full")]
use prompttrace::record::openai::{self, Endpoint, Reply};
use prompttrace::Timestamp;
use serde::Deserialize;
use serde_json::value::RawValue;

#[cfg(feature = "full")]
use super::{loose, time};
use super::{Problems, Who};
#[cfg(feature = "full")]
use prompttrace::Json;
#[cfg(feature = "full")]
use serde_json::Value;

/// `ObservationStart.openai`: which endpoint was called, with what.
#[cfg(feature = "full")]
#[derive(Deserialize)]
struct Start {
    kind: String,
    request: Option<Json>,
}

/// `ChangeCall.openai`: what the call answered. One of `response` (a whole
/// answer) or `chunks` (what a stream yielded, each with its arrival time
/// in `times`, ms) is set, or neither when the call failed first.
#[cfg(feature = "full")]
#[derive(Deserialize)]
struct End {
    kind: String,
    response: Option<Json>,
    chunks: Option<Vec<Json>>,
    #[serde(default)]
    times: Vec<f64>,
    /// The id of the trace started for the call alone: it ends with the call.
    trace: Option<String>,
}

/// Fills a generation from the request it makes.
#[cfg(feature = "full")]
pub fn start(raw: &RawValue, generation: &mut Observation, who: &Who, problems: &mut Problems) {
    let Some(start) = read::<Start>(raw, who, problems) else {
        return;
    };
    let Some(endpoint) = endpoint(&start.kind, who, problems) else {
        return;
    };
    let request = start.request.unwrap_or_else(|| Json::new(&Value::Null));
    openai::request(endpoint, &request).fill(generation);
}

/// How the call ended: at `at`, failed with `error` if it threw.
#[cfg(feature = "full")]
pub fn end(
    raw: &RawValue,
    at: Timestamp,
    error: Option<String>,
    who: &Who,
    problems: &mut Problems,
) -> Finish {
    let mut finish = Finish {
        at,
        reply: Reply::default(),
        error,
        completion_start_time: None,
        own_trace: None,
    };
    let Some(end) = read::<End>(raw, who, problems) else {
        return finish;
    };
    finish.own_trace = end.trace;
    let Some(endpoint) = endpoint(&end.kind, who, problems) else {
        return finish;
    };
    let reply = match (&end.response, &end.chunks) {
        (_, Some(chunks)) => loose(who, problems, |p| Some(openai::stream(endpoint, chunks, p))),
        (Some(response), None) => loose(who, problems, |p| {
            Some(openai::response(endpoint, response, p))
        }),
        (None, None) => None,
    };
    finish.reply = reply.unwrap_or_default();
    finish.completion_start_time = finish
        .reply
        .first_output
        .and_then(|i| end.times.get(i))
        .map(|ms| time(*ms, who, problems));
    finish
}

fn read<T: serde::de::DeserializeOwned>(
    raw: &RawValue,
    who: &Who,
    problems: &mut Problems,
) -> Option<T> {
    serde_json::from_str(raw.get())
        .map_err(|e| {
            problems.push(format!(
                "{who}: the OpenAI call could not be read ({e}); it is recorded without it"
            ))
        })
        .ok()
}

#[cfg(feature = "full")]
fn endpoint(kind: &str, who: &Who, problems: &mut Problems) -> Option<Endpoint> {
    let endpoint = Endpoint::from_name(kind);
    if endpoint.is_none() {
        problems.push(format!(
            "{who}: \"{kind}\" is not an OpenAI endpoint the core reads (chat, responses, embeddings)"
        ));
    }
    endpoint
}

/// What the record-only core says of an OpenAI call it cannot read.
#[cfg(not(feature = "full"))]
const UNREAD: &str = "recorded without what the OpenAI call sent and answered \
     (reading it needs the full wasm core, which could not be loaded)";

/// The record-only core: the generation keeps what the app's call gave it
/// (an embeddings call stays a generation: the endpoint is not read either).
#[cfg(not(feature = "full"))]
pub fn start(_raw: &RawValue, _generation: &mut Observation, who: &Who, problems: &mut Problems) {
    problems.push(format!("{who}: {UNREAD}"));
}

/// The record-only core: the call ends at `at` (failed if it threw), and so
/// does a trace started for it alone; what it answered is not read.
#[cfg(not(feature = "full"))]
pub fn end(
    raw: &RawValue,
    at: Timestamp,
    error: Option<String>,
    who: &Who,
    problems: &mut Problems,
) -> Finish {
    /// The one field read: the trace that ends with the call.
    #[derive(Deserialize)]
    struct OwnTrace {
        trace: Option<String>,
    }
    // Its start said so already: the record-only core never follows the full one.
    Finish {
        at,
        reply: Default::default(),
        error,
        completion_start_time: None,
        own_trace: read::<OwnTrace>(raw, who, problems).and_then(|end| end.trace),
    }
}
