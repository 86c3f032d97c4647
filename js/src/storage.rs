//! What the npm package's browser storage asks of the core: the records
//! written since the last save (IndexedDB and localStorage rewrite the
//! traces they touched), their index rows, and what may leave memory
//! (file storage's lines and the summary over a stored file are
//! `full.rs`'s: Node's).
//! Conversion only: the change feed, the merge and the memory bound are
//! core's (`store::Changes`, `rules::merge`, `retention`).

use prompttrace::format::jsonl;
use prompttrace::retention;
use prompttrace::rollup::IndexRow;
use wasm_bindgen::prelude::*;

use crate::left::Left;
use crate::Core;

#[wasm_bindgen]
impl Core {
    /// Starts noting which records are written: storage keeps a copy of
    /// each from now on.
    #[wasm_bindgen(js_name = watchChanges)]
    pub fn watch_changes(&mut self) {
        self.recorder.store_mut().watch_changes();
    }

    /// Everything written so far counts as saved (it was just read from
    /// the storage).
    #[wasm_bindgen(js_name = markSaved)]
    pub fn mark_saved(&mut self) {
        self.recorder.store_mut().take_changes();
    }

    /// The traces that the writes since the last take touched, by id; `""`
    /// stands for the LLM calls without trace (the key storage layout v2
    /// keeps them under).
    #[wasm_bindgen(js_name = takeTouchedTraces)]
    pub fn take_touched_traces(&mut self) -> Vec<String> {
        let store = self.recorder.store_mut();
        let (traces, calls) = store.take_changes().touched(store);
        let calls = calls.then(String::new);
        calls.into_iter().chain(traces).collect()
    }

    /// The records written since the last take, grouped by trace, as a flat
    /// list `[id, text, id, text, …]` (pairs flattened: strings cross to JS
    /// without a conversion layer), each text a JSON Lines file of that trace's changed
    /// records only (`""` for the LLM calls without trace). Storage merges
    /// each over its stored record, so what this tracer did not change
    /// stays as another tab last stored it (core's `jsonl::write_changes`).
    #[wasm_bindgen(js_name = takeChangedTraces)]
    pub fn take_changed_traces(&mut self) -> Vec<String> {
        let store = self.recorder.store_mut();
        let changes = store.take_changes();
        jsonl::write_changes(store, &changes)
            .into_iter()
            .flat_map(|(id, text)| [id, text])
            .collect()
    }

    /// What `takeChangedTraces` would return, without emptying the feed (a
    /// move to the full core copies it, and the feed stays as it was if
    /// the move fails).
    #[wasm_bindgen(js_name = peekChangedTraces)]
    pub fn peek_changed_traces(&self) -> Vec<String> {
        let store = self.recorder.store();
        let Some(changes) = store.pending_changes() else {
            return Vec::new();
        };
        jsonl::write_changes(store, changes)
            .into_iter()
            .flat_map(|(id, text)| [id, text])
            .collect()
    }

    /// One trace's records as a JSON Lines file of its own (storage layout
    /// v2's record); `""` for the LLM calls without trace. `undefined` when
    /// there is no such trace.
    #[wasm_bindgen(js_name = traceLines)]
    pub fn trace_lines(&self, id: &str) -> Option<String> {
        jsonl::write_trace(self.recorder.store(), id)
    }

    /// One trace's summary row (storage layout v2's `index` row), as JSON
    /// with `null` for what is missing; `undefined` when there is no such
    /// trace. JSON, not a JS object: serde-wasm-bindgen's serializer was
    /// ~3 KB of the gzipped record-only wasm, which writes JSON anyway.
    #[wasm_bindgen(js_name = indexRow)]
    pub fn index_row(&self, id: &str) -> Option<String> {
        let store = self.recorder.store();
        let entry = store.trace(id)?;
        serde_json::to_string(&IndexRow::of(store, entry, &self.prices)).ok()
    }

    /// Removes from memory what may leave it beyond `keep` traces (core's
    /// `retention` rule: settled, saved, and sent while an exporter runs);
    /// returns how many traces and calls left.
    pub fn evict(&mut self, keep: f64) -> usize {
        let keep = if keep.is_finite() {
            keep.max(0.0) as usize
        } else {
            usize::MAX
        };
        let store = self.recorder.store_mut();
        // An outbox whose exporters all shut down sends nothing more: it
        // holds nothing back.
        let outbox = self.outbox.as_mut().filter(|_| store.watches_endings());
        let before = Left::before_evict(store, keep);
        let evicted = retention::evict(store, keep, outbox);
        self.left.note_evicted(store, before);
        evicted.traces + evicted.calls
    }
}
