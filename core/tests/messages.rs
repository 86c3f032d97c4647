//! Conversations as a user reads them, from files the real SDKs wrote:
//! every LLM call in the frameworks' files (`tests/fixtures/interop/`) reads
//! as messages with roles, tool calls name their tool and arguments, and a
//! tool's result names the call it answers.

mod support;

use prompttrace::format;
use prompttrace::messages::{of_observation, Message, Part, Role};
use prompttrace::model::ObservationType;
use prompttrace::Store;
use support::{load_interop, repo_tests};

const SDK_FILES: &[&str] = &[
    "ai-sdk-6.json",
    "ai-sdk-7.json",
    "langchain-openinference.json",
    "openllmetry-openai.json",
    "otel-js-genai.json",
    "genai-openai-v2.json",
    "openinference-openai.json",
    "langfuse-js-otel.json",
    "otel-py-lines.jsonl",
];

fn calls(messages: &[Message]) -> Vec<(Option<String>, String)> {
    let parts = messages.iter().flat_map(|m| &m.parts);
    parts
        .filter_map(|part| match part {
            Part::ToolCall {
                id,
                name,
                arguments,
            } => {
                assert!(
                    arguments.is_object(),
                    "{name}'s arguments are JSON: {arguments}"
                );
                Some((id.clone(), name.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn messages_every_llm_call_of_the_sdks_reads_as_a_conversation() {
    for file in SDK_FILES {
        let store = load_interop(file);
        let generations: Vec<_> = store
            .traces()
            .flat_map(|t| t.observations())
            .filter(|o| o.kind == ObservationType::Generation)
            .collect();
        assert!(!generations.is_empty(), "{file} has LLM calls");
        let mut called = Vec::new();
        for generation in generations {
            if generation.input.is_none() && generation.output.is_none() {
                continue;
            }
            let conversation = of_observation(generation);
            let what = format!("{file}: {}", generation.name);
            let input = conversation.input.unwrap_or_else(|| {
                panic!("{what}: input reads as messages: {:?}", generation.input)
            });
            // A call that failed has no output, and a structured output
            // (`generateObject`) is an object, shown as JSON.
            let Some(output) = conversation.output else {
                let structured = generation.name.contains("generateObject");
                assert!(
                    generation.output.is_none() || structured,
                    "{what}: output reads as messages: {:?}",
                    generation.output
                );
                continue;
            };
            assert!(
                input
                    .iter()
                    .any(|m| matches!(m.role, Role::User | Role::Tool)),
                "{what}: someone asks"
            );
            assert!(
                output.iter().all(|m| m.role == Role::Assistant),
                "{what}: the model answers"
            );
            assert!(
                output.iter().all(|m| !m.parts.is_empty()),
                "{what}: no empty answer"
            );
            called.extend(calls(&output));
        }
        // Each result in a later call's input answers a call made before.
        let answered: Vec<String> = store
            .traces()
            .flat_map(|t| t.observations())
            .filter_map(|o| of_observation(o).input)
            .flatten()
            .flat_map(|m| m.parts)
            .filter_map(|part| match part {
                Part::ToolResult { id: Some(id), .. } => Some(id),
                _ => None,
            })
            .collect();
        for id in &answered {
            assert!(
                called.iter().any(|(call, _)| call.as_deref() == Some(id)),
                "{file}: result {id} answers a call"
            );
        }
    }
}

#[test]
fn messages_a_reply_with_tool_calls_names_the_tool_and_arguments() {
    let store = load_interop("otel-js-genai.json");
    let first = store
        .traces()
        .flat_map(|t| t.observations())
        .filter(|o| o.kind == ObservationType::Generation)
        .min_by_key(|o| o.started_at)
        .unwrap();
    let output = of_observation(first).output.unwrap();
    let names: Vec<String> = calls(&output).into_iter().map(|(_, name)| name).collect();
    assert_eq!(names, ["get_weather", "book_flight"]);
}

/// The same support conversation, as each SDK sends and receives it
/// (`tests/fixtures/messages/`, written by the SDKs' own code): a system
/// prompt, a user's photo (inline) and receipt (a remote URL), a call of
/// `lookup_order`, its result, and the answer.
mod sdk_shapes {
    use super::*;
    use prompttrace::messages::{read, Side};
    use serde_json::Value;

    const FILES: &[(&str, &str)] = &[
        ("openai-chat.json", "openai-chat"),
        ("openai-responses.json", "openai-responses"),
        ("anthropic-messages.json", "anthropic"),
        ("gemini-contents.json", "gemini"),
        ("ai-sdk-messages.json", "ai-sdk"),
        ("langchain-messages.json", "langchain"),
        ("openinference-messages.json", "openai-chat"),
        ("otel-genai-messages.json", "genai"),
    ];

    /// Providers whose model shows reasoning in these conversations.
    fn reasons(file: &str, case: &str) -> bool {
        let silent = ["openai-chat", "openinference", "otel-genai"];
        !(silent.iter().any(|s| file.starts_with(s)) || case.starts_with("chat_"))
    }

    /// Instrumentations' cases hold span attributes: they are read the way a
    /// file is, as one span of an OTLP/JSON request, and the generation's
    /// input and output stand for the case's.
    fn through_a_span(file: &str, data: &Value) -> Value {
        let kind = match file {
            "openinference-messages.json" => ("openinference.span.kind", "LLM"),
            _ => ("gen_ai.operation.name", "chat"),
        };
        let mut attributes =
            vec![serde_json::json!({"key": kind.0, "value": {"stringValue": kind.1}})];
        for side in ["input", "output"] {
            for (key, value) in data[side].as_object().unwrap() {
                let value = match value {
                    Value::String(text) => serde_json::json!({"stringValue": text}),
                    Value::Number(n) => serde_json::json!({"intValue": n.to_string()}),
                    other => serde_json::json!({"stringValue": other.to_string()}),
                };
                attributes.push(serde_json::json!({"key": key, "value": value}));
            }
        }
        let request = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
            "name": data["span"], "startTimeUnixNano": "1000000", "endTimeUnixNano": "2000000",
            "attributes": attributes
        }]}]}]});
        let mut store = Store::new();
        format::import(&mut store, file, request.to_string().as_bytes()).unwrap();
        let observation = store
            .traces()
            .flat_map(|t| t.observations())
            .next()
            .unwrap()
            .clone();
        assert_eq!(observation.kind, ObservationType::Generation, "{file}");
        let value = |json: &Option<prompttrace::Json>| {
            json.as_ref().map_or(Value::Null, |j| j.to_value().unwrap())
        };
        serde_json::json!({"input": value(&observation.input), "output": value(&observation.output)})
    }

    fn cases(file: &str) -> Vec<(String, Value)> {
        let path = repo_tests(&format!("fixtures/messages/{file}"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let document: Value = serde_json::from_str(&text).unwrap();
        document["cases"]
            .as_object()
            .unwrap()
            .clone()
            .into_iter()
            .collect()
    }

    fn parts(messages: &[Message]) -> Vec<&Part> {
        messages.iter().flat_map(|m| &m.parts).collect()
    }

    fn call_ids(messages: &[Message]) -> Vec<Option<String>> {
        parts(messages)
            .into_iter()
            .filter_map(|part| match part {
                Part::ToolCall {
                    id,
                    name,
                    arguments,
                } => {
                    assert_eq!(name, "lookup_order");
                    assert_eq!(arguments["orderId"], "A-1042", "arguments are JSON");
                    Some(id.clone())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn messages_each_sdk_shape_reads_as_the_conversation() {
        for (file, adapter) in FILES {
            for (case, data) in cases(file) {
                let what = format!("{file} {case}");
                let data = if data.get("span").is_some() {
                    through_a_span(file, &data)
                } else {
                    data
                };
                let input =
                    read(&data["input"], Side::Input).unwrap_or_else(|| panic!("{what}: input"));
                let output =
                    read(&data["output"], Side::Output).unwrap_or_else(|| panic!("{what}: output"));
                assert_eq!(
                    prompttrace::messages::adapter_of(&data["input"], Side::Input),
                    Some(*adapter),
                    "{what}"
                );
                assert_eq!(
                    input[0].role,
                    Role::System,
                    "{what}: the system prompt comes first"
                );
                assert!(
                    output.iter().all(|m| m.role == Role::Assistant),
                    "{what}: {output:?}"
                );
                let images: Vec<&str> = parts(&input)
                    .into_iter()
                    .filter_map(|p| match p {
                        Part::Image { url } => Some(url.as_str()),
                        _ => None,
                    })
                    .collect();
                // OpenTelemetry's openai-v2 instrumentation drops image messages.
                if !file.starts_with("otel-genai") {
                    assert!(
                        images
                            .iter()
                            .any(|u| u.starts_with("data:image/png;base64,")),
                        "{what}: inline image in {images:?}"
                    );
                    assert!(
                        images.contains(&"https://example.com/receipts/A-1042.jpg"),
                        "{what}: remote image in {images:?}"
                    );
                }
                if case.contains("tool_call") {
                    assert_eq!(
                        call_ids(&output).len(),
                        1,
                        "{what}: the model calls the tool"
                    );
                    let reasoning = parts(&output)
                        .into_iter()
                        .any(|p| matches!(p, Part::Reasoning { .. }));
                    assert_eq!(reasoning, reasons(file, &case), "{what}: reasoning");
                } else {
                    let calls = call_ids(&input);
                    assert_eq!(calls.len(), 1, "{what}: the history holds the call");
                    let results: Vec<&Part> = parts(&input)
                        .into_iter()
                        .filter(|p| matches!(p, Part::ToolResult { .. }))
                        .collect();
                    assert_eq!(results.len(), 1, "{what}: and its result");
                    let Part::ToolResult { id, content, .. } = results[0] else {
                        unreachable!()
                    };
                    assert!(!content.is_empty(), "{what}: the result has content");
                    if let (Some(id), Some(Some(call))) = (id, calls.first()) {
                        assert_eq!(id, call, "{what}: the result answers the call");
                    }
                    let said = parts(&output)
                        .into_iter()
                        .any(|p| matches!(p, Part::Text { text } if !text.is_empty()));
                    assert!(said, "{what}: the answer is text");
                }
            }
        }
    }

    /// What the AI SDK's telemetry writes (`ai.prompt.messages`,
    /// `gen_ai.*.messages`) reads as the same conversation.
    #[test]
    fn messages_the_ai_sdk_span_attributes_read_as_messages() {
        for (case, data) in cases("ai-sdk-messages.json") {
            for span in data["spans"].as_array().unwrap() {
                for (key, value) in span["attributes"].as_object().unwrap() {
                    if key.ends_with(".messages") {
                        let side = if key.contains("output") {
                            Side::Output
                        } else {
                            Side::Input
                        };
                        let messages = read(value, side)
                            .unwrap_or_else(|| panic!("{case} {}: {key}", span["name"]));
                        let roles: Vec<Role> = messages.iter().map(|m| m.role).collect();
                        match side {
                            Side::Output => assert!(
                                roles.iter().all(|r| *r == Role::Assistant),
                                "{case} {key}: {roles:?}"
                            ),
                            Side::Input => {
                                assert!(roles.contains(&Role::User), "{case} {key}: {roles:?}")
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Values that look like chat but are not, and chat that looks odd: each
/// reads as the user would expect, and nothing is dropped.
mod edges {
    use prompttrace::messages::{adapter_of, read, Part, Role, Side};
    use serde_json::{json, Value};

    fn parts_of(value: &Value) -> Vec<Part> {
        read(value, Side::Input)
            .unwrap()
            .into_iter()
            .flat_map(|m| m.parts)
            .collect()
    }

    #[test]
    fn messages_records_that_have_a_role_are_not_conversations() {
        let not_chat = [
            json!([{"id": 1, "name": "Bob", "role": "user", "email": "bob@example.com"}]),
            json!({"role": "developer", "permissions": ["read"]}),
            json!({"path": "a.txt", "contents": "hello world"}),
            json!({"type": "function", "data": {"name": "lookup"}}),
            // Gemini content with a key Gemini does not write: shown as JSON, not emptied.
            json!([{"role": "model", "parts": [{"text": "A"}], "id": "x"}]),
        ];
        for value in not_chat {
            assert_eq!(read(&value, Side::Input), None, "{value}");
        }
    }

    #[test]
    fn messages_each_shape_goes_to_its_own_reader() {
        let cases = [
            (
                json!({"model": "gpt-4.1", "instructions": "Be brief.", "input": [{"role": "user", "content": "Hi"}]}),
                "openai-responses",
            ),
            (
                json!([{"type": "message", "role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "look", "input": {}}]}]),
                "anthropic",
            ),
            (
                json!({"type": "message", "role": "assistant", "context_management": {}, "content": [{"type": "tool_use", "id": "t", "name": "look", "input": {}}]}),
                "anthropic",
            ),
            (
                json!([{"role": "assistant", "content": [{"type": "source", "sourceType": "url", "url": "https://x"}, {"type": "tool-call", "toolCallId": "c", "toolName": "look", "input": {}}]}]),
                "ai-sdk",
            ),
        ];
        for (value, adapter) in cases {
            assert_eq!(adapter_of(&value, Side::Input), Some(adapter), "{value}");
            let calls = parts_of(&value)
                .into_iter()
                .filter(|p| matches!(p, Part::ToolCall { .. }))
                .count();
            let roles: Vec<Role> = read(&value, Side::Input)
                .unwrap()
                .iter()
                .map(|m| m.role)
                .collect();
            assert!(
                calls == 1 || roles.contains(&Role::User),
                "{value}: the call is a call"
            );
        }
    }

    #[test]
    fn messages_keep_what_no_part_type_says() {
        let custom = json!([{"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "custom", "custom": {"name": "sql", "input": "select 1"}}]}]);
        assert_eq!(
            parts_of(&custom),
            [Part::ToolCall {
                id: Some("c".into()),
                name: "sql".into(),
                arguments: json!("select 1")
            }]
        );
        let cited = json!([{"role": "assistant", "content": "See the docs.", "annotations": [{"type": "url_citation", "url_citation": {"url": "https://x"}}]}]);
        assert!(
            matches!(&parts_of(&cited)[1], Part::Json { value } if value["annotations"][0]["type"] == "url_citation")
        );
        let invalid = json!({"lc": 1, "type": "constructor", "id": ["langchain_core", "messages", "AIMessage"],
            "kwargs": {"content": "", "tool_calls": [], "invalid_tool_calls": [{"name": "look", "args": "{oops", "error": "bad JSON"}]}});
        assert!(
            matches!(&parts_of(&invalid)[0], Part::Json { value } if value["invalid_tool_call"]["error"] == "bad JSON")
        );
        let twice = json!({"lc": 1, "type": "constructor", "id": ["langchain_core", "messages", "AIMessage"],
            "kwargs": {"content": [{"type": "tool_call", "id": "c", "name": "look", "args": {"q": 1}}], "tool_calls": [{"id": "c", "name": "look", "args": {"q": 1}, "type": "tool_call"}]}});
        assert_eq!(parts_of(&twice).len(), 1, "one call, not two");
        let gs = json!({"contents": [{"role": "user", "parts": [{"fileData": {"mimeType": "image/png", "fileUri": "gs://bucket/cat.png"}}]}]});
        assert_eq!(
            parts_of(&gs),
            [Part::Image {
                url: "gs://bucket/cat.png".into()
            }],
            "a reference stays what it is"
        );
    }

    proptest::proptest! {
        /// Whatever a file holds, reading it never panics.
        #[test]
        fn messages_any_json_reads_without_panicking(value in json_values()) {
            let _ = read(&value, Side::Input);
            let _ = read(&value, Side::Output);
        }
    }

    /// JSON built from the words and shapes the readers look for, with
    /// multi-byte text where URLs and base64 are expected.
    fn json_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let words = prop_oneof![
            Just("role"),
            Just("content"),
            Just("type"),
            Just("text"),
            Just("parts"),
            Just("user"),
            Just("assistant"),
            Just("tool"),
            Just("image_url"),
            Just("url"),
            Just("data"),
            Just("source"),
            Just("base64"),
            Just("inlineData"),
            Just("fileData"),
            Just("fileUri"),
            Just("image"),
            Just("file"),
            Just("mediaType"),
            Just("tool_calls"),
            Just("function"),
            Just("arguments"),
            Just("tool_use"),
            Just("tool-call"),
            Just("toolName"),
            Just("input"),
            Just("output"),
            Just("messages"),
            Just("contents"),
            Just("kwargs"),
            Just("constructor"),
            Just("id"),
            Just("ééé"),
            Just("日本語"),
            Just("data:é"),
            Just("gs://x"),
            Just("https://é"),
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            words.clone().prop_map(|w| Value::String(w.to_string())),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec((words.clone(), inner), 0..5).prop_map(|entries| {
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), v))
                            .collect(),
                    )
                }),
            ]
        })
    }
}
