//! Shared traces (`share::shared_lines`) on what real SDKs wrote (the
//! interop fixtures): every trace read back whole through the JSON Lines
//! import, and with content and metadata dropped none of either is left.

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

#[test]
fn share_without_content_leaves_no_input_or_output_of_a_fixture() {
    let redaction = Redaction {
        content: true,
        metadata: true,
    };
    for name in FIXTURES {
        let store = load_interop(name);
        let had_content = store
            .traces()
            .flat_map(|entry| entry.observations())
            .any(|o| o.input.is_some() || o.output.is_some());
        assert!(had_content, "{name}: the fixture has content to drop");
        let shared = shared_lines(&store, &ids(&store), redaction).unwrap();
        for line in shared.lines().skip(1) {
            let record: serde_json::Value = serde_json::from_str(line).unwrap();
            let fields = record
                .get("trace")
                .or_else(|| record.get("observation"))
                .and_then(|r| r.as_object())
                .unwrap();
            for key in [
                "input",
                "output",
                "metadata",
                "status_message",
                "template",
                "variables",
            ] {
                assert!(!fields.contains_key(key), "{name}: {key} left in {line}");
            }
        }
        let back = read_back(name, &shared);
        assert_eq!(
            back.observation_count(),
            store.observation_count(),
            "{name}"
        );
    }
}
