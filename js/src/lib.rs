//! The wasm binding of the `prompttrace` npm package: a thin layer over the
//! core crate. It holds a `Recorder` and a price table, takes batches of
//! recording calls from the JS side (see `convert.rs`), and hands back the
//! core's summary and files as strings. Every rule lives in core.

mod convert;

use prompttrace::format::{self, jsonl, native, otlp};
use prompttrace::record::Recorder;
use prompttrace::rules::template;
use prompttrace::summary::summarize;
use prompttrace::{ManualClock, Price, PriceTable, SeededIds};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use wasm_bindgen::prelude::*;

use convert::{js_error, Batch, Problems};

#[wasm_bindgen(start)]
fn start() {
    // A bug that panics prints its message instead of an opaque trap.
    console_error_panic_hook::set_once();
}

/// The recorder and price table behind one JS `Tracer`.
#[wasm_bindgen]
pub struct Core {
    recorder: Recorder,
    prices: PriceTable,
    /// Traces and trace-less LLM calls already handed to an OTLP exporter.
    exported: HashSet<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportReport {
    traces: usize,
    observations: usize,
    unchanged: usize,
    /// OTLP spans whose parent span is not in the file (kept as roots).
    orphans: usize,
}

#[wasm_bindgen]
impl Core {
    /// Times and ids come with every call from JS; the recorder's own clock
    /// and id source are never read.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Core {
        Core {
            recorder: Recorder::new(ManualClock::default(), SeededIds::new(0)),
            prices: PriceTable::builtin(),
            exported: HashSet::new(),
        }
    }

    /// Applies a batch of recording calls (JSON, see `convert::Batch`).
    /// Returns the broken rules and conversion problems as a JSON array of
    /// messages (`[]` when none); it never throws.
    pub fn ingest(&mut self, batch: &str) -> String {
        let mut problems: Problems = Vec::new();
        match serde_json::from_str::<Batch>(batch) {
            Ok(batch) => self.apply(batch, &mut problems),
            Err(error) => problems.push(format!("tracing data could not be read: {error}")),
        }
        if problems.is_empty() {
            return "[]".to_string();
        }
        serde_json::to_string(&problems).unwrap_or_else(|_| "[]".to_string())
    }

    /// Overrides or extends the model price table (USD per 1M tokens):
    /// `{"my-model": {"input": 1, "output": 2}}`.
    #[wasm_bindgen(js_name = setPrices)]
    pub fn set_prices(&mut self, prices: &str) -> Result<(), JsError> {
        let prices: BTreeMap<String, Price> = serde_json::from_str(prices).map_err(|e| {
            js_error(format!(
                "prices must look like {{\"model\": {{\"input\": 2.5, \"output\": 10}}}}: {e}"
            ))
        })?;
        for (model, price) in prices {
            self.prices.set(model, price);
        }
        Ok(())
    }

    /// The core's summary (the shape of `prompttrace summary --json`), as JSON.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> String {
        serde_json::to_string(&summarize(self.recorder.store(), &self.prices)).unwrap_or_default()
    }

    /// The native trace file.
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(&self) -> String {
        native::write(self.recorder.store())
    }

    /// The native trace file as JSON Lines.
    #[wasm_bindgen(js_name = exportLines)]
    pub fn export_lines(&self) -> String {
        jsonl::write(self.recorder.store())
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
        let report = ImportReport {
            traces: report.traces_added + report.traces_updated,
            observations: report.observations_added + report.observations_updated,
            unchanged: report.unchanged,
            orphans: report.orphans,
        };
        serde_wasm_bindgen::to_value(&report).map_err(js_error)
    }

    /// Everything as OTLP/JSON (an `ExportTraceServiceRequest`).
    #[wasm_bindgen(js_name = exportOtlp)]
    pub fn export_otlp(&self) -> String {
        otlp::write(self.recorder.store())
    }

    /// The next request for an OTLP exporter: up to `max` traces that have
    /// ended with all their observations (with `force`, every ended trace,
    /// as it is: an exporter shutting down) and ended LLM calls without
    /// trace that no earlier batch held, as protobuf or as JSON bytes;
    /// `None` when there is nothing new. What is returned counts as handed
    /// over.
    #[wasm_bindgen(js_name = takeOtlpBatch)]
    pub fn take_otlp_batch(&mut self, protobuf: bool, max: usize, force: bool) -> Option<Vec<u8>> {
        let store = self.recorder.store();
        let settled = |entry: &prompttrace::store::TraceEntry| {
            force || entry.observations().iter().all(|o| o.status.is_ended())
        };
        let traces: Vec<String> = store
            .traces()
            .filter(|entry| settled(entry))
            .map(|entry| entry.trace())
            .filter(|trace| trace.status.is_ended() && !self.exported.contains(&trace.id))
            .take(max.max(1))
            .map(|trace| trace.id.clone())
            .collect();
        let calls: Vec<String> = store
            .observations_without_trace()
            .iter()
            .filter(|call| call.status.is_ended() && !self.exported.contains(&call.id))
            .take(max.max(1))
            .map(|call| call.id.clone())
            .collect();
        if traces.is_empty() && calls.is_empty() {
            return None;
        }
        let bytes = if protobuf {
            otlp::encode_selected(store, &traces, &calls)
        } else {
            otlp::write_selected(store, &traces, &calls).into_bytes()
        };
        self.exported.extend(traces.into_iter().chain(calls));
        Some(bytes)
    }

    /// Counts everything that has ended as handed over: an exporter that
    /// should send only what ends from now on (not a reloaded history).
    #[wasm_bindgen(js_name = markOtlpSent)]
    pub fn mark_otlp_sent(&mut self) {
        let store = self.recorder.store();
        let traces = store
            .traces()
            .map(|entry| entry.trace())
            .filter(|trace| trace.status.is_ended())
            .map(|trace| trace.id.clone());
        let calls = store
            .observations_without_trace()
            .iter()
            .filter(|call| call.status.is_ended())
            .map(|call| call.id.clone());
        let marked: Vec<String> = traces.chain(calls).collect();
        self.exported.extend(marked);
    }

    #[wasm_bindgen(js_name = traceCount)]
    pub fn trace_count(&self) -> usize {
        self.recorder.store().trace_count()
    }

    #[wasm_bindgen(js_name = observationCount)]
    pub fn observation_count(&self) -> usize {
        self.recorder.store().observation_count()
    }

    pub fn clear(&mut self) {
        self.recorder.store_mut().clear();
        self.exported.clear();
    }

    fn apply(&mut self, batch: Batch, problems: &mut Problems) {
        for raw in batch.traces {
            let Some(start) = convert::call(&raw, problems) else {
                continue;
            };
            let trace = convert::trace(start, problems);
            if let Err(violation) = self.recorder.start_trace(trace) {
                problems.push(violation.to_string());
            }
        }
        for raw in batch.observations {
            let Some(start) = convert::call(&raw, problems) else {
                continue;
            };
            let observation = convert::observation(start, problems);
            if let Err(violation) = self.recorder.start_observation(observation) {
                problems.push(violation.to_string());
            }
        }
        for raw in batch.ends {
            let Some(call) = convert::call(&raw, problems) else {
                continue;
            };
            let (id, is_trace, end) = convert::end(call, problems);
            let result = if is_trace {
                self.recorder.end_trace(&id, end)
            } else {
                self.recorder.end_observation(&id, end)
            };
            if let Err(violation) = result {
                problems.push(violation.to_string());
            }
        }
    }
}

impl Default for Core {
    fn default() -> Self {
        Core::new()
    }
}

/// Renders a prompt template (`{{name}}`) with variables given as JSON.
#[wasm_bindgen(js_name = renderTemplate)]
pub fn render_template(text: &str, variables: &str) -> String {
    let variables = match serde_json::from_str(variables) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    template::render(text, &variables)
}
