//! The OpenAI wrapper's part of a batch (`observeOpenAI` in
//! `js/npm/openai.mts`): the raw request on an observation's start, the raw
//! answer (or the chunks it streamed, with their arrival times) on its end.
//! The core's `record::openai` reads them; this file only converts.

use prompttrace::model::Observation;
use prompttrace::record::openai::{self, Endpoint, Finish, Reply};
use prompttrace::{Json, Timestamp};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{loose, time, Problems, Who};

/// `ObservationStart.openai`: which endpoint was called, with what.
#[derive(Deserialize)]
struct Start {
    kind: String,
    request: Option<Json>,
}

/// `ChangeCall.openai`: what the call answered. One of `response` (a whole
/// answer) or `chunks` (what a stream yielded, each with its arrival time
/// in `times`, ms) is set, or neither when the call failed first.
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

fn endpoint(kind: &str, who: &Who, problems: &mut Problems) -> Option<Endpoint> {
    let endpoint = Endpoint::from_name(kind);
    if endpoint.is_none() {
        problems.push(format!(
            "{who}: \"{kind}\" is not an OpenAI endpoint the core reads (chat, responses, embeddings)"
        ));
    }
    endpoint
}
