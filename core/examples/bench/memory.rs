//! Bytes per stored observation, natively: live heap bytes, counted by a
//! global allocator that wraps the system one, so the figure is the store's
//! own (not what the process keeps from earlier steps, as resident memory
//! would be). The npm package's benchmark prints the same in wasm
//! (js/bench/memory.mjs) for the same shape of data.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use prompttrace::model::{Observation, ObservationType, Trace};
use prompttrace::record::End;
use prompttrace::{Json, Store, Timestamp};

/// Bytes allocated and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);

pub struct Counting;

// SAFETY: every call is passed to `System` unchanged; only a counter is kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Live heap bytes now.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The npm benchmark's data (js/bench/memory.mjs): 1,000 traces of 1,000
/// spans, each started with a small input and ended with a small output.
pub fn small_spans_figure() {
    const TRACES: usize = 1000;
    const SPANS: usize = 1000;
    let input = Json::parse(r#"{"question":"How do I rotate an API key?","k":3}"#).expect("JSON");
    let output = Json::parse(r#"{"answer":"Open Settings, then API keys.","sources":["doc-12"]}"#)
        .expect("JSON");
    let before = live();
    let mut store = Store::new();
    let at = Timestamp::from_unix_nanos(1_714_564_800_000_000_000);
    for t in 0..TRACES {
        let trace_id = format!("{t:032x}");
        let mut trace = Trace::new(trace_id.clone(), "bench", at);
        trace.input = Some(input.clone());
        store.add_trace(trace).expect("valid");
        for s in 0..SPANS {
            let id = format!("{:016x}", t * SPANS + s);
            let mut span = Observation::new(id.clone(), ObservationType::Span, "step", at);
            span.trace_id = Some(trace_id.clone());
            span.input = Some(input.clone());
            store.add_observation(span).expect("valid");
            let mut end = End::completed();
            end.output = Some(output.clone());
            store.end_observation(&id, at, end).expect("valid");
        }
        let mut end = End::completed();
        end.output = Some(output.clone());
        store.end_trace(&trace_id, at, end).expect("valid");
    }
    let observations = store.observation_count();
    let bytes = live() - before;
    println!(
        "memory per stored observation, natively ({observations} spans with a small input and output, in {TRACES} traces, as the npm benchmark records them): {} B of live heap",
        bytes / observations
    );
    drop(store);
}
