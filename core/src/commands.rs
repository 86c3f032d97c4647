//! The command-line tools' commands — `validate`, `summary`, `show`,
//! `convert` — as pure functions from files to what they print. The Rust
//! CLI (`cli/`) and the npm package's `prompttrace` bin (`js/`) both run
//! them, so the two print the same bytes and exit the same way; each only
//! reads the files (handing over the bytes, or its own message when a file
//! cannot be read) and writes what comes back.

use std::collections::BTreeMap;

use crate::compare;
use crate::format::{self, jsonl, native, otlp, ImportError};
use crate::rules::pricing::{Price, PriceTable};
use crate::store::{ImportReport, Store};
use crate::summary::{render_text, render_trace, summarize};

/// One file as the shell read it: its bytes, or why it could not.
pub type Read = Result<Vec<u8>, String>;

/// Where a piece of output goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

/// What a command printed, in order, and whether it failed (exit status 1).
#[derive(Debug, Default, PartialEq)]
pub struct Output {
    pub writes: Vec<(Stream, String)>,
    pub failed: bool,
}

impl Output {
    fn out(&mut self, text: String) {
        self.writes.push((Stream::Out, text));
    }

    fn err(&mut self, text: String) {
        self.writes.push((Stream::Err, text));
    }

    /// `error: …` on standard error, and exit status 1.
    fn fail(mut self, message: impl std::fmt::Display) -> Output {
        self.err(format!("error: {message}\n"));
        self.failed = true;
        self
    }

    /// What went to standard output, joined (a converted file).
    pub fn stdout(&self) -> String {
        self.stream(Stream::Out)
    }

    /// What went to standard error, joined.
    pub fn stderr(&self) -> String {
        self.stream(Stream::Err)
    }

    fn stream(&self, which: Stream) -> String {
        self.writes
            .iter()
            .filter(|(stream, _)| *stream == which)
            .map(|(_, text)| text.as_str())
            .collect()
    }
}

/// The file formats `convert --to` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Json,
    Jsonl,
    Otlp,
}

/// `validate`: one line per file (`ok: name (format: N traces, M
/// observations)`, or the error naming file, line and column); later files
/// may refer to traces of earlier ones. Fails when any file is refused.
pub fn validate(files: &[String], read: &mut dyn FnMut(&str) -> Read) -> Output {
    let mut output = Output::default();
    let mut store = Store::new();
    for name in files {
        let result = read(name).and_then(|bytes| {
            let kind = std::str::from_utf8(&bytes).map_or("", |text| format::detect(text).name());
            import(&mut store, name, &bytes, &mut output)
                .map(|report| (kind, report))
                .map_err(|e| e.to_string())
        });
        match result {
            Ok((kind, report)) => output.out(format!(
                "ok: {name} ({kind}: {} traces, {} observations)\n",
                report.traces_added + report.traces_updated,
                report.observations_added + report.observations_updated
            )),
            Err(message) => {
                output.failed = true;
                output.err(format!("error: {message}\n"));
            }
        }
    }
    output
}

/// `summary`: the traces, their trees and the sessions with their figures,
/// as text or (`json`) as one JSON object.
pub fn summary(
    files: &[String],
    read: &mut dyn FnMut(&str) -> Read,
    json: bool,
    prices: &PriceTable,
) -> Output {
    with_store(files, read, |store| {
        let summary = summarize(store, prices);
        if json {
            pretty_json(&summary)
        } else {
            Ok(render_text(&summary))
        }
    })
}

/// `show`: one trace's tree and each LLM call's conversation.
pub fn show(
    file: &str,
    read: &mut dyn FnMut(&str) -> Read,
    trace_id: &str,
    prices: &PriceTable,
) -> Output {
    with_store(&[file.to_string()], read, |store| {
        render_trace(store, prices, trace_id)
            .ok_or_else(|| format!("{file}: no trace with id {trace_id}"))
    })
}

/// `diff`: traces `a` and `b` of one file compared step by step (core's
/// `compare`), as text or (`json`) as one JSON object.
pub fn diff(
    file: &str,
    read: &mut dyn FnMut(&str) -> Read,
    (a, b): (&str, &str),
    json: bool,
    prices: &PriceTable,
) -> Output {
    with_store(&[file.to_string()], read, |store| {
        let comparison = compare::compare(store, prices, a, b)
            .map_err(|message| format!("{file}: {message}"))?;
        if json {
            pretty_json(&comparison)
        } else {
            Ok(compare::render_text(&comparison))
        }
    })
}

/// `convert`: the file in another format, on standard output (which the
/// shell may write to a file instead).
pub fn convert(file: &str, read: &mut dyn FnMut(&str) -> Read, to: Target) -> Output {
    with_store(&[file.to_string()], read, |store| {
        Ok(match to {
            Target::Json => native::write(store),
            Target::Jsonl => jsonl::write(store),
            Target::Otlp => otlp::write(store),
        })
    })
}

/// `--prices FILE`: the built-in table, overridden or extended by a JSON
/// object of model prices (USD per 1M tokens).
pub fn prices(name: &str, bytes: &[u8]) -> Result<PriceTable, String> {
    let mut table = PriceTable::builtin();
    let prices: BTreeMap<String, Price> = serde_json::from_slice(bytes).map_err(|e| {
        format!("{name}: {e}; expected {{\"model\": {{\"input\": 2.5, \"output\": 10}}}}")
    })?;
    for (model, price) in prices {
        table.set(model, price);
    }
    Ok(table)
}

/// Loads `files` into one store, then prints what `print` makes of it;
/// an error from either is `error: …` on standard error and exit status 1.
fn with_store(
    files: &[String],
    read: &mut dyn FnMut(&str) -> Read,
    print: impl FnOnce(&Store) -> Result<String, String>,
) -> Output {
    let mut output = Output::default();
    match load_all(files, read, &mut output).and_then(|store| print(&store)) {
        Ok(text) => output.out(text),
        Err(message) => return output.fail(message),
    }
    output
}

fn pretty_json(value: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|text| text + "\n")
        .map_err(|e| e.to_string())
}

/// Imports every file into one store, stopping at the first refused file.
fn load_all(
    files: &[String],
    read: &mut dyn FnMut(&str) -> Read,
    output: &mut Output,
) -> Result<Store, String> {
    let mut store = Store::new();
    for name in files {
        let bytes = read(name)?;
        import(&mut store, name, &bytes, output).map_err(|e| e.to_string())?;
    }
    Ok(store)
}

/// Imports one file, telling about spans imported without their parent and
/// lines skipped (a JSON Lines line a crash cut short).
fn import(
    store: &mut Store,
    name: &str,
    bytes: &[u8],
    output: &mut Output,
) -> Result<ImportReport, ImportError> {
    let report = format::import(store, name, bytes)?;
    if report.orphans > 0 {
        output.err(format!(
            "note: {name}: {} span(s) name a parent span that is not in the file; they are shown at the top of their trace, flagged \"prompttrace.missing_parent_span_id\" in their metadata\n",
            report.orphans
        ));
    }
    for warning in &report.warnings {
        output.err(format!("warning: {warning}\n"));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = concat!(
        "{\"format\":\"prompttrace\",\"version\":1}\n",
        "{\"trace\":{\"id\":\"t1\",\"name\":\"greeting\",\"status\":\"completed\",\"started_at\":\"2026-01-01T00:00:00Z\",\"ended_at\":\"2026-01-01T00:00:01Z\"}}\n",
    );

    fn files<'a>(map: &'a [(&'a str, Result<&'a str, &'a str>)]) -> impl FnMut(&str) -> Read + 'a {
        move |name| {
            let (_, read) = map.iter().find(|(n, _)| *n == name).expect("named");
            read.map(|text| text.as_bytes().to_vec())
                .map_err(str::to_string)
        }
    }

    #[test]
    fn validate_says_ok_per_file_and_fails_on_any_refused_one() {
        let map = [
            ("good.jsonl", Ok(FILE)),
            ("gone.json", Err("gone.json: not found")),
            ("bad.json", Ok("{\"traces\": 3}")),
        ];
        let names: Vec<String> = map.iter().map(|(n, _)| n.to_string()).collect();
        let output = validate(&names, &mut files(&map));
        assert!(output.failed);
        assert_eq!(
            output.stdout(),
            "ok: good.jsonl (prompttrace JSON Lines: 1 traces, 0 observations)\n"
        );
        let stderr = output.stderr();
        assert!(
            stderr.starts_with("error: gone.json: not found\nerror: bad.json"),
            "{stderr}"
        );
    }

    #[test]
    fn summary_show_and_convert_print_what_the_cli_printed() {
        let map = [("a.jsonl", Ok(FILE))];
        let names = vec!["a.jsonl".to_string()];
        let prices = PriceTable::builtin();
        let text = summary(&names, &mut files(&map), false, &prices);
        assert!(
            !text.failed && text.stdout().contains("greeting"),
            "{text:?}"
        );
        let json = summary(&names, &mut files(&map), true, &prices);
        let value: serde_json::Value = serde_json::from_str(&json.stdout()).unwrap();
        assert_eq!(value["traces"][0]["id"], "t1");
        let missing = show("a.jsonl", &mut files(&map), "t9", &prices);
        assert!(missing.failed);
        assert_eq!(missing.stderr(), "error: a.jsonl: no trace with id t9\n");
        let lines = convert("a.jsonl", &mut files(&map), Target::Jsonl);
        assert!(lines.stdout().starts_with("{\"format\":\"prompttrace\""));
    }

    #[test]
    fn a_price_file_that_is_not_prices_names_the_file_and_the_shape() {
        let error = prices("p.json", b"[1]").unwrap_err();
        assert!(error.starts_with("p.json: ") && error.contains("expected {\"model\""));
        let table = prices("p.json", br#"{"my-model": {"input": 1, "output": 2}}"#).unwrap();
        assert_eq!(table.lookup("my-model").map(|p| p.output), Some(2.0));
    }
}
