//! `jsonl::write_changes`: the records written since storage last took the
//! change feed, grouped by trace. Storage merges each group over its stored
//! record, so a record this writer did not change is not written again (a
//! stale copy of it would overwrite another writer's newer one).

use prompttrace::format::{self, jsonl};
use prompttrace::Store;

fn import(store: &mut Store, text: &str) {
    format::import(store, "test", text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
}

fn lines(records: &[&str]) -> String {
    let mut text = jsonl::header_line();
    for record in records {
        text.push_str(record);
        text.push('\n');
    }
    text
}

const T1: &str = r#"{"trace":{"id":"t1","name":"chat","status":"completed","started_at":"2030-01-01T00:00:00Z","ended_at":"2030-01-01T00:00:05Z","output":"draft"}}"#;
const S1: &str = r#"{"observation":{"id":"s1","trace_id":"t1","name":"step","type":"span","status":"completed","started_at":"2030-01-01T00:00:01Z","ended_at":"2030-01-01T00:00:02Z"}}"#;
const EVAL: &str = r#"{"observation":{"id":"eval1","trace_id":"t1","name":"eval","type":"span","status":"completed","started_at":"2030-01-01T00:00:06Z","ended_at":"2030-01-01T00:00:07Z"}}"#;
const CALL: &str = r#"{"observation":{"id":"c1","name":"llm","type":"generation","status":"completed","started_at":"2030-01-01T00:00:03Z","ended_at":"2030-01-01T00:00:04Z"}}"#;

#[test]
fn only_the_records_changed_since_the_take_are_written_grouped_by_trace() {
    let mut store = Store::new();
    import(&mut store, &lines(&[T1, S1]));
    store.watch_changes();
    // A span added to a trace loaded earlier: its group holds the span only,
    // not the trace's (possibly stale) record or its other spans.
    import(&mut store, &lines(&[EVAL, CALL]));
    let changes = store.take_changes();
    let groups = jsonl::write_changes(&store, &changes);
    let ids: Vec<(String, Vec<String>)> = groups
        .iter()
        .map(|(id, text)| (id.clone(), record_ids(text)))
        .collect();
    assert_eq!(
        ids,
        vec![
            (
                jsonl::WITHOUT_TRACE.to_string(),
                vec!["observation c1".to_string()]
            ),
            ("t1".to_string(), vec!["observation eval1".to_string()]),
        ]
    );
    assert!(groups
        .iter()
        .all(|(_, text)| text.starts_with(&jsonl::header_line())));
    let none = store.take_changes();
    assert!(jsonl::write_changes(&store, &none).is_empty());
}

#[test]
fn a_group_merged_over_a_newer_stored_record_keeps_what_it_did_not_change() {
    // Tab B loaded t1 as "draft"; tab A stored "final answer" since.
    let mut b = Store::new();
    import(&mut b, &lines(&[T1]));
    b.watch_changes();
    import(&mut b, &lines(&[EVAL]));
    let changes = b.take_changes();
    let (_, group) = jsonl::write_changes(&b, &changes).remove(0);
    let newer = T1.replace("draft", "final answer");
    let mut stored = Store::new();
    import(&mut stored, &lines(&[&newer]));
    import(&mut stored, &group);
    let trace = stored.trace("t1").unwrap().trace();
    let output = serde_json::to_value(&trace.output).unwrap();
    assert_eq!(output, serde_json::json!("final answer"));
    assert!(stored.observation("eval1").is_some());
}

/// What each line of a group is: "trace ID" or "observation ID" (the header skipped).
fn record_ids(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            match value["observation"]["id"].as_str() {
                Some(id) => format!("observation {id}"),
                None => format!("trace {}", value["trace"]["id"].as_str().unwrap()),
            }
        })
        .collect()
}
