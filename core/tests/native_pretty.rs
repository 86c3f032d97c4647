//! `format::native::write` pretty-prints by hand (`format/pretty.rs`, so
//! the wasm carries one serializer a record type): it must give the bytes
//! serde_json's pretty printer gives, for every fixture and the edges.

use std::path::{Path, PathBuf};

use prompttrace::format::{self, native};
use prompttrace::model::{Observation, Trace};
use prompttrace::Store;
use serde::Serialize;

/// What `write` gave when it called `to_string_pretty`: the oracle.
fn pretty(store: &Store) -> String {
    #[derive(Serialize)]
    struct Document<'s> {
        format: &'static str,
        version: u32,
        traces: Vec<&'s Trace>,
        observations: Vec<&'s Observation>,
    }
    let entries = store.traces_in_order();
    let mut observations = Vec::new();
    for entry in &entries {
        observations.extend(entry.observations_in_order());
    }
    observations.extend(store.observations_without_trace_in_order());
    let document = Document {
        format: "prompttrace",
        version: 1,
        traces: entries.iter().map(|entry| entry.trace()).collect(),
        observations,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("model types serialize");
    text.push('\n');
    text
}

fn files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures are there") {
        let path = entry.expect("a fixture").path();
        if path.is_dir() {
            files(&path, found);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "jsonl")
        ) {
            found.push(path);
        }
    }
}

#[test]
fn write_gives_the_bytes_serde_json_pretty_prints_for_every_fixture() {
    let mut found = Vec::new();
    files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures"),
        &mut found,
    );
    let mut compared = 0;
    for path in found {
        let bytes = std::fs::read(&path).expect("readable");
        let mut store = Store::new();
        let name = path.display().to_string();
        if format::import(&mut store, &name, &bytes).is_err() {
            continue; // a bad file, for the error tests
        }
        assert_eq!(native::write(&store), pretty(&store), "{name}");
        compared += 1;
    }
    assert!(compared > 20, "only {compared} fixtures read");
}

#[test]
fn write_keeps_payloads_as_they_are_and_indents_the_rest() {
    // Payloads nest, hold brackets and commas in strings, and are empty;
    // parameters, variables and usage are objects serde_json indents.
    let text = r#"{"format":"prompttrace","version":1,"traces":[{"id":"t","name":"a \"q\" , ]}","status":"completed","started_at":"2024-01-01T00:00:00Z","ended_at":"2024-01-01T00:00:01Z","input":{"a":[1,{"b":"}],"}],"c":{}},"output":[],"metadata":{"k":{"x":[]}},"tags":["x","y"]}],"observations":[{"id":"o","trace_id":"t","name":"g","type":"generation","status":"completed","started_at":"2024-01-01T00:00:00Z","ended_at":"2024-01-01T00:00:01Z","input":"é\u0001","model":"m","model_parameters":{"temperature":0.5,"stop":["\n"],"nested":{}},"usage":{"input":3,"output":4},"variables":{"v":[1,2]}}]}"#;
    let mut store = Store::new();
    format::import(&mut store, "edge.json", text.as_bytes()).expect("a valid file");
    let written = native::write(&store);
    assert_eq!(written, pretty(&store));
    assert!(
        written.contains(r#""input": {"a":[1,{"b":"}],"}],"c":{}}"#),
        "{written}"
    );
    assert_eq!(native::write(&Store::new()), pretty(&Store::new()));
}
