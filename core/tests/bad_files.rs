//! The bad-file suite: every file under `tests/bad-files/` is a malformed
//! trace file, named after what is wrong with it. Importing one into a store
//! that already holds data must fail with exactly the message below (file,
//! `line:column` where known, one sentence) and leave the store unchanged.
//!
//! Each row is also its own test, `bad_file_<what>`, so a failure names the
//! file. A few files are hostile but valid (`HOSTILE`): they must import,
//! and stay bounded.

use std::path::PathBuf;

use prompttrace::format;
use prompttrace::Store;

fn repo_tests() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

fn bad_files_dir() -> PathBuf {
    repo_tests().join("bad-files")
}

/// A store already holding data: the chat-session fixture.
fn loaded_store() -> Store {
    let path = repo_tests().join("fixtures/traces/chat-session.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut store = Store::new();
    format::import(&mut store, "chat-session.json", &bytes).expect("the fixture imports");
    assert!(!store.is_empty());
    store
}

/// Imports `tests/bad-files/<name>` into a loaded store: it must fail with
/// exactly `expected` and change nothing.
fn check(name: &str, expected: &str) {
    let path = bad_files_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: cannot read: {e}"));
    let mut store = loaded_store();
    let before = store.clone();
    match format::import(&mut store, name, &bytes) {
        Ok(report) => panic!("{name}: the import succeeded ({report:?}); expected: {expected}"),
        Err(error) => assert_eq!(error.to_string(), expected, "{name}: wrong error text"),
    }
    assert!(
        store == before,
        "{name}: the failed import changed the store"
    );
}

/// Declares the table (`table()`) and one `#[test]` per row.
macro_rules! bad_files {
    ($($test:ident: $file:literal => $expected:expr;)*) => {
        fn table() -> Vec<(&'static str, String)> {
            vec![$(($file, String::from($expected))),*]
        }
        $(
            #[test]
            fn $test() {
                check($file, &String::from($expected));
            }
        )*
    };
}

bad_files! {
    // --- Not a trace file at all ---
    bad_file_empty: "empty.json" =>
        "empty.json: the file is empty";
    bad_file_whitespace_only: "whitespace-only.json" =>
        "whitespace-only.json: the file is empty";
    bad_file_truncated: "truncated.json" =>
        "truncated.json:14:18: the file ends in the middle of a JSON value; is it truncated?";
    bad_file_unclosed_string: "unclosed-string.json" =>
        r#"unclosed-string.json:7:21: at traces[0].name: the text in quotes is not closed before the end of the line (or holds a raw control character)"#;
    bad_file_not_json: "not-json.json" =>
        r#"not-json.json:1:1: the file holds text that is not JSON; a prompttrace file is an object {"format": "prompttrace", "version": 1, …}"#;
    bad_file_top_level_array: "top-level-array.json" =>
        r#"top-level-array.json:1:1: the file holds a JSON array; a prompttrace file is an object {"format": "prompttrace", "version": 1, …}"#;
    bad_file_trailing_text: "trailing-text.json" =>
        r#"trailing-text.json:6:1: there is more text after the end of the JSON value"#;
    // Latin-1 "café": the é is the byte 0xE9 at line 7, column 19.
    bad_file_not_utf8: "not-utf8.json" =>
        r#"not-utf8.json:7:19: the file is not UTF-8 text (invalid bytes from 0xE9 on; is it Latin-1 or UTF-16?)"#;

    // --- Header ---
    bad_file_missing_format: "missing-format.json" =>
        "missing-format.json:1:1: this is not a prompttrace file: it has no \"format\": \"prompttrace\"";
    bad_file_other_format: "other-format.json" =>
        "other-format.json:1:1: this is a \"langfuse\" file, not a prompttrace file";
    bad_file_format_is_number: "format-is-number.json" =>
        r#"format-is-number.json:1:1: "format" must be "prompttrace", not 7"#;
    bad_file_version_2: "version-2.json" =>
        "version-2.json:1:1: the file is version 2, but this build of prompttrace reads version 1";
    bad_file_missing_version: "missing-version.json" =>
        "missing-version.json:1:1: the file has no \"version\" number; this build reads version 1";

    // --- Fields of the wrong type or value ---
    bad_file_name_is_number: "name-is-number.json" =>
        "name-is-number.json:7:16: at traces[0].name: invalid type: integer `42`, expected text in quotes";
    bad_file_missing_started_at: "missing-started-at.json" =>
        "missing-started-at.json:9:5: at traces[0]: missing field `started_at`";
    bad_file_bad_timestamp: "bad-timestamp.json" =>
        r#"bad-timestamp.json:9:41: at traces[0].started_at: "2024-05-01 12:00:00" is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00.250+02:00"#;
    bad_file_unknown_observation_type: "unknown-observation-type.json" =>
        r#"unknown-observation-type.json:18:19: at observations[0].type: unknown observation type "llm"; expected one of span, generation, event, agent, tool, chain, retriever, embedding, evaluator, guardrail"#;
    bad_file_unknown_status: "unknown-status.json" =>
        "unknown-status.json:19:22: at observations[0].status: unknown variant `done`, expected one of `running`, `completed`, `error`";
    bad_file_negative_usage_tokens: "negative-usage-tokens.json" =>
        "negative-usage-tokens.json:22:42: at observations[0].usage.output: invalid value: integer `-5`, expected a whole number of at least 0";
    bad_file_fractional_usage_tokens: "fractional-usage-tokens.json" =>
        "fractional-usage-tokens.json:22:30: at observations[0].usage.input: invalid type: floating point `12.5`, expected a whole number of at least 0";
    bad_file_negative_cost: "negative-cost.json" =>
        "negative-cost.json:14:5: observation \"o1\" has a cost.output of -0.002; costs must be finite and not negative";
    bad_file_string_cost: "string-cost.json" =>
        "string-cost.json:22:30: at observations[0].cost.total: invalid type: string \"NaN\", expected a number";
    bad_file_infinite_cost: "infinite-cost.json" =>
        r#"infinite-cost.json:22:30: at observations[0].cost.total: the number is too large to represent"#;

    bad_file_id_too_long: "id-too-long.json" =>
        r#"id-too-long.json:5:5: the id of trace "tttttttttttttttttttttttttttttttttttttttt…" is 5000 bytes long; the limit is 200"#;
    bad_file_name_too_long: "name-too-long.json" =>
        r#"name-too-long.json:5:5: the name of trace "t1" is 50000 bytes long; the limit is 1000"#;
    bad_file_empty_id: "empty-id.json" =>
        "empty-id.json:5:5: trace \"\" has an empty id";
    bad_file_metadata_too_deep: "metadata-too-deep.json" =>
        r#"metadata-too-deep.json:12:5: at traces[0].metadata: the JSON is nested more than 128 levels deep"#;
    bad_file_observations_too_deep: "observations-too-deep.json" =>
        "observations-too-deep.json:270:5: observation \"o257\" is nested more than 256 levels deep";

    // --- Lifecycle ---
    bad_file_end_before_start: "end-before-start.json" =>
        "end-before-start.json:14:5: observation \"o1\" cannot end at 2024-05-01T12:00:00.200Z, before it started at 2024-05-01T12:00:00.500Z";
    bad_file_trace_end_before_start: "trace-end-before-start.json" =>
        "trace-end-before-start.json:5:5: trace \"t1\" cannot end at 2024-05-01T12:00:00Z, before it started at 2024-05-01T12:00:01Z";
    bad_file_completed_without_ended_at: "completed-without-ended-at.json" =>
        "completed-without-ended-at.json:14:5: observation \"o1\" is completed but has no ended_at; an ended item needs its end time";
    bad_file_running_with_ended_at: "running-with-ended-at.json" =>
        "running-with-ended-at.json:14:5: observation \"o1\" is running but has an ended_at; set its status to completed or error";

    // --- Structure ---
    bad_file_cycle: "cycle.json" =>
        "cycle.json:14:5: observation \"o1\" is its own ancestor: following parents from it comes back to it";
    bad_file_self_parent: "self-parent.json" =>
        "self-parent.json:14:5: observation \"o1\" is its own ancestor: following parents from it comes back to it";
    bad_file_cycle_through_loaded: "cycle-through-loaded.json" =>
        r#"cycle-through-loaded.json:15:5: observation "491718de-357e-4da8-8b43-5c8e74616796" is its own ancestor: following parents from it comes back to it"#;
    bad_file_unknown_parent: "unknown-parent.json" =>
        "unknown-parent.json:23:5: observation \"o2\" names parent \"o9\", which is neither in this file nor already loaded";
    bad_file_unknown_trace: "unknown-trace.json" =>
        "unknown-trace.json:14:5: observation \"o1\" belongs to trace \"t9\", which is neither in this file nor already loaded";
    bad_file_parent_in_other_trace: "parent-in-other-trace.json" =>
        "parent-in-other-trace.json:30:5: observation \"o2\" in trace \"t2\" names parent \"o1\", which belongs to trace \"t1\"";
    bad_file_parent_has_no_trace: "parent-has-no-trace.json" =>
        r#"parent-has-no-trace.json:22:5: observation "o2" in trace "t1" names parent "o1", which belongs to no trace"#;
    bad_file_parent_without_trace: "parent-without-trace.json" =>
        "parent-without-trace.json:22:5: observation \"o2\" has no trace, so it cannot have a parent (\"o1\")";
    bad_file_duplicate_trace_id: "duplicate-trace-id.json" =>
        "duplicate-trace-id.json:12:5: trace \"t1\" appears twice in this file; each id may appear once";
    bad_file_duplicate_observation_id: "duplicate-observation-id.json" =>
        "duplicate-observation-id.json:23:5: observation \"o1\" appears twice in this file; each id may appear once";
    bad_file_moves_loaded_observation: "moves-loaded-observation.json" =>
        "moves-loaded-observation.json:14:5: observation \"f893a2ee-fb32-455e-b1c1-8690ee42c90b\" already belongs to trace \"910a2dec-8902-4cc1-beeb-8da1658eec67\", so it cannot move to trace \"t1\"";

    // --- JSON Lines ---
    bad_file_jsonl_no_header: "jsonl-no-header.jsonl" =>
        "jsonl-no-header.jsonl:1:1: a JSON Lines trace file starts with the line {\"format\":\"prompttrace\",\"version\":1}";
    bad_file_jsonl_bad_line: "jsonl-bad-line.jsonl" =>
        "jsonl-bad-line.jsonl:4:211: at observation.usage.output: invalid type: string \"seven\", expected a whole number of at least 0";
    bad_file_jsonl_truncated_line: "jsonl-truncated-line.jsonl" =>
        r#"jsonl-truncated-line.jsonl:4:157: line 4 ends in the middle of a JSON value; in JSON Lines each record is on one line"#;
    bad_file_jsonl_trailing_text: "jsonl-trailing-text.jsonl" =>
        r#"jsonl-trailing-text.jsonl:3:128: there is more text after the end of the JSON value"#;
    bad_file_jsonl_line_is_array: "jsonl-line-is-array.jsonl" =>
        r#"jsonl-line-is-array.jsonl:3:1: each line holds one record: {"trace": …} or {"observation": …}"#;
    bad_file_jsonl_trace_and_observation: "jsonl-trace-and-observation.jsonl" =>
        "jsonl-trace-and-observation.jsonl:3:1: each line holds one record: {\"trace\": …} or {\"observation\": …}";
    bad_file_jsonl_moved_trace: "jsonl-moved-trace.jsonl" =>
        "jsonl-moved-trace.jsonl:5:1: observation \"o1\" already belongs to trace \"t1\", so it cannot move to trace \"t2\"";
    bad_file_jsonl_moves_loaded_observation: "jsonl-moves-loaded-observation.jsonl" =>
        "jsonl-moves-loaded-observation.jsonl:3:1: observation \"6f9b6dae-6f4c-47a8-aac2-ce17a5794a3b\" already belongs to trace \"7476cf8a-4baa-4dc0-87b3-41d690d7a28a\", so it cannot move to trace \"t2\"";
    // CRLF line ends; a second header (concatenated files) of version 2.
    bad_file_jsonl_version_2_header: "jsonl-version-2-header.jsonl" =>
        "jsonl-version-2-header.jsonl:3:1: the file is version 2, but this build of prompttrace reads version 1";

    // --- OTLP/JSON and Langfuse files ---
    bad_file_langfuse_bad_timestamp: "langfuse-bad-timestamp.json" =>
        r#"langfuse-bad-timestamp.json:4:28: at trace.timestamp: "yesterday" is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z or 2024-05-01T14:00:00.250+02:00"#;
    bad_file_langfuse_missing_start_time: "langfuse-missing-start-time.json" =>
        r#"langfuse-missing-start-time.json:13:5: at observations[0]: missing field `startTime`"#;
    bad_file_langfuse_unknown_parent: "langfuse-unknown-parent.json" =>
        r#"langfuse-unknown-parent.json:6:5: observation "o1" names parent "nope", which is neither in this file nor already loaded"#;
    bad_file_otlp_end_before_start: "otlp-end-before-start.json" =>
        r#"otlp-end-before-start.json:36:13: observation "aaa19b7ec3c1b174" cannot end at 2024-03-14T09:26:53.400Z, before it started at 2024-03-14T09:26:53.500Z"#;
    bad_file_otlp_int_value_not_a_number: "otlp-int-value-not-a-number.json" =>
        r#"otlp-int-value-not-a-number.json:31:40: at resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: "twelve" is not a whole number"#;
    bad_file_otlp_lines_bad_kind: "otlp-lines-bad-kind.jsonl" =>
        r#"otlp-lines-bad-kind.jsonl:3:263: at resourceSpans[0].scopeSpans[0].spans[0].kind: unknown span kind 9; expected one of SPAN_KIND_UNSPECIFIED (0), SPAN_KIND_INTERNAL (1), SPAN_KIND_SERVER (2), SPAN_KIND_CLIENT (3), SPAN_KIND_PRODUCER (4), SPAN_KIND_CONSUMER (5)"#;
    bad_file_otlp_no_spans: "otlp-no-spans.json" =>
        r#"otlp-no-spans.json: the OTLP file holds no spans"#;
    bad_file_otlp_no_times: "otlp-no-times.json" =>
        r#"otlp-no-times.json:20:13: the span has neither startTimeUnixNano nor endTimeUnixNano"#;
    bad_file_otlp_span_id_wrong_length: "otlp-span-id-wrong-length.json" =>
        r#"otlp-span-id-wrong-length.json:22:34: at resourceSpans[0].scopeSpans[0].spans[0].spanId: the span id "7hmbfsPB" is not 8 bytes: OTLP writes it as 16 hex digits (or 12 base64 characters)"#;
    bad_file_otlp_spans_not_a_list: "otlp-spans-not-a-list.json" =>
        r#"otlp-spans-not-a-list.json:19:19: at resourceSpans[0].scopeSpans[0].spans: invalid type: map, expected a sequence"#;
    bad_file_otlp_time_not_a_number: "otlp-time-not-a-number.json" =>
        r#"otlp-time-not-a-number.json:25:46: at resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: "yesterday" is not a whole number"#;
    bad_file_otlp_trace_id_wrong_length: "otlp-trace-id-wrong-length.json" =>
        r#"otlp-trace-id-wrong-length.json:21:51: at resourceSpans[0].scopeSpans[0].spans[0].traceId: the trace id "5b8efff798038103d269b633" is not 16 bytes: OTLP writes it as 32 hex digits (or 24 base64 characters)"#;
    bad_file_otlp_truncated: "otlp-truncated.json" =>
        r#"otlp-truncated.json:30:17: the file ends in the middle of a JSON value; is it truncated?"#;
    bad_file_otlp_unknown_span_kind: "otlp-unknown-span-kind.json" =>
        r#"otlp-unknown-span-kind.json:24:42: at resourceSpans[0].scopeSpans[0].spans[0].kind: unknown span kind "SPAN_KIND_SIDEWAYS"; expected one of SPAN_KIND_UNSPECIFIED (0), SPAN_KIND_INTERNAL (1), SPAN_KIND_SERVER (2), SPAN_KIND_CLIENT (3), SPAN_KIND_PRODUCER (4), SPAN_KIND_CONSUMER (5)"#;
    bad_file_otlp_unknown_status_code: "otlp-unknown-status-code.json" =>
        r#"otlp-unknown-status-code.json:36:25: at resourceSpans[0].scopeSpans[0].spans[0].status.code: unknown status code 7; expected one of STATUS_CODE_UNSET (0), STATUS_CODE_OK (1), STATUS_CODE_ERROR (2)"#;
    bad_file_otlp_zero_trace_id: "otlp-zero-trace-id.json" =>
        r#"otlp-zero-trace-id.json:21:59: at resourceSpans[0].scopeSpans[0].spans[0].traceId: the trace id is all zeros, which OTLP forbids"#;
}

/// Hostile files that are valid: they import, and what they build stays
/// in proportion to their size.
type Bounded = fn(&Store);

const HOSTILE: [(&str, Bounded); 1] = [(
    // 200 attributes of ~25 bytes like `gen_ai.prompt.7.10000`: an index of
    // 10,000 once made each an array of 10,001 values (2 million in all).
    "otlp-flattened-index-10000.json",
    |store| {
        let span = store
            .observation("eee19b7ec3c1b174")
            .expect("the span is kept");
        let input = span.input.as_ref().expect("the prompt is rebuilt").as_str();
        assert!(input.len() < 20_000, "the input is {} bytes", input.len());
        assert!(input.starts_with(r#"[{"10000":"x"}"#), "{}", &input[..40]);
    },
)];

#[test]
fn bad_file_hostile_files_stay_bounded() {
    for (name, check) in HOSTILE {
        let bytes = std::fs::read(bad_files_dir().join(name)).unwrap();
        let mut store = loaded_store();
        format::import(&mut store, name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&store);
    }
}

#[test]
fn bad_files_every_file_is_in_the_table() {
    let table = table();
    let mut listed: Vec<&str> = table.iter().map(|(name, _)| *name).collect();
    listed.extend(HOSTILE.iter().map(|(name, _)| *name));
    listed.sort_unstable();
    let before = listed.len();
    listed.dedup();
    assert_eq!(listed.len(), before, "a file is listed twice in the table");

    let mut on_disk: Vec<String> = std::fs::read_dir(bad_files_dir())
        .expect("tests/bad-files exists")
        .map(|entry| {
            let entry = entry.unwrap();
            let size = entry.metadata().unwrap().len();
            let name = entry.file_name().into_string().expect("UTF-8 file name");
            assert!(
                size < 64 * 1024,
                "{name} is {size} bytes; keep bad files under 64 KB"
            );
            name
        })
        .collect();
    on_disk.sort_unstable();

    let missing: Vec<&String> = on_disk
        .iter()
        .filter(|name| !listed.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "files in tests/bad-files/ without a row in the table: {missing:?}"
    );
    let stale: Vec<&&str> = listed
        .iter()
        .filter(|name| !on_disk.iter().any(|f| f == **name))
        .collect();
    assert!(
        stale.is_empty(),
        "rows in the table without a file in tests/bad-files/: {stale:?}"
    );
    assert!(
        on_disk.len() >= 20,
        "only {} bad files; the suite wants at least 20",
        on_disk.len()
    );
}
