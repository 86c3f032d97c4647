//! Rule: a streamed answer is the answer its chunks add up to, read as a
//! whole response would be (see the module above).
//!
//! - Chat: per choice, the deltas' `content` and `refusal` are joined, and
//!   `tool_calls` are assembled by their `index` (id and type from the
//!   deltas that have them, `name` and `arguments` joined; the old
//!   `function_call` likewise) into one assistant message. The model is the
//!   first chunk's; usage the last chunk's that has one (OpenAI sends it when
//!   the request asked `stream_options: {include_usage: true}`).
//! - Responses: the last `response.completed`, `response.incomplete` or
//!   `response.failed` event's response is the answer. A stream cut short
//!   has none: its `response.output_text.delta` texts are joined into one
//!   assistant message (else the items of its `response.output_item.done`
//!   events are the output), and the model is the first event's response's.
//! - First output (time to first token): chat's first chunk whose delta
//!   carries text, a refusal or a tool call; responses' first `*.delta`
//!   event.
//! - Embeddings do not stream: their chunks give an empty reply.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{member, one_or_many, response, text, Endpoint, Reply};
use crate::json::Json;
use crate::model::Usage;

/// What the chunks of a streamed call add up to.
pub fn stream(endpoint: Endpoint, chunks: &[Json], problems: &mut Vec<String>) -> Reply {
    match endpoint {
        Endpoint::Chat => chat(chunks, problems),
        Endpoint::Responses => responses(chunks, problems),
        Endpoint::Embeddings => Reply::default(),
    }
}

/// One choice's message, as its deltas built it.
#[derive(Default)]
struct Message {
    role: Option<String>,
    content: Option<String>,
    refusal: Option<String>,
    /// By the delta's `index`.
    tool_calls: BTreeMap<u64, Call>,
    function_call: Option<Call>,
}

#[derive(Default)]
struct Call {
    id: Option<String>,
    kind: Option<String>,
    name: String,
    arguments: String,
}

fn chat(chunks: &[Json], problems: &mut Vec<String>) -> Reply {
    let mut reply = Reply::default();
    let mut messages: BTreeMap<u64, Message> = BTreeMap::new();
    let mut usage = None;
    for (at, chunk) in chunks.iter().enumerate() {
        let Ok(Value::Object(chunk)) = chunk.to_value() else {
            continue;
        };
        if reply.model.is_none() {
            reply.model = chunk.get("model").and_then(Value::as_str).map(Into::into);
        }
        if let Some(found) = chunk.get("usage").filter(|u| u.is_object()) {
            usage = Some(found.clone());
        }
        let choices = chunk.get("choices").and_then(Value::as_array);
        for choice in choices.into_iter().flatten() {
            let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
            let Some(delta) = choice.get("delta").filter(|d| d.is_object()) else {
                continue;
            };
            let carried = apply(messages.entry(index).or_default(), delta);
            if carried && reply.first_output.is_none() {
                reply.first_output = Some(at);
            }
        }
    }
    reply.output = one_or_many(messages.into_values().map(message_json).collect());
    reply.usage = usage.and_then(|u| Usage::from_loose(&u, problems));
    reply
}

/// Adds a delta to its message; true when it carried output.
fn apply(message: &mut Message, delta: &Value) -> bool {
    let text_of = |key| delta.get(key).and_then(Value::as_str);
    if let Some(role) = text_of("role") {
        message.role = Some(role.into());
    }
    let mut carried = false;
    for (key, slot) in [
        ("content", &mut message.content),
        ("refusal", &mut message.refusal),
    ] {
        if let Some(piece) = text_of(key) {
            slot.get_or_insert_with(String::new).push_str(piece);
            carried |= !piece.is_empty();
        }
    }
    let tool_calls = delta.get("tool_calls").and_then(Value::as_array);
    for (position, call) in tool_calls.into_iter().flatten().enumerate() {
        let index = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position as u64);
        add_call(message.tool_calls.entry(index).or_default(), call);
        carried = true;
    }
    if let Some(call) = delta.get("function_call").filter(|c| c.is_object()) {
        add_call(
            message.function_call.get_or_insert_with(Call::default),
            call,
        );
        carried = true;
    }
    carried
}

fn add_call(call: &mut Call, delta: &Value) {
    if let Some(id) = delta.get("id").and_then(Value::as_str) {
        call.id = Some(id.into());
    }
    if let Some(kind) = delta.get("type").and_then(Value::as_str) {
        call.kind = Some(kind.into());
    }
    // Tool calls carry name and arguments under `function`; `function_call` directly.
    let function = delta.get("function").unwrap_or(delta);
    let piece = |key| function.get(key).and_then(Value::as_str).unwrap_or("");
    call.name.push_str(piece("name"));
    call.arguments.push_str(piece("arguments"));
}

/// A message as a whole chat response gives it.
fn message_json(message: Message) -> Json {
    let role = message.role.unwrap_or_else(|| "assistant".into());
    let mut entries = vec![
        ("role".to_string(), Json::new(&role)),
        ("content".to_string(), Json::new(&message.content)),
    ];
    if let Some(refusal) = message.refusal {
        entries.push(("refusal".to_string(), Json::new(&refusal)));
    }
    let function = |call: &Call| {
        Json::from_entries([
            ("name".to_string(), Json::new(&call.name)),
            ("arguments".to_string(), Json::new(&call.arguments)),
        ])
    };
    if !message.tool_calls.is_empty() {
        let calls: Vec<Json> = message
            .tool_calls
            .values()
            .map(|call| {
                Json::from_entries([
                    ("id".to_string(), Json::new(&call.id)),
                    (
                        "type".to_string(),
                        Json::new(&call.kind.as_deref().unwrap_or("function")),
                    ),
                    ("function".to_string(), function(call)),
                ])
            })
            .collect();
        entries.push(("tool_calls".to_string(), Json::new(&calls)));
    }
    if let Some(call) = &message.function_call {
        entries.push(("function_call".to_string(), function(call)));
    }
    Json::from_entries(entries)
}

/// The events that end a response, each with the whole response.
const TERMINAL: [&str; 3] = [
    "response.completed",
    "response.incomplete",
    "response.failed",
];

fn responses(events: &[Json], problems: &mut Vec<String>) -> Reply {
    let kind = |event: &Json| {
        member(event, "type")
            .and_then(|t| text(&t))
            .unwrap_or_default()
    };
    let first_output = events.iter().position(|e| kind(e).ends_with(".delta"));
    let terminal = events
        .iter()
        .rev()
        .filter(|e| TERMINAL.contains(&kind(e).as_str()))
        .find_map(|e| member(e, "response"));
    if let Some(whole) = terminal {
        return Reply {
            first_output,
            ..response(Endpoint::Responses, &whole, problems)
        };
    }
    // Cut short: what arrived.
    let mut reply = Reply {
        first_output,
        ..Reply::default()
    };
    let mut said = String::new();
    let mut done = Vec::new();
    for event in events {
        let kind = kind(event);
        if reply.model.is_none() {
            reply.model = member(event, "response")
                .and_then(|r| member(&r, "model"))
                .and_then(|m| text(&m));
        }
        if kind == "response.output_text.delta" {
            said.extend(member(event, "delta").and_then(|d| text(&d)));
        } else if kind == "response.output_item.done" {
            done.extend(member(event, "item"));
        }
    }
    reply.output = if said.is_empty() {
        one_or_many(done)
    } else {
        Some(super::message("assistant", &Json::new(&said)))
    };
    reply
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    // The mapping's shared test helpers.
    use crate::record::openai::tests::{json, text_of, usage};

    /// A streamed answer's reply, with no problems.
    fn streamed(endpoint: Endpoint, chunks: Value) -> Reply {
        let Value::Array(chunks) = chunks else {
            panic!("chunks are a list")
        };
        let chunks: Vec<Json> = chunks.into_iter().map(json).collect();
        let mut problems = Vec::new();
        let reply = stream(endpoint, &chunks, &mut problems);
        assert_eq!(problems, Vec::<String>::new());
        reply
    }

    fn chunk(delta: Value) -> Value {
        json!({"object": "chat.completion.chunk", "model": "gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "delta": delta, "finish_reason": null}]})
    }

    #[test]
    fn openai_chat_stream_joins_text_and_takes_usage_from_the_last_chunk() {
        let reply = streamed(
            Endpoint::Chat,
            json!([
                chunk(json!({"role": "assistant", "content": ""})),
                chunk(json!({"content": "Hel"})),
                chunk(json!({"content": "lo"})),
                {"model": "gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {"model": "gpt-4o-mini-2024-07-18", "choices": [],
                 "usage": {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11, "prompt_tokens_details": {"cached_tokens": 0}}}
            ]),
        );
        assert_eq!(
            text_of(&reply.output),
            Some(r#"{"role":"assistant","content":"Hello"}"#)
        );
        assert_eq!(reply.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
        assert_eq!(reply.usage, usage(9, 2, 11, &[("input_cached_tokens", 0)]));
        assert_eq!(
            reply.first_output,
            Some(1),
            "the role-only chunk is no token"
        );
    }

    #[test]
    fn openai_chat_stream_assembles_tool_calls_by_index() {
        let call = |index: u64, head: Option<(&str, &str)>, arguments: &str| {
            let mut function = json!({"arguments": arguments});
            let mut call = json!({"index": index});
            if let Some((id, name)) = head {
                function["name"] = json!(name);
                call["id"] = json!(id);
                call["type"] = json!("function");
            }
            call["function"] = function;
            chunk(json!({"tool_calls": [call]}))
        };
        let reply = streamed(
            Endpoint::Chat,
            json!([
                chunk(json!({"role": "assistant", "content": null})),
                call(0, Some(("call_a", "weather")), ""),
                call(1, Some(("call_b", "time")), "{\"tz\""),
                call(0, None, "{\"city\":"),
                call(0, None, "\"Oslo\"}"),
                call(1, None, ":\"UTC\"}")
            ]),
        );
        assert_eq!(
            reply.output.unwrap().to_value().unwrap(),
            json!({"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "{\"city\":\"Oslo\"}"}},
                {"id": "call_b", "type": "function", "function": {"name": "time", "arguments": "{\"tz\":\"UTC\"}"}}
            ]})
        );
        assert_eq!(reply.first_output, Some(1));
        assert_eq!(
            reply.usage, None,
            "no usage unless the request asked for it"
        );
    }

    #[test]
    fn openai_chat_stream_keeps_choices_apart_and_skips_what_is_not_a_chunk() {
        let reply = streamed(
            Endpoint::Chat,
            json!([
                "noise", {"choices": "no"},
                {"choices": [{"index": 1, "delta": {"content": "B"}}, {"index": 0, "delta": {"content": "A"}}]},
                {"choices": [{"index": 0, "delta": {"refusal": "No."}}]}
            ]),
        );
        assert_eq!(
            text_of(&reply.output),
            Some(
                r#"[{"role":"assistant","content":"A","refusal":"No."},{"role":"assistant","content":"B"}]"#
            )
        );
        assert_eq!(reply.first_output, Some(2));
        assert_eq!(streamed(Endpoint::Chat, json!([])), Reply::default());
    }

    fn event(kind: &str, extra: Value) -> Value {
        let mut event = json!({"type": kind});
        event
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        event
    }

    #[test]
    fn openai_responses_stream_reads_the_completed_response() {
        let whole = json!({"status": "completed", "model": "gpt-4.1-2025-04-14",
            "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hi!"}]}],
            "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}});
        let reply = streamed(
            Endpoint::Responses,
            json!([
                event(
                    "response.created",
                    json!({"response": {"status": "in_progress", "model": "gpt-4.1-2025-04-14", "output": []}})
                ),
                event(
                    "response.output_item.added",
                    json!({"item": {"type": "message"}})
                ),
                event("response.output_text.delta", json!({"delta": "Hi"})),
                event("response.output_text.delta", json!({"delta": "!"})),
                event("response.completed", json!({"response": whole}))
            ]),
        );
        assert_eq!(
            reply.output.unwrap().to_value().unwrap(),
            whole["output"][0]
        );
        assert_eq!(reply.model.as_deref(), Some("gpt-4.1-2025-04-14"));
        assert_eq!(reply.usage, usage(5, 2, 7, &[]));
        assert_eq!(reply.first_output, Some(2));
    }

    #[test]
    fn openai_responses_stream_cut_short_keeps_what_arrived() {
        let reply = streamed(
            Endpoint::Responses,
            json!([
                event(
                    "response.created",
                    json!({"response": {"model": "gpt-4.1-2025-04-14"}})
                ),
                event("response.output_text.delta", json!({"delta": "Hel"})),
                event("response.output_text.delta", json!({"delta": "lo"}))
            ]),
        );
        assert_eq!(
            text_of(&reply.output),
            Some(r#"{"role":"assistant","content":"Hello"}"#)
        );
        assert_eq!(reply.model.as_deref(), Some("gpt-4.1-2025-04-14"));
        assert_eq!(reply.usage, None);
        let call = json!({"type": "function_call", "name": "f", "arguments": "{}"});
        let items = streamed(
            Endpoint::Responses,
            json!([event("response.output_item.done", json!({"item": call}))]),
        );
        assert_eq!(items.output.unwrap().to_value().unwrap(), call);
        assert_eq!(items.first_output, None);
    }
}
