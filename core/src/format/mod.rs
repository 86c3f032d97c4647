//! Trace files: detecting a file's format, reading it into a
//! [`Batch`](crate::store::Batch), importing it, and writing the store back.
//!
//! Formats: the native JSON document (`native.rs`) and its JSON Lines
//! variant (`jsonl.rs`); OpenTelemetry's OTLP/JSON, one request or one per
//! line (`otlp/`); Langfuse's trace download and API trace (`langfuse.rs`).
//! The format is detected by content. Every rejection is an [`ImportError`]
//! naming the file, the line and column, and what is wrong, in one sentence.
//!
//! Invariant: reading is pure (bytes in, records out); the store decides
//! whether the records may go in (all or nothing).

mod error;
pub mod jsonl;
pub mod langfuse;
pub mod native;
pub mod otlp;
mod pretty;

pub use error::ImportError;

use crate::model::{Observation, Trace};
use crate::store::{Batch, ImportReport, RecordIndex, Store};

/// The format name and version every native file declares.
pub const FORMAT: &str = "prompttrace";
pub const VERSION: u32 = 1;

/// The formats this build reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The native JSON document.
    Json,
    /// The native JSON Lines file.
    JsonLines,
    /// OTLP/JSON: one `ExportTraceServiceRequest`, or one per line.
    Otlp,
    /// Langfuse's trace download `{trace, observations}` or API trace.
    Langfuse,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "prompttrace JSON",
            Format::JsonLines => "prompttrace JSON Lines",
            Format::Otlp => "OTLP/JSON",
            Format::Langfuse => "Langfuse trace",
        }
    }
}

/// Records read from one file, with what is needed to point at each.
pub struct Parsed<'a> {
    pub format: Format,
    pub batch: Batch,
    text: &'a str,
    /// JSON Lines: the line of each trace and observation record.
    lines: Option<(Vec<usize>, Vec<usize>)>,
    /// OTLP: what importing needs beyond the batch.
    otlp: Option<otlp::OtlpParts>,
    /// JSON Lines: lines cut short by a crash, skipped (see `jsonl`).
    pub skipped: Vec<ImportError>,
}

/// Reads a file of any supported format.
pub fn read<'a>(file: &str, bytes: &'a [u8]) -> Result<Parsed<'a>, ImportError> {
    match utf8_text(file, bytes) {
        Ok(text) => read_text(detect(text), file, text),
        Err(error) => read_lines_of_damaged(file, bytes, error),
    }
}

/// Reads a file as the given format, whatever its content looks like.
pub fn read_as<'a>(format: Format, file: &str, bytes: &'a [u8]) -> Result<Parsed<'a>, ImportError> {
    match utf8_text(file, bytes) {
        Ok(text) => read_text(format, file, text),
        Err(error) if format == Format::JsonLines => read_lines_of_damaged(file, bytes, error),
        Err(error) => Err(error),
    }
}

/// A file that is not all UTF-8 may still be JSON Lines whose line a crash
/// cut mid-character: JSON Lines reads each line on its own.
fn read_lines_of_damaged<'a>(
    file: &str,
    bytes: &'a [u8],
    error: ImportError,
) -> Result<Parsed<'a>, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => return Err(error), // empty, not damaged
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    };
    if detect(valid) == Format::JsonLines {
        jsonl::read(file, bytes)
    } else {
        Err(error)
    }
}

fn read_text<'a>(format: Format, file: &str, text: &'a str) -> Result<Parsed<'a>, ImportError> {
    match format {
        Format::Json => native::read(file, text),
        Format::JsonLines => jsonl::read(file, text.as_bytes()),
        Format::Otlp => otlp::read(file, text),
        Format::Langfuse => langfuse::read(file, text),
    }
}

/// Reads a file and merges it into `store`: all of it, or none of it.
pub fn import(store: &mut Store, file: &str, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    import_parsed(store, file, read(file, bytes)?)
}

/// Reads a native JSON Lines file (a stored trace's record) and merges it
/// into `store`, as [`import`] does, without the other formats' readers: a
/// caller that only reads its own records (the viewer's page) does not
/// carry the OTLP and Langfuse readers.
pub fn import_jsonl(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
) -> Result<ImportReport, ImportError> {
    import_parsed(store, file, jsonl::read(file, bytes)?)
}

/// Merges lines appended to a native JSON Lines file whose header was
/// read already, as a live reader takes them (`npx prompttrace view`):
/// `first` is the number of the first line given, so errors and warnings
/// name the line in the whole file. All of them, or none of them.
pub fn import_jsonl_from(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
    first: usize,
) -> Result<ImportReport, ImportError> {
    import_parsed(store, file, jsonl::read_from(file, bytes, first, true)?)
}

impl Parsed<'_> {
    /// The records, no longer tied to the file's bytes, so a caller short
    /// of memory can let the bytes go before [`import_parsed`] (the
    /// viewer's import worker, with a file of a gigabyte, in wasm32's
    /// 4 GiB). A rule the merge then finds broken is named by its record
    /// (the violation names the trace or observation, an OTLP span's id),
    /// and by line only in JSON Lines, whose line numbers are kept; read
    /// errors are located as before.
    pub fn detach(self) -> Parsed<'static> {
        Parsed {
            format: self.format,
            batch: self.batch,
            text: "",
            lines: self.lines,
            otlp: self.otlp,
            skipped: self.skipped,
        }
    }

    /// The traces the file brings records of (its traces and its
    /// observations' traces): what must be in the store before
    /// [`import_parsed`] for the file to merge as it would into everything
    /// stored (an OTLP span finds a stored parent, a trace its stored
    /// spans). Sorted, each once.
    pub fn trace_ids(&self) -> Vec<String> {
        let mut ids: Vec<&str> = (self.batch.traces.iter().map(|t| t.id.as_str()))
            .chain(
                self.batch
                    .observations
                    .iter()
                    .filter_map(|o| o.trace_id.as_deref()),
            )
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(str::to_string).collect()
    }
}

/// Merges a file already read ([`read`]) into `store`: all of it, or none
/// of it. For a caller that loads what the file touches first (the
/// viewer's import worker: `Parsed::trace_ids`).
pub fn import_parsed(
    store: &mut Store,
    file: &str,
    parsed: Parsed<'_>,
) -> Result<ImportReport, ImportError> {
    let Parsed {
        format,
        mut batch,
        text,
        lines,
        otlp,
        skipped,
    } = parsed;
    let mut orphans = 0;
    if let Some(otlp) = &otlp {
        orphans = otlp.settle(&mut batch, store);
    }
    let report = store.import(batch).map_err(|rejection| {
        let (line, column) = match (rejection.record, &lines, &otlp) {
            (None, _, _) => (None, None),
            (Some(record), Some(lines), _) => (Some(line_of(record, lines)), Some(1)),
            (Some(record), None, Some(otlp)) => match otlp.locate(text, record) {
                Some((line, column)) => (Some(line), Some(column)),
                None => (None, None),
            },
            (Some(record), None, None) => match native::locate(text, record) {
                Some((line, column)) => (Some(line), Some(column)),
                None => (None, None),
            },
        };
        debug_assert!(format == Format::JsonLines || lines.is_none());
        ImportError {
            file: file.to_string(),
            line,
            column,
            message: rejection.violation.to_string(),
        }
    })?;
    let warnings = skipped.iter().map(ToString::to_string).collect();
    Ok(ImportReport {
        orphans,
        warnings,
        ..report
    })
}

fn line_of(record: RecordIndex, (traces, observations): &(Vec<usize>, Vec<usize>)) -> usize {
    match record {
        RecordIndex::Trace(i) => traces[i],
        RecordIndex::Observation(i) => observations[i],
    }
}

/// Which format a file is in, from its content: OTLP when it starts with
/// `{"resourceSpans"`; Langfuse when its top-level keys are Langfuse's;
/// JSON Lines when its first line is our header, or a record and more lines
/// follow; else one native JSON document (so concatenated documents fail as
/// such, with a position). The file name does not decide: people save
/// pretty JSON as `.jsonl` and JSON Lines as `.json`.
pub fn detect(text: &str) -> Format {
    if otlp::looks_like(text) {
        return Format::Otlp;
    }
    if langfuse::looks_like(text) {
        return Format::Langfuse;
    }
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let first = lines.next().unwrap_or("");
    if jsonl::is_header(first) {
        return Format::JsonLines;
    }
    if jsonl::is_record(first) && lines.next().is_some() {
        Format::JsonLines
    } else {
        Format::Json
    }
}

fn utf8_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let (line, column) = error::position(std::str::from_utf8(valid).unwrap_or(""), valid.len());
        let message = format!(
            "the file is not UTF-8 text (invalid bytes from 0x{:02X} on; is it Latin-1 or UTF-16?)",
            bytes[e.valid_up_to()]
        );
        ImportError::at(file, line, column, message)
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::whole(file, "the file is empty"));
    }
    Ok(text)
}

impl<'a> Parsed<'a> {
    fn json(batch: Batch, text: &'a str) -> Parsed<'a> {
        Parsed {
            format: Format::Json,
            batch,
            text,
            lines: None,
            otlp: None,
            skipped: Vec::new(),
        }
    }

    fn otlp(batch: Batch, text: &'a str, parts: otlp::OtlpParts) -> Parsed<'a> {
        Parsed {
            format: Format::Otlp,
            batch,
            text,
            lines: None,
            otlp: Some(parts),
            skipped: Vec::new(),
        }
    }

    fn langfuse(batch: Batch, text: &'a str) -> Parsed<'a> {
        Parsed {
            format: Format::Langfuse,
            batch,
            text,
            lines: None,
            otlp: None,
            skipped: Vec::new(),
        }
    }

    /// JSON Lines are read line by line; the records' lines point at them.
    fn json_lines(batch: Batch, lines: (Vec<usize>, Vec<usize>)) -> Parsed<'a> {
        Parsed {
            format: Format::JsonLines,
            batch,
            text: "",
            lines: Some(lines),
            otlp: None,
            skipped: Vec::new(),
        }
    }
}

/// Every record in file order: traces by start then id; each trace's
/// observations by start then id; then the observations without trace.
pub(crate) fn records_in_order(store: &Store) -> (Vec<&Trace>, Vec<&Observation>) {
    let entries = store.traces_in_order();
    let mut observations = Vec::with_capacity(store.observation_count());
    for entry in &entries {
        observations.extend(entry.observations_in_order());
    }
    observations.extend(store.observations_without_trace_in_order());
    (
        entries.into_iter().map(|e| e.trace()).collect(),
        observations,
    )
}
