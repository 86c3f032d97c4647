//! Native files: lossless, deterministic round trips for both variants,
//! unknown fields ignored, format detection.

mod support;

use std::collections::BTreeMap;

use prompttrace::format::{self, jsonl, native, Format};
use prompttrace::model::{Cost, Level, Observation, ObservationType, Status, Trace, Usage};
use prompttrace::{Store, Timestamp};
use serde_json::json;
use support::repo_tests;

fn load(name: &str, text: &str) -> Store {
    let mut store = Store::new();
    format::import(&mut store, name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    store
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo_tests(&format!("fixtures/traces/{name}"))).unwrap()
}

#[test]
fn files_json_round_trip_is_byte_identical() {
    for name in [
        "chat-session.json",
        "rag-pipeline.json",
        "nested-multi-step.json",
    ] {
        let text = fixture(name);
        assert_eq!(native::write(&load(name, &text)), text, "{name}");
    }
}

#[test]
fn files_json_lines_round_trip_keeps_every_record() {
    let store = load("chat-session.jsonl", &fixture("chat-session.jsonl"));
    let lines = jsonl::write(&store);
    assert_eq!(load("again.jsonl", &lines), store);
    assert_eq!(native::write(&store), fixture("chat-session.json"));
}

/// A record with every field set survives JSON and JSON Lines unchanged.
#[test]
fn files_round_trip_is_lossless_for_every_field() {
    let mut trace = Trace::new(
        "t-ü",
        "naïve \"name\" 📎",
        Timestamp::from_unix_nanos(1_714_564_800_123_456_789),
    );
    trace.session_id = Some("s".into());
    trace.user_id = Some("u".into());
    trace.status = Status::Error;
    trace.ended_at = Some(Timestamp::from_unix_nanos(1_714_564_801_000_000_001));
    trace.status_message = Some("boom\nline two".into());
    trace.input = Some(json!({"messages": [{"role": "user", "content": "<b>hi</b>"}]}).into());
    trace.output = Some(json!(null).into());
    trace.metadata = Some(json!({"z": 1, "a": [1.5, -2e-308, 1.7976931348623157e308]}).into());
    trace.tags = vec!["b".into(), "a".into()];
    trace.environment = Some("prod".into());
    trace.release = Some("1.2.3".into());

    let mut g = Observation::new("g", ObservationType::Generation, "call", trace.started_at);
    g.trace_id = Some(trace.id.clone());
    g.type_label = Some("llm".into());
    g.status = Status::Completed;
    g.level = Level::Warning;
    g.status_message = Some("slow".into());
    g.ended_at = trace.ended_at;
    g.completion_start_time = Some(Timestamp::from_unix_nanos(1_714_564_800_500_000_000));
    g.input = Some(json!("prompt").into());
    g.output = Some(json!({"text": "answer"}).into());
    g.metadata = Some(json!({"k": true}).into());
    g.provider = Some("openai".into());
    g.model = Some("gpt-4o".into());
    g.model_parameters = json!({"temperature": 0.7, "stop": ["\n"]})
        .as_object()
        .cloned();
    g.usage = Some(Box::new(Usage {
        input: Some(10),
        output: Some(5),
        total: Some(15),
        details: BTreeMap::from([
            ("cache_read_input_tokens".into(), 4),
            ("reasoning_tokens".into(), 2),
        ]),
    }));
    g.cost = Some(Box::new(Cost {
        input: Some(0.1 + 0.2),
        output: Some(1e-9),
        total: Some(0.1 + 0.2 + 1e-9),
    }));
    g.prompt_name = Some("p".into());
    g.prompt_version = Some(7);
    g.template = Some("{{x}}".into());
    g.variables = json!({"x": [1, 2]}).as_object().cloned();

    let mut store = Store::new();
    let batch = prompttrace::store::Batch {
        traces: vec![trace],
        observations: vec![g],
        repeats_allowed: false,
    };
    store.import(batch).unwrap();

    let json_text = native::write(&store);
    assert_eq!(load("x.json", &json_text), store);
    assert_eq!(native::write(&load("x.json", &json_text)), json_text);
    assert_eq!(load("x.jsonl", &jsonl::write(&store)), store);
}

#[test]
fn files_unknown_fields_are_ignored() {
    let text = r#"{"format":"prompttrace","version":1,"exported_by":"future tool",
        "traces":[{"id":"t","name":"n","status":"running","started_at":"2024-01-01T00:00:00Z","colour":"red"}]}"#;
    let store = load("future.json", text);
    assert_eq!(store.trace("t").unwrap().trace().name, "n");
}

#[test]
fn files_levels_accept_langfuse_upper_case() {
    let text = r#"{"format":"prompttrace","version":1,
        "traces":[{"id":"t","name":"n","status":"running","started_at":"2024-01-01T00:00:00Z"}],
        "observations":[{"id":"o","trace_id":"t","name":"x","status":"running","level":"ERROR","started_at":"2024-01-01T00:00:00Z"}]}"#;
    assert_eq!(
        load("upper.json", text).observation("o").unwrap().level,
        Level::Error
    );
}

#[test]
fn files_format_is_detected_by_content() {
    assert_eq!(format::detect(&jsonl::header_line()), Format::JsonLines);
    assert_eq!(
        format::detect(&fixture("chat-session.jsonl")),
        Format::JsonLines
    );
    assert_eq!(
        format::detect("{\"trace\": {}}\n{\"trace\": {}}\n"),
        Format::JsonLines
    );
    assert_eq!(format::detect(&fixture("chat-session.json")), Format::Json);
    let one_line = r#"{"format":"prompttrace","version":1,"traces":[]}"#;
    assert_eq!(format::detect(one_line), Format::Json);
}

#[test]
fn files_concatenated_documents_are_refused_not_emptied() {
    let one = |id: &str| {
        format!(
            r#"{{"format":"prompttrace","version":1,"traces":[{{"id":"{id}","name":"n","status":"running","started_at":"2024-01-01T00:00:00Z"}}]}}"#
        )
    };
    let text = format!("{}\n{}\n", one("a"), one("b"));
    let mut store = Store::new();
    let err = format::import(&mut store, "both.json", text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "both.json:2:1: there is more text after the end of the JSON value"
    );
    let lines = format!("{}{}\n", jsonl::header_line(), one("a"));
    let err = format::import(&mut store, "mixed.jsonl", lines.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("mixed.jsonl:2:1: this line is a whole trace file"),
        "{err}"
    );
    assert!(store.is_empty());
}

#[test]
fn files_byte_order_mark_is_skipped() {
    let text = format!("\u{FEFF}{}", fixture("rag-pipeline.json"));
    assert_eq!(load("bom.json", &text).trace_count(), 1);
}

#[test]
fn files_pretty_document_saved_as_jsonl_is_read_as_a_document() {
    let text = fixture("rag-pipeline.json");
    assert_eq!(
        load("saved-as.jsonl", &text),
        load("rag-pipeline.json", &text)
    );
}

/// A caller short of memory lets a file's bytes go once read
/// (`Parsed::detach`): the merge takes the same records, and a rule it
/// finds broken still names the file and the record, by its id; JSON
/// Lines keeps its line numbers.
#[test]
fn files_read_and_detached_from_their_bytes_merge_the_same() {
    let otlp = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","parentSpanId":"00f067aa0ba902b7","name":"a","startTimeUnixNano":"1000","endTimeUnixNano":"2000"},
{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331","name":"b","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}"#;
    let located = format::import(&mut Store::new(), "cycle.json", otlp.as_bytes()).unwrap_err();
    let detached = format::read("cycle.json", otlp.as_bytes())
        .unwrap()
        .detach();
    let named = format::import_parsed(&mut Store::new(), "cycle.json", detached).unwrap_err();
    assert!(located.line.is_some(), "{located}");
    assert_eq!((named.line, named.column), (None, None));
    assert_eq!(named.message, located.message);
    assert!(named.message.contains("b7ad6b7169203331"), "{named}");
    assert!(named.to_string().starts_with("cycle.json: "), "{named}");

    // Read well, the same store either way.
    let good = std::fs::read_to_string(repo_tests("fixtures/interop/otel-js-genai.json")).unwrap();
    let detached = format::read("genai.json", good.as_bytes())
        .unwrap()
        .detach();
    let mut store = Store::new();
    format::import_parsed(&mut store, "genai.json", detached).unwrap();
    assert_eq!(
        jsonl::write(&store),
        jsonl::write(&load("genai.json", &good))
    );

    // A span whose parent is already stored finds it, detached or not.
    let span = |id: &str, parent: &str| {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}","name":"{id}","startTimeUnixNano":"1000","endTimeUnixNano":"2000"}}]}}]}}]}}"#
        )
    };
    let (root, child) = (
        span("b7ad6b7169203331", ""),
        span("00f067aa0ba902b7", "b7ad6b7169203331"),
    );
    let (mut kept, mut detached_into) = (Store::new(), Store::new());
    for store in [&mut kept, &mut detached_into] {
        format::import(store, "root.json", root.as_bytes()).unwrap();
    }
    let report = format::import(&mut kept, "child.json", child.as_bytes()).unwrap();
    let read = format::read("child.json", child.as_bytes())
        .unwrap()
        .detach();
    let detached_report = format::import_parsed(&mut detached_into, "child.json", read).unwrap();
    assert_eq!((report.orphans, detached_report.orphans), (0, 0));
    assert_eq!(jsonl::write(&detached_into), jsonl::write(&kept));
    let linked = detached_into.observation("00f067aa0ba902b7").unwrap();
    assert_eq!(linked.parent_id.as_deref(), Some("b7ad6b7169203331"));

    // JSON Lines names the line of the broken record, detached or not.
    let lines = "{\"format\":\"prompttrace\",\"version\":1}\n\
        {\"trace\":{\"id\":\"t1\",\"name\":\"t\",\"status\":\"running\",\"started_at\":\"2024-05-01T12:00:00Z\"}}\n\
        {\"observation\":{\"id\":\"o1\",\"trace_id\":\"t1\",\"parent_id\":\"o1\",\"type\":\"span\",\"name\":\"s\",\"status\":\"running\",\"started_at\":\"2024-05-01T12:00:00Z\"}}\n";
    let located = format::import(&mut Store::new(), "cycle.jsonl", lines.as_bytes()).unwrap_err();
    let detached = format::read("cycle.jsonl", lines.as_bytes())
        .unwrap()
        .detach();
    let named = format::import_parsed(&mut Store::new(), "cycle.jsonl", detached).unwrap_err();
    assert_eq!(named.to_string(), located.to_string());
    assert_eq!(named.line, Some(3), "{named}");

    // And a last line cut short by a crash is still skipped with a warning.
    let cut = "{\"format\":\"prompttrace\",\"version\":1}\n\
        {\"trace\":{\"id\":\"t1\",\"name\":\"t\",\"status\":\"running\",\"started_at\":\"2024-05-01T12:00:00Z\"}}\n\
        {\"observation\":{\"id\":\"o1\",\"trace_id\":\"t1\"";
    let report = format::import(&mut Store::new(), "cut.jsonl", cut.as_bytes()).unwrap();
    let detached = format::read("cut.jsonl", cut.as_bytes()).unwrap().detach();
    let detached_report = format::import_parsed(&mut Store::new(), "cut.jsonl", detached).unwrap();
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert_eq!(detached_report.warnings, report.warnings);
}
