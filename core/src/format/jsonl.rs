//! The JSON Lines variant, for appending and streaming:
//!
//! ```text
//! {"format":"prompttrace","version":1}
//! {"trace":{"id":"t1","name":"greeting","status":"running",…}}
//! {"observation":{"id":"o1","trace_id":"t1",…}}
//! {"trace":{"id":"t1","status":"completed",…}}
//! ```
//!
//! The header comes first (it may repeat, so files concatenate); then one
//! record a line, in any order. A repeated id is that record's later state
//! and merges by `rules::merge`, so a writer appends a record when it starts
//! and again when it ends. Blank lines are ignored.
//!
//! Appending: a crash can stop a write mid-line. A line cut short — it ends
//! in the middle of a JSON value, or of a UTF-8 character — is skipped with
//! a warning when nothing but blank lines follows it, or when the next line
//! is a header: a writer that starts appending to a file that does not end
//! in a newline writes one, then a header (`append_start`). Any other broken
//! line refuses the file.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::format::error::{json_error, not_an_object, ImportError};
use crate::format::native::check_header;
use crate::format::{Parsed, FORMAT, VERSION};
use crate::model::{Observation, Trace};
use crate::store::{Batch, Changes, Store};

#[derive(Deserialize)]
struct Line {
    format: Option<Value>,
    version: Option<Value>,
    trace: Option<Trace>,
    observation: Option<Observation>,
    /// Present only when the line is a whole native document: refused.
    traces: Option<serde::de::IgnoredAny>,
    observations: Option<serde::de::IgnoredAny>,
}

#[derive(Serialize)]
enum LineOut<'s> {
    #[serde(rename = "trace")]
    Trace(&'s Trace),
    #[serde(rename = "observation")]
    Observation(&'s Observation),
}

/// Whether a line is a native JSON Lines header.
pub fn is_header(line: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<Value>,
        traces: Option<serde::de::IgnoredAny>,
        observations: Option<serde::de::IgnoredAny>,
    }
    matches!(
        serde_json::from_str::<Probe>(line),
        Ok(Probe { format: Some(Value::String(f)), traces: None, observations: None }) if f == FORMAT
    )
}

/// Whether a line is a JSON Lines record (`{"trace": …}` or `{"observation": …}`).
pub fn is_record(line: &str) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        trace: Option<serde::de::IgnoredAny>,
        observation: Option<serde::de::IgnoredAny>,
    }
    matches!(serde_json::from_str::<Probe>(line), Ok(p) if p.trace.is_some() || p.observation.is_some())
}

/// The header line, with its newline.
pub fn header_line() -> String {
    format!("{{\"format\":\"{FORMAT}\",\"version\":{VERSION}}}\n")
}

/// One trace record as a line, with its newline.
pub fn trace_line(trace: &Trace) -> String {
    line(&LineOut::Trace(trace))
}

/// One observation record as a line, with its newline.
pub fn observation_line(observation: &Observation) -> String {
    line(&LineOut::Observation(observation))
}

fn line(record: &LineOut) -> String {
    let mut text = serde_json::to_string(record).expect("model types always serialize");
    text.push('\n');
    text
}

/// What a writer appends before its first record: a newline when the file
/// does not end in one (`last_byte`: `None` for an empty or new file), then
/// the header. So a line a crash cut short is followed by a header, and
/// reading skips it.
pub fn append_start(last_byte: Option<u8>) -> String {
    match last_byte {
        Some(byte) if byte != b'\n' => format!("\n{}", header_line()),
        _ => header_line(),
    }
}

/// Reads the lines of `bytes`, each on its own (a line cut short by a crash
/// may end mid-character: see the module's rule).
pub(crate) fn read<'a>(file: &str, bytes: &'a [u8]) -> Result<Parsed<'a>, ImportError> {
    read_from(file, bytes, 1, false)
}

/// Reads lines of a file from line `first` on: the whole file (`first` 1,
/// no header seen yet), or lines appended after a header was read, as a
/// live reader takes them. Lines are numbered as in the whole file.
pub(crate) fn read_from<'a>(
    file: &str,
    bytes: &'a [u8],
    first: usize,
    mut seen_header: bool,
) -> Result<Parsed<'a>, ImportError> {
    let mut batch = Batch {
        repeats_allowed: true,
        ..Batch::default()
    };
    let mut trace_lines = Vec::new();
    let mut observation_lines = Vec::new();
    let mut skipped = Vec::new();
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    for (index, raw) in lines.iter().enumerate() {
        let number = first + index;
        let after = &lines[index + 1..];
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let at = |message: String| ImportError::at(file, number, 1, message);
        let content = match std::str::from_utf8(raw) {
            Ok(content) => content,
            Err(error) if error.error_len().is_none() && cut_off(after) => {
                skipped.push(cut_short(file, number));
                continue;
            }
            Err(error) => return Err(not_utf8(file, number, raw, error)),
        };
        if content.trim().is_empty() {
            continue;
        }
        if let Some((offset, _)) = not_an_object(content) {
            return Err(ImportError::at(file, number, offset + 1, ONE_RECORD));
        }
        let line: Line = match serde_json::from_str(content) {
            Ok(line) => line,
            Err(error) if error.is_eof() && cut_off(after) => {
                skipped.push(cut_short(file, number));
                continue;
            }
            Err(_) => return Err(located_error(file, content, number)),
        };
        if line.traces.is_some() || line.observations.is_some() {
            return Err(at(
                "this line is a whole trace file (it has \"traces\" or \"observations\"); \
                 load each file on its own, or convert it to JSON Lines first"
                    .to_string(),
            ));
        }
        match line {
            Line {
                format: Some(format),
                version,
                trace: None,
                observation: None,
                ..
            } => {
                check_header(file, Some(&format), version.as_ref()).map_err(|e| at(e.message))?;
                seen_header = true;
            }
            _ if !seen_header => {
                return Err(at(format!(
                    "a JSON Lines trace file starts with the line {}",
                    header_line().trim_end()
                )))
            }
            Line {
                trace: Some(trace),
                observation: None,
                format: None,
                ..
            } => {
                batch.traces.push(trace);
                trace_lines.push(number);
            }
            Line {
                observation: Some(observation),
                trace: None,
                format: None,
                ..
            } => {
                batch.observations.push(observation);
                observation_lines.push(number);
            }
            _ => return Err(at(ONE_RECORD.to_string())),
        }
    }
    let mut parsed = Parsed::json_lines(batch, (trace_lines, observation_lines));
    parsed.skipped = skipped;
    Ok(parsed)
}

/// Whether a broken line was cut short by a crash, from the lines after it:
/// only blank lines, or blank lines and then a header.
fn cut_off(after: &[&[u8]]) -> bool {
    let next = after
        .iter()
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty());
    next.is_none_or(|line| std::str::from_utf8(line).is_ok_and(is_header))
}

fn cut_short(file: &str, number: usize) -> ImportError {
    let message =
        format!("line {number} was cut short (a write stopped by a crash?) and is skipped");
    ImportError::at(file, number, 1, message)
}

fn not_utf8(file: &str, number: usize, raw: &[u8], error: std::str::Utf8Error) -> ImportError {
    let valid = std::str::from_utf8(&raw[..error.valid_up_to()]).unwrap_or("");
    let message = format!(
        "the file is not UTF-8 text (invalid bytes from 0x{:02X} on; is it Latin-1 or UTF-16?)",
        raw[error.valid_up_to()]
    );
    ImportError::at(file, number, valid.chars().count() + 1, message)
}

const ONE_RECORD: &str = "each line holds one record: {\"trace\": …} or {\"observation\": …}";

fn located_error(file: &str, content: &str, number: usize) -> ImportError {
    let mut deserializer = serde_json::Deserializer::from_str(content);
    let result = serde_path_to_error::deserialize::<_, Line>(&mut deserializer);
    let error = match result {
        Err(error) if error.inner().is_eof() => {
            let column = content.chars().count() + 1;
            let message = format!(
                "line {number} ends in the middle of a JSON value; in JSON Lines each record is on one line"
            );
            return ImportError::at(file, number, column, message);
        }
        Err(error) => json_error(
            file,
            content,
            error.inner(),
            Some(error.path().to_string()),
            number,
        ),
        Ok(_) => match deserializer.end() {
            Err(error) => json_error(file, content, &error, None, number),
            Ok(()) => ImportError::at(file, number, 1, "the line could not be read"),
        },
    };
    error
}

/// Writes the store as JSON Lines (header first, records in file order).
pub fn write(store: &Store) -> String {
    header_line() + &write_records(store)
}

/// The store's record lines without the header: a part of a file too
/// large to write at once, which is the header, then the parts (each the
/// records of some stores, in any order: a file is read whole).
pub fn write_records(store: &Store) -> String {
    let (traces, observations) = super::records_in_order(store);
    let mut text = String::new();
    for trace in traces {
        text.push_str(&trace_line(trace));
    }
    for observation in observations {
        text.push_str(&observation_line(observation));
    }
    text
}

/// The key of the record that holds the observations recorded without a
/// trace, beside one record per trace id (no trace may have the empty id:
/// `rules::limits`).
pub const WITHOUT_TRACE: &str = "";

/// One trace's records as a JSON Lines file of their own: the header, the
/// trace, then its observations by start (then id), as [`write`] orders
/// them. For [`WITHOUT_TRACE`], the header and the observations without a
/// trace. `None` when there is no such trace (or no such observation).
///
/// Importing every trace's record (and the [`WITHOUT_TRACE`] one) into an
/// empty store gives the store that was written: browser storage keeps a
/// store this way, one record per key (docs/storage-v2.md).
pub fn write_trace(store: &Store, trace_id: &str) -> Option<String> {
    let mut text = header_line();
    if trace_id == WITHOUT_TRACE {
        let observations = store.observations_without_trace_in_order();
        if observations.is_empty() {
            return None;
        }
        for observation in observations {
            text.push_str(&observation_line(observation));
        }
        return Some(text);
    }
    let entry = store.trace(trace_id)?;
    text.push_str(&trace_line(entry.trace()));
    for observation in entry.observations_in_order() {
        text.push_str(&observation_line(observation));
    }
    Some(text)
}

/// The records `changes` names, grouped by trace, each group a JSON Lines
/// file of its own: the header, the trace's line if it changed, then its
/// changed observations by start and id ([`WITHOUT_TRACE`] for the calls
/// without trace); groups sorted by trace id. Storage that keeps one record
/// per trace merges such a group over the stored record, so records this
/// writer did not change stay as another writer last stored them. Records
/// removed since are left out.
pub fn write_changes(store: &Store, changes: &Changes) -> Vec<(String, String)> {
    let mut groups: std::collections::BTreeMap<&str, (Option<&Trace>, Vec<&Observation>)> =
        std::collections::BTreeMap::new();
    for id in changes.traces() {
        if let Some(entry) = store.trace(id) {
            groups.entry(id).or_default().0 = Some(entry.trace());
        }
    }
    for id in changes.observations() {
        if let Some(observation) = store.observation(id) {
            let trace = observation.trace_id.as_deref().unwrap_or(WITHOUT_TRACE);
            groups.entry(trace).or_default().1.push(observation);
        }
    }
    groups
        .into_iter()
        .map(|(id, (trace, mut observations))| {
            let mut text = header_line();
            if let Some(trace) = trace {
                text.push_str(&trace_line(trace));
            }
            observations.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
            for observation in observations {
                text.push_str(&observation_line(observation));
            }
            (id.to_string(), text)
        })
        .collect()
}
