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

const FIXTURES: [(&str, Format); 13] = [
    ("ai-sdk-6.json", Format::Otlp),
    ("ai-sdk-6-two-runs.json", Format::Otlp),
    ("ai-sdk-7.json", Format::Otlp),
    ("langchain-openinference.json", Format::Otlp),
    ("openllmetry-openai.json", Format::Otlp),
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

/// One OTLP request of the given spans (JSON objects as text).
fn request(spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

fn span(id: &str, parent: Option<&str>, extra: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!(r#""parentSpanId":"{p}","#));
    format!(
        r#"{{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"{id}",{parent}"name":"s-{id}","startTimeUnixNano":"1710408413000000000","endTimeUnixNano":"1710408414000000000"{extra}}}"#
    )
}

fn import(store: &mut Store, name: &str, text: &str) -> prompttrace::store::ImportReport {
    format::import(store, name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

const TRACE: &str = "5b8efff798038103d269b633813fc60c";
const ROOT: &str = "0102030405060708";

#[test]
fn interop_a_later_file_without_the_root_keeps_the_traces_status() {
    let mut store = Store::new();
    import(
        &mut store,
        "root.json",
        &request(&[span(ROOT, None, r#","status":{"code":2,"message":"boom"}"#)]),
    );
    import(
        &mut store,
        "child.json",
        &request(&[span("1111111111111111", Some(ROOT), "")]),
    );
    let trace = store.trace(TRACE).unwrap().trace();
    assert_eq!(
        (trace.status, trace.status_message.as_deref()),
        (Status::Error, Some("boom"))
    );

    // A running root stays running when a child ends in another file.
    let mut store = Store::new();
    let running_root =
        span(ROOT, None, "").replace(r#","endTimeUnixNano":"1710408414000000000""#, "");
    import(&mut store, "root.json", &request(&[running_root]));
    import(
        &mut store,
        "child.json",
        &request(&[span("1111111111111111", Some(ROOT), "")]),
    );
    assert_eq!(store.trace(TRACE).unwrap().trace().status, Status::Running);

    // A root logged at level ERROR fails its trace, as in Langfuse's files.
    let mut store = Store::new();
    let level =
        r#","attributes":[{"key":"langfuse.observation.level","value":{"stringValue":"ERROR"}}]"#;
    import(
        &mut store,
        "level.json",
        &request(&[span(ROOT, None, level)]),
    );
    assert_eq!(store.trace(TRACE).unwrap().trace().status, Status::Error);
}

#[test]
fn interop_a_span_running_then_ended_in_one_file_ends_its_trace() {
    let running = span(ROOT, None, "").replace(r#","endTimeUnixNano":"1710408414000000000""#, "");
    let text = format!(
        "{}\n{}\n",
        request(&[running]),
        request(&[span(ROOT, None, "")])
    );
    let mut store = Store::new();
    import(&mut store, "lines.jsonl", &text);
    assert_eq!(
        store.trace(TRACE).unwrap().trace().status,
        Status::Completed
    );
}

#[test]
fn interop_odd_input_is_refused_or_kept_never_a_crash() {
    // A key of 20,000 dotted segments stays a plain attribute.
    let key = format!("llm.input_messages.0.{}", vec!["a"; 20_000].join("."));
    let extra = format!(r#","attributes":[{{"key":"{key}","value":{{"stringValue":"v"}}}}]"#);
    let mut store = Store::new();
    import(
        &mut store,
        "deep.json",
        &request(&[span(ROOT, None, &extra)]),
    );
    assert!(store
        .observation(ROOT)
        .unwrap()
        .metadata
        .as_ref()
        .unwrap()
        .as_str()
        .contains("a.a.a"));

    // Fractional nanoseconds are not a time.
    let fractional = span(ROOT, None, "").replace(
        r#""startTimeUnixNano":"1710408413000000000""#,
        r#""startTimeUnixNano":1.5"#,
    );
    let error = format::import(
        &mut Store::new(),
        "f.json",
        request(&[fractional]).as_bytes(),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("1.5 is not a whole number of nanoseconds"),
        "{error}"
    );

    // A Langfuse latency past any date is ignored, not a panic.
    let langfuse =
        r#"{"id":"t1","timestamp":"2025-03-14T09:26:53Z","latency":1e300,"observations":[]}"#;
    import(&mut Store::new(), "latency.json", langfuse);
}

#[test]
fn interop_relinking_keeps_metadata_that_is_not_an_object() {
    let note = r#","attributes":[{"key":"langfuse.observation.metadata","value":{"stringValue":"[\"just\",\"a note\"]"}}]"#;
    let mut store = Store::new();
    import(
        &mut store,
        "child.json",
        &request(&[span("1111111111111111", Some(ROOT), note)]),
    );
    import(&mut store, "parent.json", &request(&[span(ROOT, None, "")]));
    let child = store.observation("1111111111111111").unwrap();
    assert_eq!(child.parent_id.as_deref(), Some(ROOT));
    assert_eq!(
        child.metadata.as_ref().unwrap().as_str(),
        r#"["just","a note"]"#
    );
}

#[test]
fn interop_round_trip_keeps_odd_metadata_usage_levels_and_messages() {
    let native = r#"{"format":"prompttrace","version":1,
      "traces":[
        {"id":"t1","name":"a","status":"completed","status_message":"all good","started_at":"2025-01-01T00:00:00Z","ended_at":"2025-01-01T00:00:01Z","metadata":"hello"},
        {"id":"4BF92F3577B34DA6A3CE929D0E0E4736","name":"b","status":"completed","started_at":"2025-01-01T00:00:00Z","ended_at":"2025-01-01T00:00:01Z","metadata":[1,2]},
        {"id":"4bf92f3577b34da6a3ce929d0e0e4736","name":"c","status":"running","started_at":"2025-01-01T00:00:00Z","metadata":null}],
      "observations":[
        {"id":"o1","trace_id":"t1","name":"g","type":"generation","status":"error","level":"warning","status_message":"429","started_at":"2025-01-01T00:00:00Z","ended_at":"2025-01-01T00:00:01Z","metadata":42,
         "usage":{"input":5,"total":8,"details":{"input_tokens":7,"total_tokens":99}}},
        {"id":"o2","trace_id":"t1","parent_id":"o1","name":"e","type":"event","status":"completed","started_at":"2025-01-01T00:00:00.5Z","ended_at":"2025-01-01T00:00:00.5Z","metadata":true}]}"#;
    let mut store = Store::new();
    import(&mut store, "odd.json", native);
    let written = otlp::write(&store);
    let mut back = Store::new();
    import(&mut back, "odd.otlp.json", &written);
    assert_eq!(native::write(&back), native::write(&store));
    // Trace ids that differ only in case stay different traces in OTLP.
    let value: serde_json::Value = serde_json::from_str(&written).unwrap();
    let spans = value["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap();
    let ids: std::collections::BTreeSet<&str> = spans
        .iter()
        .map(|s| s["traceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3);
}
