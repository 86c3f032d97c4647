//! `docs/trace-file.schema.json` is a valid draft 2020-12 JSON Schema, every
//! committed native fixture (`tests/fixtures/traces/*.json`) conforms to it,
//! every line of the JSON Lines fixtures (`*.jsonl`) conforms to its line
//! shape under `$defs`, and a document the reader rejects (a wrong version,
//! a negative token count) fails it too.

use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::{Validator, ValidatorMap};
use serde_json::{json, Value};

fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn schema() -> Value {
    read_json(&tests_dir().join("../docs/trace-file.schema.json"))
}

/// A validator for the root and for each `$defs` entry, keyed `#/$defs/…`.
fn validators() -> ValidatorMap {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build_map(&schema())
        .expect("the schema compiles")
}

/// Every `*.{extension}` file under `tests/fixtures/traces`, sorted.
fn fixtures(extension: &str) -> Vec<PathBuf> {
    let dir = tests_dir().join("fixtures/traces");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no *.{extension} fixtures in {}",
        dir.display()
    );
    paths
}

fn assert_valid(validator: &Validator, instance: &Value, what: &str) {
    let errors = validator.iter_errors(instance).into_errors();
    assert!(
        errors.is_empty(),
        "{what} does not match the schema:\n{errors}"
    );
}

#[test]
fn schema_is_a_valid_draft_2020_12_schema() {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::meta::validate(&schema).unwrap();
}

#[test]
fn schema_accepts_every_json_fixture() {
    let validators = validators();
    for path in fixtures("json") {
        assert_valid(
            &validators["#"],
            &read_json(&path),
            &path.display().to_string(),
        );
    }
}

#[test]
fn schema_accepts_every_json_lines_line() {
    let validators = validators();
    for path in fixtures("jsonl") {
        let text = fs::read_to_string(&path).unwrap();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let what = format!("{}:{}", path.display(), index + 1);
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{what}: {e}"));
            let shape = ["format", "trace", "observation"]
                .into_iter()
                .find(|key| value.get(key).is_some())
                .unwrap_or_else(|| panic!("{what}: neither a header nor a record"));
            let def = match shape {
                "format" => "#/$defs/jsonlHeaderLine",
                "trace" => "#/$defs/jsonlTraceLine",
                _ => "#/$defs/jsonlObservationLine",
            };
            assert_valid(&validators[def], &value, &format!("{what} (as {def})"));
            assert_valid(&validators["#/$defs/jsonlLine"], &value, &what);
        }
    }
}

#[test]
fn schema_rejects_a_wrong_version_and_negative_tokens() {
    let valid = json!({
        "format": "prompttrace",
        "version": 1,
        "observations": [{
            "id": "g", "name": "call", "type": "generation", "status": "running",
            "started_at": "2024-05-01T12:00:00Z", "usage": {"input": 7}
        }]
    });
    let mut wrong_version = valid.clone();
    wrong_version["version"] = json!(2);
    let mut negative_tokens = valid.clone();
    negative_tokens["observations"][0]["usage"]["input"] = json!(-1);
    let mut both = wrong_version.clone();
    both["observations"] = negative_tokens["observations"].clone();

    let root = &validators()["#"];
    assert_valid(root, &valid, "the valid document");
    for (what, document) in [
        ("a wrong version", &wrong_version),
        ("a negative usage.input", &negative_tokens),
        ("both", &both),
    ] {
        assert!(!root.is_valid(document), "a document with {what} passed");
        let text = document.to_string();
        let read = prompttrace::format::read("bad.json", text.as_bytes());
        assert!(read.is_err(), "the reader accepted a document with {what}");
    }
}
