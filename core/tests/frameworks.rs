//! What the frameworks write, read as a user expects: files made by the
//! real Vercel AI SDK 6 and 7, LangChain.js with OpenInference, and
//! OpenLLMetry around the OpenAI client (`tests/fixtures/interop/`, made by
//! the scripts in its `generate/`). Each test names the facts a user looks
//! for: types, names, session and user, messages, tokens, model, errors.

mod support;

use prompttrace::format;
use prompttrace::model::{Observation, ObservationType, Status};
use prompttrace::rollup::rollups;
use prompttrace::{PriceTable, Store, Timestamp};
use serde_json::{json, Value};
use support::repo_tests;

fn load(name: &str) -> Store {
    let path = repo_tests(&format!("fixtures/interop/{name}"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut store = Store::new();
    let report = format::import(&mut store, name, &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.orphans, 0,
        "{name}: every span's parent is in the file"
    );
    store
}

fn named<'s>(store: &'s Store, name: &str) -> Vec<&'s Observation> {
    let mut found: Vec<&Observation> = store
        .traces()
        .flat_map(|t| t.observations())
        .filter(|o| o.name == name)
        .collect();
    found.sort_by_key(|o| o.started_at);
    assert!(!found.is_empty(), "no observation named {name}");
    found
}

fn json(value: &Option<prompttrace::Json>) -> Value {
    value
        .as_ref()
        .map_or(Value::Null, |j| j.to_value().unwrap())
}

/// Tokens of the LLM calls alone, which the trace's total must equal (no
/// span repeating its children's counts).
fn llm_call_tokens(store: &Store) -> u64 {
    store
        .traces()
        .flat_map(|t| t.observations())
        .filter(|o| {
            matches!(
                o.kind,
                ObservationType::Generation | ObservationType::Embedding
            )
        })
        .filter_map(|o| o.usage.as_ref())
        .map(|u| u.total.unwrap_or(0))
        .sum()
}

#[test]
fn frameworks_ai_sdk_6_types_names_sessions_and_tokens() {
    let store = load("ai-sdk-6.json");
    let kinds = |name| {
        named(&store, name)
            .iter()
            .map(|o| o.kind)
            .collect::<Vec<_>>()
    };
    // The wrappers are spans; the model calls generations; tools tools.
    assert_eq!(
        kinds("chat-support:ai.generateText"),
        [ObservationType::Span; 2]
    );
    assert_eq!(
        kinds("chat-support:ai.generateText.doGenerate")[0],
        ObservationType::Generation
    );
    assert_eq!(
        kinds("chat-support:ai.embed.doEmbed"),
        [ObservationType::Embedding]
    );
    assert_eq!(kinds("lookupOrder"), [ObservationType::Tool]);
    for entry in store.traces() {
        let trace = entry.trace();
        assert_eq!(
            trace.session_id.as_deref(),
            Some("sess-ai-1"),
            "{}",
            trace.name
        );
        assert_eq!(trace.user_id.as_deref(), Some("user-7"));
    }
    let call = named(&store, "chat-support:ai.generateText.doGenerate")[0];
    assert_eq!(
        call.model.as_deref(),
        Some("gpt-4o-mini-2024-07-18"),
        "the response's model"
    );
    assert_eq!(call.provider.as_deref(), Some("openai.chat"));
    assert_eq!(
        json(&call.metadata)["tenant"],
        "acme",
        "other telemetry metadata"
    );
    let usage = call.usage.as_ref().unwrap();
    assert_eq!(
        (usage.input, usage.output, usage.total),
        (Some(156), Some(26), Some(470))
    );
    assert_eq!(usage.details["input_cached_tokens"], 256);
    assert_eq!(usage.details["output_reasoning_tokens"], 32);
    let input = json(&call.input);
    assert_eq!(input[0]["role"], "system", "the prompt messages");
    assert_eq!(
        json(&call.output)[0]["toolName"],
        "lookupOrder",
        "the tool calls"
    );
    let tool = named(&store, "lookupOrder")[0];
    assert_eq!(json(&tool.input), json!({"orderId": "A-1042"}));
    assert_eq!(json(&tool.output)["carrier"], "DHL");
    // A wrapper repeats its calls' counts; they are counted once.
    let totals: u64 = rollups(&store, &PriceTable::builtin())
        .traces
        .values()
        .map(|f| f.tokens.total)
        .sum();
    assert_eq!(totals, llm_call_tokens(&store));
    assert_eq!(totals, 1262);
    // Embeddings count their tokens as input, so they have a cost.
    let embedding = named(&store, "chat-support:ai.embed.doEmbed")[0];
    assert_eq!(embedding.usage.as_ref().unwrap().input, Some(6));
    // Time to first token from the stream.
    let stream = named(&store, "chat-support:ai.streamText.doStream")[0];
    let first = stream.completion_start_time.unwrap();
    assert!(first > stream.started_at && Some(first) < stream.ended_at);
    let object = named(&store, "chat-support:ai.generateObject.doGenerate")[0];
    assert_eq!(json(&object.output)["category"], "shipping");
}

#[test]
fn frameworks_errors_count_failed_steps_never_the_trace() {
    let store = load("ai-sdk-6.json");
    let figures = rollups(&store, &PriceTable::builtin());
    let failed = store
        .traces()
        .find(|t| t.trace().status == Status::Error)
        .expect("the stream request failed");
    let in_error = failed
        .observations()
        .iter()
        .filter(|o| o.status == Status::Error || o.level == prompttrace::Level::Error)
        .count();
    assert_eq!(figures.traces[&failed.trace().id].error_count, in_error);
}

#[test]
fn frameworks_ai_sdk_7_reads_the_gen_ai_attributes_and_runtime_context() {
    let store = load("ai-sdk-7.json");
    assert_eq!(
        named(&store, "invoke_agent gpt-4o-mini")[0].kind,
        ObservationType::Agent
    );
    assert_eq!(named(&store, "step 1")[0].kind, ObservationType::Span);
    let chat = named(&store, "chat gpt-4o-mini")[0];
    assert_eq!(chat.kind, ObservationType::Generation);
    let input = json(&chat.input);
    assert_eq!(
        input[0]["role"], "system",
        "system instructions lead the messages"
    );
    assert_eq!(input[1]["role"], "user");
    assert_eq!(named(&store, "lookupOrder")[0].kind, ObservationType::Tool);
    for entry in store.traces() {
        assert_eq!(entry.trace().session_id.as_deref(), Some("sess-ai-1"));
        assert_eq!(entry.trace().user_id.as_deref(), Some("user-7"));
    }
    // @ai-sdk/otel's time to first chunk is in seconds.
    let stream = store
        .traces()
        .flat_map(|t| t.observations().iter())
        .find(|o| o.kind == ObservationType::Generation && o.completion_start_time.is_some())
        .expect("the streamed call has its time to first token");
    let first = stream.completion_start_time.unwrap();
    let ms = prompttrace::time::millis_between(stream.started_at, first);
    assert!((ms - 310.0).abs() < 0.01, "{ms} ms");
    // The same app on AI SDK 6 and 7 counts the same tokens.
    assert_eq!(
        llm_call_tokens(&store),
        llm_call_tokens(&load("ai-sdk-6.json"))
    );
}

#[test]
fn frameworks_langchain_openinference_sessions_types_and_messages() {
    let store = load("langchain-openinference.json");
    let traces: Vec<_> = store.traces_in_session("sess-lc-1").collect();
    assert_eq!(traces.len(), 3);
    assert!(traces
        .iter()
        .all(|t| t.trace().user_id.as_deref() == Some("user-7")));
    assert_eq!(
        named(&store, "FakeRetriever")[0].kind,
        ObservationType::Retriever
    );
    let llm = named(&store, "ChatOpenAI")[0];
    assert_eq!(llm.kind, ObservationType::Generation);
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini"));
    // The structured messages, not LangChain's serialized run input.
    let input = json(&llm.input);
    assert_eq!(input[0]["role"], "system", "{input}");
    assert_eq!(named(&store, "open_courier_trace")[0].status, Status::Error);
}

#[test]
fn frameworks_openllmetry_kinds_sessions_and_entity_io() {
    let store = load("openllmetry-openai.json");
    let entry = store.traces().next().unwrap();
    assert_eq!(entry.trace().session_id.as_deref(), Some("sess-tl-1"));
    assert_eq!(entry.trace().user_id.as_deref(), Some("user-7"));
    let kind = |name| named(&store, name)[0].kind;
    assert_eq!(kind("support_request.workflow"), ObservationType::Chain);
    assert_eq!(kind("embed_question.task"), ObservationType::Span);
    assert_eq!(kind("order_agent.agent"), ObservationType::Agent);
    assert_eq!(
        kind("lookup_order"),
        ObservationType::Tool,
        "named by gen_ai.tool.name"
    );
    let workflow = named(&store, "support_request.workflow")[0];
    assert_eq!(
        json(&workflow.input)["args"][0],
        "Where is my order A-1042? It was due yesterday."
    );
    // Entity IO is JSON text: a string output is the string, not its quotes.
    let agent = named(&store, "order_agent.agent")[0];
    let output = json(&agent.output);
    assert!(
        output.as_str().is_some_and(|s| s.starts_with("Your order")),
        "{output}"
    );
    let chat = named(&store, "openai.chat")[0];
    assert_eq!(chat.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert_eq!(
        chat.usage.as_ref().unwrap().details["input_cached_tokens"],
        256
    );
    assert_eq!(json(&chat.input)[0]["role"], "system");
}

/// Mappings no fixture's SDK writes today (OpenInference's split costs, the
/// GenAI conventions' older content events), on the spans the specs show.
#[test]
fn frameworks_openinference_costs_and_gen_ai_content_events() {
    let file = json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
        "name": "chat", "startTimeUnixNano": "1710408413000000000", "endTimeUnixNano": "1710408414000000000",
        "attributes": [
            {"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
            {"key": "llm.model_name", "value": {"stringValue": "gpt-4o"}},
            {"key": "llm.cost.prompt", "value": {"doubleValue": 0.25}},
            {"key": "llm.cost.completion", "value": {"doubleValue": 0.5}},
            {"key": "llm.cost.total", "value": {"doubleValue": 0.75}}
        ],
        "events": [
            {"name": "gen_ai.system.message", "timeUnixNano": "1710408413000000000",
             "attributes": [{"key": "content", "value": {"stringValue": "Be brief."}}]},
            {"name": "gen_ai.user.message", "timeUnixNano": "1710408413000000000",
             "attributes": [{"key": "content", "value": {"stringValue": "Hi"}}]},
            {"name": "gen_ai.choice", "timeUnixNano": "1710408414000000000",
             "attributes": [{"key": "message", "value": {"stringValue": "{\"role\":\"assistant\",\"content\":\"Hello\"}"}}]}
        ]
    }]}]}]});
    let mut store = Store::new();
    format::import(&mut store, "spec.json", file.to_string().as_bytes()).unwrap();
    let span = store.observation("eee19b7ec3c1b174").unwrap();
    let cost = span.cost.as_ref().unwrap();
    assert_eq!(
        (cost.input, cost.output, cost.total),
        (Some(0.25), Some(0.5), Some(0.75))
    );
    assert_eq!(
        json(&span.input),
        json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}])
    );
    assert_eq!(json(&span.output)["message"]["content"], "Hello");
    assert!(span.started_at > Timestamp::from_unix_nanos(0));
}
