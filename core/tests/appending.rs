//! JSON Lines written by appending (the npm package's file storage): each
//! record's later state merges over the earlier one, files of several
//! writers concatenate, and a line a crash cut short is skipped with a
//! warning instead of refusing the file.

use prompttrace::format::{self, jsonl};
use prompttrace::model::{Observation, ObservationType, Status, Trace};
use prompttrace::store::End;
use prompttrace::{Store, Timestamp};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_nanos(ms * 1_000_000)
}

/// What a writer appends while recording trace `id`: its records as each
/// starts and as each ends.
fn appended(id: &str, last_byte: Option<u8>) -> String {
    let mut store = Store::new();
    let mut text = jsonl::append_start(last_byte);
    let trace = Trace::new(id, "chat", at(0));
    text += &jsonl::trace_line(&trace);
    store.add_trace(trace).unwrap();
    let mut span = Observation::new(format!("{id}.s"), ObservationType::Generation, "llm", at(1));
    span.trace_id = Some(id.to_string());
    text += &jsonl::observation_line(&span);
    store.add_observation(span).unwrap();
    store
        .end_observation(
            &format!("{id}.s"),
            at(2),
            End::completed().output("héllo wörld"),
        )
        .unwrap();
    text += &jsonl::observation_line(store.observation(&format!("{id}.s")).unwrap());
    store.end_trace(id, at(3), End::completed()).unwrap();
    text += &jsonl::trace_line(store.trace(id).unwrap().trace());
    text
}

fn import(name: &str, bytes: &[u8]) -> (Store, Vec<String>) {
    let mut store = Store::new();
    let report = format::import(&mut store, name, bytes).unwrap_or_else(|e| panic!("{e}"));
    (store, report.warnings)
}

fn statuses(store: &Store) -> Vec<(String, Status, Status)> {
    store
        .traces_in_order()
        .iter()
        .map(|entry| {
            let span = entry.observations_in_order()[0].status;
            (entry.trace().id.clone(), entry.trace().status, span)
        })
        .collect()
}

#[test]
fn appending_later_records_of_an_id_update_it() {
    let (store, warnings) = import("log.jsonl", appended("t1", None).as_bytes());
    assert!(warnings.is_empty());
    assert_eq!(
        statuses(&store),
        [("t1".to_string(), Status::Completed, Status::Completed)]
    );
    assert_eq!(store.observation_count(), 1);
}

#[test]
fn appending_two_writers_concatenate() {
    let first = appended("t1", None);
    let both = first.clone() + &appended("t2", first.bytes().last());
    let (store, warnings) = import("log.jsonl", both.as_bytes());
    assert!(warnings.is_empty());
    assert_eq!(store.trace_count(), 2);
}

#[test]
fn appending_a_last_line_cut_short_is_skipped_with_a_warning() {
    let whole = appended("t1", None);
    let last_start = whole.trim_end().rfind('\n').unwrap() + 1;
    // Cut inside the last record, at every byte: the earlier records are
    // all kept.
    for cut in last_start + 1..whole.len() - 1 {
        let bytes = &whole.as_bytes()[..cut];
        let (store, warnings) = import("log.jsonl", bytes);
        assert_eq!(
            warnings,
            ["log.jsonl:5:1: line 5 was cut short (a write stopped by a crash?) and is skipped"],
            "cut at {cut}"
        );
        assert_eq!(
            statuses(&store),
            [("t1".to_string(), Status::Running, Status::Completed)]
        );
    }
    // Cut inside the output's "ö" of the observation's end (line 4): its
    // start (line 3) stays.
    let o = whole.find('ö').unwrap() + 1;
    let (store, warnings) = import("log.jsonl", &whole.as_bytes()[..o]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("log.jsonl:4:1: line 4 was cut short"));
    assert_eq!(
        statuses(&store),
        [("t1".to_string(), Status::Running, Status::Running)]
    );
}

#[test]
fn appending_after_a_crash_starts_on_a_new_line_and_the_cut_line_is_skipped() {
    let whole = appended("t1", None);
    let cut = whole.find('ö').unwrap() + 1; // mid-character, line 4
    let mut bytes = whole.as_bytes()[..cut].to_vec();
    bytes.extend_from_slice(appended("t2", bytes.last().copied()).as_bytes());
    let (store, warnings) = import("log.jsonl", &bytes);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("log.jsonl:4:1: line 4 was cut short"));
    assert_eq!(
        statuses(&store),
        [
            ("t1".to_string(), Status::Running, Status::Running),
            ("t2".to_string(), Status::Completed, Status::Completed)
        ]
    );
}

#[test]
fn appending_a_broken_line_with_records_after_it_still_refuses_the_file() {
    let whole = appended("t1", None);
    let line3 = whole.match_indices('\n').nth(2).unwrap().0;
    let broken = format!("{}{}", &whole[..line3 - 10], &whole[line3..]);
    let mut store = Store::new();
    let error = format::import(&mut store, "log.jsonl", broken.as_bytes()).unwrap_err();
    assert!(error.to_string().starts_with("log.jsonl:3:"), "{error}");
    assert!(store.is_empty());
}

#[test]
fn appending_start_adds_a_newline_only_when_the_file_lacks_one() {
    let header = jsonl::header_line();
    assert_eq!(jsonl::append_start(None), header);
    assert_eq!(jsonl::append_start(Some(b'\n')), header);
    assert_eq!(jsonl::append_start(Some(b'"')), format!("\n{header}"));
}

/// A live reader (`npx prompttrace view`) takes a file in parts, each
/// ending after a whole line: the parts after the first have no header,
/// and what they refuse is named by its line in the whole file.
#[test]
fn lines_read_in_parts_as_appended_merge_and_name_their_line_in_the_file() {
    let text = appended("t1", None);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut store = Store::new();
    format::import_jsonl(&mut store, "live.jsonl", lines[..3].concat().as_bytes()).unwrap();
    assert_eq!(
        statuses(&store),
        [("t1".into(), Status::Running, Status::Running)]
    );
    let rest = lines[3..].concat();
    let report = format::import_jsonl_from(&mut store, "live.jsonl", rest.as_bytes(), 4).unwrap();
    assert_eq!(report.changed_traces.iter().collect::<Vec<_>>(), ["t1"]);
    assert_eq!(
        statuses(&store),
        [("t1".into(), Status::Completed, Status::Completed)]
    );

    let error = format::import_jsonl_from(&mut store, "live.jsonl", b"{\"trace\": 3}\n", 41)
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("live.jsonl:41:"), "{error}");
    // A part cut short at its end (a crash) is skipped as in a whole file.
    let report =
        format::import_jsonl_from(&mut store, "live.jsonl", b"{\"trace\":{\"id\"", 7).unwrap();
    assert!(
        report.warnings[0].contains("line 7 was cut short"),
        "{:?}",
        report.warnings
    );
}
