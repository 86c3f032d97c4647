//! A whole store exported a part at a time (the viewer's worker writes
//! "Export" that way, a page of stored records after another, so that no
//! text of a million spans is ever held at once) reads back as the store.

mod support;

use prompttrace::format::{self, jsonl, native, otlp};
use prompttrace::Store;
use support::{load_interop, scenarios};

/// The store as browser storage keeps it: one JSON Lines record per trace
/// and one of the calls without a trace, each read into a store of its own.
fn records(store: &Store) -> Vec<Store> {
    let mut keys: Vec<String> = store.traces().map(|e| e.trace().id.clone()).collect();
    keys.push(jsonl::WITHOUT_TRACE.to_string());
    keys.iter()
        .filter_map(|key| jsonl::write_trace(store, key))
        .map(|text| {
            let mut part = Store::new();
            format::import_jsonl(&mut part, "record", text.as_bytes()).unwrap();
            part
        })
        .collect()
}

fn stores() -> Vec<(String, Store)> {
    let mut stores: Vec<(String, Store)> = scenarios::all()
        .into_iter()
        .map(|s| (s.name.to_string(), s.store))
        .collect();
    for name in [
        "ai-sdk-6-two-runs.json",
        "langchain-openinference.json",
        "otel-js-genai.json",
        "langfuse-api-trace.json",
    ] {
        stores.push((name.to_string(), load_interop(name)));
    }
    stores
}

fn read_back(name: &str, text: &str) -> Store {
    let mut back = Store::new();
    format::import(&mut back, name, text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    back
}

#[test]
fn json_lines_in_parts_read_back_as_the_store() {
    for (name, store) in stores() {
        let mut file = jsonl::header_line();
        for part in records(&store) {
            file.push_str(&jsonl::write_records(&part));
        }
        // The same lines as the whole store's file, in another order.
        let whole = jsonl::write(&store);
        let mut whole: Vec<&str> = whole.lines().collect();
        let mut lines: Vec<&str> = file.lines().collect();
        whole.sort_unstable();
        lines.sort_unstable();
        assert_eq!(lines, whole, "{name}");
        let back = read_back(&name, &file);
        assert_eq!(native::write(&back), native::write(&store), "{name}");
    }
}

#[test]
fn an_otlp_request_in_parts_reads_back_as_the_whole_request_does() {
    for (name, store) in stores() {
        let parts: Vec<String> = records(&store).iter().map(otlp::write_part).collect();
        let file = format!(
            "{}{}{}",
            otlp::REQUEST_START,
            parts.join(","),
            otlp::REQUEST_END
        );
        assert_eq!(format::detect(&file), format::Format::Otlp, "{name}");
        let whole = read_back(&name, &otlp::write(&store));
        let back = read_back(&name, &file);
        assert_eq!(native::write(&back), native::write(&whole), "{name}");
        assert_eq!(
            back.traces().count(),
            store.traces().count(),
            "{name}: every trace"
        );
    }
}

#[test]
fn an_export_of_nothing_in_parts_is_the_whole_export_of_nothing() {
    let empty = Store::new();
    let lines = jsonl::header_line() + &jsonl::write_records(&empty);
    assert_eq!(lines, jsonl::write(&empty));
    read_back("empty.jsonl", &lines);
    // An OTLP file of no spans is refused on reading (core's rule), in
    // parts as whole.
    let parts = format!(
        "{}{}{}",
        otlp::REQUEST_START,
        otlp::write_part(&empty),
        otlp::REQUEST_END
    );
    let mut back = Store::new();
    let error = format::import(&mut back, "empty.json", parts.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("no spans"), "{error}");
}
