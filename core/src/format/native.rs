//! The native JSON document, version 1:
//!
//! ```json
//! { "format": "prompttrace", "version": 1,
//!   "traces": [ Trace, … ],
//!   "observations": [ Observation, … ] }
//! ```
//!
//! `traces` and `observations` may be left out when empty.
//!
//! Records are the `model` types; observations name their trace by
//! `trace_id` (none for LLM calls without a trace). Unknown fields are
//! ignored; output is pretty-printed, keys in a fixed order, traces and
//! observations by start time then id, so the same data gives the same bytes.
//! The JSON Schema is `docs/trace-file.schema.json`.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::format::error::{json_error, not_an_object, position, ImportError};
use crate::format::{Parsed, FORMAT, VERSION};
use crate::model::{Observation, Trace};
use crate::store::{Batch, RecordIndex, Store};

#[derive(Deserialize)]
struct Document {
    format: String,
    version: u32,
    #[serde(default)]
    traces: Vec<Trace>,
    #[serde(default)]
    observations: Vec<Observation>,
}

/// Only the header, for a clearer error when the body fails to parse.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

pub(crate) fn read<'a>(file: &str, text: &'a str) -> Result<Parsed<'a>, ImportError> {
    if let Some((offset, kind)) = not_an_object(text) {
        let (line, column) = position(text, offset);
        return Err(ImportError::at(
            file,
            line,
            column,
            format!("the file holds {kind}; a prompttrace file is an object {{\"format\": \"{FORMAT}\", \"version\": {VERSION}, …}}"),
        ));
    }
    match serde_json::from_str::<Document>(text) {
        Ok(document) => {
            check_header(
                file,
                Some(&Value::from(document.format)),
                Some(&Value::from(document.version)),
            )?;
            let batch = Batch {
                traces: document.traces,
                observations: document.observations,
                repeats_allowed: false,
            };
            Ok(Parsed::json(batch, text))
        }
        Err(_) => {
            // A wrong header explains more than the first bad field does.
            if let Ok(header) = serde_json::from_str::<Header>(text) {
                check_header(file, header.format.as_ref(), header.version.as_ref())?;
            }
            Err(located_error(file, text))
        }
    }
}

/// The error of a failed parse, with the path to the bad value.
fn located_error(file: &str, text: &str) -> ImportError {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result = serde_path_to_error::deserialize::<_, Document>(&mut deserializer);
    match result {
        Err(error) => json_error(file, text, error.inner(), Some(error.path().to_string()), 1),
        Ok(_) => match deserializer.end() {
            Err(error) => json_error(file, text, &error, None, 1),
            Ok(()) => ImportError::whole(file, "the file could not be read"),
        },
    }
}

/// Checks `"format": "prompttrace"` and `"version": 1`.
pub(crate) fn check_header(
    file: &str,
    format: Option<&Value>,
    version: Option<&Value>,
) -> Result<(), ImportError> {
    let fail = |message: String| Err(ImportError::at(file, 1, 1, message));
    match format {
        None => {
            return fail(format!(
                "this is not a prompttrace file: it has no \"format\": \"{FORMAT}\""
            ))
        }
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(other)) => {
            return fail(format!(
                "this is a \"{other}\" file, not a prompttrace file"
            ))
        }
        Some(other) => return fail(format!("\"format\" must be \"{FORMAT}\", not {other}")),
    }
    match version.and_then(Value::as_u64) {
        None => fail(format!(
            "the file has no \"version\" number; this build reads version {VERSION}"
        )),
        Some(v) if v == u64::from(VERSION) => Ok(()),
        Some(v) => fail(format!(
            "the file is version {v}, but this build of prompttrace reads version {VERSION}"
        )),
    }
}

/// Writes the store as a native JSON document.
pub fn write(store: &Store) -> String {
    let (traces, observations) = super::records_in_order(store);
    // As serde_json's pretty printer writes the document (`pretty.rs`).
    let mut text =
        format!("{{\n  \"format\": \"{FORMAT}\",\n  \"version\": {VERSION},\n  \"traces\": ");
    records(&mut text, &traces);
    text.push_str(",\n  \"observations\": ");
    records(&mut text, &observations);
    text.push_str("\n}\n");
    text
}

/// A document's list of records, pretty-printed at its place.
fn records<T: Serialize>(out: &mut String, records: &[&T]) {
    if records.is_empty() {
        out.push_str("[]");
        return;
    }
    out.push('[');
    for (i, record) in records.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        let compact = serde_json::to_string(record).expect("model types always serialize");
        super::pretty::record(out, &compact, 2);
    }
    out.push_str("\n  ]");
}

/// Line and column where a record of a (successfully parsed) document starts.
pub(crate) fn locate(text: &str, record: RecordIndex) -> Option<(usize, usize)> {
    #[derive(Deserialize)]
    struct Skeleton<'a> {
        #[serde(borrow, default)]
        traces: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        observations: Vec<&'a RawValue>,
    }
    let skeleton: Skeleton = serde_json::from_str(text).ok()?;
    let raw = match record {
        RecordIndex::Trace(i) => skeleton.traces.get(i)?,
        RecordIndex::Observation(i) => skeleton.observations.get(i)?,
    };
    let offset = raw.get().as_ptr() as usize - text.as_ptr() as usize;
    Some(position(text, offset))
}
