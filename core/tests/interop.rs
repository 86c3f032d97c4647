//! OTLP/JSON and Langfuse files as real SDKs write them (the fixtures under
//! `tests/fixtures/interop/`, made by the scripts in its `generate/`):
//! each imports to the records in `tests/fixtures/interop/expected/`
//! (`UPDATE_EXPECT=1 cargo test` regenerates them), each convention's
//! fields land where a user looks for them, traces split over files join
//! in any order, and native → OTLP → native gives back every record.

mod support;

use expect_test::expect_file;
use prompttrace::format::{self, native, otlp, Format};
use prompttrace::model::{ObservationType, Status};
use prompttrace::summary::summarize;
use prompttrace::{PriceTable, Store};
use support::{repo_tests, scenarios};

const FIXTURES: [(&str, Format); 8] = [
    ("otel-js-genai.json", Format::Otlp),
    ("otel-py-protojson.json", Format::Otlp),
    ("otel-py-lines.jsonl", Format::Otlp),
    ("openinference-openai.json", Format::Otlp),
    ("genai-openai-v2.json", Format::Otlp),
    ("langfuse-js-otel.json", Format::Otlp),
    ("langfuse-api-trace.json", Format::Langfuse),
    ("langfuse-trace-download.json", Format::Langfuse),
];

fn bytes(name: &str) -> Vec<u8> {
    let path = repo_tests(&format!("fixtures/interop/{name}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(name: &str) -> Store {
    let mut store = Store::new();
    let report = format::import(&mut store, name, &bytes(name)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        report.orphans, 0,
        "{name}: every span's parent is in the file"
    );
    store
}

fn observation<'s>(store: &'s Store, name: &str) -> &'s prompttrace::Observation {
    let mut found = store
        .traces()
        .flat_map(|t| t.observations())
        .filter(|o| o.name == name);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("no observation named {name}"));
    first
}

#[test]
fn interop_fixtures_are_detected_by_content() {
    for (name, expected) in FIXTURES {
        let bytes = bytes(name);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(format::detect(text), expected, "{name}");
    }
}

#[test]
fn interop_fixtures_import_to_the_expected_records() {
    for (name, _) in FIXTURES {
        let store = load(name);
        let stem = name.rsplit_once('.').unwrap().0;
        expect_file![repo_tests(&format!(
            "fixtures/interop/expected/{stem}.json"
        ))]
        .assert_eq(&native::write(&store));
    }
}

#[test]
fn interop_genai_conventions_give_types_models_usage_and_sessions() {
    let store = load("otel-js-genai.json");
    assert_eq!(store.trace_count(), 2);
    let agent = observation(&store, "invoke_agent travel-planner");
    assert_eq!(agent.kind, ObservationType::Agent);
    // Agent steps carry no model or usage of their own (Langfuse's rule).
    assert_eq!(
        (agent.model.as_deref(), agent.usage.is_none()),
        (None, true)
    );
    let chat = observation(&store, "chat gpt-4o");
    assert_eq!(chat.kind, ObservationType::Generation);
    // The response model beats the request model.
    assert_eq!(chat.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert!(chat.usage.as_ref().unwrap().input.is_some());
    assert!(
        chat.input.as_ref().unwrap().as_str().starts_with("[{"),
        "messages are JSON, not a string"
    );
    // gen_ai.tool.name names a tool span.
    let tool = observation(&store, "book_flight");
    assert_eq!(
        (tool.kind, tool.status),
        (ObservationType::Tool, Status::Error)
    );
    assert!(tool.status_message.is_some());
    for entry in store.traces() {
        assert_eq!(entry.trace().session_id.as_deref(), Some("sess-7f3a9c"));
        assert_eq!(entry.trace().user_id.as_deref(), Some("user-42"));
        // The second trace's spans come from two scopes; they join into one tree.
        assert_eq!(entry.tree().roots.len(), 1, "{}", entry.trace().name);
    }
}

#[test]
fn interop_protobuf_json_ids_and_enums_and_resources_join() {
    let store = load("otel-py-protojson.json");
    assert_eq!(store.trace_count(), 1);
    let entry = store.traces().next().unwrap();
    // Base64 ids become the hex ids Langfuse and Jaeger show.
    assert!(
        entry.trace().id.len() == 32 && entry.trace().id.bytes().all(|b| b.is_ascii_hexdigit())
    );
    // Two services (resources) of one trace make one tree.
    assert_eq!(entry.tree().roots.len(), 1);
    let services = entry
        .observations()
        .iter()
        .filter_map(|o| o.metadata.as_ref())
        .filter(|m| m.as_str().contains("\"service.name\":\"rag-worker\""))
        .count();
    assert!(services > 0, "resource attributes stay visible as metadata");
    // The same trace as JSON Lines, its spans spread over three lines.
    let lines = load("otel-py-lines.jsonl");
    assert_eq!(lines.trace_count(), 2);
}

#[test]
fn interop_openinference_kinds_token_counts_and_messages() {
    let store = load("openinference-openai.json");
    let entry = store.traces().next().unwrap();
    assert_eq!(entry.trace().session_id.as_deref(), Some("sess-7f3a9c"));
    let kinds: Vec<ObservationType> = entry.observations().iter().map(|o| o.kind).collect();
    for kind in [
        ObservationType::Agent,
        ObservationType::Generation,
        ObservationType::Tool,
        ObservationType::Retriever,
        ObservationType::Embedding,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    let llm = entry
        .observations()
        .iter()
        .find(|o| o.kind == ObservationType::Generation && o.usage.is_some())
        .unwrap();
    let usage = llm.usage.as_ref().unwrap();
    assert_eq!(
        (usage.input, usage.output, usage.total),
        (Some(82), Some(17), Some(99))
    );
    assert_eq!(llm.model.as_deref(), Some("gpt-4o-mini-2024-07-18"));
    assert!(llm.input.is_some() && llm.output.is_some());
}

#[test]
fn interop_langfuse_attributes_and_files_agree() {
    let otel = load("langfuse-js-otel.json");
    let plan = observation(&otel, "llm-plan");
    assert_eq!(plan.kind, ObservationType::Generation);
    assert_eq!(plan.prompt_name.as_deref(), Some("billing-agent-system"));
    assert_eq!(plan.prompt_version, Some(3));
    assert!(
        plan.completion_start_time.is_some(),
        "double-encoded time is read"
    );
    assert_eq!(plan.usage.as_ref().unwrap().total, Some(210));
    assert!(plan.cost.as_ref().unwrap().total.is_some());
    let trace = otel.traces().next().unwrap().trace();
    assert_eq!(trace.name, "support-request");
    assert_eq!(trace.tags, ["support", "billing"]);
    assert_eq!(
        (trace.environment.as_deref(), trace.release.as_deref()),
        (Some("staging"), Some("v2.0.0"))
    );
    assert!(trace
        .metadata
        .as_ref()
        .unwrap()
        .as_str()
        .contains("\"tenant\":\"acme\""));

    // The same trace from Langfuse's API and download: the same figures.
    let prices = PriceTable::builtin();
    let figures = |store: &Store| {
        let summary = serde_json::to_value(summarize(store, &prices)).unwrap();
        (
            summary["traces"][0]["tokens"].clone(),
            summary["traces"][0]["observation_count"].clone(),
        )
    };
    let api = load("langfuse-api-trace.json");
    let download = load("langfuse-trace-download.json");
    assert_eq!(native::write(&api), native::write(&download));
    assert_eq!(figures(&api), figures(&otel));
}

#[test]
fn interop_a_trace_split_over_files_joins_in_any_order() {
    let whole = load("otel-py-lines.jsonl");
    let bytes = bytes("otel-py-lines.jsonl");
    let lines: Vec<&[u8]> = bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert!(lines.len() >= 3);
    for order in [false, true] {
        let mut store = Store::new();
        let mut ordered = lines.clone();
        if order {
            ordered.reverse();
        }
        for (i, line) in ordered.iter().enumerate() {
            format::import(&mut store, &format!("part-{i}.json"), line)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let same = whole.traces().all(|entry| {
            let joined = store.trace(&entry.trace().id).unwrap();
            joined.tree().roots.len() == 1
                && joined.observations().len() == entry.observations().len()
        });
        assert!(same, "reverse order: {order}");
        assert_eq!(
            native::write(&store),
            native::write(&whole),
            "reverse order: {order}"
        );
    }
}

#[test]
fn interop_a_span_whose_parent_never_arrives_is_kept_and_flagged() {
    let text = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708",
       "name":"late child","startTimeUnixNano":"1710408413000000000","endTimeUnixNano":"1710408414000000000"}]}]}]}"#;
    let mut store = Store::new();
    let report = format::import(&mut store, "orphan.json", text.as_bytes()).unwrap();
    assert_eq!(report.orphans, 1);
    let child = store.observation("eee19b7ec3c1b174").unwrap();
    assert_eq!(child.parent_id, None);
    assert!(child
        .metadata
        .as_ref()
        .unwrap()
        .as_str()
        .contains("\"prompttrace.missing_parent_span_id\":\"0102030405060708\""));
    assert_eq!(
        store
            .trace("5b8efff798038103d269b633813fc60c")
            .unwrap()
            .trace()
            .name,
        "late child"
    );

    // The parent arrives in a later file: the child is linked, the flag goes.
    let parent = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0102030405060708","name":"request",
       "startTimeUnixNano":"1710408412000000000","endTimeUnixNano":"1710408415000000000"}]}]}]}"#;
    let report = format::import(&mut store, "parent.json", parent.as_bytes()).unwrap();
    assert_eq!(report.orphans, 0);
    let child = store.observation("eee19b7ec3c1b174").unwrap();
    assert_eq!(child.parent_id.as_deref(), Some("0102030405060708"));
    assert!(child.metadata.is_none());
    assert_eq!(
        store
            .trace("5b8efff798038103d269b633813fc60c")
            .unwrap()
            .trace()
            .name,
        "request"
    );
}

#[test]
fn interop_native_to_otlp_to_native_keeps_every_record() {
    let mut stores: Vec<(String, Store)> = scenarios::all()
        .into_iter()
        .map(|s| (s.name.to_string(), s.store))
        .collect();
    for (name, _) in FIXTURES {
        stores.push((name.to_string(), load(name)));
    }
    for (name, store) in stores {
        let written = otlp::write(&store);
        assert!(format::detect(&written) == Format::Otlp);
        let mut back = Store::new();
        format::import(&mut back, "round-trip.json", written.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(native::write(&back), native::write(&store), "{name}");
    }
}

#[test]
fn interop_otlp_ids_are_valid_and_stable() {
    let store = scenarios::all().remove(0).store;
    let written = otlp::write(&store);
    assert_eq!(written, otlp::write(&store));
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    for span in value["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap()
    {
        let trace_id = span["traceId"].as_str().unwrap();
        let span_id = span["spanId"].as_str().unwrap();
        assert!(
            trace_id.len() == 32 && trace_id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{trace_id}"
        );
        assert!(
            span_id.len() == 16 && span_id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{span_id}"
        );
        assert!(
            span["startTimeUnixNano"].is_string(),
            "64-bit integers are strings"
        );
    }
}
