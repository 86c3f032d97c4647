//! What browser storage layout v2 (docs/storage-v2.md) is made of: one
//! JSON Lines record per trace (`jsonl::write_trace`), one summary row per
//! trace (`rollup::IndexRow`), and the traces an import changed
//! (`ImportReport::changed_traces`), which are the records to write again.

mod support;

use std::collections::BTreeSet;

use prompttrace::format::{self, jsonl, Format};
use prompttrace::model::{Cost, Observation, ObservationType, Status, Trace};
use prompttrace::rollup::{trace_figures, IndexRow};
use prompttrace::rules::duration;
use prompttrace::{PriceTable, Store, Timestamp, Usage};
use serde_json::json;
use support::repo_tests;

fn load(name: &str) -> Store {
    let text = std::fs::read(repo_tests(name)).unwrap();
    let mut store = Store::new();
    format::import(&mut store, name, &text).unwrap_or_else(|e| panic!("{e}"));
    store
}

fn import(store: &mut Store, name: &str, text: &str) -> prompttrace::store::ImportReport {
    format::import(store, name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
}

/// Every key a store is kept under: its trace ids, and the record of the
/// observations without a trace when there are any.
fn keys(store: &Store) -> Vec<String> {
    let mut keys: Vec<String> = store.traces().map(|e| e.trace().id.clone()).collect();
    if !store.observations_without_trace().is_empty() {
        keys.push(jsonl::WITHOUT_TRACE.to_string());
    }
    keys
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_nanos(ms * 1_000_000)
}

/// A trace in session "s" (tagged), with a costed LLM call that ended and a
/// span still running; a trace without session; an LLM call without trace.
fn small_store() -> Store {
    let mut store = Store::new();
    let mut t1 = Trace::new("t1", "answer", at(1_000));
    t1.session_id = Some("s".into());
    t1.tags = vec!["prod".into()];
    t1.environment = Some("staging".into());
    t1.status = Status::Completed;
    t1.ended_at = Some(at(1_500));
    store.add_trace(t1).unwrap();
    let mut call = Observation::new("g1", ObservationType::Generation, "llm", at(1_100));
    call.trace_id = Some("t1".into());
    call.model = Some("gpt-4o".into());
    call.usage = Some(Box::new(Usage::tokens(10, 5)));
    call.cost = Some(Box::new(Cost {
        total: Some(0.25),
        ..Cost::default()
    }));
    call.status = Status::Completed;
    call.ended_at = Some(at(1_900));
    store.add_observation(call).unwrap();
    let mut running = Observation::new("o1", ObservationType::Span, "step", at(900));
    running.trace_id = Some("t1".into());
    store.add_observation(running).unwrap();
    store
        .add_trace(Trace::new("t2", "lonely", at(2_000)))
        .unwrap();
    let mut loose = Observation::new("g2", ObservationType::Generation, "loose", at(3_000));
    loose.model = Some("gpt-4o".into());
    store.add_observation(loose).unwrap();
    store
}

#[test]
fn storage_every_trace_record_imported_into_an_empty_store_gives_the_same_store() {
    let mut stores = vec![("small".to_string(), small_store())];
    for name in [
        "fixtures/traces/chat-session.jsonl",
        "fixtures/traces/rag-pipeline.json",
        "fixtures/traces/nested-multi-step.json",
        "fixtures/interop/otel-js-genai.json",
        "fixtures/interop/otel-py-lines.jsonl",
        "fixtures/interop/ai-sdk-7.json",
        "fixtures/interop/langfuse-trace-download.json",
    ] {
        stores.push((name.to_string(), load(name)));
    }
    for (name, store) in stores {
        let mut again = Store::new();
        // The records reader alone (the viewer's page) reads them the same.
        let mut by_records_reader = Store::new();
        for key in keys(&store) {
            let record = jsonl::write_trace(&store, &key).unwrap();
            assert_eq!(format::detect(&record), Format::JsonLines, "{name} {key}");
            import(&mut again, &format!("{name} {key}"), &record);
            format::import_jsonl(&mut by_records_reader, &key, record.as_bytes()).unwrap();
        }
        assert_eq!(jsonl::write(&again), jsonl::write(&store), "{name}");
        assert_eq!(
            jsonl::write(&by_records_reader),
            jsonl::write(&store),
            "{name}"
        );
        assert_eq!(again.trace_count(), store.trace_count(), "{name}");
        assert_eq!(again.observation_count(), store.observation_count());
    }
}

#[test]
fn storage_a_trace_record_holds_the_header_the_trace_and_only_its_observations() {
    let store = small_store();
    let record = jsonl::write_trace(&store, "t1").unwrap();
    let lines: Vec<serde_json::Value> = record
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines[0], json!({"format": "prompttrace", "version": 1}));
    assert_eq!(lines[1]["trace"]["id"], "t1");
    let observations: Vec<&str> = lines[2..]
        .iter()
        .map(|line| line["observation"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(observations, ["o1", "g1"], "by start time");

    let loose = jsonl::write_trace(&store, jsonl::WITHOUT_TRACE).unwrap();
    assert_eq!(loose.lines().count(), 2);
    assert!(loose.contains("\"id\":\"g2\""));
    assert_eq!(jsonl::write_trace(&store, "nope"), None);
    assert_eq!(
        jsonl::write_trace(&Store::new(), jsonl::WITHOUT_TRACE),
        None
    );
}

#[test]
fn storage_index_row_is_the_layouts_json_shape() {
    let store = small_store();
    let prices = PriceTable::builtin();
    let row = |id: &str| {
        let row = IndexRow::of(&store, store.trace(id).unwrap(), &prices);
        serde_json::to_value(row).unwrap()
    };
    assert_eq!(
        row("t1"),
        json!({
            "id": "t1", "name": "answer", "session_id": "s", "user_id": null,
            "status": "completed", "started_at": 1000.0, "ended_at": 1500.0,
            "duration_ms": 500.0, "observation_count": 2, "error_count": 0, "llm_call_count": 1,
            "tokens": {"input": 10, "output": 5, "total": 15}, "cost": 0.25,
            "models": ["gpt-4o"], "tags": ["prod"], "environment": "staging",
            "first_start": 900.0, "last_end": 1900.0, "running": true,
            "by_model": [{"model": "gpt-4o", "llm_call_count": 1, "error_count": 0,
                "tokens": {"input": 10, "output": 5, "total": 15}, "cost": 0.25}],
        }),
        "the span still runs: the latest end known, and the extent is not final"
    );
    assert_eq!(
        row("t2"),
        json!({
            "id": "t2", "name": "lonely", "session_id": null, "user_id": null,
            "status": "running", "started_at": 2000.0, "ended_at": null,
            "duration_ms": null, "observation_count": 0, "error_count": 0, "llm_call_count": 0,
            "tokens": {"input": 0, "output": 0, "total": 0}, "cost": null,
            "models": [], "tags": [], "environment": null,
            "first_start": 2000.0, "last_end": null, "running": true,
            "by_model": [],
        })
    );
    // A row stored before `by_model` existed reads back without it.
    let mut old = row("t1");
    old.as_object_mut().unwrap().remove("by_model");
    let old: IndexRow = serde_json::from_value(old).unwrap();
    assert_eq!(old.by_model, None);
    // Stage 2 reads rows back from IndexedDB.
    let back: IndexRow = serde_json::from_value(row("t1")).unwrap();
    assert_eq!(
        back,
        IndexRow::of(&store, store.trace("t1").unwrap(), &prices)
    );
}

#[test]
fn storage_index_rows_carry_the_trace_figures() {
    let store = load("fixtures/traces/chat-session.jsonl");
    let prices = PriceTable::builtin();
    for entry in store.traces() {
        let row = IndexRow::of(&store, entry, &prices);
        let figures = trace_figures(&store, entry, &prices);
        assert_eq!(row.observation_count, figures.observation_count);
        assert_eq!(row.llm_call_count, figures.llm_call_count);
        assert_eq!(row.error_count, figures.error_count);
        assert_eq!(row.tokens, figures.tokens);
        assert_eq!(row.cost, figures.cost.total);
        let millis = |t: Option<Timestamp>| t.map(Timestamp::unix_millis_f64);
        assert_eq!(Some(row.first_start), millis(figures.first_start));
        assert_eq!(row.last_end, millis(figures.last_end));
        assert_eq!(row.running, figures.running_count > 0);
        assert_eq!(row.duration_ms, duration::duration_ms(entry.trace()));
        assert_eq!(
            row.running,
            figures.extent_ms().is_none(),
            "a finished trace's extent is its rows' first start to last end"
        );
        let mut models: Vec<String> = entry
            .observations()
            .iter()
            .filter_map(|o| o.model.clone())
            .collect();
        models.sort();
        models.dedup();
        assert_eq!(row.models, models);
    }
}

fn changed(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| id.to_string()).collect()
}

#[test]
fn storage_an_import_names_the_traces_it_changed_and_only_those() {
    let mut store = Store::new();
    let report = import(&mut store, "small.jsonl", &jsonl::write(&small_store()));
    assert_eq!(report.changed_traces, changed(&["t1", "t2"]));
    assert!(report.changed_without_trace);

    // Only an observation of t1 changes (the running span ends).
    let mut ended = store.observation("o1").unwrap().clone();
    (ended.status, ended.ended_at) = (Status::Completed, Some(at(1_950)));
    let update = format!(
        "{}{}",
        jsonl::header_line(),
        jsonl::observation_line(&ended)
    );
    let report = import(&mut store, "update.jsonl", &update);
    assert_eq!(report.changed_traces, changed(&["t1"]));
    assert!(!report.changed_without_trace);

    // Records that ended and are stored already change nothing.
    let chat = std::fs::read_to_string(repo_tests("fixtures/traces/chat-session.jsonl")).unwrap();
    let report = import(&mut store, "chat.jsonl", &chat);
    assert_eq!(report.changed_traces.len(), 3);
    let report = import(&mut store, "chat again.jsonl", &chat);
    assert_eq!(report.changed_traces, changed(&[]), "nothing new");
    assert!(!report.changed_without_trace);
}

#[test]
fn storage_an_otlp_file_with_more_spans_of_a_stored_trace_names_that_trace() {
    // The child arrives first (its parent missing), then the parent: the
    // second file relinks the stored child, and the trace is changed.
    let child = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708",
       "name":"late child","startTimeUnixNano":"1710408413000000000","endTimeUnixNano":"1710408414000000000"}]}]}]}"#;
    let parent = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0102030405060708","name":"request",
       "startTimeUnixNano":"1710408412000000000","endTimeUnixNano":"1710408415000000000"}]}]}]}"#;
    let other = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
      {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"other",
       "startTimeUnixNano":"1710408412000000000","endTimeUnixNano":"1710408415000000000"}]}]}]}"#;
    let mut store = Store::new();
    import(&mut store, "other.json", other);
    let report = import(&mut store, "child.json", child);
    assert_eq!(
        report.changed_traces,
        changed(&["5b8efff798038103d269b633813fc60c"])
    );
    let report = import(&mut store, "parent.json", parent);
    assert_eq!(
        report.changed_traces,
        changed(&["5b8efff798038103d269b633813fc60c"])
    );
    // The record written for it now holds the linked child.
    let record = jsonl::write_trace(&store, "5b8efff798038103d269b633813fc60c").unwrap();
    let mut again = Store::new();
    import(&mut again, "record.jsonl", &record);
    assert_eq!(
        again
            .observation("eee19b7ec3c1b174")
            .unwrap()
            .parent_id
            .as_deref(),
        Some("0102030405060708")
    );
}
