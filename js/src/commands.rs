//! The `prompttrace` bin's commands (`validate`, `summary`, `show`,
//! `convert`): core's `commands`, which the Rust CLI runs too, so both
//! print the same. The JS side reads the files and prints what comes back.

use prompttrace::commands::{self, Read, Stream, Target};
use prompttrace::PriceTable;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::convert::js_error;

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Options {
    json: bool,
    /// A file of prices, among the files handed over.
    prices: Option<String>,
    trace_id: String,
    to: Option<String>,
    /// `diff`'s two trace ids.
    a: String,
    b: String,
}

#[derive(Serialize)]
struct Output {
    /// `["out" | "err", text]`, in the order printed.
    writes: Vec<(&'static str, String)>,
    failed: bool,
}

/// Runs `command` on `files`. `reads` holds, for each of `files`, its
/// bytes (`Uint8Array`) or the message saying why it could not be read (a
/// string); `prices`, the same for the prices file (`options.prices`).
/// Returns `{ writes, failed }`; throws only on a call the bin never makes
/// (an unknown command or target).
#[wasm_bindgen(js_name = runCommand)]
pub fn run_command(
    command: &str,
    options: &str,
    files: Vec<String>,
    reads: Vec<JsValue>,
    prices: JsValue,
) -> Result<JsValue, JsError> {
    let options: Options = serde_json::from_str(options).map_err(js_error)?;
    // Files are read in order, each once (a name may repeat, as "-" may).
    let mut next = 0;
    let mut read = |name: &str| -> Read {
        let at = (next..files.len()).find(|&i| files[i] == name);
        let Some(at) = at else {
            return Err(format!("{name}: not read"));
        };
        next = at + 1;
        reads
            .get(at)
            .map_or_else(|| Err(format!("{name}: not read")), bytes_of)
    };
    let prices = match &options.prices {
        None => PriceTable::builtin(),
        Some(name) => match bytes_of(&prices).and_then(|bytes| commands::prices(name, &bytes)) {
            Ok(table) => table,
            Err(message) => return to_js(failed(message)),
        },
    };
    let first = files.first().cloned().unwrap_or_default();
    let output = match command {
        "validate" => commands::validate(&files, &mut read),
        "summary" => commands::summary(&files, &mut read, options.json, &prices),
        "show" => commands::show(&first, &mut read, &options.trace_id, &prices),
        "diff" => commands::diff(
            &first,
            &mut read,
            (&options.a, &options.b),
            options.json,
            &prices,
        ),
        "convert" => {
            let to = match options.to.as_deref() {
                Some("json") => Target::Json,
                Some("jsonl") => Target::Jsonl,
                Some("otlp") => Target::Otlp,
                other => return Err(JsError::new(&format!("unknown target {other:?}"))),
            };
            commands::convert(&first, &mut read, to)
        }
        other => return Err(JsError::new(&format!("unknown command {other}"))),
    };
    to_js(output)
}

fn failed(message: String) -> commands::Output {
    commands::Output {
        writes: vec![(Stream::Err, format!("error: {message}\n"))],
        failed: true,
    }
}

/// A file as the bin read it: bytes, or its message why not.
fn bytes_of(value: &JsValue) -> Read {
    match value.as_string() {
        Some(message) => Err(message),
        None => Ok(js_sys::Uint8Array::new(value).to_vec()),
    }
}

fn to_js(output: commands::Output) -> Result<JsValue, JsError> {
    let writes = output
        .writes
        .into_iter()
        .map(|(stream, text)| {
            let name = match stream {
                Stream::Out => "out",
                Stream::Err => "err",
            };
            (name, text)
        })
        .collect();
    let output = Output {
        writes,
        failed: output.failed,
    };
    serde_wasm_bindgen::to_value(&output).map_err(js_error)
}
