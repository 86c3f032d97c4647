//! The wasm binding of the `prompttrace` npm package: a thin layer over the
//! core crate. It holds a `Recorder`, a price table and an exporter's
//! `Outbox`, takes batches of recording calls from the JS side (see
//! `convert.rs`), and hands back the core's files as strings. Every rule
//! lives in core; this crate converts and calls.
//!
//! Built without features, it is the record-only wasm a browser app starts
//! on (recording, `track`, writing the native files and storage's
//! records); the `full` feature adds what loads on first use (`full.rs`:
//! every reader, stored records included, and the summary), and `cli` the
//! bin's commands.

/// The wasm heap grows in large steps (`prompttrace-heap`: std's grows by
/// each allocation's need, and every grow costs V8 a GC).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: prompttrace_heap::Heap = prompttrace_heap::Heap::new();

#[cfg(feature = "cli")]
mod commands;
mod convert;
#[cfg(feature = "full")]
mod full;
mod left;
mod storage;

use prompttrace::format::{jsonl, native};
use prompttrace::outbox::Outbox;
use prompttrace::record::openai;
use prompttrace::record::Recorder;
use prompttrace::{ManualClock, Price, PriceTable, SeededIds};
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

use convert::wire::{Call, Calls};
use convert::{js_error, Change, Problems};

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
    /// What an OTLP exporter has been handed; made by `watchOtlp`.
    outbox: Option<Outbox>,
    /// The traces that left memory, for a move to another core.
    left: left::Left,
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
            outbox: None,
            left: left::Left::default(),
        }
    }

    /// Applies a batch of recording calls (`convert/wire.rs`: every text
    /// field in `text`, and every payload in the JSON array `payloads`, as
    /// UTF-8; the rest in `nums`). Returns the broken rules and conversion
    /// problems as a JSON array of messages (`[]` when none); it never
    /// throws.
    pub fn ingest(&mut self, text: &[u8], payloads: &[u8], nums: &[f64]) -> String {
        let mut problems: Problems = Vec::new();
        // The JS side's `TextEncoder` writes nothing but UTF-8 (the lossy
        // read is for a bug only: it is slower on every batch).
        let utf8 = |bytes| {
            std::str::from_utf8(bytes)
                .map(std::borrow::Cow::Borrowed)
                .unwrap_or_else(|_| String::from_utf8_lossy(bytes))
        };
        let (text, payloads) = (utf8(text), utf8(payloads));
        let mut calls = Calls::new(&text, &payloads, nums);
        while let Some(call) = calls.next(&mut problems) {
            match call {
                Ok(call) => self.apply(call, &mut problems),
                Err(message) => problems.push(message),
            }
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

    /// Renders a tracked call's prompt and records its generation (the
    /// JSON of track.mts's `TrackStart`). Returns `[prompt, problems]`.
    #[wasm_bindgen(js_name = trackStart)]
    pub fn track_start(&mut self, call: &str) -> String {
        let mut problems: Problems = Vec::new();
        let mut prompt = String::new();
        if let Some((rendered, generation)) = convert::track_start(call, &mut problems) {
            prompt = rendered;
            if let Err(violation) = self.recorder.start_observation(generation) {
                problems.push(violation.to_string());
            }
        }
        serde_json::to_string(&(prompt, problems)).unwrap_or_default()
    }

    /// Ends a tracked call's generation with what the function returned or
    /// its error (the JSON of track.mts's `TrackEnd`). Returns `[text,
    /// problems]`: the response's text as the app gets it back.
    #[wasm_bindgen(js_name = trackEnd)]
    pub fn track_end(&mut self, call: &str) -> String {
        let mut problems: Problems = Vec::new();
        let mut text = String::new();
        if let Some((id, at, end, response)) = convert::track_end(call, &mut problems) {
            text = response;
            if let Err(violation) = self.recorder.end_observation_at(&id, at, end) {
                problems.push(violation.to_string());
            }
        }
        serde_json::to_string(&(text, problems)).unwrap_or_default()
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
        self.left = left::Left::default();
        if let Some(outbox) = &mut self.outbox {
            outbox.reset();
        }
    }

    fn apply(&mut self, call: Call, problems: &mut Problems) {
        let result = match call {
            Call::Trace(start) => {
                let trace = convert::trace(start, problems);
                self.recorder.start_trace(trace)
            }
            Call::Observation(start) => {
                let observation = convert::observation(start, problems);
                self.recorder.start_observation(observation)
            }
            Call::Change(call) => match convert::change(call, problems) {
                Change::EndTrace(id, at, end) => self.recorder.end_trace_at(&id, at, end),
                Change::EndObservation(id, at, end) => {
                    self.recorder.end_observation_at(&id, at, end)
                }
                Change::UpdateTrace(id, update) => self.recorder.update_trace(&id, update),
                Change::UpdateObservation(id, update) => {
                    self.recorder.update_observation(&id, update)
                }
                Change::FinishOpenAi(id, finish) => {
                    let broken = openai::finish(&mut self.recorder, &id, finish);
                    problems.extend(broken.iter().map(ToString::to_string));
                    Ok(())
                }
            },
        };
        if let Err(violation) = result {
            problems.push(violation.to_string());
        }
    }
}

impl Default for Core {
    fn default() -> Self {
        Core::new()
    }
}
