//! Conversations as a user reads them, from files the real SDKs wrote:
//! every LLM call in the frameworks' files (`tests/fixtures/interop/`) reads
//! as messages with roles, tool calls name their tool and arguments, and a
//! tool's result names the call it answers.

mod support;

use prompttrace::format;
use prompttrace::messages::{of_observation, Message, Part, Role};
use prompttrace::model::ObservationType;
use prompttrace::Store;
use support::repo_tests;

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

fn load(name: &str) -> Store {
    let path = repo_tests(&format!("fixtures/interop/{name}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut store = Store::new();
    format::import(&mut store, name, &bytes).unwrap_or_else(|e| panic!("{e}"));
    store
}

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
        let store = load(file);
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
    let store = load("otel-js-genai.json");
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
