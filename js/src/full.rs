//! What only the full wasm carries (the `full` feature): the readers of
//! other tools' files (OTLP, Langfuse) behind `importText`, live OpenTelemetry
//! spans, the OTLP exporter's batches, search, and the summary (its rollups
//! and trees are ~11 KB of the gzipped wasm), also over a stored file,
//! and what file storage writes (Node's). A browser app
//! starts on the wasm without them (recording and storage only) and loads
//! this one on first use; Node loads this one at once.

use prompttrace::format::{self, jsonl, otlp};
use prompttrace::model::{Observation, Trace};
use prompttrace::outbox::{Include, Outbox, Ready, Take};
use prompttrace::search::{self, Query};
use prompttrace::summary::summarize;
use prompttrace::{Store, Timestamp};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::convert::{js_error, Problems};
use crate::Core;

#[wasm_bindgen]
impl Core {
    /// The bytes of this module's wasm memory, shared by all its cores (the
    /// benchmark's memory per observation). Wasm memory never shrinks, so
    /// it is the high-water mark.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes() -> f64 {
        #[cfg(target_arch = "wasm32")]
        return (std::arch::wasm32::memory_size(0) * 65536) as f64;
        #[cfg(not(target_arch = "wasm32"))]
        0.0
    }

    /// Merges a native JSON Lines file (a stored record; all of it or none
    /// of it), without the other formats' readers. Throws an `Error` whose
    /// message names the file, line and column. Only here: that reader is
    /// the record-only core's largest part, and recording never reads.
    #[wasm_bindgen(js_name = importLines)]
    pub fn import_lines(&mut self, name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
        let report =
            format::import_jsonl(self.recorder.store_mut(), name, bytes).map_err(js_error)?;
        report_to_js(report)
    }

    /// Merges a trace file (all of it or none of it). Throws an `Error`
    /// whose message names the file, line and column.
    #[wasm_bindgen(js_name = importText)]
    pub fn import_text(&mut self, name: &str, text: &str) -> Result<JsValue, JsError> {
        self.import_bytes(name, text.as_bytes())
    }

    /// `importText` for a file's bytes (UTF-8): no string to re-encode, so
    /// large files cross into wasm as one copy.
    #[wasm_bindgen(js_name = importBytes)]
    pub fn import_bytes(&mut self, name: &str, bytes: &[u8]) -> Result<JsValue, JsError> {
        let report = format::import(self.recorder.store_mut(), name, bytes).map_err(js_error)?;
        report_to_js(report)
    }

    /// Records OpenTelemetry spans made in this process (`otelTracer`,
    /// `spanProcessor`), given as OTLP/JSON requests, one a line: the same
    /// reading as a file's, so a span recorded live and the same span read
    /// from a file give the same record. A span that breaks a rule is
    /// reported and skipped; the others are kept. Returns the problems as a
    /// JSON array of messages; it never throws.
    #[wasm_bindgen(js_name = ingestSpans)]
    pub fn ingest_spans(&mut self, lines: &str) -> String {
        const NAME: &str = "OpenTelemetry spans";
        let store = self.recorder.store_mut();
        let mut problems: Problems = Vec::new();
        if format::import(store, NAME, lines.as_bytes()).is_err() {
            // All or nothing failed: one span at a time, to keep the rest.
            for line in lines.lines().filter(|l| !l.trim().is_empty()) {
                if let Err(error) = format::import(store, NAME, line.as_bytes()) {
                    problems.push(error.to_string());
                }
            }
        }
        serde_json::to_string(&problems).unwrap_or_else(|_| "[]".to_string())
    }

    /// Everything as OTLP/JSON (an `ExportTraceServiceRequest`).
    #[wasm_bindgen(js_name = exportOtlp)]
    pub fn export_otlp(&self) -> String {
        otlp::write(self.recorder.store())
    }

    /// Starts handing ended traces to an OTLP exporter: `include` is
    /// "all" (what has already ended is sent too) or "new" (only what ends
    /// from now on, not a reloaded history; with `since`, ms since the
    /// epoch, what ended from then on: the exporter asked before this core
    /// was loaded).
    #[wasm_bindgen(js_name = watchOtlp)]
    pub fn watch_otlp(&mut self, include: &str, since: Option<f64>) -> Result<(), JsError> {
        let since = since.and_then(Timestamp::from_unix_millis_f64);
        let include = match include {
            "all" => Include::All,
            "new" => since.map_or(Include::New, Include::EndedFrom),
            other => {
                return Err(js_error(format!(
                    "include must be \"all\" or \"new\", not {other:?}"
                )))
            }
        };
        let store = self.recorder.store_mut();
        match &mut self.outbox {
            Some(outbox) => outbox.include(store, include),
            None => self.outbox = Some(Outbox::new(store, include)),
        }
        Ok(())
    }

    /// Stops noting what ends (the last exporter shut down); what was sent
    /// stays remembered for a later `watchOtlp`.
    #[wasm_bindgen(js_name = unwatchOtlp)]
    pub fn unwatch_otlp(&mut self) {
        self.recorder.store_mut().unwatch_endings();
    }

    /// The next request for an OTLP exporter (`TakeOptions`), as protobuf
    /// or JSON bytes; `None` when nothing is ready. What is returned counts
    /// as handed over.
    #[wasm_bindgen(js_name = takeOtlpBatch)]
    pub fn take_otlp_batch(&mut self, options: JsValue) -> Result<Option<Vec<u8>>, JsError> {
        let options: TakeOptions = serde_wasm_bindgen::from_value(options).map_err(js_error)?;
        let Some(outbox) = &mut self.outbox else {
            return Ok(None);
        };
        let take = Take {
            // Any positive number JS sends, as a count of traces.
            max: options.max.clamp(1.0, f64::from(u32::MAX)) as usize,
            ready: if options.shutdown {
                Ready::Ended
            } else {
                Ready::Settled
            },
        };
        let store = self.recorder.store_mut();
        let Some(selection) = outbox.take(store, take) else {
            return Ok(None);
        };
        let encoding = match options.encoding.as_str() {
            "json" => otlp::Encoding::Json,
            _ => otlp::Encoding::Protobuf,
        };
        Ok(Some(otlp::request(store, &selection, encoding)))
    }

    /// Ids of the traces in which the trace or any of its observations
    /// holds `query` (the core's `search`: one phrase, any case), by start
    /// time; none for an empty query.
    #[wasm_bindgen(js_name = searchTraces)]
    pub fn search_traces(&self, query: &str) -> Vec<String> {
        let Some(query) = Query::new(query) else {
            return Vec::new();
        };
        search::traces_matching(self.recorder.store(), &query)
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// The records written since the last take, each as one JSON Lines
    /// line with its newline: traces first, then observations, each by
    /// start and id. File storage's, so Node's: only here.
    #[wasm_bindgen(js_name = takeChangedLines)]
    pub fn take_changed_lines(&mut self) -> Vec<String> {
        let store = self.recorder.store_mut();
        let changes = store.take_changes();
        let store = &*store;
        let mut traces: Vec<&Trace> = changes
            .traces()
            .filter_map(|id| store.trace(id))
            .map(|entry| entry.trace())
            .collect();
        traces.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        let mut observations: Vec<&Observation> = changes
            .observations()
            .filter_map(|id| store.observation(id))
            .collect();
        observations.sort_unstable_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        let traces = traces.into_iter().map(jsonl::trace_line);
        traces
            .chain(observations.into_iter().map(jsonl::observation_line))
            .collect()
    }

    /// What a writer appends to a JSON Lines file before its first record,
    /// given the file's last byte (none for an empty or new file). File
    /// storage's, so Node's: only here.
    #[wasm_bindgen(js_name = appendStart)]
    pub fn append_start(last_byte: Option<u8>) -> String {
        jsonl::append_start(last_byte)
    }

    /// The core's summary (the shape of `prompttrace summary --json`), as
    /// JSON.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        serde_json::to_string(&summarize(self.recorder.store(), &self.prices)).unwrap_or_default()
    }

    /// The summary of a stored file with what is in memory merged over it
    /// (the file's records, then memory's, by core's merge), priced by this
    /// tracer's prices, as `{"summary": …, "problems": [lines skipped]}`.
    /// Throws when the file is refused.
    #[wasm_bindgen(js_name = summaryWith)]
    pub fn summary_with(&self, name: &str, bytes: &[u8]) -> Result<String, JsError> {
        let mut store = Store::new();
        let report = format::import(&mut store, name, bytes).map_err(js_error)?;
        let memory = jsonl::write(self.recorder.store());
        format::import(&mut store, "memory", memory.as_bytes()).map_err(js_error)?;
        let summary = summarize(&store, &self.prices);
        let reply = serde_json::json!({ "summary": summary, "problems": report.warnings });
        Ok(reply.to_string())
    }
}

/// `takeOtlpBatch`'s options.
#[derive(Deserialize)]
struct TakeOptions {
    /// "protobuf" (default) or "json".
    #[serde(default)]
    encoding: String,
    /// Traces per request (JS may send a fraction).
    max: f64,
    /// A last flush: also ended traces whose observations still run.
    #[serde(default)]
    shutdown: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportReport {
    traces: usize,
    observations: usize,
    unchanged: usize,
    /// OTLP spans whose parent span is not in the file (kept as roots).
    orphans: usize,
    /// Lines skipped (cut short by a crash), for onError; not part of the
    /// report the JS `import` returns.
    warnings: Vec<String>,
}

/// An import's report as the JS `import` returns it (with the warnings).
fn report_to_js(report: prompttrace::store::ImportReport) -> Result<JsValue, JsError> {
    let report = ImportReport {
        traces: report.traces_added + report.traces_updated,
        observations: report.observations_added + report.observations_updated,
        unchanged: report.unchanged,
        orphans: report.orphans,
        warnings: report.warnings,
    };
    serde_wasm_bindgen::to_value(&report).map_err(js_error)
}
