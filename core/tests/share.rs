//! Shared traces (`share::shared_lines`) on what real SDKs wrote (the
//! interop fixtures): every trace read back whole through the JSON Lines
//! import; with content dropped none of it is left, metadata copies
//! included; with metadata dropped the content stays.

mod support;

use prompttrace::format::import_jsonl;
use prompttrace::share::{shared_lines, Redaction};
use prompttrace::Store;
use support::load_interop;

const FIXTURES: [&str; 4] = [
    "ai-sdk-6.json",
    "langchain-openinference.json",
    "langfuse-js-otel.json",
    "langfuse-trace-download.json",
];

fn ids(store: &Store) -> Vec<String> {
    store
        .traces()
        .map(|entry| entry.trace().id.clone())
        .collect()
}

fn read_back(name: &str, shared: &str) -> Store {
    let mut back = Store::new();
    import_jsonl(&mut back, "shared", shared.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    back
}

#[test]
fn share_a_fixture_read_back_holds_every_record() {
    for name in FIXTURES {
        let store = load_interop(name);
        let shared = shared_lines(&store, &ids(&store), Redaction::default()).unwrap();
        let back = read_back(name, &shared);
        for entry in store.traces() {
            let copy = back.trace(&entry.trace().id).unwrap();
            assert_eq!(copy.trace(), entry.trace(), "{name}");
            assert_eq!(
                copy.observations().len(),
                entry.observations().len(),
                "{name}"
            );
            for observation in entry.observations() {
                assert_eq!(
                    back.observation(&observation.id),
                    Some(observation),
                    "{name}"
                );
            }
        }
    }
}

/// OTLP files whose spans keep content in events and attributes too.
const OTLP_FIXTURES: [&str; 4] = [
    "ai-sdk-6.json",
    "openllmetry-openai.json",
    "openinference-openai.json",
    "otel-js-genai.json",
];

/// Every string of at least a few characters under `value`, as JSON writes
/// it (escaped, unquoted): what must not be found in the shared text. Ids,
/// names, types and models (a tool call's, an exception's, a request
/// body's) are no content: they are always shared, as span attributes
/// (`error.type`), observation names and models.
fn strings_in(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) if text.chars().count() >= 12 => {
            let quoted = serde_json::to_string(text).unwrap();
            into.push(quoted[1..quoted.len() - 1].to_string());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| strings_in(v, into)),
        serde_json::Value::Object(fields) => fields
            .iter()
            .filter(|(key, _)| {
                let key = key.to_ascii_lowercase();
                !["id", "name", "type"].iter().any(|end| key.ends_with(end)) && key != "model"
            })
            .for_each(|(_, v)| strings_in(v, into)),
        _ => {}
    }
}

/// The content of a fixture: its inputs, outputs and status messages, and
/// what its spans' events held.
fn content_of(store: &Store) -> Vec<String> {
    let mut strings = Vec::new();
    let mut kept: Vec<String> = Vec::new();
    let mut add = |json: Option<&prompttrace::Json>| {
        if let Some(json) = json {
            strings_in(&json.to_value().unwrap(), &mut strings);
        }
    };
    for entry in store.traces() {
        let trace = entry.trace();
        add(trace.input.as_ref());
        add(trace.output.as_ref());
        if let Some(message) = &trace.status_message {
            add(Some(&prompttrace::Json::from(message.as_str())));
        }
        for o in entry.observations() {
            add(o.input.as_ref());
            add(o.output.as_ref());
            for text in [&o.status_message, &o.template].into_iter().flatten() {
                add(Some(&prompttrace::Json::from(text.as_str())));
            }
            if let Some(variables) = &o.variables {
                add(Some(&prompttrace::Json::new(variables)));
            }
            let events = o
                .metadata
                .as_ref()
                .and_then(|m| m.to_value().ok())
                .and_then(|m| m.get("events").cloned());
            // Their attributes (their names and times are no content).
            for event in events
                .iter()
                .flat_map(|e| e.as_array().cloned().unwrap_or_default())
            {
                add(event.get("attributes").map(prompttrace::Json::new).as_ref());
                let kind = event.pointer("/attributes/exception.type");
                kept.extend(kind.and_then(|kind| kind.as_str()).map(str::to_string));
            }
        }
    }
    // The kind of an error is always shared: a text it holds is found in
    // it ("openai.RateLimitError" holds an event's "RateLimitError").
    strings.retain(|text| !kept.iter().any(|kind| kind.contains(text.as_str())));
    strings
}

#[test]
fn share_without_content_leaves_no_input_output_or_event_content_of_a_fixture() {
    let redaction = Redaction {
        content: true,
        ..Redaction::default()
    };
    for name in FIXTURES.iter().chain(&OTLP_FIXTURES) {
        let store = load_interop(name);
        let content = content_of(&store);
        assert!(content.len() > 3, "{name}: the fixture has content to drop");
        let shared = shared_lines(&store, &ids(&store), redaction).unwrap();
        for text in &content {
            assert!(
                !shared.contains(text.as_str()),
                "{name}: {text:?} is still in the shared lines"
            );
        }
        // Metadata that is not content stays (the scope, kept parameters).
        assert!(shared.contains("\"metadata\""), "{name}");
        let back = read_back(name, &shared);
        assert_eq!(
            back.observation_count(),
            store.observation_count(),
            "{name}"
        );
    }
}

#[test]
fn share_without_metadata_keeps_the_content_of_a_fixture() {
    let redaction = Redaction {
        metadata: true,
        ..Redaction::default()
    };
    for name in FIXTURES.iter().chain(&OTLP_FIXTURES) {
        let store = load_interop(name);
        let shared = shared_lines(&store, &ids(&store), redaction).unwrap();
        let back = read_back(name, &shared);
        for entry in store.traces() {
            for observation in entry.observations() {
                let copy = back.observation(&observation.id).unwrap();
                assert_eq!(copy.metadata, None, "{name}");
                assert_eq!(copy.input, observation.input, "{name}");
                assert_eq!(copy.output, observation.output, "{name}");
            }
        }
    }
}
