//! The `prompttrace` binary as a user runs it, on the committed fixtures.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn repo(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn fixture(name: &str) -> String {
    repo(&format!("tests/fixtures/traces/{name}"))
        .display()
        .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prompttrace"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn golden(name: &str) -> String {
    std::fs::read_to_string(repo(&format!("tests/fixtures/summaries/{name}"))).unwrap()
}

#[test]
fn cli_summary_json_is_the_core_summary() {
    for name in ["chat-session", "rag-pipeline", "nested-multi-step"] {
        let out = stdout(&run(&[
            "summary",
            &fixture(&format!("{name}.json")),
            "--json",
        ]));
        assert_eq!(out, golden(&format!("{name}.json")), "{name}");
    }
}

#[test]
fn cli_summary_text_is_a_readable_tree() {
    let out = stdout(&run(&["summary", &fixture("chat-session.jsonl")]));
    assert_eq!(out, golden("chat-session.txt"));
}

#[test]
fn cli_summary_of_several_files_merges_them() {
    let out = stdout(&run(&[
        "summary",
        "--json",
        &fixture("chat-session.json"),
        &fixture("rag-pipeline.json"),
    ]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["traces"].as_array().unwrap().len(), 4);
    assert_eq!(summary["sessions"].as_array().unwrap().len(), 2);
}

#[test]
fn cli_validate_reports_each_file_and_fails_on_a_bad_one() {
    let dir = std::env::temp_dir().join(format!("prompttrace-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.json");
    std::fs::write(
        &bad,
        "{\"format\": \"prompttrace\", \"version\": 1, \"traces\": [",
    )
    .unwrap();
    let output = run(&[
        "validate",
        &fixture("rag-pipeline.json"),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(
        out.starts_with("ok: ")
            && out.contains("rag-pipeline.json (prompttrace JSON: 1 traces, 7 observations)"),
        "{out}"
    );
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        err,
        format!(
            "error: {}:1:51: the file ends in the middle of a JSON value; is it truncated?\n",
            bad.display()
        )
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cli_convert_between_json_and_json_lines() {
    let lines = stdout(&run(&[
        "convert",
        &fixture("nested-multi-step.json"),
        "--to",
        "jsonl",
    ]));
    assert!(lines.starts_with("{\"format\":\"prompttrace\",\"version\":1}\n"));

    // Back through standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_prompttrace"))
        .args(["convert", "-", "--to", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(lines.as_bytes())
        .unwrap();
    let json = stdout(&child.wait_with_output().unwrap());
    assert_eq!(
        json,
        std::fs::read_to_string(fixture("nested-multi-step.json")).unwrap()
    );
}

#[test]
fn cli_price_overrides_apply_to_inferred_costs() {
    let dir = std::env::temp_dir().join(format!("prompttrace-prices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let prices = dir.join("prices.json");
    std::fs::write(&prices, r#"{"gpt-4": {"input": 0, "output": 0}}"#).unwrap();
    let out = stdout(&run(&[
        "summary",
        "--json",
        "--prices",
        prices.to_str().unwrap(),
        &fixture("chat-session.json"),
    ]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["traces"][0]["name"], "greeting");
    assert_eq!(summary["traces"][0]["cost"]["total"], 0.0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cli_missing_file_is_a_clear_error() {
    let output = run(&["summary", "no-such-file.json"]);
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.starts_with("error: no-such-file.json: No such file or directory"),
        "{err}"
    );
}

#[test]
fn cli_converts_to_otlp_and_reads_it_back() {
    let dir = std::env::temp_dir().join(format!("prompttrace-cli-otlp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let otlp = dir.join("rag.otlp.json");
    stdout(&run(&[
        "convert",
        &fixture("rag-pipeline.json"),
        "--to",
        "otlp",
        "-o",
        otlp.to_str().unwrap(),
    ]));
    let text = std::fs::read_to_string(&otlp).unwrap();
    assert!(text.starts_with("{\"resourceSpans\":["), "{}", &text[..40]);
    let validated = stdout(&run(&["validate", otlp.to_str().unwrap()]));
    assert!(
        validated.contains("(OTLP/JSON: 1 traces, 7 observations)"),
        "{validated}"
    );
    // The summary of the OTLP file is the summary of the original.
    assert_eq!(
        stdout(&run(&["summary", otlp.to_str().unwrap()])),
        golden("rag-pipeline.txt")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn cli_notes_spans_whose_parent_is_missing() {
    let dir = std::env::temp_dir().join(format!("prompttrace-cli-orphan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("part.json");
    std::fs::write(
        &file,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708","name":"child","startTimeUnixNano":"1710408413000000000","endTimeUnixNano":"1710408414000000000"}]}]}]}"#,
    )
    .unwrap();
    let output = run(&["summary", file.to_str().unwrap()]);
    assert!(output.status.success());
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.contains("part.json: 1 span(s) name a parent span that is not in the file"),
        "{err}"
    );
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .contains("span child  [completed]"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// `show` prints the tree with each LLM call's conversation: roles, the
/// tool calls with their arguments, the results that answer them.
#[test]
fn cli_show_prints_a_trace_as_conversations() {
    let file = repo("tests/fixtures/interop/otel-js-genai.json");
    let out = stdout(&run(&[
        "show",
        &file.display().to_string(),
        "226a79cf62ef3cfdfd444790751c79d7",
    ]));
    assert_eq!(out, golden("show-otel-js-genai.txt"));
}

#[test]
fn cli_show_names_the_file_when_the_trace_is_not_there() {
    let output = run(&["show", &fixture("chat-session.json"), "nope"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("chat-session.json: no trace with id nope"),
        "{stderr}"
    );
}

#[test]
fn cli_diff_aligns_two_ai_sdk_runs_and_marks_what_changed() {
    let file = repo("tests/fixtures/interop/ai-sdk-6.json");
    let file = file.display().to_string();
    let (a, b) = (
        "29b234128478652a96dff4d4ebcb0345",
        "119f918b0cd4e4fd9e7801bfbc878d87",
    );
    let out = stdout(&run(&["diff", &file, a, b]));
    for expected in [
        "steps: 3 changed, 4 added, 6 removed, 0 same",
        "~ span POST /api/chat → POST /api/chat/stream",
        "  ~ span chat-support:ai.generateText  1262.0 ms → 35.0 ms (-1227.0 ms)",
        "    - tool lookupOrder  [completed]",
        "        + status message: Rate limit reached for gpt-4o-mini",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["diff", "--json", &file, a, b]))).unwrap();
    assert_eq!(json["a"]["id"], a);
    assert_eq!(json["steps"][0]["change"], "changed");
    assert_eq!(json["b"]["error_count"], 3);
    let missing = run(&["diff", &file, a, "nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no trace with id nope"));
}
