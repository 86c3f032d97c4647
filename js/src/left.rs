//! The traces that left memory (`maxTracesInMemory`), noted as the binding
//! evicts them, so that a browser tracer moving to the full core (npm's
//! `tracer-core.mts`) carries them over: a late record for one of them is
//! still refused as having left memory, not taken as a trace never seen.
//! Core keeps the rule (`Store::has_left`, the last `LEFT_KEPT` ids); it has
//! no reader of its list, so this keeps the ids it may hold.

use std::collections::VecDeque;

#[cfg(feature = "full")]
use prompttrace::{model::Trace, Timestamp};
use prompttrace::{store::LEFT_KEPT, Store};
use wasm_bindgen::prelude::*;

use crate::Core;

/// Ids of the traces this binding evicted, oldest first; at most
/// `LEFT_KEPT` (core remembers no more).
#[derive(Default)]
pub(crate) struct Left(VecDeque<String>);

impl Left {
    /// The ids of the traces in `store`, taken before an eviction that
    /// may remove some (none when nothing is over `keep`). Only the
    /// record-only core keeps the list: the full core is never moved from
    /// (Node runs on it from the start), so its evictions, on every
    /// applied batch with file storage, copy no ids.
    pub(crate) fn before_evict(store: &Store, keep: usize) -> Vec<String> {
        if cfg!(feature = "full") || store.trace_count() <= keep {
            return Vec::new();
        }
        store
            .traces()
            .map(|entry| entry.trace().id.clone())
            .collect()
    }

    /// Notes the traces of `before` that left `store`.
    pub(crate) fn note_evicted(&mut self, store: &Store, before: Vec<String>) {
        for id in before {
            if store.trace(&id).is_none() {
                self.note(store, id);
            }
        }
    }

    fn note(&mut self, store: &Store, id: String) {
        if !store.has_left(&id) {
            return;
        }
        self.0.push_back(id);
        if self.0.len() > LEFT_KEPT {
            self.0.pop_front();
        }
    }
}

#[wasm_bindgen]
impl Core {
    /// The traces that left memory and have not come back, oldest first.
    #[wasm_bindgen(js_name = leftTraces)]
    pub fn left_traces(&self) -> Vec<String> {
        let store = self.recorder.store();
        let left = self.left.0.iter().filter(|id| store.has_left(id));
        left.cloned().collect()
    }
}

/// Only the full core takes another core's list (a tracer moves to it).
#[cfg(feature = "full")]
#[wasm_bindgen]
impl Core {
    /// Notes `ids` (another core's `leftTraces`) as traces that left
    /// memory; one held in memory here is kept. Core notes a trace as left
    /// only as it evicts it: each is put as a stub and evicted at once.
    /// The stubs count as written: call before `markSaved`.
    #[wasm_bindgen(js_name = noteLeft)]
    pub fn note_left(&mut self, ids: Vec<String>) {
        let store = self.recorder.store_mut();
        for id in ids {
            if store.trace(&id).is_some() {
                continue;
            }
            let stub = Trace::new(id.as_str(), "left memory", Timestamp::from_unix_nanos(0));
            if store.add_trace(stub).is_ok() && store.evict_trace(&id) {
                self.left.note(store, id);
            }
        }
    }
}
