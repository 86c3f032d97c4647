//! Tests of the OpenAI mapping: requests, whole and streamed answers, and
//! how a call's end is recorded.

use serde_json::json;

use super::*;
use crate::ids::SeededIds;
use crate::model::{Status, Trace};
use crate::time::ManualClock;

pub(super) fn json(value: Value) -> Json {
    Json::new(&value)
}

pub(super) fn text_of(json: &Option<Json>) -> Option<&str> {
    json.as_ref().map(Json::as_str)
}

/// A whole answer's reply, with no problems.
fn reply(endpoint: Endpoint, body: Value) -> Reply {
    let mut problems = Vec::new();
    let reply = response(endpoint, &json(body), &mut problems);
    assert_eq!(problems, Vec::<String>::new());
    reply
}

pub(super) fn usage(input: u64, output: u64, total: u64, details: &[(&str, u64)]) -> Option<Usage> {
    Some(Usage {
        input: Some(input),
        output: Some(output),
        total: Some(total),
        details: details.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
    })
}

#[test]
fn openai_chat_request_splits_input_model_and_parameters() {
    let request = request(
        Endpoint::Chat,
        &json(json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
            "temperature": 0.2, "max_tokens": 50, "response_format": {"type": "json_object"},
            "stream": true, "stream_options": {"include_usage": true}
        })),
    );
    assert_eq!(request.kind, ObservationType::Generation);
    assert_eq!(
        request.input.unwrap().to_value().unwrap(),
        json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    );
    assert_eq!(request.model.as_deref(), Some("gpt-4o-mini"));
    assert_eq!(
        Value::Object(request.parameters),
        json!({"temperature": 0.2, "max_tokens": 50, "response_format": {"type": "json_object"}})
    );
}

#[test]
fn openai_request_and_response_keep_the_apps_key_order() {
    let params = Json::parse(
        r#"{"messages": [{"role": "user", "content": "Hi", "name": "ada"}], "model": "m"}"#,
    )
    .unwrap();
    let request = request(Endpoint::Chat, &params);
    assert_eq!(
        text_of(&request.input),
        Some(r#"[{"role":"user","content":"Hi","name":"ada"}]"#)
    );
    let body = Json::parse(r#"{"choices": [{"message": {"role": "assistant", "content": "Yo"}}]}"#)
        .unwrap();
    let reply = response(Endpoint::Chat, &body, &mut Vec::new());
    assert_eq!(
        text_of(&reply.output),
        Some(r#"{"role":"assistant","content":"Yo"}"#)
    );
}

#[test]
fn openai_request_with_tools_keeps_them_beside_the_messages() {
    let tools = json!([{"type": "function", "function": {"name": "weather", "parameters": {}}}]);
    let request = request(
        Endpoint::Chat,
        &json(
            json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "Rain?"}], "tools": tools, "tool_choice": "auto"}),
        ),
    );
    assert_eq!(
        request.input.unwrap().to_value().unwrap(),
        json!({"messages": [{"role": "user", "content": "Rain?"}], "tools": tools})
    );
    assert_eq!(
        Value::Object(request.parameters),
        json!({"tool_choice": "auto"})
    );
}

#[test]
fn openai_responses_request_reads_instructions_and_input_as_messages() {
    let request = request(
        Endpoint::Responses,
        &json(
            json!({"model": "o4-mini", "instructions": "Be brief.", "input": "Hi", "reasoning": {"effort": "low"}}),
        ),
    );
    assert_eq!(
        text_of(&request.input),
        Some(r#"[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"#)
    );
    assert_eq!(
        Value::Object(request.parameters),
        json!({"reasoning": {"effort": "low"}})
    );
    let items = json!([{"role": "user", "content": [{"type": "input_text", "text": "Hi"}]}, {"type": "function_call_output", "call_id": "c1", "output": "22"}]);
    let request = super::request(Endpoint::Responses, &json(json!({"input": items})));
    assert_eq!(request.input.unwrap().to_value().unwrap(), items);
}

#[test]
fn openai_embeddings_request_is_an_embedding_of_its_input() {
    let request = request(
        Endpoint::Embeddings,
        &json(json!({"model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 256})),
    );
    assert_eq!(request.kind, ObservationType::Embedding);
    assert_eq!(text_of(&request.input), Some(r#"["a","b"]"#));
    assert_eq!(
        Value::Object(request.parameters),
        json!({"dimensions": 256})
    );
}

#[test]
fn openai_request_that_is_not_an_object_gives_an_empty_request() {
    for params in [json!(null), json!("hello"), json!([1])] {
        let request = request(Endpoint::Chat, &json(params));
        assert_eq!(
            request,
            Request {
                kind: ObservationType::Generation,
                ..Request::default()
            }
        );
    }
}

#[test]
fn openai_request_fills_a_generation_and_keeps_a_given_provider() {
    let mut generation = Observation::new(
        "g",
        ObservationType::Span,
        "OpenAI.embeddings",
        Timestamp::from_unix_nanos(0),
    );
    request(
        Endpoint::Embeddings,
        &json(json!({"model": "m", "input": "x"})),
    )
    .fill(&mut generation);
    assert_eq!(generation.kind, ObservationType::Embedding);
    assert_eq!(generation.provider.as_deref(), Some("openai"));
    assert_eq!(generation.model.as_deref(), Some("m"));
    assert_eq!(generation.model_parameters, None);
    generation.provider = Some("azure".into());
    request(Endpoint::Chat, &json(json!({}))).fill(&mut generation);
    assert_eq!(generation.provider.as_deref(), Some("azure"));
    assert_eq!(
        generation.model.as_deref(),
        Some("m"),
        "a request without a model keeps the one set"
    );
}

#[test]
fn openai_chat_response_gives_message_response_model_and_detailed_usage() {
    let reply = reply(
        Endpoint::Chat,
        json!({
            "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini-2024-07-18",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello!", "refusal": null}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28,
                      "prompt_tokens_details": {"cached_tokens": 12, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 3}}
        }),
    );
    assert_eq!(
        reply.output.unwrap().to_value().unwrap(),
        json!({"role": "assistant", "content": "Hello!", "refusal": null})
    );
    assert_eq!(reply.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(
        reply.usage,
        usage(
            20,
            8,
            28,
            &[
                ("input_audio_tokens", 0),
                ("input_cached_tokens", 12),
                ("output_reasoning_tokens", 3)
            ]
        )
    );
    assert_eq!(reply.error, None);
}

#[test]
fn openai_chat_response_with_several_choices_gives_the_list() {
    let reply = reply(
        Endpoint::Chat,
        json!({"choices": [{"message": {"role": "assistant", "content": "A"}}, {"message": {"role": "assistant", "content": "B"}}]}),
    );
    assert_eq!(
        reply.output.unwrap().to_value().unwrap(),
        json!([{"role": "assistant", "content": "A"}, {"role": "assistant", "content": "B"}])
    );
    assert_eq!(reply.usage, None);
    assert_eq!(
        super::response(Endpoint::Chat, &json(json!("x")), &mut Vec::new()),
        Reply::default()
    );
}

#[test]
fn openai_responses_response_gives_output_items_and_usage() {
    let message = json!({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hi"}]});
    let body = json!({
        "object": "response", "status": "completed", "model": "o4-mini-2025-04-16",
        "output": [{"type": "reasoning", "summary": []}, message],
        "usage": {"input_tokens": 30, "input_tokens_details": {"cached_tokens": 10},
                  "output_tokens": 50, "output_tokens_details": {"reasoning_tokens": 40}, "total_tokens": 80}
    });
    let whole = reply(Endpoint::Responses, body.clone());
    assert_eq!(whole.output.unwrap().to_value().unwrap(), body["output"]);
    assert_eq!(whole.model.as_deref(), Some("o4-mini-2025-04-16"));
    assert_eq!(
        whole.usage,
        usage(
            30,
            50,
            80,
            &[("input_cached_tokens", 10), ("output_reasoning_tokens", 40)]
        )
    );
    let one = reply(Endpoint::Responses, json!({"output": [message]}));
    assert_eq!(one.output.unwrap().to_value().unwrap(), message);
}

#[test]
fn openai_failed_response_is_an_error_with_its_message() {
    let failed = reply(
        Endpoint::Responses,
        json!({"status": "failed", "error": {"code": "server_error", "message": "The model crashed."}, "output": []}),
    );
    assert_eq!(failed.error.as_deref(), Some("The model crashed."));
    assert_eq!(failed.output, None);
    let bare = reply(Endpoint::Responses, json!({"status": "failed"}));
    assert_eq!(bare.error.as_deref(), Some("the response failed"));
}

#[test]
fn openai_embeddings_response_counts_vectors_instead_of_keeping_them() {
    let reply = reply(
        Endpoint::Embeddings,
        json!({"object": "list", "model": "text-embedding-3-small",
               "data": [{"index": 0, "embedding": [0.1, 0.2, 0.3]}, {"index": 1, "embedding": [0.4, 0.5, 0.6]}],
               "usage": {"prompt_tokens": 4, "total_tokens": 4}}),
    );
    assert_eq!(
        text_of(&reply.output),
        Some(r#"{"count":2,"dimensions":3}"#)
    );
    assert_eq!(reply.model.as_deref(), Some("text-embedding-3-small"));
    assert_eq!(
        reply.usage,
        Some(Usage {
            input: Some(4),
            total: Some(4),
            ..Usage::default()
        })
    );
}

#[test]
fn openai_response_usage_problems_are_reported() {
    let mut problems = Vec::new();
    let reply = response(
        Endpoint::Chat,
        &json(json!({"usage": {"prompt_tokens": -1}})),
        &mut problems,
    );
    assert_eq!(reply.usage, Some(Usage::default()));
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// A recorder holding trace "t" and its generation "g" for a chat request.
fn recorder_with_call(parent: bool) -> Recorder {
    let at = Timestamp::from_unix_nanos(1_000);
    let mut recorder = Recorder::new(ManualClock::default(), SeededIds::new(0));
    recorder
        .start_trace(Trace::new("t", "OpenAI.chat", at))
        .unwrap();
    if parent {
        let span = Observation::new("s", ObservationType::Span, "app", at);
        recorder
            .start_observation(Observation {
                trace_id: Some("t".into()),
                ..span
            })
            .unwrap();
    }
    let mut generation = Observation::new("g", ObservationType::Span, "OpenAI.chat", at);
    generation.trace_id = Some("t".into());
    generation.parent_id = parent.then(|| "s".into());
    let params =
        json(json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}));
    request(Endpoint::Chat, &params).fill(&mut generation);
    recorder.start_observation(generation).unwrap();
    recorder
}

fn ending(reply: Reply, error: Option<&str>, own_trace: bool) -> Finish {
    Finish {
        at: Timestamp::from_unix_nanos(5_000),
        reply,
        error: error.map(Into::into),
        completion_start_time: Some(Timestamp::from_unix_nanos(2_000)),
        own_trace: own_trace.then(|| "t".to_string()),
    }
}

#[test]
fn openai_finish_records_the_answer_and_ends_its_own_trace_with_it() {
    let mut recorder = recorder_with_call(false);
    let answer = reply(
        Endpoint::Chat,
        json!({"model": "gpt-4o-mini-2024-07-18", "choices": [{"message": {"role": "assistant", "content": "Hello"}}],
               "usage": {"prompt_tokens": 3, "completion_tokens": 1}}),
    );
    assert_eq!(
        finish(&mut recorder, "g", ending(answer, None, true)),
        Vec::<Violation>::new()
    );
    let store = recorder.store();
    let generation = store.observation("g").unwrap();
    assert_eq!(generation.status, Status::Completed);
    assert_eq!(generation.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(generation.provider.as_deref(), Some("openai"));
    let tokens = Usage {
        input: Some(3),
        output: Some(1),
        ..Usage::default()
    };
    assert_eq!(generation.usage.as_deref(), Some(&tokens));
    assert_eq!(
        generation.completion_start_time,
        Some(Timestamp::from_unix_nanos(2_000))
    );
    assert_eq!(generation.ended_at, Some(Timestamp::from_unix_nanos(5_000)));
    let trace = store.trace("t").unwrap().trace();
    assert_eq!(trace.status, Status::Completed);
    assert_eq!(
        text_of(&trace.input),
        Some(r#"[{"content":"Hi","role":"user"}]"#)
    );
    assert_eq!(
        text_of(&trace.output),
        Some(r#"{"content":"Hello","role":"assistant"}"#)
    );
}

#[test]
fn openai_finish_of_a_failed_call_leaves_a_parent_trace_running() {
    let mut recorder = recorder_with_call(true);
    let broken = finish(
        &mut recorder,
        "g",
        ending(Reply::default(), Some("400 Invalid model"), false),
    );
    assert_eq!(broken, Vec::<Violation>::new());
    let generation = recorder.store().observation("g").unwrap();
    assert_eq!(generation.status, Status::Error);
    assert_eq!(
        generation.status_message.as_deref(),
        Some("400 Invalid model")
    );
    assert_eq!(
        generation.model.as_deref(),
        Some("gpt-4o-mini"),
        "the request's model stays"
    );
    assert_eq!(
        recorder.store().trace("t").unwrap().trace().status,
        Status::Running
    );
}

#[test]
fn openai_finish_reports_every_broken_rule_and_still_ends() {
    let mut recorder = recorder_with_call(false);
    let failed = Reply {
        model: Some("m".repeat(300)),
        error: Some("the response failed".into()),
        ..Reply::default()
    };
    let broken = finish(&mut recorder, "g", ending(failed, None, true));
    assert_eq!(broken.len(), 1, "the model is too long: {broken:?}");
    assert_eq!(
        recorder.store().observation("g").unwrap().status,
        Status::Error
    );
    assert_eq!(
        recorder.store().trace("t").unwrap().trace().status,
        Status::Error
    );
    let again = finish(&mut recorder, "g", ending(Reply::default(), None, true));
    assert_eq!(
        again.len(),
        2,
        "ended twice, the generation and its trace: {again:?}"
    );
}

#[test]
fn openai_finish_ends_its_own_trace_even_when_the_generation_was_refused() {
    let mut recorder = Recorder::new(ManualClock::default(), SeededIds::new(0));
    let at = Timestamp::from_unix_nanos(1_000);
    recorder
        .start_trace(Trace::new("t", "OpenAI.chat", at))
        .unwrap();
    let broken = finish(
        &mut recorder,
        "refused",
        ending(Reply::default(), None, true),
    );
    assert_eq!(broken.len(), 1, "the generation is unknown: {broken:?}");
    assert_eq!(
        recorder.store().trace("t").unwrap().trace().status,
        Status::Completed
    );
}
